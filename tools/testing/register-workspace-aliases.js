// Resolves the workspace aliases (`@cd31/domain`, …) for code Jest runs outside its module
// registry — global setup and teardown — where `moduleNameMapper` does not apply.
const Module = require('node:module');
const path = require('node:path');
const { compilerOptions } = require('../../tsconfig.base.json');

const workspaceRoot = path.resolve(__dirname, '../..');
const aliases = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    alias,
    path.join(workspaceRoot, target),
  ]),
);

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, ...rest) {
  const target = aliases[request];
  return originalResolve.call(this, target ?? request, ...rest);
};
