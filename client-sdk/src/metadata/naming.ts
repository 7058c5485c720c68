/** Names and keys derived from code: kebab-cased names, source hashes, definition sites. */
import { createHash } from 'node:crypto';
import { join, resolve, sep } from 'node:path';

/** "EtlFlows" → "etl-flows", "loadToWarehouse" → "load-to-warehouse". */
export function kebab(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[\s_]+/g, '-')
    .toLowerCase();
}

export function sourceHash(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 12);
}

/**
 * The SDK's own code, compiled and (when source maps are enabled, as the CLI and mocha do) as the
 * `src/*.ts` files the stack frames are mapped back to.
 */
const SDK_DIRS = [join(__dirname, '..'), join(__dirname, '..', '..', 'src')].map((dir) => `${resolve(dir)}${sep}`);

/** The first stack frame outside the SDK: where the user declared a flow or task ("file:line"). */
export function definitionSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const line of stack) {
    const match = /\(?([^()\s]+):(\d+):\d+\)?$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!;
    if (SDK_DIRS.some((dir) => file.startsWith(dir))) continue;
    if (file.startsWith('node:') || file.includes('node_modules/reflect-metadata')) continue;
    return `${file}:${match[2]}`;
  }
  return 'unknown location';
}

/** Parameter names of a function, read from its source (destructured parameters become `argN`). */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const source = Function.prototype.toString.call(fn);
  const open = source.indexOf('(');
  if (open < 0) {
    const arrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
    return arrow ? [arrow[1]!] : [];
  }
  let depth = 0;
  let close = open;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (depth === 0) {
      close = i;
      break;
    }
  }
  const list = source.slice(open + 1, close);
  const parts: string[] = [];
  let current = '';
  depth = 0;
  for (const c of list) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  if (current.trim()) parts.push(current);
  return parts.map((part, i) => {
    const name = /^\s*(?:\.\.\.)?\s*([A-Za-z_$][\w$]*)/.exec(part.replace(/\/\*.*?\*\//g, ''));
    return name ? name[1]! : `arg${i}`;
  });
}

/** Names of the parameters that have a default value in the function's source. */
export function parametersWithDefaults(fn: (...args: never[]) => unknown): Set<string> {
  const source = Function.prototype.toString.call(fn);
  const open = source.indexOf('(');
  const out = new Set<string>();
  if (open < 0) return out;
  let depth = 0;
  let current = '';
  const parts: string[] = [];
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i]!;
    if (depth === 0 && c === ')') {
      parts.push(current);
      break;
    }
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  for (const part of parts) {
    const match = /^\s*([A-Za-z_$][\w$]*)\s*=/.exec(part);
    if (match) out.add(match[1]!);
  }
  return out;
}
