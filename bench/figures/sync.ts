// The sync figures (issue "Sync and offline cache"): how fast cases reach IndexedDB compared with
// merely downloading the same bytes, how soon a case opened before it is synced shows its first
// image and becomes browsable, and what the cache costs on disk per byte of DICOM.
import { readFileSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from '@playwright/test';
import { REPO_ROOT, makeTempDir, removeDir } from '../../backend/test-support/processes.ts';
import { armFirstImageWatch, awaitFirstImage } from '../browser/in-page.ts';
import {
  hotFunctions,
  summarizeProfile,
  type CpuProfile,
  type HotFunction,
} from '../browser/profile.ts';
import { tracedThreads, type ThreadBusy } from '../browser/trace.ts';
import {
  DEMO_PASSWORD,
  launchProfile,
  newContext,
  openBaselinePage,
  openBaselinePageOnDisk,
  signIn,
  storeCachePlain,
  waitForSyncSettled,
} from '../browser/session.ts';
import { measuredFigure, type Figure, type Goal } from '../figure.ts';
import { probeCache, type CacheProbe } from './cache-probe.ts';
import {
  CT_CASE_ID,
  CT_READER,
  resolveLargestCtSeries,
  resolveWorklistInstances,
  type InstanceSet,
} from './ct-case.ts';

export interface SyncPlan {
  /** fresh-profile openings of the not-yet-synced CT case, each beside a fetch-only baseline */
  runs: number;
  /** also sync the reader's whole worklist into an on-disk profile (cache size, cases/minute) */
  wholeWorklist: boolean;
  /** fresh profiles that sync the whole worklist, each beside fetch-only runs (default 2) */
  wholeWorklistRuns?: number;
  /**
   * fresh profiles of each kind (sealed, plain) that sync a 300-slice CT alone, on a backend of
   * its own (`sync-alone.ts`), each run beside a fetch-only one (default 2, the full plan 4;
   * 0 leaves it out)
   */
  aloneRuns?: number;
  /**
   * one more opening, not counted in the figures, with the sync worker under the CPU profiler and
   * the browser traced: where the time goes (default: on)
   */
  profile?: boolean;
}

/** The sync worker's default parallelism; the fetch-only baseline uses the same. */
export const PARALLEL = 6;

export const THROUGHPUT_GOAL: Goal = {
  text: '≥ 0.8 × fetch-only',
  source: 'issue "Sync and offline cache": throughput ≥ 0.8 of a plain parallel fetch',
  met: ({ ratio }) => (ratio === null ? null : ratio >= 0.8),
};
const FIRST_IMAGE_GOAL: Goal = {
  text: '< 1,000 ms',
  source: 'DEVELOPERS.md: a CT opens "in under a second"',
  met: ({ value }) => value.median < 1000,
};
export const NO_GOAL: Goal = { text: '—', source: 'for information', met: () => null };
const DISK_GOAL: Goal = {
  text: '≤ 1.2 × DICOM bytes',
  source: 'ARCHITECTURE.md: instances stored as received (Part-10 blobs)',
  met: ({ ratio }) => (ratio === null ? null : ratio <= 1.2),
};

export interface SyncResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

type Bench = {
  tandemBenchFloor: {
    fetchAndStore(
      urls: string[],
      parallel: number,
      mode: 'blob' | 'sealed',
    ): Promise<{ ms: number; bytes: number; transactions: number }>;
    fetchBatched(
      urls: string[],
      parallel: number,
      batch: number,
    ): Promise<{ ms: number; bytes: number; requests: number }>;
    storeBatchedInWorker(
      urls: string[],
      parallel: number,
      batch: number,
      mode: 'sealed' | 'plain',
    ): Promise<{ ms: number; bytes: number; transactions: number }>;
  };
  tandemBench: {
    fetchAll(urls: string[], parallel: number): Promise<{ ms: number; bytes: number }>;
    firstImage(url: string, w: number, h: number): Promise<{ ms: number }>;
  };
};

export const mbPerS = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** A context holding only a session cookie (signed in by API: no page, so no sync worker). */
export async function cookieContext(
  browser: Browser,
  backendUrl: string,
  reader: string = CT_READER,
): Promise<BrowserContext> {
  const context = await newContext(browser, backendUrl);
  const res = await context.request.post('/api/session', {
    data: { username: reader, password: DEMO_PASSWORD },
  });
  if (!res.ok()) throw new Error(`sign-in for the baseline failed: ${res.status()}`);
  return context;
}

export async function fetchOnly(
  page: Page,
  urls: string[],
): Promise<{ ms: number; bytes: number }> {
  await page.bringToFront();
  return page.evaluate(
    ({ urls, parallel }) => (window as unknown as Bench).tandemBench.fetchAll(urls, parallel),
    { urls, parallel: PARALLEL },
  );
}

/** Adds the diagnostic floors (`bench/pages/baseline-sync.js`) to a baseline page. */
export async function addFloors(page: Page): Promise<void> {
  const content = readFileSync(path.join(REPO_ROOT, 'bench', 'pages', 'baseline-sync.js'), 'utf8');
  await page.addScriptTag({ content });
  await page.waitForFunction(() => 'tandemBenchFloor' in window);
}

/** Images a batched request of the sync carries (the engine's default `fetchBatch`). */
export const SYNC_FETCH_BATCH = 12;

/** The bare page fetching `urls` as the sync does, in batched requests, storing nothing. */
export async function fetchBatchedOnly(
  page: Page,
  urls: string[],
): Promise<{ ms: number; bytes: number; requests: number }> {
  await page.bringToFront();
  return page.evaluate(
    ({ urls, parallel, batch }) =>
      (window as unknown as Bench).tandemBenchFloor.fetchBatched(urls, parallel, batch),
    { urls, parallel: PARALLEL, batch: SYNC_FETCH_BATCH },
  );
}

/** The bare page fetching `urls` and writing each body into IndexedDB (no checks, no Dexie). */
export async function fetchAndStore(
  page: Page,
  urls: string[],
  mode: 'blob' | 'sealed',
): Promise<{ ms: number; bytes: number; transactions: number }> {
  await page.bringToFront();
  return page.evaluate(
    ({ urls, parallel, mode }) =>
      (window as unknown as Bench).tandemBenchFloor.fetchAndStore(urls, parallel, mode),
    { urls, parallel: PARALLEL, mode },
  );
}

/**
 * `run` on the bare page with its floors, signed in as `reader` in a browser of its own on a fresh
 * profile on disk, as the app's whole-worklist runs have; the browser and profile go afterwards.
 */
async function onBarePageOnDisk<T>(
  backendUrl: string,
  reader: string,
  run: (page: Page) => Promise<T>,
): Promise<T> {
  const profile = makeTempDir('bench-floor');
  try {
    const { page, context } = await openBaselinePageOnDisk(profile, backendUrl, reader);
    try {
      await addFloors(page);
      return await run(page);
    } finally {
      await context.close();
    }
  } finally {
    removeDir(profile);
  }
}

/**
 * The sealed floor on `urls` in a browser on a profile on disk, as the app's whole-worklist runs
 * have: the bare page fetching, sealing and storing them (`fetchAndStore`, `sealed`).
 */
export function sealedFloorOnDisk(
  backendUrl: string,
  urls: string[],
  reader: string = CT_READER,
): Promise<{ ms: number; bytes: number; transactions: number }> {
  return onBarePageOnDisk(backendUrl, reader, (page) => fetchAndStore(page, urls, 'sealed'));
}

/**
 * How long the floor's browser is left alone after it starts: a browser just started spends its
 * first seconds on its own start-up work, which the app's sync, beginning seconds after its
 * browser started (page, sign-in, worklist, listings), mostly misses. Measured on 4 December
 * 2026: the floor's first pass at once gave 110–125 MB/s, after 4 s 130–134, as a second pass.
 */
const FLOOR_SETTLE_MS = 4000;

/**
 * The least a page does to fetch `urls` as the sync does and keep them as the cache does, in a
 * browser on a fresh profile on disk, as the app's runs have: the bare page's
 * `storeBatchedInWorker` (batched requests in a dedicated worker, each part sealed, or kept plain,
 * and put into a plain object store), on the sync's background request slots.
 */
export function batchedFloorOnDisk(
  backendUrl: string,
  urls: string[],
  reader: string,
  mode: 'sealed' | 'plain',
): Promise<{ ms: number; bytes: number; transactions: number }> {
  return onBarePageOnDisk(backendUrl, reader, async (page) => {
    await page.waitForTimeout(FLOOR_SETTLE_MS);
    return page.evaluate(
      ({ urls, parallel, batch, mode }) =>
        (window as unknown as Bench).tandemBenchFloor.storeBatchedInWorker(
          urls,
          parallel,
          batch,
          mode,
        ),
      { urls, parallel: PARALLEL - 1, batch: SYNC_FETCH_BATCH, mode },
    );
  });
}

/**
 * The app's own sync worker (the `sync.worker-*.js` of the renderer in `uiDir`, as the backend
 * serves it) started on the bare page, in a browser on a fresh profile on disk, signed in by API
 * and left alone as the floors are: the sync as the app runs it (Dexie, verification, sealing with
 * a key of its own, progress rows), without the app's page (React, the worklist drawn, the
 * viewer's warm-up). The figure's clock: the first request for an image of `series` until every
 * image of it is in IndexedDB.
 */
export function appWorkerOnBarePage(
  backendUrl: string,
  uiDir: string,
  series: InstanceSet,
  reader: string,
): Promise<{ ms: number }> {
  const worker = readdirSync(path.join(uiDir, 'assets')).find((f) =>
    /^sync\.worker-[\w-]+\.js$/.test(f),
  );
  if (!worker) throw new Error(`no sync worker in ${uiDir}`);
  return onBarePageOnDisk(backendUrl, reader, async (page) => {
    const requests = watchSeriesRequests(page.context(), series.seriesUid!);
    try {
      await page.waitForTimeout(FLOOR_SETTLE_MS);
      await page.evaluate(async (url) => {
        const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
          'encrypt',
          'decrypt',
        ]);
        const w = new Worker(url, { type: 'module' });
        // the commands the app's page sends (shared/ipc/sync-channel.ts): the key, then start
        w.postMessage({ type: 'cacheKey', key, sealNew: true });
        w.postMessage({ type: 'start', backendBaseUrl: '' });
        // held by the page, as the app's page holds its worker, for as long as the page lives
        (window as unknown as { benchSyncWorker: Worker }).benchSyncWorker = w;
      }, `/assets/${worker}`);
      const doneAt = await page.evaluate(seriesStoredAt, {
        seriesUid: series.seriesUid!,
        expected: series.imageUrls.length,
      });
      const first = requests.firstAt();
      if (first === undefined) throw new Error('no image request of the worker seen');
      return { ms: doneAt - first };
    } finally {
      requests.stop();
    }
  });
}

