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
  moduleNameMapper: {
    '^@erp/kit$': '<rootDir>/kit/src/index.ts',
    '^@erp/kit/(.*)$': '<rootDir>/kit/src/$1',
    '^@erp/data$': '<rootDir>/data/src/index.ts',
    '^@erp/sdk$': '<rootDir>/sdk/src/index.ts',
    '^@erp/mining$': '<rootDir>/mining/src/index.ts',
    '^@erp/ai$': '<rootDir>/ai/src/index.ts',
    '^@erp/automation$': '<rootDir>/automation/src/index.ts',
    '^@erp/etl$': '<rootDir>/etl/src/index.ts',
    '^@erp/dwh-schema$': '<rootDir>/dwh-schema/src/index.ts',
    '^@erp/semantic$': '<rootDir>/semantic/src/index.ts',
    '^@erp/semantic/(tiles|dates|model)$': '<rootDir>/semantic/src/$1.ts',
    '^@erp/data/(.*)$': '<rootDir>/data/src/$1',
  },
  globalSetup: '<rootDir>/kit/src/test/global-setup.ts',
  globalTeardown: '<rootDir>/kit/src/test/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
