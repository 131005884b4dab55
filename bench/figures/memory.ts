// Figure 5: the renderer's memory across a reading session: 10 CT cases of the bench-size
// worklist read one after the other (each hung with its prior CT), every image paged through,
// back to the worklist, then the page's heap after a forced garbage collection and the renderer
// process's memory from /proc.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { measuredFigure, type Figure } from '../figure.ts';
import {
  armFirstImageWatch,
  awaitFirstImage,
  pressOnWindow,
  floodThrough,
} from '../browser/in-page.ts';
import { processMemory, rendererPids, type ProcessMemory } from '../browser/renderer-process.ts';
import {
  heapAfterGc,
  newContext,
  signIn,
  waitForSyncSettled,
  type HeapReading,
} from '../browser/session.ts';
import { BENCH_READERS, worklistCaseId } from '../data/bench-data.ts';
import { apiFor } from './ct-case.ts';
import { median, slope } from '../stats.ts';

export interface MemoryPlan {
  /** CT cases read in a row, each a different patient's (with its prior) */
  studies: number;
  imagesPerStudy: number;
}

/** The cases read: the bench-size worklist's CT chest cases, in order (12 images each). */
export const MEMORY_READER = BENCH_READERS.worklist;
export const memoryCases = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => worklistCaseId(i));

const MB = 1024 * 1024;
const heapTotal = (h: HeapReading) => h.jsHeapBytes + h.backingStoreBytes + h.embedderBytes;

/** What `window.tandemViewerResources()` reports (renderer/viewer/resource-census.ts). */
export interface ResourceCensus {
  enabledElements: number;
  renderingEngines: number;
  viewports: number;
  synchronizers: number;
  toolGroupViewports: number;
  annotations: number;
  imageCacheBytes: number;
  volumes: number;
  parsedFileBytes: number;
  parsedFiles: number;
  cachedImageFileBytes: number;
  headerOnlyFiles: number;
}

export interface ReadReading {
  caseId: string;
  heap: HeapReading;
  census: ResourceCensus;
  /** the page's renderer process, or null when it could not be told apart */
  process: ProcessMemory | null;
}

/** The number of images of the series a case opens on (the lowest series number), as its reader sees it. */
async function firstSeriesImages(
  backendUrl: string,
  reader: string,
  caseId: string,
): Promise<number> {
  const { api, qido } = await apiFor(backendUrl, reader);
  try {
    const detail = await api.caseDetail(caseId);
    const series = [...detail.study.series].sort(
      (a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity),
    )[0];
    if (!series) throw new Error(`${caseId} has no series`);
    const instances = await qido.searchInstances(
      detail.study.studyInstanceUid,
      series.seriesInstanceUid,
    );
    return instances.length;
  } finally {
    await api.logout();
  }
}

/** A new page of the reading context (signed in, its sync settled) on the worklist. */
export async function openReadingPage(reading: BrowserContext): Promise<Page> {
  const page = await reading.newPage();
  await page.goto('/#/worklist');
  await page.locator('[data-testid="worklist-row"]').first().waitFor({ timeout: 30_000 });
  return page;
}

/**
 * The page's renderer process: the renderer holding the most memory once a case has been read
 * (Chromium keeps a spare renderer ready, so the process that appears with a new page is not
 * necessarily its own). The page is the only one of the browser with a viewer in it.
 */
function largestRenderer(): number | null {
  let best: { pid: number; pss: number } | null = null;
  for (const pid of rendererPids()) {
    const pss = processMemory(pid)?.pssBytes ?? 0;
    if (!best || pss > best.pss) best = { pid, pss };
  }
  return best?.pid ?? null;
}

/**
 * Reads `plan.studies` cases in a row in `page` (`cases` in turn, as `reader`), each time: open,
 * page through up to `plan.imagesPerStudy` images one at a time, Esc, then the readings after a
 * forced GC.
 */
