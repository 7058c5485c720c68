/** What the numbers were measured on: they mean little without it (performance.md). */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem, freemem, platform, release } from 'node:os';

export interface Hardware {
  nproc: number;
  cpuModel: string;
  memTotalGb: number;
  memFreeGb: number;
  loadAverage: number[];
  os: string;
  node: string;
  freeG?: string;
}

export function describeHardware(): Hardware {
  let freeG: string | undefined;
  try {
    freeG = execFileSync('free', ['-g'], { encoding: 'utf8' }).trim();
  } catch {
    // not on Linux
  }
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memTotalGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    memFreeGb: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${platform()} ${release()}`,
    node: process.version,
    freeG,
  };
}
