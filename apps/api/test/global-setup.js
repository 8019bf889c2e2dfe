// Jest global setup: starts the run's PostgreSQL (see postgres-server.ts).
require('../../../tools/testing/register-workspace-aliases');

module.exports = require('./postgres-server.ts').default;
