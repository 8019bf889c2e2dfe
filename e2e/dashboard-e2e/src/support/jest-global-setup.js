// Jest global setup: the workspace aliases first — `moduleNameMapper` does not apply here.
require('../../../../tools/testing/register-workspace-aliases');

module.exports = require('./global-setup.ts').default;