/**
 * When the app's first WADO-URI request for a series went out (epoch ms), from the context's
 * request events (the sync worker's requests included). Start it before sign-in: the sync may
 * ask for an image of the series (its first, middle or last) before the case is opened.
 */
/**
 * The images a browser request asks for: one for WADO-URI (`/dicom-web/wado?…`), each listed in
 * the body of a batched retrieval (`POST …/instances/retrieve`, the sync's), none otherwise.
 */
export function imagesAsked(req: {
  url(): string;
  method(): string;
  postData(): string | null;
}): Array<{ uid: string; series: string }> {
  const url = new URL(req.url());
  if (url.pathname.endsWith('/dicom-web/wado')) {
    return [
      {
        uid: url.searchParams.get('objectUID') ?? '',
        series: url.searchParams.get('seriesUID') ?? '',
      },
    ];
  }
  if (req.method() !== 'POST' || !url.pathname.endsWith('/instances/retrieve')) return [];
  try {
    const body = JSON.parse(req.postData() ?? '') as {
      instances: Array<{ sopInstanceUid: string; seriesInstanceUid: string }>;
    };
    return body.instances.map((i) => ({ uid: i.sopInstanceUid, series: i.seriesInstanceUid }));
  } catch {
    return [];
  }
}

export function watchSeriesRequests(
  context: BrowserContext,
  seriesUid: string,
): { firstAt(): number | undefined; requests(): number; stop(): void } {
  let first: number | undefined;
  let count = 0;
  const onRequest = (req: Request) => {
    if (!imagesAsked(req).some((i) => i.series === seriesUid)) return;
    count++;
    first ??= Date.now();
  };
  context.on('request', onRequest);
  return {
    firstAt: () => first,
    requests: () => count,
    stop: () => context.off('request', onRequest),
  };
}

