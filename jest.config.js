/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // Services start per file (Temporal) or once per run (MongoDB-wire); the time-skipping
  // server does not like company, so files run one after another (npm test passes --runInBand).
  testTimeout: 120_000,
  // A stray handle must never hang CI: the global teardown stops the services either way.
  forceExit: true,
  maxWorkers: 1,
  verbose: true,
};
