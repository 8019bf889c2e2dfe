const { nodeProject } = require('../../jest.preset');

// Browser journeys against the product started the way the README says (`npm start`).
module.exports = nodeProject(__dirname, 'dashboard-e2e', {
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/src/support/jest-global-setup.js',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
});