export interface OpenedBeforeSync {
  firstImageMs: number;
  browsableMs: number;
  /**
   * from the sync's first request for an image of the series (watched from sign-in, else from
   * the double-click on) until every image of it is verified in IndexedDB: the clock of the
   * fetch-only baseline (first request to last body)
   */
  syncMs: number;
  /** how many of the series' requests the clock saw (a check that it saw the sync's at all) */
  requestsSeen: number;
  /** images of the series in the cache when its first image showed */
  cachedAtFirstImage: number;
}

/**
 * A fresh profile signs in and opens the CT case at once, while the sync is just starting: the
 * clock runs from the double-click to the first image on screen, and on until every image of the
 * series is verified in IndexedDB (the whole series browsable from the cache).
 */
export async function openBeforeSync(
  browser: Browser,
  backendUrl: string,
  series: InstanceSet,
  opening: { reader: string; caseId: string } = { reader: CT_READER, caseId: CT_CASE_ID },
): Promise<OpenedBeforeSync> {
  const context = await newContext(browser, backendUrl);
  const requests = watchSeriesRequests(context, series.seriesUid!);
  try {
    const page = await context.newPage();
    await signIn(page, opening.reader);
    return await openSeriesAtOnce(page, opening.caseId, series, requests);
  } finally {
    requests.stop();
    await context.close();
  }
}

/**
 * In a page just signed in: double-clicks the case at once and times its first image and the
 * moment every image of `series` is in IndexedDB.
 */
export async function openSeriesAtOnce(
  page: Page,
  caseId: string,
  series: InstanceSet,
  watched?: ReturnType<typeof watchSeriesRequests>,
): Promise<OpenedBeforeSync> {
  const requests = watched ?? watchSeriesRequests(page.context(), series.seriesUid!);
  try {
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
    await row.waitFor({ timeout: 60_000 });
    await page.evaluate(armFirstImageWatch, 120_000);
    await page.evaluate(() => {
      window.addEventListener(
        'click',
        () => ((window as unknown as { __openAt: number }).__openAt = performance.now()),
        { capture: true, once: true },
      );
    });
    await row.dblclick();
    const first = await page.evaluate(awaitFirstImage);
    const stored = await page.evaluate(
      async ({ seriesUid, expected, firstImageMs }) => {
        const openAt = (window as unknown as { __openAt: number }).__openAt;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open('tandem');
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        const count = () =>
          new Promise<number>((resolve, reject) => {
            const req = db
              .transaction('instances')
              .objectStore('instances')
              .index('seriesInstanceUid')
              .count(seriesUid);
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => reject(req.error);
          });
        const cachedAtFirstImage = await count();
        const limit = performance.now() + 300_000;
        while ((await count()) < expected) {
          if (performance.now() > limit) throw new Error('the series did not finish syncing');
          await new Promise((r) => setTimeout(r, 25));
        }
        const browsableMs = performance.now() - openAt;
        const doneAt = Date.now();
        db.close();
        return { firstImageMs, browsableMs, cachedAtFirstImage, doneAt };
      },
      { seriesUid: series.seriesUid!, expected: series.imageUrls.length, firstImageMs: first.ms },
    );
    // Watched from sign-in: the first request for the series, whenever it came. Otherwise (the
    // reading session of figure 11, opened long after sign-in while the reader's whole sync runs)
    // the first one from the double-click on: the few before it were the series' first, middle and
    // last images fetched in the background, not the sync of the series.
    const firstAt = requests.firstAt();
    if (firstAt === undefined) {
      throw new Error('no request of the sync for the series was seen: the clock cannot start');
    }
    const { doneAt, ...times } = stored;
    return { ...times, syncMs: doneAt - firstAt, requestsSeen: requests.requests() };
  } finally {
    if (!watched) requests.stop();
  }
}

/** Total size of the files under a directory (their apparent size, as `du --apparent-size`). */
function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(full) : statSync(full).size;
  }
  return total;
}

export interface WholeWorklist {
  /** from sign-in until every row says ready */
  ms: number;
  /** from the sync's first image request (WADO-URI) until every row says ready */
  syncMs: number;
  cases: number;
  dicomBytes: number;
  instances: number;
  diskBytes: number;
  estimateBytes: number;
  /**
   * the workstation setting "encrypt the cache" was turned off before sign-in (images stored as
   * received), else left on, the default (sealed); every row is checked to be stored so
   */
  storedPlain: boolean;
  /** start-up and query times of the settled cache, when asked for (`cache-probe.ts`) */
  probe?: CacheProbe;
  /** the watched series: its first image request until its last image is in IndexedDB */
  seriesSyncMs?: number;
  /**
   * bytes (DICOM, as received) of every image stored during the series' clock, its own and the
   * other series' (rows whose `storedAt` falls within it)
   */
  seriesWindowBytes?: number;
}

