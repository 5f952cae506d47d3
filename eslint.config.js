// Lint configuration: typescript-eslint's recommended rules, zero warnings allowed, and the
// layer rules of the README's "Architecture": dependencies point inward
// (core <- storage <- node <- workflows <- federation, http <- server <- cli), the web app
// reaches the node only through the HTTP API (and web/src/lib/shared.ts, for pure modules shared
// with the node), and no edge (routes, CLI, federation) touches storage directly.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/** Imports a folder of src/ may not make: regexes over the import specifier. */
function layer(files, forbidden, message) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: `(^|/)(${forbidden.join('|')})/`, message }] },
      ],
    },
  };
}

const OUTER = ['storage', 'node', 'workflows', 'federation', 'http', 'server', 'cli'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // No import cycles in the code (README "Architecture"): a cycle means two modules are one.
    files: ['src/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['src/**/*.test.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // Sources import each other by their emitted names (`./x.js` for `./x.ts`).
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
        }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  // Tests beside the code may build fixtures from any layer; the rules below are for the code.
  layer(
    ['src/core/**/*.ts'],
    OUTER,
    'core holds the pure rules of the log and imports nothing of ours outside core',
  ),
  layer(['src/storage/**/*.ts'], OUTER.slice(1), 'storage depends only on core'),
  layer(['src/node/**/*.ts'], OUTER.slice(2), 'the node depends only on core and storage'),
  layer(['src/workflows/**/*.ts'], OUTER.slice(3), 'workflows depend only on core, storage and the node'),
  layer(
    ['src/federation/**/*.ts'],
    ['http', 'server', 'cli'],
    'federation may not depend on the HTTP edge, the server or the CLI',
  ),
  layer(['src/http/**/*.ts'], ['server', 'cli'], 'the HTTP edge may not depend on the server or the CLI'),
  layer(['src/server/**/*.ts'], ['cli'], 'the server may not depend on the CLI'),
  {
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['web/src/lib/shared.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/',
              message:
                'the web app reaches the node through the HTTP API; shared pure modules come through web/src/lib/shared.ts',
            },
          ],
        },
      ],
    },
  },
  {
    // Routes, CLI commands and federation reach storage only through workflows' commands and
    // queries, which check policy themselves (federation through its narrow context).
    files: ['src/http/**/*.ts', 'src/cli/**/*.ts', 'src/federation/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/federation/node-context.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.type='MemberExpression'][object.property.name='storage']",
          message: 'go through a workflow command or query (src/workflows), not storage directly',
        },
      ],
    },
  },
  {
    // Test fixtures (test-support folders, outside the build) build from any layer too.
    files: ['src/**/*.test.ts', 'src/**/test-support/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
