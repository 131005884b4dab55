// The sync figures (issue "Sync and offline cache"): how fast cases reach IndexedDB compared with
// merely downloading the same bytes, how soon a case opened before it is synced shows its first
// image and becomes browsable, and what the cache costs on disk per byte of DICOM.
import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { makeTempDir, removeDir } from '../../backend/test-support/processes.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium.ts';
import { armFirstImageWatch, awaitFirstImage } from '../browser/in-page.ts';
import {
  DEMO_PASSWORD,
  VIEWPORT,
  newContext,
  openBaselinePage,
  signIn,
  waitForSyncSettled,
} from '../browser/session.ts';
import { measuredFigure, type Figure, type Goal } from '../figure.ts';
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
}

/** The sync worker's default parallelism; the fetch-only baseline uses the same. */
export const PARALLEL = 6;

const THROUGHPUT_GOAL: Goal = {
  text: '≥ 0.8 × fetch-only',
  source: 'issue "Sync and offline cache": throughput ≥ 0.8 of a plain parallel fetch',
  met: ({ ratio }) => (ratio === null ? null : ratio >= 0.8),
};
const FIRST_IMAGE_GOAL: Goal = {
  text: '< 1,000 ms',
  source: 'DEVELOPERS.md: a CT opens "in under a second"',
  met: ({ value }) => value.median < 1000,
};
const NO_GOAL: Goal = { text: '—', source: 'for information', met: () => null };
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

