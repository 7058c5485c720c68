/**
 * An ETL flow with retries and caching.
 *
 *   npx rigel run examples/etl.ts --param day=2026-11-24
 *
 * `extract` calls a flaky "orders API" (it fails on the first try of every run) and retries;
 * `transform` is cached by its inputs for an hour, so re-running the same day reuses it (state Cached);
 * `load` writes a small report under the system's temporary folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flow, getRunLogger, INPUTS, Task } from '@rigel/sdk';

export interface Order {
  id: number;
  country: string;
  amount: number;
}

export interface Report {
  day: string;
  orders: number;
  revenueByCountry: Record<string, number>;
}

const COUNTRIES = ['DE', 'FR', 'NL', 'SE', 'US'];

export class OrdersEtl {
  private attempts = 0;

  /** A stand-in for an HTTP API that times out now and then. */
  @Task({ retries: 3, retryDelaySeconds: [0.2, 1, 5], retryJitterFactor: 0.5, timeoutSeconds: 30 })
  async extract(day: string): Promise<Order[]> {
    this.attempts++;
    if (this.attempts === 1) throw new Error(`orders API timed out for ${day}`);
    const seed = [...day].reduce((sum, c) => sum + c.charCodeAt(0), 0);
    return Array.from({ length: 50 }, (_, i) => ({
      id: seed * 100 + i,
      country: COUNTRIES[(seed + i) % COUNTRIES.length]!,
      amount: Math.round(((seed * (i + 7)) % 997) * 1.37) / 10,
    }));
  }

  @Task({ cachePolicy: INPUTS, cacheExpiration: 3600 })
  async transform(day: string, orders: Order[]): Promise<Report> {
    const revenueByCountry: Record<string, number> = {};
    for (const order of orders) {
      revenueByCountry[order.country] = Math.round(((revenueByCountry[order.country] ?? 0) + order.amount) * 100) / 100;
    }
    return { day, orders: orders.length, revenueByCountry };
  }

  @Task({ retries: 1 })
  async load(report: Report): Promise<string> {
    const dir = join(tmpdir(), 'rigel-examples');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `orders-${report.day}.json`);
    await writeFile(file, JSON.stringify(report, null, 2));
    getRunLogger().info(`wrote ${file}`);
    return file;
  }

  @Flow({
    name: 'orders-etl',
    description: 'Daily revenue per country',
    retries: 1,
    retryDelaySeconds: 5,
    // A function, not 'orders-{day}': the default below is evaluated inside the call, after naming.
    flowRunName: (p) => `orders-${String(p.day ?? today())}`,
  })
  async run(day: string = today()): Promise<Report> {
    const orders = await this.extract(day);
    const report = await this.transform(day, orders);
    await this.load(report);
    return report;
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

if (require.main === module) {
  new OrdersEtl()
    .run(process.argv[2])
    .then((report) => console.log(report))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
