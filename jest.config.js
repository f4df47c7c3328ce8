/** One jest run for the whole monorepo; every test file gets its own database (kit/src/test/db.ts). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/', '/console/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // ESM-only packages (ml-kmeans, jose, …) are compiled to CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(ml-.*|jose|is-any-array|isolation-forest|@google/genai)/)'],
  // @erp/* resolve through the workspace links in node_modules and each package.json "exports": no
  // path mapping here, so a test can only reach another package through its entry points.
  globalSetup: '<rootDir>/kit/src/test/global-setup.ts',
  globalTeardown: '<rootDir>/kit/src/test/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
