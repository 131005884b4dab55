import { defineConfig, mergeConfig, type Plugin } from 'vite';
import { rendererViteOptions } from './vite.options.ts';

// `vite dev` proxies the backend so the session cookie stays same-origin.
const backend = process.env['TANDEM_BACKEND_URL'] ?? 'http://127.0.0.1:8800';

/** Browser mode: `vite build -c renderer/vite.config.ts` writes dist/renderer, served by the backend's `--ui`. */
export default defineConfig(
  mergeConfig(rendererViteOptions(), {
    root: import.meta.dirname,
    // Relative asset URLs so the same build works at http://host/ and at app://tandem/.
    base: './',
    plugins: [serviceWorker()],
    build: {
      outDir: '../dist/renderer', // relative to root
      emptyOutDir: true,
    },
    server: {
      proxy: { '/api': backend, '/dicom-web': backend },
    },
  }),
);

const SW_FILE = 'sw.js';

/**
 * Builds `renderer/service-worker/sw.ts` into `sw.js` at the root of the build (so its scope is
 * the whole app) and writes into it the list of every file of this build — code, styles, decode
 * workers, codecs — with a version derived from their content-hashed names. Browser mode only:
 * in Electron the app shell is on disk already.
 */
function serviceWorker(): Plugin {
  return {
    name: 'tandem:service-worker',
    apply: 'build',
    buildStart() {
      this.emitFile({
        type: 'chunk',
        id: `${import.meta.dirname}/service-worker/sw.ts`,
        fileName: SW_FILE,
      });
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const sw = bundle[SW_FILE];
        if (!sw || sw.type !== 'chunk') return this.error(`${SW_FILE} is missing from the build`);
        const files = Object.keys(bundle)
          .filter((f) => f !== SW_FILE && !f.endsWith('.map'))
          .sort();
        if (!files.includes('index.html'))
          return this.error('index.html is missing from the build');
        const list = JSON.stringify(JSON.stringify(files));
        const code = sw.code
          .replace(/([`"'])__TANDEM_PRECACHE__\1/, () => list)
          // inside a string or template literal, whatever the minifier made of it
          .replaceAll('__TANDEM_SHELL_VERSION__', fnv1a(files.join('\n')));
        if (code.includes('__TANDEM_')) {
          return this.error(`${SW_FILE}: placeholders were not replaced:\n${sw.code}`);
        }
        sw.code = code;
      },
    },
  };
}

/** A short stable hash (FNV-1a, 32 bits) as 8 hex digits. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
