// The figures at bench scale (`bench/data/bench-data.ts`, its own backend): a 1,000-image MR synced
// into IndexedDB beside a plain parallel fetch, a worklist of 50 cases with priors ready offline,
// and the browser's peak memory while a 1,500-image CT and a 1,000-image MR are read.
import type { Browser, Page } from '@playwright/test';
import {
  armFirstImageWatch,
  awaitFirstImage,
  floodThrough,
  pressOnWindow,
} from '../browser/in-page.ts';
import { browserPssByKind, sampleBrowserMemory } from '../browser/process-memory.ts';
import {
  launchProfile,
  heapAfterGc,
  openBaselinePage,
  signInIfAsked,
  waitForSyncSettled,
  type HeapReading,
} from '../browser/session.ts';
import { measuredFigure, type Figure, type Goal } from '../figure.ts';
import { BENCH_READERS, CT_LARGE_CASE_ID, MR_CASE_ID } from '../data/bench-data.ts';
import { resolveLargestSeries, resolveWorklistInstances } from './ct-case.ts';
import {
  PARALLEL,
  cookieContext,
  fetchOnly,
  mbPerS,
  openBeforeSync,
  openSeriesAtOnce,
  syncWholeWorklist,
  type OpenedBeforeSync,
  type WholeWorklist,
} from './sync.ts';

export interface ScalePlan {
  /** fresh-profile openings of the unsynced MR, each beside a fetch-only baseline */
  mrRuns: number;
  /** sync the 50-case worklist into a profile */
  worklist: boolean;
  /** how many fresh profiles sync the 50-case worklist, each beside a fetch-only run (default 2) */
  worklistRuns?: number;
  /** time budget for paging through each large series while memory is sampled */
  readBudgetMs: number;
  /**
   * peak memory runs: the reading session's, then relaunches of the browser on its synced
   * profile (default 2)
   */
  peakRuns?: number;
}

const THROUGHPUT_GOAL: Goal = {
  text: '≥ 0.8 × fetch-only',
  source: 'issue "Performance": sync ≥ 0.8 of a plain parallel fetch',
  met: ({ ratio }) => (ratio === null ? null : ratio >= 0.8),
};
const MEMORY_GOAL: Goal = {
  text: '≤ 2,048 MB',
  source: 'issue "Performance": peak ≤ 2 GB for a 1,500-image CT plus a 1,000-image MR',
  met: ({ value }) => value.median <= 2048,
};

const MB = 1024 * 1024;

/**
 * The MR sync figure and the worklist figure. `sessionMr` is the MR opened at once in the reading
 * session (`measureSession`), the first of the MR samples; the others open it in fresh profiles.
 */