export interface OpenedBeforeSync {
  firstImageMs: number;
  browsableMs: number;
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
  try {
    const page = await context.newPage();
    await signIn(page, opening.reader);
    return await openSeriesAtOnce(page, opening.caseId, series);
  } finally {
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
): Promise<OpenedBeforeSync> {
  {
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
    return await page.evaluate(
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
        db.close();
        return { firstImageMs, browsableMs, cachedAtFirstImage };
      },
      { seriesUid: series.seriesUid!, expected: series.imageUrls.length, firstImageMs: first.ms },
    );
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
  ms: number;
  cases: number;
  dicomBytes: number;
  instances: number;
  diskBytes: number;
  estimateBytes: number;
}

/**
 * The reader's whole worklist synced into a profile on disk: time from sign-in until every case
 * is ready offline, then the profile's IndexedDB directory measured against the DICOM bytes.
 */
export async function syncWholeWorklist(
  backendUrl: string,
  reader: string = CT_READER,
): Promise<WholeWorklist> {
  const profile = makeTempDir('bench-profile');
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
      viewport: VIEWPORT,
      baseURL: backendUrl,
    });
    let reading: Omit<WholeWorklist, 'diskBytes'>;
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const started = Date.now();
      await signIn(page, reader);
      const settled = await waitForSyncSettled(page, 15 * 60_000);
      const ms = Date.now() - started;
      const cases = Object.values(settled.states).reduce((a, b) => a + b, 0);
      const inCache = await page.evaluate(
        () =>
          new Promise<{ bytes: number; instances: number; estimate: number }>((resolve, reject) => {
            const req = indexedDB.open('tandem');
            req.onerror = () => reject(req.error);
            req.onsuccess = () => {
              const db = req.result;
              let bytes = 0;
              let instances = 0;
              const cursor = db.transaction('instances').objectStore('instances').openCursor();
              cursor.onerror = () => reject(cursor.error);
              cursor.onsuccess = () => {
                const c = cursor.result;
                if (c) {
                  bytes += (c.value as { size: number }).size;
                  instances++;
                  c.continue();
                  return;
                }
                db.close();
                void navigator.storage
                  .estimate()
                  .then((e) => resolve({ bytes, instances, estimate: e.usage ?? 0 }));
              };
            };
          }),
      );
      reading = {
        ms,
        cases,
        dicomBytes: inCache.bytes,
        instances: inCache.instances,
        estimateBytes: inCache.estimate,
      };
    } finally {
      // Closing flushes the database's log to its files before they are measured.
      await context.close();
    }
    const diskBytes = directoryBytes(path.join(profile, 'Default', 'IndexedDB'));
    return { ...reading, diskBytes };
  } finally {
    removeDir(profile);
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
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { series: series.label };
  try {
    // Warm the backend's file cache once, so neither side pays for the first disk reads.
    await fetchOnly(bare.page, series.imageUrls);
    const opened: OpenedBeforeSync[] = [];
    const baseline: Array<{ ms: number; bytes: number }> = [];
    const firstBaseline: number[] = [];
    for (let run = 0; run < plan.runs; run++) {
      // Alternate which goes first, so a drift of the machine does not favour one side.
      const tandemFirst = run % 2 === 0;
      if (!tandemFirst) baseline.push(await fetchOnly(bare.page, series.imageUrls));
      opened.push(await openBeforeSync(browser, backendUrl, series));
      if (tandemFirst) baseline.push(await fetchOnly(bare.page, series.imageUrls));
      const first = await bare.page.evaluate(
        ({ url, w, h }) => (window as unknown as Bench).tandemBench.firstImage(url, w, h),
        { url: series.imageUrls[0]!, w: 900, h: 900 },
      );
      firstBaseline.push(first.ms);
      const o = opened.at(-1)!;
      log(
        `sync run ${run + 1}: first image ${Math.round(o.firstImageMs)} ms, series browsable ` +
          `${(o.browsableMs / 1000).toFixed(1)} s (${o.cachedAtFirstImage} cached at the first image); ` +
          `fetch-only ${(baseline.at(-1)!.ms / 1000).toFixed(1)} s`,
      );
    }
    const bytes = baseline[0]!.bytes;
    figures.push(
      measuredFigure({
        id: 'sync.ct-series-throughput',
        title: `Sync: CT series opened before it was synced, into IndexedDB (${series.imageUrls.length} images, ${(bytes / 1e6).toFixed(0)} MB)`,
        unit: 'MB/s',
        quote: ['median', 'p95'],
        samples: opened.map((o) => mbPerS(bytes, o.browsableMs)),
        baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel, not stored`,
        baselineSamples: baseline.map((b) => mbPerS(b.bytes, b.ms)),
        goal: THROUGHPUT_GOAL,
        notes: [
          'Tandem counts from the double-click that opens the case (sync just started at sign-in) ' +
            'until every image of the series is verified in IndexedDB; the case detail, series ' +
            'listings and the first/middle/last images of its other series are part of it.',
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

    if (plan.wholeWorklist) {
      const all = await resolveWorklistInstances(backendUrl, CT_READER);
      log(`sync: whole worklist of ${CT_READER}: ${all.label}`);
      const whole = await syncWholeWorklist(backendUrl);
      const fetched = await fetchOnly(bare.page, all.imageUrls);
      log(
        `sync: worklist ready offline in ${(whole.ms / 1000).toFixed(1)} s ` +
          `(${whole.instances} images, ${(whole.dicomBytes / 1e6).toFixed(0)} MB); fetch-only ` +
          `${(fetched.ms / 1000).toFixed(1)} s; IndexedDB on disk ${(whole.diskBytes / 1e6).toFixed(0)} MB`,
      );
      details['wholeWorklist'] = { ...whole, fetchOnly: fetched };
      figures.push(
        measuredFigure({
          id: 'sync.worklist-throughput',
          title: `Sync: a reader's whole worklist ready offline (${all.label})`,
          unit: 'MB/s',
          samples: [mbPerS(whole.dicomBytes, whole.ms)],
          baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel`,
          baselineSamples: [mbPerS(fetched.bytes, fetched.ms)],
          goal: THROUGHPUT_GOAL,
          notes: [
            `${((whole.cases / whole.ms) * 60_000).toFixed(1)} cases/minute, from sign-in ` +
              'until every row says ready (worklist, details, listings and verification included)',
          ],
        }),
        measuredFigure({
          id: 'sync.cache-on-disk',
          title: 'Cache size on disk (IndexedDB directory of the profile)',
          unit: 'MB',
          quote: ['median'],
          samples: [whole.diskBytes / 1e6],
          baselineTitle: 'bytes of the DICOM files it holds',
          baselineSamples: [whole.dicomBytes / 1e6],
          goal: DISK_GOAL,
          notes: [
            `navigator.storage.estimate() reported ${(whole.estimateBytes / 1e6).toFixed(0)} MB ` +
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
