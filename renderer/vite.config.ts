import { defineConfig, mergeConfig } from 'vite';
import { rendererViteOptions } from './vite.options.ts';

// `vite dev` proxies the backend so the session cookie stays same-origin.
const backend = process.env['TANDEM_BACKEND_URL'] ?? 'http://127.0.0.1:8800';

/** Browser mode: `vite build -c renderer/vite.config.ts` writes dist/renderer, served by the backend's `--ui`. */
export default defineConfig(
  mergeConfig(rendererViteOptions(), {
    root: import.meta.dirname,
    // Relative asset URLs so the same build works at http://host/ and at app://tandem/.
    base: './',
    build: {
      outDir: '../dist/renderer', // relative to root
      emptyOutDir: true,
    },
    server: {
      proxy: { '/api': backend, '/dicom-web': backend },
    },
  }),
);
