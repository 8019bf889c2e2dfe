const { nodeProject } = require('../../jest.preset');

// Integration specs run against a real PostgreSQL (see test/global-setup.ts).
module.exports = nodeProject(__dirname, 'api:integration', {
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
});
