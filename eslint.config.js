// @ts-check
import tseslint from 'typescript-eslint';

/** Layer boundaries (CONVENTIONS.md "Shape"): the core imports nothing of ours but itself,
 *  adapters never import the HTTP or CLI edges. */
const restrict = (patterns) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: patterns.map((group) => ({ group: [group], message: 'crosses a layer boundary' })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'bench/results/**',
      'examples/**',
      'bin/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: restrict([
      '**/app/**',
      '**/storage/**',
      '**/http/**',
      '**/cli/**',
      '**/config/**',
      'node:fs*',
      'node:net',
      'node:http',
    ]),
  },
  {
    files: ['src/app/**'],
    rules: restrict(['**/storage/**', '**/http/**', '**/cli/**', '../outbound/*']),
  },
  { files: ['src/storage/**'], rules: restrict(['**/http/**', '**/cli/**']) },
  // Outbound adapters (webhook, syslog, ...): the core and the app's ports only.
  {
    files: ['src/outbound/**'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/app/*',
                '!**/app/ports.js',
                '**/storage/**',
                '**/http/**',
                '**/cli/**',
                '**/config/**',
                '**/main.js',
              ],
              message: 'crosses a layer boundary',
            },
          ],
        },
      ],
    },
  },
  // Receivers (syslog listeners, OTLP decoding): the core and the app, never storage or edges.
  {
    files: ['src/receivers/**'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: restrict(['**/storage/**', '**/http/**', '**/cli/**', '**/config/**', '**/main.js']),
  },
  // GeoIP adapter (reads an .mmdb file): the core only.
  {
    files: ['src/geo/**'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: restrict([
      '**/app/**',
      '**/storage/**',
      '**/http/**',
      '**/cli/**',
      '**/config/**',
      '**/main.js',
    ]),
  },
  // Client side (SDK, HTTP middleware): runs in the producer's process; the core's event
  // schema only, nothing of the server.
  {
    files: ['src/sdk/**'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: restrict([
      '**/app/**',
      '**/storage/**',
      '**/http/**',
      '**/cli/**',
      '**/config/**',
      '**/main.js',
      '**/receivers/**',
      '**/outbound/**',
    ]),
  },
  // Edges reach adapters only through the composition root (src/main.ts).
  {
    files: ['src/http/**', 'src/cli/**'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: restrict(['**/storage/**']),
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
