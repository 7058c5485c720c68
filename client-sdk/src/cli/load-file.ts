/**
 * Loading a user's flow file. A `.ts` file is compiled with the TypeScript compiler (a full program,
 * so decorator metadata is exact — esbuild/tsx drop it) using the nearest tsconfig.json with the
 * decorator options forced on; the output is served from memory through a require hook, so imports
 * resolve from the file's own folder (its node_modules). A `.js` file is simply required.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import ts from 'typescript';

export class FlowFileError extends Error {}

function compilerOptions(file: string): ts.CompilerOptions {
  const configPath = ts.findConfigFile(dirname(file), ts.sys.fileExists);
  let options: ts.CompilerOptions = {
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

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  });
}

/** Compiles and loads `path`; returns the absolute paths of the user files that were loaded. */
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
  const program = ts.createProgram([file], compilerOptions(file));
  const diagnostics = [
    ...program.getSyntacticDiagnostics(),
    ...(options.typeCheck === false ? [] : program.getSemanticDiagnostics()),
  ];
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