export async function readInARow(
  page: Page,
  reader: string,
  cases: readonly string[],
  plan: MemoryPlan,
  log: (line: string) => void,
  afterRead?: (read: number) => Promise<void>,
): Promise<ReadReading[]> {
  const backendUrl = new URL(page.url()).origin;
  const images = new Map<string, number>();
  for (const caseId of new Set(cases)) {
    images.set(caseId, await firstSeriesImages(backendUrl, reader, caseId));
  }
  const readings: ReadReading[] = [];
  let rendererPid: number | null = null;
  for (let study = 1; study <= plan.studies; study++) {
    const caseId = cases[(study - 1) % cases.length]!;
    const imageCount = images.get(caseId)!;
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
    await page.evaluate(armFirstImageWatch, 60_000);
    await row.dblclick();
    await page.evaluate(awaitFirstImage);
    // One image at a time, the next once the viewport shows the last one asked for (no pixel
    // read-back: this figure is about memory, and a linked prior may nudge the index meanwhile).
    const before = Number(
      await page
        .locator('[data-testid="viewport"][data-viewport-index="0"]')
        .getAttribute('data-image-index'),
    );
    const steps = Math.min(plan.imagesPerStudy, imageCount - 1 - before);
    const read = await page.evaluate(floodThrough, {
      images: imageCount,
      budgetMs: 60_000,
      ahead: 1,
      steps,
    });
    const shown = read.lastShown - before;
    if (shown < Math.floor(steps * 0.9)) {
      throw new Error(`read ${study} (${caseId}): only ${shown} of ${steps} images were shown`);
    }
    await page.evaluate(pressOnWindow, 'Escape');
    await row.waitFor();
    await page.waitForTimeout(300);
    const heap = await heapAfterGc(page);
    const census = await page.evaluate(() =>
      (
        window as unknown as { tandemViewerResources: () => ResourceCensus }
      ).tandemViewerResources(),
    );
    rendererPid ??= largestRenderer();
    const process = rendererPid === null ? null : processMemory(rendererPid);
    readings.push({ caseId, heap, census, process });
    log(
      `read ${study} (${caseId}, ${shown} images): heap ${(heapTotal(heap) / MB).toFixed(1)} MB ` +
        `(JS ${(heap.jsHeapBytes / MB).toFixed(1)}, array buffers ${(heap.backingStoreBytes / MB).toFixed(1)}, ` +
        `DOM ${(heap.embedderBytes / MB).toFixed(1)}), image cache ${(census.imageCacheBytes / MB).toFixed(1)} MB, ` +
        `parsed files ${(census.parsedFileBytes / MB).toFixed(1)} MB (${census.parsedFiles}, ` +
        `${census.headerOnlyFiles} without a cached image)` +
        (process ? `, renderer PSS ${(process.pssBytes / MB).toFixed(0)} MB` : '') +
        `; left: ${census.enabledElements} enabled elements, ${census.viewports} viewports, ` +
        `${census.synchronizers} synchronizers, ${census.toolGroupViewports} tool-group viewports, ` +
        `${census.volumes} volumes, ${census.annotations} annotations`,
    );
    await afterRead?.(study);
  }
  return readings;
}

/** Growth per read: the median of the increments and the least-squares slope. */
function growth(values: readonly number[]): {
  median: number;
  slope: number;
  increments: number[];
} {
  const increments = values.slice(1).map((v, i) => v - values[i]!);
  return {
    median: increments.length > 0 ? median(increments) : 0,
    slope: slope(
      values.map((_, i) => i + 1),
      values,
    ),
    increments,
  };
}

/**
 * A profile of its own on the bench-size data's backend: the worklist's reader signs in, waits
 * until every case is on this workstation, then reads in a new page (a fresh heap).
 */
export async function measureMemory(
  browser: Browser,
  backendUrl: string,
  plan: MemoryPlan,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const context = await newContext(browser, backendUrl);
  try {
    const signInPage = await context.newPage();
    await signIn(signInPage, MEMORY_READER);
    const sync = await waitForSyncSettled(signInPage, 5 * 60_000);
    log(`memory: ${MEMORY_READER}'s sync settled after ${(sync.ms / 1000).toFixed(1)} s`);
    await signInPage.close();
    return await measureInPage(await openReadingPage(context), plan, log);
  } finally {
    await context.close();
  }
}