/** In the page: when (epoch ms) the cache holds `expected` images of the series. */
function seriesStoredAt({
  seriesUid,
  expected,
}: {
  seriesUid: string;
  expected: number;
}): Promise<number> {
  return (async () => {
    const limit = performance.now() + 15 * 60_000;
    for (;;) {
      // never create the app's database ourselves (an empty one would stand in its way)
      const exists = (await indexedDB.databases()).some((d) => d.name === 'tandem');
      const stored = !exists
        ? 0
        : await new Promise<number>((resolve) => {
            const req = indexedDB.open('tandem');
            req.onerror = () => resolve(0);
            req.onsuccess = () => {
              const db = req.result;
              try {
                const count = db
                  .transaction('instances')
                  .objectStore('instances')
                  .index('seriesInstanceUid')
                  .count(seriesUid);
                count.onsuccess = () => (db.close(), resolve(count.result));
                count.onerror = () => (db.close(), resolve(0));
              } catch {
                db.close();
                resolve(0); // the schema is not there yet
              }
            };
          });
      if (stored >= expected) return Date.now();
      if (performance.now() > limit) throw new Error('the watched series did not finish syncing');
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

/**
 * The reader's whole worklist synced into a profile on disk: time from sign-in until every case
 * is ready offline, then the profile's IndexedDB directory measured against the DICOM bytes.
 * With `storedPlain`, the profile's cache is stored plain (the encryption setting turned off
 * before sign-in); either way, every stored row must be as the profile says (sealed or not).
 */
export async function syncWholeWorklist(
  backendUrl: string,
  reader: string = CT_READER,
  options: { probe?: boolean; series?: InstanceSet; storedPlain?: boolean } = {},
): Promise<WholeWorklist> {
  const storedPlain = options.storedPlain ?? false;
  const profile = makeTempDir('bench-profile');
  try {
    const context = await launchProfile(profile, backendUrl);
    let reading: Omit<WholeWorklist, 'diskBytes'>;
    let firstImageRequestAt: number | undefined;
    const onRequest = (req: Request) => {
      if (imagesAsked(req).length) firstImageRequestAt ??= Date.now();
    };
    context.on('request', onRequest);
    const seriesRequests = options.series
      ? watchSeriesRequests(context, options.series.seriesUid!)
      : null;
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      if (storedPlain) await storeCachePlain(page);
      const started = Date.now();
      await signIn(page, reader);
      // one series of the worklist, synced in the background like the rest: when its last image
      // is in IndexedDB (watched beside the worklist, not awaited before it)
      const seriesDone = options.series
        ? page.evaluate(seriesStoredAt, {
            seriesUid: options.series.seriesUid!,
            expected: options.series.imageUrls.length,
          })
        : null;
      const settled = await waitForSyncSettled(page, 15 * 60_000);
      const seriesDoneAt = seriesDone ? await seriesDone : undefined;
      const seriesFirstAt = seriesRequests?.firstAt();
      seriesRequests?.stop();
      const settledAt = Date.now();
      const ms = settledAt - started;
      const seriesWindow =
        seriesDoneAt !== undefined && seriesFirstAt !== undefined
          ? { from: seriesFirstAt, to: seriesDoneAt }
          : null;
      if (firstImageRequestAt === undefined) throw new Error('no image request of the sync seen');
      const syncMs = settledAt - firstImageRequestAt;
      const cases = Object.values(settled.states).reduce((a, b) => a + b, 0);
      const inCache = await page.evaluate(
        (seriesWindow) =>
          new Promise<{
            bytes: number;
            instances: number;
            sealed: number;
            estimate: number;
            windowBytes: number;
          }>((resolve, reject) => {
            const req = indexedDB.open('tandem');
            req.onerror = () => reject(req.error);
            req.onsuccess = () => {
              const db = req.result;
              let bytes = 0;
              let instances = 0;
              let sealed = 0;
              let windowBytes = 0;
              const cursor = db.transaction('instances').objectStore('instances').openCursor();
              cursor.onerror = () => reject(cursor.error);
              cursor.onsuccess = () => {
                const c = cursor.result;
                if (c) {
                  const row = c.value as { size: number; storedAt: number; sealed?: boolean };
                  bytes += row.size;
                  instances++;
                  if (row.sealed === true) sealed++;
                  // the worker stamps a batch's rows just before it writes them (same clock)
                  if (
                    seriesWindow &&
                    row.storedAt >= seriesWindow.from &&
                    row.storedAt <= seriesWindow.to
                  )
                    windowBytes += row.size;
                  c.continue();
                  return;
                }
                db.close();
                void navigator.storage
                  .estimate()
                  .then((e) =>
                    resolve({ bytes, instances, sealed, estimate: e.usage ?? 0, windowBytes }),
                  );
              };
            };
          }),
        seriesWindow,
      );
      // the images really are stored as this profile says, so a figure cannot measure the other
      const expectedSealed = storedPlain ? 0 : inCache.instances;
      if (inCache.instances === 0 || inCache.sealed !== expectedSealed) {
        throw new Error(
          `the ${storedPlain ? 'plain' : 'sealed'} profile stored otherwise: ` +
            `${inCache.sealed} of ${inCache.instances} images sealed`,
        );
      }
      // a failed probe costs its own figures only, not this sync's
      const probe = options.probe
        ? await probeCache(page, { reloads: 3, cases: 12 }).catch((err: unknown) => {
            console.error(`cache probe failed: ${String(err)}`);
            return undefined;
          })
        : undefined;
      reading = {
        ...(probe ? { probe } : {}),
        ...(seriesWindow
          ? {
              seriesSyncMs: seriesWindow.to - seriesWindow.from,
              seriesWindowBytes: inCache.windowBytes,
            }
          : {}),
        ms,
        syncMs,
        cases,
        storedPlain,
        dicomBytes: inCache.bytes,
        instances: inCache.instances,
        estimateBytes: inCache.estimate,
      };
    } finally {
      context.off('request', onRequest);
      // Closing flushes the database's log to its files before they are measured.
      await context.close();
    }
    const diskBytes = directoryBytes(path.join(profile, 'Default', 'IndexedDB'));
    return { ...reading, diskBytes };
  } finally {
    removeDir(profile);
  }
}

export interface WorkerProfile {
  /** ms the profile covered, and of it the worker's idle time (waiting on the network, IndexedDB) */
  totalMs: number;
  idleMs: number;
  /** functions of the sync worker by self time (bundle names: class methods keep theirs) */
  hot: Array<{ where: string; selfMs: number }>;
}

/**
 * Runs `action` with the sync worker of the browser (there must be exactly one) under the V8
 * sampling profiler, through a browser-level DevTools session attached to the worker's target.
 */
/**
 * A DevTools session on the browser's sync worker (there must be exactly one), through a
 * browser-level session attached to the worker's target: `send` a command, `detach` when done.
 */
export async function attachToSyncWorker(browser: Browser): Promise<{
  send(method: string, params?: object): Promise<unknown>;
  detach(): Promise<void>;
}> {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as {
    targetInfos: Array<{ targetId: string; type: string; url: string }>;
  };
  const workers = targetInfos.filter((t) => t.type === 'worker' && t.url.includes('sync.worker'));
  if (workers.length !== 1) {
    await cdp.detach();
    throw new Error(`expected one sync worker, found ${workers.length}`);
  }
  const { sessionId } = (await cdp.send('Target.attachToTarget', {
    targetId: workers[0]!.targetId,
    flatten: false,
  })) as { sessionId: string };
  let nextId = 1;
  const waiting = new Map<number, (r: { result?: unknown; error?: unknown }) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const msg = JSON.parse(event.message) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg);
  });
  return {
    async send(method, params = {}) {
      const id = nextId++;
      const answer = new Promise<{ result?: unknown; error?: unknown }>((resolve) =>
        waiting.set(id, resolve),
      );
      await cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params }),
      });
      const r = await answer;
      waiting.delete(id);
      if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
      return r.result;
    },
    async detach() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      await cdp.detach();
    },
  };
}

