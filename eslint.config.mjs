import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'kit/migrations/**', 'console/**', 'sdk/src/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Only env.ts modules read process.env (STYLE: config is read once).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through an env.ts module.' }],
    },
  },
  { files: ['**/env.ts', '**/*.test.ts', '**/test-process.ts', 'jest.config.js', '**/test/**', 'bench/**', '**/cli/**'], rules: { 'no-restricted-properties': 'off' } },
);
