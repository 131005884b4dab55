// The issue's sync figure as it is worded ("Sync and offline cache"): "a 300-slice CT from the
// backend on loopback into IndexedDB", as a ratio to a plain parallel fetch of the same bytes. The
// figures of `sync.ts` time the demo CT series inside a whole worklist's sync (other series share
// its requests) or while the viewer reads it; here the CT is its reader's only case, on a backend
// of its own (`CT_ALONE_SIZES`), so the sync brings that series and nothing else.
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { REPO_ROOT } from '../../backend/test-support/processes.ts';
import { openBaselinePage } from '../browser/session.ts';
import { startBenchDataBackend } from '../data/bench-backend.ts';
import { BENCH_READERS, CT_ALONE_SIZES, ctCaseId } from '../data/bench-data.ts';
import { measuredFigure, type Figure } from '../figure.ts';
import { median } from '../stats.ts';
import { resolveLargestSeries, resolveWorklistInstances, type InstanceSet } from './ct-case.ts';
import {
  NO_GOAL,
  PARALLEL,
  SYNC_FETCH_BATCH,
  THROUGHPUT_GOAL,
  appWorkerOnBarePage,
  batchedFloorOnDisk,
  cookieContext,
  fetchOnly,
  mbPerS,
  syncWholeWorklist,
  type SyncResult,
  type WholeWorklist,
} from './sync.ts';

export interface SyncAlonePlan {
  /** fresh profiles of each kind (sealed, the default; plain), each run beside a fetch-only one */
  runs: number;
}

type Step = 'sealed' | 'plain' | 'fetch' | 'floor' | 'worker';

/** The reader whose only case, on the CT-alone data, is the 300-slice CT. */
export const CT_ALONE_READER = BENCH_READERS.large;

/** The CT-alone data's series, as `CT_ALONE_READER` sees it on the backend at `backendUrl`. */
export function resolveCtAloneSeries(backendUrl: string): Promise<InstanceSet> {
  return resolveLargestSeries(backendUrl, CT_ALONE_READER, ctCaseId(CT_ALONE_SIZES.ctImages));
}

/** Where the CT-alone data set is written once (`TANDEM_BENCH_CT_ALONE` to put it elsewhere). */
export function ctAloneDataDir(): string {
  return process.env['TANDEM_BENCH_CT_ALONE'] ?? path.join(REPO_ROOT, '.cache', 'bench-ct-alone');
}

/**
 * Each run: a fresh profile on disk signs in and syncs the CT with the cache sealed (the product
 * default), another with the workstation setting "encrypt the cache" off, and between them the
 * bare page fetches the same images, and stores them sealed the least way a page can in a fresh
 * profile of its own (the floor); the order flips from run to run, so a drift of the machine
 * favours neither.
 */
