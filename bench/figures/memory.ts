// Figure 5: the renderer's memory across a reading session: the CT case opened again and again,
// 50 images read each time, back to the worklist, heap read after a forced garbage collection.
import type { BrowserContext } from '@playwright/test';
import { measuredFigure, type Figure } from '../figure.ts';
import {
  armFirstImageWatch,
  awaitFirstImage,
  pressOnWindow,
  floodThrough,
} from '../browser/in-page.ts';
import { heapAfterGc, type HeapReading } from '../browser/session.ts';
import { slope } from '../stats.ts';
import type { CtCase } from './ct-case.ts';

export interface MemoryPlan {
  studies: number;
  imagesPerStudy: number;
}

const MB = 1024 * 1024;
const total = (h: HeapReading) => h.jsHeapBytes + h.backingStoreBytes + h.embedderBytes;

/** Runs in a new page of the reading context (signed in, its sync settled): a fresh heap. */
export async function measureMemory(
  reading: BrowserContext,
  ct: CtCase,
  plan: MemoryPlan,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const page = await reading.newPage();
  try {
    await page.goto('/#/worklist');
    await page.locator('[data-testid="worklist-row"]').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    const atStart = await heapAfterGc(page);
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`);
    const readings: HeapReading[] = [];
    const steps = Math.min(plan.imagesPerStudy, ct.imageCount - 1);
    for (let study = 1; study <= plan.studies; study++) {
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
      const read = await page.evaluate(floodThrough, {
        images: ct.imageCount,
        budgetMs: 60_000,
        ahead: 1,
        steps,
      });
      const shown = read.lastShown - before;
      if (shown < steps * 0.9) {
        throw new Error(`study ${study}: only ${shown} of ${steps} images were shown`);
      }
      await page.evaluate(pressOnWindow, 'Escape');
      await row.waitFor();
      await page.waitForTimeout(200);
      const heap = await heapAfterGc(page);
      readings.push(heap);
      log(
        `study ${study}: JS heap ${(heap.jsHeapBytes / MB).toFixed(1)} MB, ` +
          `array buffers ${(heap.backingStoreBytes / MB).toFixed(1)} MB, DOM ${(heap.embedderBytes / MB).toFixed(1)} MB`,
      );
    }
    const totals = readings.map((h) => total(h) / MB);
    const studies = readings.map((_, i) => i + 1);
    const growthTotal = slope(studies, totals);
    const growthJs = slope(
      studies,
      readings.map((h) => h.jsHeapBytes / MB),
    );
    const increments = totals.slice(1).map((v, i) => v - totals[i]!);
    const figure = measuredFigure({
      id: 'memory.growth-per-study',
      title: `Renderer memory growth per CT read (${plan.studies} reads, ${steps} images each)`,
      unit: 'MB/study',
      quote: ['median'],
      samples: increments,
      baselineTitle: 'memory after the first read',
      baselineUnit: 'MB',
      baselineSamples: [totals[0]!],
      goal: {
        text: '< 1 MB/study (flat)',
        source: 'the issue: memory flat across studies',
        met: ({ value }) => value.median < 1,
      },
      notes: [
        `memory after each read (MB): ${totals.map((v) => v.toFixed(1)).join(', ')}`,
        `least-squares growth: ${growthTotal.toFixed(2)} MB/study in all, ${growthJs.toFixed(2)} MB/study of JS heap`,
        'memory = V8 heap + ArrayBuffer backing stores (decoded pixels) + Blink heap, after a forced GC',
        'the same case each time: its decoded images stay in Cornerstone’s cache (budget 1 GiB), so growth means a leak',
      ],
    });
    return {
      figures: [figure],
      details: {
        atStartMB: total(atStart) / MB,
        perStudyMB: readings.map((h) => ({
          js: round1(h.jsHeapBytes / MB),
          arrayBuffers: round1(h.backingStoreBytes / MB),
          dom: round1(h.embedderBytes / MB),
        })),
        growthPerStudyMB: round1(growthTotal, 100),
      },
    };
  } finally {
    await page.close();
  }
}

function round1(v: number, scale = 10): number {
  return Math.round(v * scale) / scale;
}
