// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layering. ESLint does not merge options of one rule across config blocks
// (the last matching block wins), so each area below lists its full set.
const electron = {
  paths: [{ name: 'electron', message: 'Only src/main/platform and src/preload may import electron.' }],
  patterns: [{ regex: '^electron/', message: 'Only src/main/platform and src/preload may import electron.' }],
};
const nodeBuiltins = {
  paths: builtinModules
    .filter((name) => !name.startsWith('_') && !name.startsWith('node:'))
    .map((name) => ({ name, message: 'No Node built-ins here: this code must also run in the renderer.' })),
  patterns: [{ regex: '^node:', message: 'No Node built-ins here.' }],
};
const uiAndTransport = {
  paths: ['vue', 'pinia', 'ws'].map((name) => ({ name, message: 'src/shared stays framework- and transport-free.' })),
  patterns: [{ regex: '^(vue|pinia|ws)/|^@vue/', message: 'src/shared stays framework- and transport-free.' }],
};
const serverFromSrc = {
  // mediasoup (the SFU) is the server's alone; the app uses mediasoup-client.
  paths: [{ name: 'mediasoup', message: 'mediasoup belongs to the server; the app uses mediasoup-client.' }],
  patterns: [{ regex: '^(\\.\\./)+server(/|$)', message: 'The app must not import server code; share through src/shared.' }],
};
const appFromServer = {
  paths: [],
  patterns: [
    { regex: '^(\\.\\./)+src/(main|renderer)(/|$)', message: 'The server may only import from src/shared.' },
  ],
};

/** @param {...{ paths: object[]; patterns: object[] }} sets */
function restrictImports(...sets) {
  return [
    'error',
    { paths: sets.flatMap((s) => s.paths), patterns: sets.flatMap((s) => s.patterns) },
  ];
}

export default defineConfig(
  {
    ignores: ['out/', 'dist/', '**/node_modules/', '.tools/', 'coverage/', 'test-results/', 'bench/results/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
    rules: {
      // TypeScript already checks undefined names; no-undef misfires on types.
      'no-undef': 'off',
    },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrictImports(electron),
    },
  },
  {
    files: ['src/**'],
    rules: { 'no-restricted-imports': restrictImports(electron, serverFromSrc) },
  },
  {
    files: ['src/main/platform/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': restrictImports(serverFromSrc) },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrictImports(electron, { paths: [], patterns: nodeBuiltins.patterns }, serverFromSrc),
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': restrictImports(electron, nodeBuiltins, uiAndTransport, serverFromSrc),
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'localStorage'].map((name) => ({
          name,
          message: 'src/shared must not touch browser globals.',
        })),
      ],
    },
  },
  {
    files: ['server/**'],
    rules: { 'no-restricted-imports': restrictImports(electron, appFromServer) },
  },
);
