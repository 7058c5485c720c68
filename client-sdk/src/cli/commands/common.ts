/** What every CLI command shares: reaching the API, mapping errors to exit codes, parameters. */
import { loadSettings, ObjectNotFoundError, RigelError, type Settings } from '@rigel/server/contract';
import { ApiUnreachableError } from '../../errors';
import { adminApi, type AdminApi } from '../admin';
import { FlowFileError } from '../load-file';
import { EXIT } from '../output';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILED,
  ) {
    super(message);
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof FlowFileError) return EXIT.USAGE;
  if (error instanceof ObjectNotFoundError) return EXIT.NOT_FOUND;
  if (error instanceof RigelError && error.code === 'VALIDATION_FAILED') return EXIT.USAGE;
  if (error instanceof ApiUnreachableError) return EXIT.UNREACHABLE;
  return EXIT.FAILED;
}

/** Runs `fn` with an API connection and sets the exit code from its outcome. */
export async function withApi(fn: (api: AdminApi, settings: Settings) => Promise<number | void>): Promise<void> {
  const settings = loadSettings();
  let api: AdminApi | null = null;
  try {
    api = await adminApi(settings);
    process.exitCode = (await fn(api, settings)) ?? EXIT.OK;
  } catch (error) {
    const details =
      error instanceof RigelError && error.details?.length
        ? `\n${error.details.map((d) => `  ${d.field}: ${d.message}`).join('\n')}`
        : '';
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}${details}\n`);
    process.exitCode = exitCodeOf(error);
  } finally {
    await api?.close();
  }
}

export function collect(value: string, all: string[]): string[] {
  return [...all, value];
}

/** `key=value` pairs; values are parsed as JSON when they are valid JSON. */
export function keyValues(pairs: string[], what = '--param'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`${what} expects key=value, got "${pair}"`, EXIT.USAGE);
    const raw = pair.slice(eq + 1);
    try {
      out[pair.slice(0, eq)] = JSON.parse(raw);
    } catch {
      out[pair.slice(0, eq)] = raw;
    }
  }
  return out;
}

/** "flow-name/deployment-name" → its parts. */
export function deploymentRef(ref: string): { flowName: string; deploymentName: string } {
  const slash = ref.lastIndexOf('/');
  if (slash <= 0 || slash === ref.length - 1)
    throw new CliError(`expected <flow-name>/<deployment-name>, got "${ref}"`, EXIT.USAGE);
  return { flowName: ref.slice(0, slash), deploymentName: ref.slice(slash + 1) };
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`expected a whole number, got "${value}"`, EXIT.USAGE);
  return n;
}