/** Runs `action` with the sync worker under the V8 sampling profiler. */
export async function profileSyncWorker<T>(
  browser: Browser,
  action: () => Promise<T>,
  top = 15,
): Promise<{ result: T; profile: WorkerProfile }> {
  const { send, detach } = await attachToSyncWorker(browser);
  try {
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 500 });
    await send('Profiler.start');
    const result = await action();
    const { profile } = (await send('Profiler.stop')) as { profile: CpuProfile };
    await send('Profiler.disable').catch(() => undefined);
    return { result, profile: summarizeProfile(profile, top) };
  } finally {
    await detach();
  }
}

/**
 * One more opening of the CT before it is synced, not counted in the figures: the sync worker
 * under the CPU profiler, the whole browser traced (busy time per thread).
 */
async function profiledOpening(
  browser: Browser,
  backendUrl: string,
  series: InstanceSet,
): Promise<{
  opened: OpenedBeforeSync;
  worker: WorkerProfile;
  page: { totalMs: number; idleMs: number; hot: HotFunction[] };
  threads: ThreadBusy[];
}> {
  const context = await newContext(browser, backendUrl);
  const requests = watchSeriesRequests(context, series.seriesUid!);
  try {
    const page = await context.newPage();
    await signIn(page, CT_READER);
    const traced = await tracedThreads(browser, page, () =>
      profileSyncWorker(browser, () =>
        hotFunctions(page, () => openSeriesAtOnce(page, CT_CASE_ID, series, requests), 15),
      ),
    );
    const { result, ...pageProfile } = traced.result.result;
    return {
      opened: result,
      worker: traced.result.profile,
      page: pageProfile,
      threads: traced.threads,
    };
  } finally {
    requests.stop();
    await context.close();
  }
}

