// ESLint for the whole tree (flat config). Formatting is Prettier's (eslint-config-prettier
// turns off the rules that would disagree with it); `npm run lint` runs both checks.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Source files stay small: a file about one thing, a function that fits on a screen. */
const sizeLimits = {
  'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
  'max-lines-per-function': ['error', { max: 40, skipBlankLines: true, skipComments: true }],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '**/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['packages/*/src/**/*.{ts,mjs}', 'gateway/src/**/*.ts', 'subgraphs/*/src/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: sizeLimits,
  },
  prettier,
  {
    // Prettier wraps code at 120 columns but leaves comments alone; strings and SQL may run on.
    rules: {
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
);
