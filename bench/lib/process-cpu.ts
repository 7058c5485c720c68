/**
 * CPU time of the PostgreSQL server's processes (Linux /proc), to tell where a transition's CPU goes
 * when the database runs on the same machine: the bench client, the Rigel server, the database.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * User + system CPU of each process named `postgres` among `pids`, in microseconds (a pid that has
 * ended or is not PostgreSQL's is left out); null where /proc cannot tell (not Linux).
 */
export function postgresCpuByPid(pids: readonly number[]): Map<number, number> | null {
  try {
    readdirSync('/proc/self');
  } catch {
    return null;
  }
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    // pid (comm) state ppid …: comm may contain spaces, so fields are counted after the last ')'.
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const fields = stat.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    cpu.set(pid, (ticks / clockTicks()) * 1e6);
  }
  return cpu;
}
