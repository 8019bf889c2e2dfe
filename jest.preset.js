// Shared Jest settings: ts-jest in transpile-only mode (type checking is the `typecheck` target's
// job) and the workspace path aliases from tsconfig.base.json.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

const workspaceRoot = __dirname;
const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, {
  prefix: `${workspaceRoot}/`,
});

const tsJestNode = [
  'ts-jest',
  {
    tsconfig: {
      module: 'commonjs',
      moduleResolution: 'node10',
      target: 'es2022',
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      isolatedModules: true,
      sourceMap: true,
      ignoreDeprecations: '5.0',
    },
  },
];

/** Unit tests of a Node-side project: `*.spec.ts` next to the code. */
function nodeProject(projectDir, displayName, overrides = {}) {
  return {
    displayName,
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.spec.ts'],
    transform: { '^.+\\.ts$': tsJestNode },
    moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
    moduleNameMapper,
    cacheDirectory: path.join(workspaceRoot, 'tmp', 'jest-cache'),
    ...overrides,
  };
}

module.exports = { nodeProject, moduleNameMapper, tsJestNode, workspaceRoot };