export async function measureCtAlone(
  browser: Browser,
  plan: SyncAlonePlan,
  log: (line: string) => void,
): Promise<SyncResult> {
  const seeded = await startBenchDataBackend(ctAloneDataDir(), CT_ALONE_SIZES, log);
  const backend = seeded.backend;
  log(`sync, CT alone: backend at ${backend.url}`);
  const reader = CT_ALONE_READER;
  try {
    const series = await resolveCtAloneSeries(backend.url);
    const all = await resolveWorklistInstances(backend.url, reader);
    if (all.imageUrls.length !== series.imageUrls.length) {
      throw new Error(
        `the CT's reader has more to sync than the CT (${all.label}): the figure would time other images`,
      );
    }
    const cookies = await cookieContext(browser, backend.url, reader);
    const bare = await openBaselinePage(browser, cookies, backend.url);
    const sealed: WholeWorklist[] = [];
    const plain: WholeWorklist[] = [];
    const fetched: Array<{ ms: number; bytes: number }> = [];
    const floor: Array<{ ms: number; bytes: number; transactions: number }> = [];
    const worker: number[] = [];
    try {
      // once, not counted: the backend's files into the page cache, the bare page's code warm
      await fetchOnly(bare.page, series.imageUrls);
      for (let run = 0; run < plan.runs; run++) {
        const order: Step[] =
          run % 2 === 0
            ? ['sealed', 'fetch', 'floor', 'worker', 'plain']
            : ['plain', 'worker', 'floor', 'fetch', 'sealed'];
        for (const step of order) {
          if (step === 'fetch') {
            fetched.push(await fetchOnly(bare.page, series.imageUrls));
            continue;
          }
          if (step === 'floor') {
            floor.push(await batchedFloorOnDisk(backend.url, series.imageUrls, reader, 'sealed'));
            continue;
          }
          if (step === 'worker') {
            worker.push((await appWorkerOnBarePage(backend.url, seeded.uiDir, series, reader)).ms);
            continue;
          }
          const w = await syncWholeWorklist(backend.url, reader, {
            series,
            storedPlain: step === 'plain',
          });
          if (w.seriesSyncMs === undefined) throw new Error('the series was not clocked');
          if (w.instances !== series.imageUrls.length) {
            throw new Error(`${w.instances} images stored of ${series.imageUrls.length}`);
          }
          (step === 'plain' ? plain : sealed).push(w);
        }
        const last = (xs: WholeWorklist[]) => xs.at(-1)!;
        log(
          `sync, CT alone, run ${run + 1}: sealed ${mbPerS(last(sealed).dicomBytes, last(sealed).seriesSyncMs!).toFixed(1)} MB/s, ` +
            `plain ${mbPerS(last(plain).dicomBytes, last(plain).seriesSyncMs!).toFixed(1)} MB/s, ` +
            `floor ${mbPerS(floor.at(-1)!.bytes, floor.at(-1)!.ms).toFixed(1)} MB/s, ` +
            `its worker on the bare page ${mbPerS(sealed.at(-1)!.dicomBytes, worker.at(-1)!).toFixed(1)} MB/s, ` +
            `fetch-only ${mbPerS(fetched.at(-1)!.bytes, fetched.at(-1)!.ms).toFixed(1)} MB/s`,
        );
      }
    } finally {
      await bare.context.close();
      await cookies.close();
    }
    const bytes = sealed[0]!.dicomBytes;
    const baselineSamples = fetched.map((f) => mbPerS(f.bytes, f.ms));
    const floorSamples = floor.map((f) => mbPerS(f.bytes, f.ms));
    const workerSamples = worker.map((ms) => mbPerS(bytes, ms));
    /** the median of these syncs as a share of the median of `samples` */
    const shareOf = (ws: WholeWorklist[], samples: number[]) =>
      `${(median(ws.map((w) => mbPerS(w.dicomBytes, w.seriesSyncMs!))) / median(samples)).toFixed(2)}×`;
    const fromSignIn = (ws: WholeWorklist[]) =>
      ws.map((w) => `${(w.ms / 1000).toFixed(1)} s`).join(', ');
    const figure = (id: string, title: string, runs: WholeWorklist[], notes: string[]): Figure =>
      measuredFigure({
        id,
        title,
        unit: 'MB/s',
        samples: runs.map((w) => mbPerS(w.dicomBytes, w.seriesSyncMs!)),
        baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel, not stored`,
        baselineSamples,
        goal: THROUGHPUT_GOAL,
        notes: [
          `${runs.length} fresh profiles on disk, each signing in as the reader whose only case is this CT (${(bytes / 1e6).toFixed(0)} MB, a backend of its own), nothing opened; ` +
            'from the sync’s first request for an image until every image is in IndexedDB (verified, then stored), so the sync brings this series and nothing else; ' +
            'the baseline beside each run, between the two kinds of profile, whose order flips from run to run',
          ...notes,
          `sign-in to every row ready: ${fromSignIn(runs)}`,
        ],
      });
    return {
      figures: [
        figure(
          'sync.ct-alone',
          `Sync: a 300-slice CT alone, into IndexedDB (${series.label})`,
          sealed,
          [
            'the product default: every image sealed with AES-GCM at rest (rows checked sealed)',
            `${shareOf(sealed, floorSamples)} of the floor measured beside it (the floor figure below; medians)`,
            `${shareOf(sealed, workerSamples)} of its own sync worker on the bare page (the diagnostic below; medians)`,
          ],
        ),
        figure(
          'sync.ct-alone-plain',
          `Sync: a 300-slice CT alone, cache stored plain (encryption setting off) (${series.label})`,
          plain,
          [
            'the workstation setting “encrypt the cache” off before sign-in: images stored as received (rows checked unsealed)',
          ],
        ),
        measuredFigure({
          id: 'sync.ct-alone-floor',
          title: `Floor: the same CT fetched as the sync fetches it and stored sealed by the least a page can do (${series.label})`,
          unit: 'MB/s',
          samples: floorSamples,
          baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel, not stored`,
          baselineSamples,
          goal: NO_GOAL,
          notes: [
            `the bare page, signed in by API in a fresh profile on disk of its own beside each run: in a dedicated worker, ${SYNC_FETCH_BATCH} images a batched request, ` +
              `${PARALLEL - 1} at a time (the sync’s background request slots), each answer read whole and cut into its parts, ` +
              'each part sealed with AES-GCM as the cache does and put into a plain object store (at most 48 a transaction, one at a time); ' +
              'no verification, no Dexie, no indexes, no progress rows, no page drawn; first request to last transaction complete; ' +
              'its browser left alone 4 s after it started first (its own start-up work; the app’s sync begins seconds after its browser starts)',
            'what the platform leaves for a sealed sync on this machine: the gap between it and the CT figure above is Tandem’s own work',
            `${floor.map((f) => f.transactions).join(', ')} transactions`,
          ],
        }),
        measuredFigure({
          id: 'sync.ct-alone-worker',
          title: `Diagnostic: the app's own sync worker on the bare page, the same CT sealed (${series.label})`,
          unit: 'MB/s',
          samples: workerSamples,
          baselineTitle: `plain fetch of the same images, ${PARALLEL} in parallel, not stored`,
          baselineSamples,
          goal: NO_GOAL,
          notes: [
            'the built sync worker of the renderer measured, started by the bare page as the app’s page starts it (a key of its own, sealing on), ' +
              'signed in by API in a fresh profile on disk of its own beside each run, its browser left alone 4 s as the floor’s: ' +
              'the app’s sync (Dexie, verification, sealing, progress rows) without the app’s page (React, the worklist drawn, the viewer’s warm-up); ' +
              'first request for an image of the series until every image of it is in IndexedDB',
            'the CT figure against this one: what the app’s page costs the sync; this one against the floor: what the worker does beyond the least a page can do',
          ],
        }),
      ],
      details: { sealed, plain, fetched, floor, worker, series: series.label },
    };
  } finally {
    await seeded.close();
  }
}
