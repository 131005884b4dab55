import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'electron-vite';
import { rendererViteOptions } from './renderer/vite.options.ts';

const fromRoot = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/**
 * `electron-vite build` → out/main/index.js (ESM, package.json "main"), out/preload/index.cjs,
 * out/renderer/. Only electron/package.json is read for the target versions: no Electron binary
 * is needed to build.
 */
export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('./out/main'),
      // One self-contained file: zod and shared/ are bundled, only electron and node: stay external.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('./electron/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('./out/preload'),
      // A sandboxed preload can require only 'electron': it must be one CommonJS file with
      // everything else (zod, shared/) inlined.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('./electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: mergeConfig(rendererViteOptions(), {
    root: fromRoot('./renderer'),
    base: './',
    build: {
      outDir: fromRoot('./out/renderer'),
      emptyOutDir: true,
      rolldownOptions: {
        input: { index: fromRoot('./renderer/index.html') },
      },
    },
  }),
});
