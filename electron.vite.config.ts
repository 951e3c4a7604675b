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
      // electron-vite leaves the renderer unminified; what ships and the size budget are minified.
      minify: true,
      rolldownOptions: { input: resolve('src/renderer/index.html') },
    },
    // vue-i18n's compile-time flags: Composition API only, no legacy API or devtools hooks.
    define: {
      __VUE_I18N_FULL_INSTALL__: 'false',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
    },
    plugins: [vue()],
  },
});
