// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

/** The layers: each folder imports only from the folders below it (README, "How the pieces fit"). */
const OURS = [
  'domain',
  'security',
  'templates',
  'store',
  'mail',
  'reports',
  'activities',
  'workflows',
  'workers',
  'app',
  'cli',
  'web',
  'tools',
  'testing',
];
const LAYERS = {
  domain: ['domain'],
  security: ['domain', 'security'],
  templates: ['domain', 'templates'],
  store: ['domain', 'store'],
  reports: ['domain', 'store', 'reports'],
  mail: ['domain', 'security', 'templates', 'store', 'reports', 'mail'],
  activities: ['domain', 'security', 'store', 'mail', 'reports', 'activities'],
  app: ['domain', 'security', 'templates', 'store', 'mail', 'reports', 'workflows', 'app'],
  cli: ['domain', 'app', 'cli'],
  workers: ['domain', 'security', 'store', 'mail', 'activities', 'workflows', 'workers'],
  web: ['domain', 'security', 'templates', 'app', 'web'],
  tools: ['domain', 'security', 'store', 'mail', 'activities', 'workflows', 'workers', 'app', 'web', 'tools'],
};
/** no-restricted-imports patterns for a folder: every folder of ours it may not import. */
const forbiddenFor = (folder) =>
  OURS.filter((o) => !LAYERS[folder].includes(o)).map((o) => ({
    group: [`../${o}`, `../${o}/*`, `../../${o}`, `../../${o}/*`],
    message: `${folder}/ may import only ${LAYERS[folder].join(', ')} (see the layers in eslint.config.mjs)`,
  }));

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'coverage/**', 'test/histories/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  ...Object.keys(LAYERS).map((folder) => ({
    files: [`${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: forbiddenFor(folder) }] },
  })),
  {
    // Workflow code is replayed: no I/O, no Node built-ins, no environment; activities by type only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({
              name,
              message: 'workflows must stay deterministic: no Node built-ins',
            })),
            ...[
              'mongodb',
              'nodemailer',
              'luxon',
              '@temporalio/client',
              '@temporalio/worker',
              '@temporalio/activity',
            ].map((name) => ({ name, message: 'workflows do no I/O: call an activity' })),
          ],
          patterns: [
            {
              group: ['../activities', '../activities/*', '../workers/*'],
              message: 'workflows import activities by type only (import type)',
              allowTypeImports: true,
            },
            ...[
              'app',
              'cli',
              'web',
              'tools',
              'testing',
              'security',
              'templates',
              'store',
              'mail',
              'reports',
            ].map((o) => ({
              group: [`../${o}`, `../${o}/*`, `../../${o}`, `../../${o}/*`],
              message: 'workflows import only domain/ and their own code (activities by type)',
            })),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'workflows do not read the environment' },
        { name: 'setTimeout', message: 'use sleep() or condition() from @temporalio/workflow' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
);
