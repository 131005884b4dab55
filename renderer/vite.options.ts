import react from '@vitejs/plugin-react';
import type { HtmlTagDescriptor, Plugin, UserConfig } from 'vite';

/**
 * The renderer's Vite settings shared by `renderer/vite.config.ts` (browser mode) and the renderer
 * section of `electron.vite.config.ts`. The Cornerstone parts follow FIELD-NOTES: the DICOM image
 * loader is left out of pre-bundling (so Vite resolves its worker and codec WASM URLs itself), while
 * its CommonJS codec glue and the metadata/utils peers are pre-bundled (one copy of each, or every
 * load fails over a black canvas).
 */
export function rendererViteOptions(): UserConfig {
  return {
    plugins: [react(), devServerCsp(), preloadViewerCode()],
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

/** The module the app shell loads the viewer from (`renderer/app/App.tsx`, `loadCaseView`). */
const VIEWER_ENTRY = '/renderer/viewer/CaseView.tsx';

/**
 * Lets the browser fetch (and compile) the viewer's code while the page starts: a
 * `<link rel="modulepreload">` for the case view's chunk and every chunk it imports. Nothing of
 * it runs until the app imports it (the warm-up on the worklist, or opening a case); only the
 * fetch moves earlier. Without it the warm-up began by fetching ~4.3 MB of Cornerstone, 250-400 ms
 * here, and was often still under way when the reader opened a case.
 */
function preloadViewerCode(): Plugin {
  return {
    name: 'tandem:preload-viewer-code',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
        const viewer = chunks.find((c) => c.facadeModuleId?.endsWith(VIEWER_ENTRY));
        if (!viewer) return [];
        const importsOf = new Map(chunks.map((c) => [c.fileName, c.imports]));
        // a chunk and what it imports, into `into`, skipping what `skip` holds
        const collect = (file: string, into: Set<string>, skip?: ReadonlySet<string>) => {
          if (into.has(file) || skip?.has(file)) return;
          into.add(file);
          for (const f of importsOf.get(file) ?? []) collect(f, into, skip);
        };
        // what the page loads anyway (its entry and that entry's imports) is preloaded already
        const loaded = new Set<string>();
        for (const c of chunks) if (c.isEntry) collect(c.fileName, loaded);
        const wanted = new Set<string>();
        collect(viewer.fileName, wanted, loaded);
        return [...wanted].map((file): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
          injectTo: 'body',
        }));
      },
    },
  };
}
