/** Printing for the CLI: aligned tables for people, JSON for scripts, colours only on a terminal. */
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;

const STATE_COLOURS: Record<string, string> = {
  COMPLETED: '32',
  RUNNING: '34',
  PENDING: '37',
  SCHEDULED: '33',
  FAILED: '31',
  CRASHED: '35',
  CANCELLED: '90',
  CANCELLING: '90',
  PAUSED: '36',
};

export function colour(code: string, text: string): string {
  return useColour ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export function stateLabel(type: string | null | undefined, name: string | null | undefined): string {
  if (!type) return '-';
  return colour(STATE_COLOURS[type] ?? '0', name ?? type);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').replace(ANSI, '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - c.replace(ANSI, '').length)))
      .join('  ');
  return [colour('1', line(headers)), ...rows.map(line)].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function ago(iso: string | null | undefined): string {
  if (!iso) return '-';
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  const abs = Math.abs(seconds);
  const unit =
    abs < 60
      ? `${abs}s`
      : abs < 3600
        ? `${Math.round(abs / 60)}m`
        : abs < 86400
          ? `${Math.round(abs / 3600)}h`
          : `${Math.round(abs / 86400)}d`;
  return seconds >= 0 ? `${unit} ago` : `in ${unit}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '-';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}

/** Exit codes scripts can rely on. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, NOT_FOUND: 4, UNREACHABLE: 5 } as const;
