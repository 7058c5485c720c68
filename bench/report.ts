/** The readable table of a benchmark run. */
import type { Hardware } from './lib/hardware';
import type { S4DialectReport } from './s4';

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatS4(reports: S4DialectReport[], hardware: Hardware, repeats: number): string {
  const header = [
    'db',
    'part',
    'trans/s',
    'p50 ms',
    'p99 ms',
    'ACC/REJ/ABO',
    'req/tr',
    'rows/tr',
    'cpu ms/tr',
    'client cpu',
    'db cpu',
    'RSS MB',
    'srv loop p99/max',
    'srv GC max',
    'client loop p99',
    'check',
    'target',
  ];
  const rows: string[][] = [];
  for (const report of reports) {
    for (const part of report.parts) {
      const m = part.median;
      const target = part.target ? `${part.meetsTarget ? 'met' : 'MISSED'} (${part.target})` : '';
      rows.push([
        report.dialect,
        part.part,
        fixed(m.transitionsPerSecond, 0),
        fixed(m.latencyMs.p50, 2),
        fixed(m.latencyMs.p99, 2),
        `${m.statuses.ACCEPT}/${m.statuses.REJECT}/${m.statuses.ABORT}`,
        fixed(m.requestsPerTransition, 2),
        fixed(m.rowsPerTransition, 2),
        fixed(m.serverCpuMsPerTransition, 3),
        fixed(m.clientCpuMsPerTransition, 3),
        fixed(m.dbCpuMsPerTransition, 3),
        fixed(m.peakRssMb, 0),
        `${fixed(m.serverPauses.loopP99Ms, 1)}/${fixed(m.serverPauses.loopMaxMs, 1)}`,
        fixed(m.serverPauses.gcMaxMs, 1),
        fixed(m.clientPauses.loopP99Ms, 1),
        part.correct ? 'ok' : 'FAILED',
        target,
      ]);
    }
  }
  const parts = new Map(reports.flatMap((r) => r.parts.map((p) => [p.part, p.description] as const)));
  const durability = reports.map(
    (r) =>
      `  ${r.dialect}: ${Object.entries(r.durability)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
  );
  return [
    `S4 set-state throughput — medians of ${repeats} repeat(s)`,
    `hardware: ${hardware.nproc} cores (${hardware.cpuModel}), ${hardware.memTotalGb} GB RAM, load ${hardware.loadAverage.join(' ')}, node ${hardware.node}`,
    'durability:',
    ...durability,
    '',
    table(header, rows),
    '',
    ...[...parts].map(([part, description]) => `  ${part}: ${description}`),
  ].join('\n');
}