export async function measureScale(
  browser: Browser,
  backendUrl: string,
  plan: ScalePlan,
  sessionMr: OpenedBeforeSync | null,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};

  // 1. The 1,000-image MR, opened in a fresh profile before it is synced.
  const mr = await resolveLargestSeries(backendUrl, BENCH_READERS.large, MR_CASE_ID);
  const cookies = await cookieContext(browser, backendUrl, BENCH_READERS.large);
  const bare = await openBaselinePage(browser, cookies, backendUrl);
  try {
    const opened: OpenedBeforeSync[] = sessionMr ? [sessionMr] : [];
    const baseline: Array<{ ms: number; bytes: number }> = [];
    if (!sessionMr) await fetchOnly(bare.page, mr.imageUrls); // warms the backend's file cache
    for (let run = 0; run < plan.mrRuns; run++) {
      if (run === 0 && sessionMr) {
        baseline.push(await fetchOnly(bare.page, mr.imageUrls));
      } else {
        const tandemFirst = run % 2 === 0;
        if (!tandemFirst) baseline.push(await fetchOnly(bare.page, mr.imageUrls));
        opened.push(
          await openBeforeSync(browser, backendUrl, mr, {
            reader: BENCH_READERS.large,
            caseId: MR_CASE_ID,
          }),
        );
        if (tandemFirst) baseline.push(await fetchOnly(bare.page, mr.imageUrls));
      }
      log(
        `scale: MR run ${run + 1}: in IndexedDB ${(opened.at(-1)!.syncMs / 1000).toFixed(1)} s after its first request ` +
          `(${(opened.at(-1)!.browsableMs / 1000).toFixed(1)} s after the double-click), ` +
          `fetch-only ${(baseline.at(-1)!.ms / 1000).toFixed(1)} s`,
      );
    }
    const bytes = baseline[0]!.bytes;
    figures.push(
      measuredFigure({
        id: 'scale.mr-1000-sync',
        title: `Sync: ${mr.imageUrls.length}-image MR opened unsynced, into IndexedDB (${(bytes / 1e6).toFixed(0)} MB)`,
        unit: 'MB/s',
        samples: opened.map((o) => mbPerS(bytes, o.syncMs)),
        baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel, not stored`,
        baselineSamples: baseline.map((b) => mbPerS(b.bytes, b.ms)),
        goal: THROUGHPUT_GOAL,
        notes: [
          'from the sync’s first request for an image of the series until every image of it is in IndexedDB (the baseline: first request to last body); ' +
            'in the first sample (the reading session of figure 11, opened once the session’s series are resolved, with the reader’s whole sync under way) from its first request after the double-click; ' +
            'the reader’s other cases (a 1,500-image CT, 110 one-image cases) sync in the same profile meanwhile',
          `from the double-click instead (a fresh profile, sync just started at sign-in): ${opened.map((o) => `${mbPerS(bytes, o.browsableMs).toFixed(1)} MB/s`).join(', ')}`,
          `first image after ${opened.map((o) => Math.round(o.firstImageMs)).join(', ')} ms`,
        ],
      }),
    );
    details['mr'] = { opened, baseline };
  } finally {
    await bare.context.close();
    await cookies.close();
  }

  // 2. A worklist of 50 cases with priors, ready offline.
  if (plan.worklist) {
    const reader = BENCH_READERS.worklist;
    const all = await resolveWorklistInstances(backendUrl, reader);
    log(`scale: whole worklist of ${reader}: ${all.label}`);
    const readerCookies = await cookieContext(browser, backendUrl, reader);
    const readerBare = await openBaselinePage(browser, readerCookies, backendUrl);
    const perMinute = (cases: number, ms: number) => (cases / ms) * 60_000;
    const wholes: WholeWorklist[] = [];
    const fetched: Array<{ ms: number; bytes: number }> = [];
    try {
      for (let run = 0; run < Math.max(1, plan.worklistRuns ?? 2); run++) {
        // alternate which goes first, so a drift of the machine does not favour one side
        const tandemFirst = run % 2 === 0;
        if (!tandemFirst) fetched.push(await fetchOnly(readerBare.page, all.imageUrls));
        const whole = await syncWholeWorklist(backendUrl, reader, { probe: run === 0 });
        wholes.push(whole);
        if (tandemFirst) fetched.push(await fetchOnly(readerBare.page, all.imageUrls));
        log(
          `scale: worklist run ${run + 1}: ${whole.cases} cases ready offline in ${(whole.syncMs / 1000).toFixed(1)} s from the first image request ` +
            `(${(whole.ms / 1000).toFixed(1)} s from sign-in; ${perMinute(whole.cases, whole.syncMs).toFixed(1)} cases/minute); ` +
            `fetch-only ${(fetched.at(-1)!.ms / 1000).toFixed(1)} s`,
        );
      }
    } finally {
      await readerBare.context.close();
      await readerCookies.close();
    }
    const mb = (ws: readonly { bytes: number; ms: number }[]) =>
      ws.map((w) => mbPerS(w.bytes, w.ms).toFixed(1)).join(', ');
    figures.push(
      measuredFigure({
        id: 'scale.worklist-50',
        title: `Sync: worklist of ${all.cases} cases with priors ready offline (${all.label})`,
        unit: 'cases/min',
        quote: ['median'],
        samples: wholes.map((w) => perMinute(w.cases, w.syncMs)),
        baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel, as cases/minute`,
        baselineSamples: fetched.map((f) => perMinute(all.cases, f.ms)),
        goal: THROUGHPUT_GOAL,
        notes: [
          'from the sync’s first image request until every row says ready (the baseline: first request to last body): ' +
            `${wholes.map((w) => `${(w.syncMs / 1000).toFixed(1)} s`).join(', ')}; ` +
            `MB/s ${mb(wholes.map((w) => ({ bytes: w.dicomBytes, ms: w.syncMs })))}; fetch-only MB/s ${mb(fetched)}`,
          `from sign-in instead: ${wholes.map((w) => `${perMinute(w.cases, w.ms).toFixed(1)}`).join(', ')} cases/minute`,
        ],
      }),
    );
    details['worklist'] = { runs: wholes, fetchOnly: fetched, label: all.label };
  }

  return { figures, details };
}

