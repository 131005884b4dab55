import react from '@vitejs/plugin-react';
import type { Plugin, UserConfig } from 'vite';

/**
 * The renderer's Vite settings shared by `renderer/vite.config.ts` (browser mode) and the renderer
 * section of `electron.vite.config.ts`. The Cornerstone parts follow FIELD-NOTES: the DICOM image
 * loader is left out of pre-bundling (so Vite resolves its worker and codec WASM URLs itself), while
 * its CommonJS codec glue and the metadata/utils peers are pre-bundled (one copy of each, or every
 * load fails over a black canvas).
 */
export function rendererViteOptions(): UserConfig {
  return {
    plugins: [react(), devServerCsp()],
    optimizeDeps: {
      exclude: ['@cornerstonejs/dicom-image-loader'],
      include: [
        'dicom-parser',
        '@cornerstonejs/metadata',
        '@cornerstonejs/utils',
        '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-charls/decodewasmjs',
        '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
        '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-openjpeg/decodewasmjs',
        '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-libjxl/decodewasmjs',
        '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-openjph/wasmjs',
      ],
    },
    worker: { format: 'es' },
    build: {
      target: 'es2022',
      // Codecs and workers ship with the app (offline, app://), never from a CDN or inlined.
      assetsInlineLimit: 0,
      // The viewer chunk (Cornerstone + vtk.js) is ~4.3 MB and loaded only when a case opens.
      chunkSizeWarningLimit: 6000,
    },
  };
}

/**
 * The dev server injects CSS as <style> elements, which the strict CSP of index.html forbids;
 * allow inline styles while serving only. Built output keeps the strict policy.
 */
function devServerCsp(): Plugin {
  return {
    name: 'tandem:dev-server-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  };
}
