/**
 * Registers the service worker that keeps the app shell for offline starts
 * (`renderer/service-worker/sw.ts`). Browser mode only: it needs http(s), and a production build
 * (the dev server has no `sw.js`). In Electron the shell is on disk and `app://` has no
 * service workers.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD) return;
  if (!('serviceWorker' in navigator)) return;
  if (location.protocol !== 'https:' && location.protocol !== 'http:') return;
  if (window.tandemHost) return;
  navigator.serviceWorker
    .register(new URL('./sw.js', document.baseURI), { scope: './' })
    .catch((err: unknown) => {
      // Tandem works without it; it only cannot start while the server is unreachable.
      console.warn('app shell: the service worker could not be registered', err);
    });
}
