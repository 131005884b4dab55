/**
 * Tandem's service worker: keeps the app shell — the built code and assets, nothing else — so the
 * page reloads and works when the backend cannot be reached. Patient data never passes through
 * here and is never put in the Cache API: it lives in IndexedDB, written by the sync worker.
 *
 * - install: caches every file of this build (the list is written in at build time);
 * - activate: drops the caches of earlier builds;
 * - navigations: the network first (a new build is picked up at once), the cached `index.html`
 *   when the server cannot be reached or its gateway says so;
 * - the build's files: from the cache (their names carry a content hash);
 * - everything else, `/api` and `/dicom-web` above all: straight to the network.
 */

export {};
declare const self: ServiceWorkerGlobalScope;

/** Written in at build time (renderer/vite.config.ts): the build's files, relative to the scope. */
const PRECACHE: string[] = JSON.parse('__TANDEM_PRECACHE__') as string[];
const VERSION = '__TANDEM_SHELL_VERSION__';
const CACHE_PREFIX = 'tandem-shell-';
const CACHE_NAME = `${CACHE_PREFIX}${VERSION}`;
const SHELL = 'index.html';
const DATA_PATH = /^\/(api|dicom-web)(\/|$)/;

const scopeUrl = (path: string) => new URL(path, self.registration.scope).href;
const precached = new Set(PRECACHE.map(scopeUrl));

self.addEventListener('install', (event) => {
  bypassForData(event);
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // `reload`: fetch from the server, not from an HTTP cache that may hold an older file
      await cache.addAll(PRECACHE.map((path) => new Request(scopeUrl(path), { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || DATA_PATH.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkThenShell(request));
  } else if (precached.has(url.origin + url.pathname)) {
    event.respondWith(cacheThenNetwork(request, url));
  }
});

async function networkThenShell(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.status !== 502 && response.status !== 503 && response.status !== 504)
      return response;
    return (await cachedShell()) ?? response;
  } catch (err) {
    const shell = await cachedShell();
    if (shell) return shell;
    throw err;
  }
}

async function cachedShell(): Promise<Response | undefined> {
  const cache = await caches.open(CACHE_NAME);
  return cache.match(scopeUrl(SHELL));
}

async function cacheThenNetwork(request: Request, url: URL): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  return (await cache.match(url.origin + url.pathname)) ?? fetch(request);
}

/**
 * Where the browser supports it (Chromium's static routing), data requests skip this worker
 * entirely: thousands of image downloads need not wake it.
 */
function bypassForData(event: ExtendableEvent): void {
  const routing = event as ExtendableEvent & { addRoutes?: (rules: unknown) => Promise<void> };
  const Pattern = (self as unknown as { URLPattern?: new (init: { pathname: string }) => unknown })
    .URLPattern;
  if (typeof routing.addRoutes !== 'function' || !Pattern) return;
  const rules = ['/api/*', '/dicom-web/*'].map((pathname) => ({
    condition: { urlPattern: new Pattern({ pathname }) },
    source: 'network',
  }));
  event.waitUntil(routing.addRoutes(rules).catch(() => undefined));
}