/** One reading of the 1,500-image CT then the 1,000-image MR with the browser's memory sampled. */
export interface PeakRun {
  /** the reading session (the reader's sync under way) or a relaunch on its synced cache */
  kind: 'session' | 'synced cache';
  /** on a relaunch: whether the app kept the session or asked to sign in again */
  signIn?: string;
  /** PSS by process kind of the browser just signed in (bytes) */
  atSignIn: Record<string, number>;
  /** the highest PSS of the browser's processes (bytes), by kind at that moment */
  peak: number;
  atPeak: Record<string, number>;
  samplesMB: number[];
  reads: Array<{ caseId: string; images: number; asked: number; lastShown: number; ms: number }>;
  heap: HeapReading | null;
}

/**
 * In `page` on the worklist: opens the 1,500-image CT and pages through it, every image asked for
 * (16 ahead of the one shown), then the 1,000-image MR, each for at most `plan.readBudgetMs`.
 */
async function readLargeSeries(
  page: Page,
  plan: ScalePlan,
  log: (line: string) => void,
): Promise<{ reads: PeakRun['reads']; heap: HeapReading | null }> {
  const reads: PeakRun['reads'] = [];
  let heap: HeapReading | null = null;
  for (const [caseId, images] of [
    [CT_LARGE_CASE_ID, 1500],
    [MR_CASE_ID, 1000],
  ] as const) {
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
    await page.evaluate(armFirstImageWatch, 120_000);
    // forced: the rows re-render as the sync moves on, so they are never "stable" for long
    await row.dblclick({ force: true, timeout: 60_000 });
    await page.evaluate(awaitFirstImage);
    const read = await page.evaluate(floodThrough, {
      images,
      budgetMs: plan.readBudgetMs,
      ahead: 16,
    });
    reads.push({ caseId, images, ...read });
    log(
      `scale: asked for ${read.asked + 1} of ${images} images of ${caseId}, showed up to ` +
        `${read.lastShown + 1}, in ${(read.ms / 1000).toFixed(1)} s`,
    );
    if (caseId === MR_CASE_ID) heap = await heapAfterGc(page);
    await page.evaluate(pressOnWindow, 'Escape');
    await row.waitFor();
  }
  return { reads, heap };
}

/**
 * The reading session of the large series' reader, in `page` just signed in (a fresh profile):
 * the MR opened at once (the first MR sync sample), then, while the reader's sync of 1.1 GB goes
 * on in the background as it would, the 1,500-image CT and the 1,000-image MR paged through,
 * every image asked for, while the browser's memory is sampled (the first peak memory run).
 */
export async function measureSession(
  page: Page,
  backendUrl: string,
  plan: ScalePlan,
  log: (line: string) => void,
  /** the session's persistent profile: only the browser running it is sampled */
  profileDir?: string,
): Promise<{ run: PeakRun; mr: OpenedBeforeSync }> {
  const { result, ...memory } = await withMemorySampled(profileDir, async () => {
    const mrSeries = await resolveLargestSeries(backendUrl, BENCH_READERS.large, MR_CASE_ID);
    const mr = await openSeriesAtOnce(page, MR_CASE_ID, mrSeries);
    log(
      `scale: MR (${mrSeries.label}) opened at once: first image ${Math.round(mr.firstImageMs)} ms, ` +
        `all in IndexedDB after ${(mr.browsableMs / 1000).toFixed(1)} s`,
    );
    await page.evaluate(pressOnWindow, 'Escape');
    await page.locator('[data-testid="worklist-row"]').first().waitFor();
    return { mr, ...(await readLargeSeries(page, plan, log)) };
  });
  return {
    mr: result.mr,
    run: { kind: 'session', ...memory, reads: result.reads, heap: result.heap },
  };
}

