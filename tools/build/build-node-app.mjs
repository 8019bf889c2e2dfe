#!/usr/bin/env node
// Bundles a Node application of the workspace (NestJS API, simulator, tools) with esbuild.
// esbuild cannot emit decorator metadata, which Nest's dependency injection needs, so our own
// TypeScript files go through `ts.transpileModule` first; npm packages stay external.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

const [, , outdir, ...entries] = process.argv;
if (!outdir || entries.length === 0) {
  console.error('usage: build-node-app.mjs <outdir> <entry.ts>...');
  process.exit(2);
}

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
  importHelpers: false,
};

const decoratorMetadata = {
  name: 'typescript-decorator-metadata',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) {
        return undefined;
      }
      const source = await readFile(args.path, 'utf8');
      const output = ts.transpileModule(source, { compilerOptions, fileName: args.path });
      return { contents: output.outputText, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

const started = Date.now();
await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  keepNames: true,
  plugins: [decoratorMetadata],
});
console.log(`built ${entries.join(', ')} → ${outdir} in ${Date.now() - started} ms`);
