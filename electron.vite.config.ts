import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      lib: { entry: resolve('src/main/index.ts') },
    },
  },
  preload: {
    build: {
      // Windows use `sandbox: true`, and a sandboxed preload can only be a single
      // CommonJS script: no ESM, no chunks, and no require() of node_modules.
      // So bundle every dependency in (only `electron` itself stays external).
      externalizeDeps: false,
      lib: { entry: resolve('src/preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rolldownOptions: { input: resolve('src/renderer/index.html') },
    },
    plugins: [vue()],
  },
});
