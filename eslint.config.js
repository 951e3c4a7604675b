// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import importX from 'eslint-plugin-import-x';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layering. ESLint does not merge options of one rule across config blocks
// (the last matching block wins), so each area below lists its full set.
const electron = {
  paths: [{ name: 'electron', message: 'Only src/main/platform/electron*.ts and src/preload may import electron.' }],
  patterns: [{ regex: '^electron/', message: 'Only src/main/platform/electron*.ts and src/preload may import electron.' }],
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

// Layer boundaries by resolved path (relative imports included): each area imports only
// src/shared and its own files. test/lint/layers.test.ts proves a file that crosses one fails lint.
const APP = ['src/main', 'src/renderer', 'src/preload'];
const layerZones = [
  { target: 'src/renderer', from: ['src/main', 'src/preload', 'server'], message: 'The renderer may only import src/shared and its own files.' },
  { target: 'src/main', from: ['src/renderer', 'src/preload', 'server'], message: 'Main may only import src/shared and its own files.' },
  { target: 'src/preload', from: ['src/main', 'src/renderer', 'server'], message: 'The preload may only import src/shared and its own files.' },
  { target: 'server', from: APP, message: 'The server may only import src/shared from src/.' },
  {
    target: 'src/shared',
    from: '.',
    except: ['./src/shared', './node_modules'],
    message: 'src/shared is pure: it imports only itself and zod.',
  },
];

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
    files: ['src/**', 'server/**'],
    // Tests are not part of a layer's runtime: they may reach across (a fake Electron for the
    // preload's test, the doc generator for the protocol examples' test).
    ignores: ['**/*.test.ts'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }] },
  },
  {
    files: ['src/**'],
    rules: { 'no-restricted-imports': restrictImports(electron, serverFromSrc) },
  },
  {
    // Electron only in its adapters (src/main/platform/electron*.ts) and the preload.
    files: ['src/main/platform/electron*.ts'],
    rules: { 'no-restricted-imports': restrictImports(serverFromSrc) },
  },
  {
    // The preload runs sandboxed: electron's contextBridge and ipcRenderer, no Node built-ins.
    files: ['src/preload/**'],
    rules: { 'no-restricted-imports': restrictImports(serverFromSrc, nodeBuiltins) },
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
