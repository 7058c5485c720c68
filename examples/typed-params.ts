/**
 * A flow with typed DTO parameters, validated with class-validator before the body runs.
 *
 *   npx rigel run examples/typed-params.ts --param 'request={"from":"2026-11-01","to":"2026-11-24","format":"csv","topN":5}'
 *   npx rigel run examples/typed-params.ts --param 'request={"from":"yesterday","format":"xml","topN":500}'
 *     → the run ends Failed before it starts, naming request.from, request.format and request.topN
 */
import 'reflect-metadata';
import { IsDateString, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Flow, Task } from '@rigel/sdk';

export class ReportRequest {
  @IsDateString()
  from!: string;

  @IsOptional()
  @IsDateString()
  to?: string;

  @IsIn(['csv', 'json'])
  format!: 'csv' | 'json';

  @IsInt()
  @Min(1)
  @Max(100)
  topN!: number;
}

export class SalesReports {
  @Task()
  async topProducts(from: string, to: string, topN: number): Promise<{ sku: string; units: number }[]> {
    const days = Math.max(1, (Date.parse(to) - Date.parse(from)) / 86_400_000);
    return Array.from({ length: topN }, (_, i) => ({
      sku: `SKU-${1000 + i}`,
      units: Math.round((topN - i) * days * 3),
    }));
  }

  @Task()
  async render(rows: { sku: string; units: number }[], format: 'csv' | 'json'): Promise<string> {
    return format === 'json'
      ? JSON.stringify(rows)
      : ['sku,units', ...rows.map((r) => `${r.sku},${r.units}`)].join('\n');
  }

  @Flow({ name: 'sales-report' })
  async report(request: ReportRequest): Promise<string> {
    const to = request.to ?? new Date().toISOString().slice(0, 10);
    const rows = await this.topProducts(request.from, to, request.topN);
    return this.render(rows, request.format);
  }
}

if (require.main === module) {
  new SalesReports()
    .report({ from: '2026-11-01', to: '2026-11-24', format: 'csv', topN: 5 })
    .then((text) => console.log(text))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
