import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.data/**',
      '.turbo/**',
      'kit/migrations/**',
      '**/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Only env.ts modules read process.env (STYLE: config is read once).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through an env.ts module.' },
      ],
    },
  },
  {
    files: [
      '**/env.ts',
      '**/*.test.ts',
      '**/test-process.ts',
      '**/console-e2e.ts',
      'jest.config.js',
      '**/test/**',
      'bench/**',
      '**/cli/**',
      'tools/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  // A long unit is split into named steps: no function over 150 lines (blank lines and comments not
  // counted). Generated code is ignored above.
  {
    files: ['**/*.{js,mjs,ts,vue}'],
    rules: { 'max-lines-per-function': ['error', { max: 150, skipBlankLines: true, skipComments: true }] },
  },
  // The console: Vue single-file components in the browser. "essential" (correctness only): layout is prettier's.
  ...pluginVue.configs['flat/essential'].map((c) => ({ ...c, files: ['console/**/*.vue'] })),
  {
    files: ['console/**/*.{ts,vue}'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
    rules: { 'no-restricted-properties': 'off' },
  },
);