/**
 * The browser's memory when `work` begins and every 250 ms while it runs (only the browser of
 * `profileDir` when given): the peak and what was sampled, beside what `work` returns.
 */
async function withMemorySampled<T>(profileDir: string | undefined, work: () => Promise<T>) {
  const atSignIn = browserPssByKind(profileDir);
  const sampler = sampleBrowserMemory(250, profileDir);
  let sampled: ReturnType<ReturnType<typeof sampleBrowserMemory>['stop']> | null = null;
  try {
    const result = await work();
    sampled = sampler.stop();
    return {
      atSignIn,
      peak: sampled.peak,
      atPeak: sampled.atPeak,
      samplesMB: sampled.samples.map((b) => Math.round(b / MB)),
      result,
    };
  } finally {
    if (!sampled) sampler.stop();
  }
}

/**
 * Another peak memory run on the session's profile, its cache synced: the browser launched again
 * on it (nothing of the session's in memory), signed in, then the same reading sampled.
 */
export async function peakOnSyncedCache(
  profileDir: string,
  backendUrl: string,
  plan: ScalePlan,
  log: (line: string) => void,
): Promise<PeakRun> {
  const context = await launchProfile(profileDir, backendUrl);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const how = await signInIfAsked(page, BENCH_READERS.large);
    await page.getByTestId('worklist').waitFor({ timeout: 30_000 });
    const settled = await waitForSyncSettled(page, 5 * 60_000);
    log(
      `scale: relaunched on the synced profile (${how}), every row ready ${(settled.ms / 1000).toFixed(1)} s after the worklist showed`,
    );
    const { result, ...memory } = await withMemorySampled(profileDir, () =>
      readLargeSeries(page, plan, log),
    );
    return { kind: 'synced cache', signIn: how, ...memory, ...result };
  } finally {
    await context.close();
  }
}

const total = (kinds: Record<string, number>) =>
  Object.values(kinds).reduce((a, b) => a + b, 0) / MB;
const byKind = (kinds: Record<string, number>) =>
  Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${Math.round(v / MB)}`)
    .join(', ');

/** Figure 11 from its runs: the session's, then the relaunches on its synced cache. */
export function peakMemoryFigure(runs: readonly PeakRun[]): Figure {
  const readAll = runs.every((run) => run.reads.every((r) => r.asked + 1 >= r.images));
  return measuredFigure({
    id: 'scale.memory-peak',
    title: 'Peak browser memory reading a 1,500-image CT then a 1,000-image MR',
    unit: 'MB',
    quote: ['median'],
    samples: runs.map((r) => r.peak / MB),
    baselineTitle: 'the same browser just signed in',
    baselineSamples: runs.map((r) => total(r.atSignIn)),
    goal: MEMORY_GOAL,
    notes: [
      'PSS of every process of the reading browser (a profile on disk, as the app has: an off-the-record context would hold IndexedDB in memory), sampled every 250 ms; images paged through with 16 asked ahead of the one shown',
      `runs: ${runs
        .map(
          (r, i) =>
            `${i + 1}. ${r.kind === 'session' ? 'the reading session, from sign-in, its sync of 1.1 GB under way (the MR opened at once first)' : `the browser launched again on the session’s profile, its cache synced (${r.signIn ?? 'signed in'}), from the worklist shown`}: ${Math.round(r.peak / MB)} MB`,
        )
        .join('; ')}`,
      `images asked for: ${runs.map((run) => run.reads.map((r) => `${r.asked + 1} of ${r.images} in ${(r.ms / 1000).toFixed(0)} s`).join(' and ')).join('; ')}` +
        (readAll ? '' : ' (a reading stops at its time budget)'),
      `at the peak, MB by process: ${runs.map((r) => byKind(r.atPeak)).join('; ')}`,
      `just signed in, MB by process: ${runs.map((r) => byKind(r.atSignIn)).join('; ')}`,
      `renderer after the MR, after a forced GC (JS heap, array buffers): ${runs
        .map((r) =>
          r.heap
            ? `${Math.round(r.heap.jsHeapBytes / MB)} MB, ${Math.round(r.heap.backingStoreBytes / MB)} MB`
            : '—',
        )
        .join('; ')}`,
    ],
  });
}
