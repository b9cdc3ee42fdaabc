/**
 * `npm run test:fast`: the tests that need no service (no Temporal, MongoDB-wire or SMTP server,
 * no browser): the domain rules, schemas, agenda, templates, calendar, links, settings, charts
 * and the property tests of the schemas. The inner loop; `npm test` runs everything.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  globalSetup: undefined,
  globalTeardown: undefined,
  testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/property/schemas.test.ts'],
  maxWorkers: 2,
};
