/**
 * Loading a user's flow file. A `.ts` file is compiled with the TypeScript compiler (a full program,
 * so decorator metadata is exact — esbuild/tsx drop it) using the nearest tsconfig.json with the
 * decorator options forced on; the output is served from memory through a require hook, so imports
 * resolve from the file's own folder (its node_modules). A `.js` file is simply required.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import type * as TypeScript from 'typescript';

/** The compiler, loaded on first use: importing the SDK (or running a .js file) does not pay for it. */
function typescript(): typeof TypeScript {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('typescript') as typeof TypeScript;
}

export class FlowFileError extends Error {}

function compilerOptions(file: string): TypeScript.CompilerOptions {
  const ts = typescript();
  const configPath = ts.findConfigFile(dirname(file), ts.sys.fileExists);
  let options: TypeScript.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
  };
  if (configPath) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (!read.error) options = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath)).options;
  }
  return {
    ...options,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    useDefineForClassFields: false,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    noEmit: false,
    noEmitOnError: false,
    declaration: false,
    declarationMap: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    outDir: undefined,
    rootDir: undefined,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: false,
    skipLibCheck: true,
  };
}

function formatDiagnostics(diagnostics: readonly TypeScript.Diagnostic[]): string {
  const ts = typescript();
  return ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  });
}

interface CompiledCache {
  version: string;
  /** Every source file of the program with its size and modification time when it was compiled. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

const CACHE_DIR = join(tmpdir(), 'rigel-run-cache');

function stamp(file: string): string | null {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return null;
  }
}

function cachePath(file: string): string {
  const ts = typescript();
  return join(CACHE_DIR, `${createHash('sha256').update(`${ts.version}\0${file}`).digest('hex').slice(0, 24)}.json`);
}

/** The compiled output of a previous run, when no input file changed since. */
function readCache(file: string): Map<string, string> | null {
  const ts = typescript();
  try {
    const cache = JSON.parse(readFileSync(cachePath(file), 'utf8')) as CompiledCache;
    if (cache.version !== ts.version) return null;
    for (const [input, seen] of Object.entries(cache.inputs)) if (stamp(input) !== seen) return null;
    return new Map(Object.entries(cache.outputs));
  } catch {
    return null;
  }
}

function writeCache(file: string, program: TypeScript.Program, outputs: Map<string, string>): void {
  const ts = typescript();
  try {
    const inputs: Record<string, string> = {};
    for (const source of program.getSourceFiles()) {
      const s = stamp(source.fileName);
      if (s) inputs[resolve(source.fileName)] = s;
    }
    const config = ts.findConfigFile(dirname(file), ts.sys.fileExists);
    if (config) inputs[resolve(config)] = stamp(config) ?? '';
    mkdirSync(CACHE_DIR, { recursive: true });
    const cache: CompiledCache = { version: ts.version, inputs, outputs: Object.fromEntries(outputs) };
    writeFileSync(cachePath(file), JSON.stringify(cache));
  } catch {
    // A cache that cannot be written only costs the next run a compile.
  }
}

function compile(file: string, path: string, typeCheck: boolean): Map<string, string> {
  const ts = typescript();
  const cached = typeCheck ? readCache(file) : null;
  if (cached) return cached;
  const program = ts.createProgram([file], compilerOptions(file));
  const diagnostics = [...program.getSyntacticDiagnostics(), ...(typeCheck ? program.getSemanticDiagnostics() : [])];
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new FlowFileError(
      `${path} does not compile:\n${formatDiagnostics(errors)}\n(use --no-type-check to run anyway)`,
    );
  }
  const emitted = new Map<string, string>();
  program.emit(undefined, (outputName, text) => {
    if (outputName.endsWith('.js')) emitted.set(resolve(outputName.replace(/\.js$/, '.ts')), text);
    if (outputName.endsWith('.jsx')) emitted.set(resolve(outputName.replace(/\.jsx$/, '.tsx')), text);
  });
  if (typeCheck) writeCache(file, program, emitted);
  return emitted;
}

/**
 * Compiles and loads `path`; returns the absolute paths of the user files that were loaded. The
 * output is cached (in the system's temporary folder) until one of the program's files changes.
 */
export function loadFlowFile(path: string, options: { typeCheck?: boolean } = {}): string[] {
  const file = resolve(path);
  if (!existsSync(file)) throw new FlowFileError(`No such file: ${path}`);
  const ext = extname(file);
  if (['.js', '.cjs', '.mjs'].includes(ext)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file);
    return [file];
  }
  if (!['.ts', '.tsx', '.mts', '.cts'].includes(ext)) throw new FlowFileError(`${path}: expected a .ts or .js file`);
  const emitted = compile(file, path, options.typeCheck !== false);
  const extensions = require.extensions as NodeJS.RequireExtensions;
  const previous = extensions['.ts'];
  extensions['.ts'] = (module, filename) => {
    const code = emitted.get(filename);
    if (code === undefined) {
      if (previous) return previous(module, filename);
      throw new FlowFileError(`${filename} was not part of the compiled program`);
    }
    (module as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
  };
  process.setSourceMapsEnabled?.(true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(file);
  return [...emitted.keys()];
}