async function measureInPage(
  page: Page,
  plan: MemoryPlan,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const cases = memoryCases(plan.studies);
  try {
    await page.waitForTimeout(500);
    const atStart = await heapAfterGc(page);
    const readings = await readInARow(page, MEMORY_READER, cases, plan, log);
    // The image cache in all: its decoded images and the parsed files behind them (the metadata
    // provider reads those; they go with their images).
    const imageCache = readings.map(
      (r) => (r.census.imageCacheBytes + r.census.cachedImageFileBytes) / MB,
    );
    const heap = readings.map((r) => heapTotal(r.heap) / MB);
    const heapNet = readings.map((r, i) => heap[i]! - imageCache[i]!);
    const js = growth(readings.map((r) => r.heap.jsHeapBytes / MB));
    const heapGrowth = growth(heap);
    const heapNetGrowth = growth(heapNet);
    const cacheGrowth = growth(imageCache);
    const parsedGrowth = growth(readings.map((r) => r.census.parsedFileBytes / MB));
    const studies = `${plan.studies} CT cases with their priors, up to ${plan.imagesPerStudy} images each`;
    const list = (values: readonly number[]) => values.map((v) => v.toFixed(1)).join(', ');
    const figures: Figure[] = [
      measuredFigure({
        id: 'memory.growth-per-study',
        title: `Renderer heap growth per CT read, net of the image cache (${studies})`,
        unit: 'MB/study',
        quote: ['median'],
        samples: heapNetGrowth.increments,
        baselineTitle: 'heap net of the image cache after the first read',
        baselineUnit: 'MB',
        baselineSamples: [heapNet[0]!],
        goal: {
          text: '< 1 MB/study (flat)',
          source: 'the issues: memory flat across 10 CT studies',
          met: ({ value }) => value.median < 1,
        },
        notes: [
          `heap after each read, net of the image cache (MB): ${list(heapNet)}`,
          `least-squares growth net of the image cache: ${heapNetGrowth.slope.toFixed(2)} MB/study; ` +
            `in all (image cache included): median ${heapGrowth.median.toFixed(2)}, slope ${heapGrowth.slope.toFixed(2)} MB/study; ` +
            `JS heap alone: median ${js.median.toFixed(2)}, slope ${js.slope.toFixed(2)} MB/study`,
          `Cornerstone's image cache with its images' parsed files after each read (MB): ${list(imageCache)} ` +
            `(slope ${cacheGrowth.slope.toFixed(2)} MB/study; budget 1 GiB)`,
          `the DICOM loader's parsed files after each read (MB): ${list(readings.map((r) => r.census.parsedFileBytes / MB))} ` +
            `(slope ${parsedGrowth.slope.toFixed(2)} MB/study); files kept without a cached image: ` +
            readings.map((r) => r.census.headerOnlyFiles).join(', '),
          'heap = V8 heap + ArrayBuffer backing stores (decoded pixels, parsed files) + Blink heap, after a forced GC',
        ],
      }),
    ];
    const pss = readings.flatMap((r) => (r.process ? [r.process.pssBytes / MB] : []));
    const rss = readings.flatMap((r) => (r.process ? [r.process.rssBytes / MB] : []));
    if (pss.length === readings.length) {
      const pssNet = pss.map((v, i) => v - imageCache[i]!);
      const pssGrowth = growth(pss);
      const pssNetGrowth = growth(pssNet);
      const rssGrowth = growth(rss);
      figures.push(
        measuredFigure({
          id: 'memory.process-growth-per-study',
          title: `Renderer process (PSS) growth per CT read, net of the image cache (${studies})`,
          unit: 'MB/study',
          quote: ['median'],
          samples: pssNetGrowth.increments,
          baselineTitle: 'renderer PSS net of the image cache after the first read',
          baselineUnit: 'MB',
          baselineSamples: [pssNet[0]!],
          goal: {
            text: '< 1 MB/study (flat)',
            source: 'the issues: memory flat across 10 CT studies',
            met: ({ value }) => value.median < 1,
          },
          notes: [
            `renderer PSS after each read, net of the image cache (MB): ${list(pssNet)}`,
            `least-squares growth net of the image cache: ${pssNetGrowth.slope.toFixed(2)} MB/study; ` +
              `PSS in all: median ${pssGrowth.median.toFixed(2)}, slope ${pssGrowth.slope.toFixed(2)} MB/study; ` +
              `RSS in all: median ${rssGrowth.median.toFixed(2)}, slope ${rssGrowth.slope.toFixed(2)} MB/study`,
            'the page’s renderer process (the renderer holding the most memory after the first read; its sync and decode workers run in it), read from /proc after the forced GC',
          ],
        }),
      );
    } else {
      log('memory: the page’s renderer process could not be told apart; no process figure');
    }
    return {
      figures,
      details: {
        atStartMB: round(heapTotal(atStart) / MB),
        perRead: readings.map((r, i) => ({
          caseId: r.caseId,
          jsMB: round(r.heap.jsHeapBytes / MB),
          arrayBuffersMB: round(r.heap.backingStoreBytes / MB),
          domMB: round(r.heap.embedderBytes / MB),
          imageCacheMB: round(imageCache[i]!),
          heapNetMB: round(heapNet[i]!),
          ...(r.process
            ? { pssMB: round(r.process.pssBytes / MB), rssMB: round(r.process.rssBytes / MB) }
            : {}),
          census: r.census,
        })),
        growthPerStudyMB: {
          heapNetMedian: round(heapNetGrowth.median, 100),
          heapNetSlope: round(heapNetGrowth.slope, 100),
          heapSlope: round(heapGrowth.slope, 100),
          imageCacheSlope: round(cacheGrowth.slope, 100),
        },
      },
    };
  } finally {
    await page.close();
  }
}

function round(v: number, scale = 10): number {
  return Math.round(v * scale) / scale;
}