export async function measureSync(
  browser: Browser,
  backendUrl: string,
  plan: SyncPlan,
  log: (line: string) => void,
): Promise<SyncResult> {
  const series = await resolveLargestCtSeries(backendUrl);
  log(`sync: CT series ${series.label}`);
  const cookies = await cookieContext(browser, backendUrl);
  const bare = await openBaselinePage(browser, cookies, backendUrl);
  await addFloors(bare.page);
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { series: series.label };
  try {
    // Warm the backend's file cache once, so neither side pays for the first disk reads.
    await fetchOnly(bare.page, series.imageUrls);
    const opened: OpenedBeforeSync[] = [];
    const baseline: Array<{ ms: number; bytes: number }> = [];
    const floorBlob: Array<{ ms: number; bytes: number; transactions: number }> = [];
    const floorSealed: Array<{ ms: number; bytes: number; transactions: number }> = [];
    const batchedOnly: Array<{ ms: number; bytes: number; requests: number }> = [];
    const firstBaseline: number[] = [];
    for (let run = 0; run < plan.runs; run++) {
      // Alternate which goes first, so a drift of the machine does not favour one side.
      const tandemFirst = run % 2 === 0;
      if (!tandemFirst) baseline.push(await fetchOnly(bare.page, series.imageUrls));
      opened.push(await openBeforeSync(browser, backendUrl, series));
      if (tandemFirst) baseline.push(await fetchOnly(bare.page, series.imageUrls));
      floorBlob.push(await fetchAndStore(bare.page, series.imageUrls, 'blob'));
      floorSealed.push(await fetchAndStore(bare.page, series.imageUrls, 'sealed'));
      batchedOnly.push(await fetchBatchedOnly(bare.page, series.imageUrls));
      const first = await bare.page.evaluate(
        ({ url, w, h }) => (window as unknown as Bench).tandemBench.firstImage(url, w, h),
        { url: series.imageUrls[0]!, w: 900, h: 900 },
      );
      firstBaseline.push(first.ms);
      const o = opened.at(-1)!;
      log(
        `sync run ${run + 1}: first image ${Math.round(o.firstImageMs)} ms, series browsable ` +
          `${(o.browsableMs / 1000).toFixed(1)} s (${o.cachedAtFirstImage} cached at the first image), ` +
          `synced in ${(o.syncMs / 1000).toFixed(1)} s from its first request (${o.requestsSeen} requests seen); ` +
          `fetch-only ${(baseline.at(-1)!.ms / 1000).toFixed(1)} s, fetch + IndexedDB ` +
          `${(floorBlob.at(-1)!.ms / 1000).toFixed(1)} s, fetch + seal + IndexedDB ` +
          `${(floorSealed.at(-1)!.ms / 1000).toFixed(1)} s`,
      );
    }
    const bytes = baseline[0]!.bytes;
    figures.push(
      measuredFigure({
        id: 'sync.ct-series-throughput',
        title: `Sync: CT series opened before it was synced, into IndexedDB (${series.imageUrls.length} images, ${(bytes / 1e6).toFixed(0)} MB)`,
        unit: 'MB/s',
        quote: ['median', 'p95'],
        samples: opened.map((o) => mbPerS(bytes, o.syncMs)),
        baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel, not stored`,
        baselineSamples: baseline.map((b) => mbPerS(b.bytes, b.ms)),
        goal: THROUGHPUT_GOAL,
        notes: [
          'both clocks run from the first request for an image of the series: Tandem’s until every ' +
            'image of it is verified, sealed and in IndexedDB (images of the case’s other series ' +
            'fetched meanwhile are part of it), the baseline’s until the last body is read',
          `from the double-click instead (page load, sign-in and worker start are before it): ` +
            opened.map((o) => `${mbPerS(bytes, o.browsableMs).toFixed(1)} MB/s`).join(', '),
        ],
      }),
      measuredFigure({
        id: 'sync.floor-indexeddb',
        title: 'Floor: the bare page fetching the same images into IndexedDB (Blob as received)',
        unit: 'MB/s',
        samples: floorBlob.map((f) => mbPerS(f.bytes, f.ms)),
        baselineTitle: 'plain fetch of the same images, not stored',
        baselineSamples: baseline.map((b) => mbPerS(b.bytes, b.ms)),
        goal: NO_GOAL,
        notes: [
          `${PARALLEL} in parallel, \`response.blob()\` put as it came, bodies that arrive during a write ` +
            `in the next transaction (${floorBlob.map((f) => f.transactions).join(', ')} transactions); ` +
            'no verification, no sealing, no Dexie, no progress rows: Chromium’s IndexedDB cost on this machine',
        ],
      }),
      measuredFigure({
        id: 'sync.floor-sealed',
        title: 'Floor: the same, each image sealed with AES-GCM before it is stored',
        unit: 'MB/s',
        samples: floorSealed.map((f) => mbPerS(f.bytes, f.ms)),
        baselineTitle: 'plain fetch of the same images, not stored',
        baselineSamples: baseline.map((b) => mbPerS(b.bytes, b.ms)),
        goal: NO_GOAL,
        notes: [
          'as the floor above, but each body read into memory and stored as ' +
            '`Blob([magic, iv, AES-GCM ciphertext])`, as the cache seals at rest',
        ],
      }),
      measuredFigure({
        id: 'sync.floor-batched-fetch',
        title: `Floor: the same images fetched as the sync fetches them, ${SYNC_FETCH_BATCH} a request, not stored`,
        unit: 'MB/s',
        samples: batchedOnly.map((f) => mbPerS(f.bytes, f.ms)),
        baselineTitle: 'plain fetch of the same images, one a request, not stored',
        baselineSamples: baseline.map((b) => mbPerS(b.bytes, b.ms)),
        goal: NO_GOAL,
        notes: [
          `${PARALLEL} batched requests in parallel (\`POST …/instances/retrieve\`, ${batchedOnly[0]?.requests ?? 0} requests), ` +
            'each multipart answer read whole and dropped: the transport the sync uses, without checking or storing anything. ' +
            'The sync figures keep the issue’s baseline (a plain parallel fetch, one image a request); ' +
            'against this one, the sync’s figures would read lower by this ratio',
        ],
      }),
      measuredFigure({
        id: 'sync.first-image-unsynced',
        title: 'First image of a CT opened before it was synced',
        unit: 'ms',
        samples: opened.map((o) => o.firstImageMs),
        baselineTitle: 'bare canvas: fetch, decode and draw the same image',
        baselineSamples: firstBaseline,
        goal: FIRST_IMAGE_GOAL,
        notes: [
          `images of the series in the cache when the first one showed: ${opened.map((o) => o.cachedAtFirstImage).join(', ')}`,
        ],
      }),
      measuredFigure({
        id: 'sync.series-browsable',
        title: 'Whole series browsable from the cache after opening it unsynced',
        unit: 'ms',
        samples: opened.map((o) => o.browsableMs),
        baselineTitle: 'plain fetch of the same images',
        baselineSamples: baseline.map((b) => b.ms),
        goal: NO_GOAL,
      }),
    );
    details['opened'] = opened;
    details['baseline'] = baseline;
    details['floors'] = { blob: floorBlob, sealed: floorSealed };

    if (plan.profile ?? true) {
      const p = await profiledOpening(browser, backendUrl, series);
      details['profile'] = p;
      log(
        `sync profiled (not counted): synced in ${(p.opened.syncMs / 1000).toFixed(1)} s; worker ` +
          `${p.worker.totalMs} ms profiled, ${p.worker.idleMs} ms idle; most self time:\n` +
          p.worker.hot
            .map((h) => `    ${h.selfMs.toFixed(1).padStart(8)} ms  ${h.where}`)
            .join('\n') +
          `\n  page main thread ${p.page.totalMs} ms profiled, ${p.page.idleMs} ms idle; most self time:\n` +
          p.page.hot
            .slice(0, 8)
            .map((h) => `    ${h.selfMs.toFixed(1).padStart(8)} ms  ${h.where}`)
            .join('\n') +
          '\n  busiest threads:\n' +
          p.threads.map((t) => `    ${t.busyMs.toFixed(1).padStart(8)} ms  ${t.thread}`).join('\n'),
      );
    }

    if (plan.wholeWorklist) {
      const all = await resolveWorklistInstances(backendUrl, CT_READER);
      log(`sync: whole worklist of ${CT_READER}: ${all.label}`);
      const wholes: WholeWorklist[] = [];
      // the same runs in a profile whose cache is stored plain (the encryption setting off)
      const plainWholes: WholeWorklist[] = [];
      const fetched: Array<{ ms: number; bytes: number }> = [];
      const seriesFetched: Array<{ ms: number; bytes: number }> = [];
      const sealedOnDisk: Array<{ ms: number; bytes: number; transactions: number }> = [];
      const runs = Math.max(1, plan.wholeWorklistRuns ?? 2);
      for (let run = 0; run < runs; run++) {
        // Each run a fresh profile on disk; the baselines alternate before and after it, so a
        // drift of the machine does not favour one side. The cache probe (figure 13) in the first.
        // Beside it the same sync in a fresh profile stored plain, on the baselines' other side:
        // sealed, baselines, plain; then plain, baselines, sealed.
        const tandemFirst = run % 2 === 0;
        const plain = async () => {
          plainWholes.push(
            await syncWholeWorklist(backendUrl, CT_READER, { series, storedPlain: true }),
          );
        };
        // the baselines and the sealed floor on disk (the same images as the app's run, written
        // the way the floor writes them, in a profile on disk as the app's) on the same side
        const others = async () => {
          fetched.push(await fetchOnly(bare.page, all.imageUrls));
          seriesFetched.push(await fetchOnly(bare.page, series.imageUrls));
          sealedOnDisk.push(await sealedFloorOnDisk(backendUrl, all.imageUrls));
        };
        if (!tandemFirst) await plain();
        if (!tandemFirst) await others();
        wholes.push(await syncWholeWorklist(backendUrl, CT_READER, { probe: run === 0, series }));
        if (tandemFirst) await others();
        if (tandemFirst) await plain();
        const whole = wholes.at(-1)!;
        const plainWhole = plainWholes.at(-1)!;
        log(
          `sync: whole worklist run ${run + 1}: ready offline in ${(whole.syncMs / 1000).toFixed(1)} s from the first image ` +
            `request (${(whole.ms / 1000).toFixed(1)} s from sign-in) ` +
            `(${whole.instances} images, ${(whole.dicomBytes / 1e6).toFixed(0)} MB); fetch-only ` +
            `${(fetched.at(-1)!.ms / 1000).toFixed(1)} s; the bare page fetching, sealing and storing them in a profile on disk ` +
            `${(sealedOnDisk.at(-1)!.ms / 1000).toFixed(1)} s; IndexedDB on disk ${(whole.diskBytes / 1e6).toFixed(0)} MB; ` +
            (whole.seriesSyncMs !== undefined
              ? `the CT series in the background ${(whole.seriesSyncMs / 1000).toFixed(1)} s from its first request to its last image stored, fetch-only ${(seriesFetched.at(-1)!.ms / 1000).toFixed(1)} s`
              : 'the CT series in the background: not clocked') +
            `; stored plain: the CT series ` +
            (plainWhole.seriesSyncMs !== undefined
              ? `${(plainWhole.seriesSyncMs / 1000).toFixed(1)} s`
              : 'not clocked') +
            `, the whole worklist ${(plainWhole.syncMs / 1000).toFixed(1)} s from the first image request`,
        );
      }
      details['wholeWorklist'] = { ...wholes[0]!, fetchOnly: fetched[0] };
      details['wholeWorklistRuns'] = {
        runs: wholes,
        plainRuns: plainWholes,
        fetchOnly: fetched,
        seriesFetchOnly: seriesFetched,
        sealedFloorOnDisk: sealedOnDisk,
      };
      const seriesRuns = wholes.flatMap((w) =>
        w.seriesSyncMs !== undefined ? [w.seriesSyncMs] : [],
      );
      const seriesBytes = seriesFetched[0]!.bytes;
      // The series' own bytes over its background clock, against the same plain fetch.
      const seriesFigure = (id: string, title: string, runs: number[], notes: string[]) =>
        measuredFigure({
          id,
          title,
          unit: 'MB/s',
          samples: runs.map((ms) => mbPerS(seriesBytes, ms)),
          baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel, not stored`,
          baselineSamples: seriesFetched.map((f) => mbPerS(f.bytes, f.ms)),
          goal: THROUGHPUT_GOAL,
          notes,
        });
      if (seriesRuns.length > 0) {
        figures.push(
          seriesFigure(
            'sync.ct-background',
            `Sync: the CT series in the background, case not opened (${series.label})`,
            seriesRuns,
            [
              `${wholes.length} fresh profiles on disk, each signing in while the sync worker brings the whole worklist, nothing opened; from the sync’s first request for an image of the series until every image of it is in IndexedDB (verified, sealed), while the worklist’s other series share the same 6 requests in flight`,
            ],
          ),
        );
      }
      // The same window, counting everything the sync stored in it: a throughput (bytes stored
      // per second), where the figure above times only the series' own bytes over it.
      const windowRuns = wholes.flatMap((w) =>
        w.seriesSyncMs !== undefined && w.seriesWindowBytes !== undefined
          ? [{ ms: w.seriesSyncMs, bytes: w.seriesWindowBytes }]
          : [],
      );
      if (windowRuns.length > 0) {
        figures.push(
          measuredFigure({
            id: 'sync.ct-background-all-bytes',
            title: `Sync: everything stored during the CT series' background clock (${series.label})`,
            unit: 'MB/s',
            samples: windowRuns.map((r) => mbPerS(r.bytes, r.ms)),
            baselineTitle: `plain fetch of the series' images, ${PARALLEL} in parallel, not stored`,
            baselineSamples: seriesFetched.map((f) => mbPerS(f.bytes, f.ms)),
            goal: NO_GOAL,
            notes: [
              `the previous figure's runs and clock; bytes of every image whose row was stored within it (its own series and the worklist's others), so the sync's throughput while the series synced; ` +
                `of them the series' own: ${windowRuns.map((r) => `${((seriesBytes / r.bytes) * 100).toFixed(0)} %`).join(', ')}`,
            ],
          }),
        );
      }
      const plainSeriesRuns = plainWholes.flatMap((w) =>
        w.seriesSyncMs !== undefined ? [w.seriesSyncMs] : [],
      );
      if (plainSeriesRuns.length > 0) {
        figures.push(
          seriesFigure(
            'sync.ct-background-plain',
            `Sync: the CT series in the background, cache stored plain (encryption setting off) (${series.label})`,
            plainSeriesRuns,
            [
              `as “the CT series in the background” above (same images, clock and baseline), in ${plainWholes.length} fresh profiles on disk whose workstation setting “encrypt the cache” was turned off before sign-in, each beside one of that figure’s runs on the other side of its baselines: images stored as received, every row checked unsealed (the product default, the setting on, seals them: the figure above, whose rows are checked sealed)`,
              `against the sealed runs beside them: ` +
                plainWholes
                  .map((w, i) => {
                    const sealed = wholes[i]?.seriesSyncMs;
                    return w.seriesSyncMs !== undefined && sealed !== undefined
                      ? `${(sealed / w.seriesSyncMs).toFixed(2)}×`
                      : '—';
                  })
                  .join(', ') +
                ' (plain throughput ÷ sealed)',
            ],
          ),
        );
      }
      const perMinute = (w: WholeWorklist, ms: number) => ((w.cases / ms) * 60_000).toFixed(1);
      figures.push(
        measuredFigure({
          id: 'sync.worklist-throughput',
          title: `Sync: a reader's whole worklist ready offline (${all.label})`,
          unit: 'MB/s',
          samples: wholes.map((w) => mbPerS(w.dicomBytes, w.syncMs)),
          baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel`,
          baselineSamples: fetched.map((f) => mbPerS(f.bytes, f.ms)),
          goal: THROUGHPUT_GOAL,
          notes: [
            `${wholes.length} fresh profiles on disk; from the sync’s first image request until every row says ready (the baseline: first ` +
              `request to last body); cases/minute ${wholes.map((w) => perMinute(w, w.syncMs)).join(', ')}`,
            `from sign-in instead (worklist, case details and listings before the first image): ` +
              `${wholes.map((w) => mbPerS(w.dicomBytes, w.ms).toFixed(1)).join(', ')} MB/s, ` +
              `${wholes.map((w) => perMinute(w, w.ms)).join(', ')} cases/minute`,
            `against the sealed floor on disk measured beside each run (next figure): ` +
              wholes
                .map((w, i) => {
                  const f = sealedOnDisk[i]!;
                  return `${(mbPerS(w.dicomBytes, w.syncMs) / mbPerS(f.bytes, f.ms)).toFixed(2)}×`;
                })
                .join(', '),
          ],
        }),
        measuredFigure({
          id: 'sync.floor-worklist-sealed-disk',
          title: `Floor: the same images sealed into IndexedDB by the bare page, profile on disk (${all.label})`,
          unit: 'MB/s',
          samples: sealedOnDisk.map((f) => mbPerS(f.bytes, f.ms)),
          baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel`,
          baselineSamples: fetched.map((f) => mbPerS(f.bytes, f.ms)),
          goal: NO_GOAL,
          notes: [
            'beside each whole-worklist run, on its side of the alternation: the sealed floor of figure 6 ' +
              '(fetch, AES-GCM, `Blob([magic, iv, ciphertext])`, plain IndexedDB puts) on every image of the ' +
              'worklist, in a browser of its own on a fresh profile on disk as the app’s runs have, where the ' +
              'series floors above run in an off-the-record context (IndexedDB in memory), at another moment, ' +
              `on another set of images (${sealedOnDisk.map((f) => f.transactions).join(', ')} transactions)`,
          ],
        }),
        measuredFigure({
          id: 'sync.cache-on-disk',
          title: 'Cache size on disk (IndexedDB directory of the profile)',
          unit: 'MB',
          quote: ['median'],
          samples: wholes.map((w) => w.diskBytes / 1e6),
          baselineTitle: 'bytes of the DICOM files it holds',
          baselineSamples: wholes.map((w) => w.dicomBytes / 1e6),
          goal: DISK_GOAL,
          notes: [
            `each whole-worklist profile, closed after its sync; navigator.storage.estimate() reported ` +
              `${wholes.map((w) => (w.estimateBytes / 1e6).toFixed(0)).join(', ')} MB ` +
              'for the origin (IndexedDB plus the app shell cached by the service worker)',
          ],
        }),
      );
    }
  } finally {
    await bare.context.close();
    await cookies.close();
  }
  return { figures, details };
}
