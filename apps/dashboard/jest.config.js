const path = require('node:path');
const { moduleNameMapper, workspaceRoot } = require('../../jest.preset');

module.exports = {
  displayName: 'dashboard',
  rootDir: __dirname,
  preset: 'jest-preset-angular',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  moduleNameMapper,
  cacheDirectory: path.join(workspaceRoot, 'tmp', 'jest-cache'),
  transform: {
    '^.+\\.(ts|mjs|js|html)$': [
      'jest-preset-angular',
      { tsconfig: '<rootDir>/tsconfig.spec.json', stringifyContentPathRegex: '\\.(html|svg)$' },
    ],
  },
  transformIgnorePatterns: ['node_modules/(?!(@angular|ag-grid-|chart\\.js|@kurkle)|.*\\.mjs$)'],
};
