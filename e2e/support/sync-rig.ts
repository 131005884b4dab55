import { expect, type Page } from '@playwright/test';
import type { BackendProcess, StartBackendOptions } from '../../backend/test-support/processes.ts';
import type { DemoManifest } from '../../shared/domain/demo-seed.ts';
import { startWebBackend } from '../fixtures.ts';
import { canvasStats } from '../pixels.ts';
import { storedInstances } from './cache-inspect.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

/** A study a case needs on the workstation: its own or a prior (same patient), with its size. */
export interface NeededStudy {
  studyInstanceUid: string;
  instanceCount: number;
}

/** The studies each of a user's cases needs, computed from the demo manifest (not from the UI). */
export function neededStudies(
  manifest: DemoManifest,
  assignee: string,
): Map<string, NeededStudy[]> {
  const out = new Map<string, NeededStudy[]>();
  for (const c of manifest.cases.filter((x) => x.assignee === assignee)) {
    const study = manifest.studies.find((s) => s.studyInstanceUid === c.studyInstanceUid);
    if (!study) throw new Error(`the manifest has no study for ${c.caseId}`);
    const studies = manifest.studies.filter((s) => s.patientId === study.patientId);
    out.set(
      c.caseId,
      studies.map((s) => ({
        studyInstanceUid: s.studyInstanceUid,
        instanceCount: s.instanceCount,
      })),
    );
  }
  return out;
}

/** Every study of these cases, once. */
export function allNeeded(needed: Map<string, NeededStudy[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const list of needed.values())
    for (const s of list) out.set(s.studyInstanceUid, s.instanceCount);
  return out;
}

/** Checks the cache holds exactly the instances of these studies, each once, none else. */
export async function expectCacheHolds(page: Page, studies: Map<string, number>): Promise<number> {
  const stored = await storedInstances(page);
  const perStudy = new Map<string, number>();
  for (const i of stored)
    perStudy.set(i.studyInstanceUid, (perStudy.get(i.studyInstanceUid) ?? 0) + 1);
  expect(Object.fromEntries(perStudy)).toEqual(Object.fromEntries(studies));
  expect(new Set(stored.map((i) => i.sopInstanceUid)).size).toBe(stored.length);
  return stored.reduce((n, i) => n + i.size, 0);
}

/** A backend of its own (its own data dir) behind a fault proxy that the browser talks to. */
export interface SyncRig {
  backend: BackendProcess;
  proxy: FaultProxy;
  /** where the browser goes: the proxy */
  url: string;
  /** stops the backend (however it was killed) and starts it again on the same data dir and port */
  restartBackend(): Promise<BackendProcess>;
  stop(): Promise<void>;
}

export async function startSyncRig(options: StartBackendOptions = {}): Promise<SyncRig> {
  let backend = await startWebBackend(options);
  const proxy = await startFaultProxy(backend.url);
  const rig: SyncRig = {
    get backend() {
      return backend;
    },
    proxy,
    url: proxy.url,
    async restartBackend() {
      await backend.stop();
      backend = await startWebBackend({
        ...options,
        dataDir: backend.dataDir,
        extraArgs: [...(options.extraArgs ?? []), '--port', String(backend.port)],
      });
      return backend;
    },
    async stop() {
      await proxy.stop();
      await backend.stop();
    },
  };
  return rig;
}

/** Rows of the worklist, by case id. */
export function worklistRow(page: Page, caseId: string) {
  return page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
}

/** Waits until every one of these cases is ready offline. */
export async function waitAllReady(
  page: Page,
  caseIds: readonly string[],
  timeout = 240_000,
): Promise<void> {
  for (const caseId of caseIds) {
    await expect(worklistRow(page, caseId)).toHaveAttribute('data-sync-state', 'ready', {
      timeout,
    });
  }
}

/** The viewport shows a real image: rendered, and its pixels are not blank. */
export async function expectImageShown(page: Page, index: number): Promise<void> {
  const viewport = page.getByTestId('viewport').first();
  await expect(viewport).toHaveAttribute('data-image-index', String(index));
  await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
  await expect(viewport).not.toHaveAttribute('data-image-error', 'true');
  const stats = await canvasStats(viewport);
  expect(stats.nonBlack, 'a blank image').toBeGreaterThan(0.02);
  expect(stats.stdDev, 'a flat image').toBeGreaterThan(3);
}

/** Images in the series the first viewport shows, from its overlay ("Im 3/160"). */
export async function imageCount(page: Page): Promise<number> {
  const text =
    (await page.getByTestId('viewport').first().getByTestId('image-number').textContent()) ?? '';
  const m = /\/(\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * Opens the case from the worklist and reads it as a radiologist would: every series of the
 * study and of its priors shows its first image, and a few images of each are scrolled through.
 * Returns how many series were looked at, per role.
 */
export async function readCase(
  page: Page,
  caseId: string,
  scroll = 3,
): Promise<{ current: number; prior: number }> {
  await worklistRow(page, caseId).dblclick();
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-case-id', caseId);
  // Each series is read on its own, in one viewport (a hanging protocol may have hung several).
  await expect(page.getByTestId('hp-stage')).toHaveAttribute('data-state', 'ready');
  await expect(async () => {
    await page.keyboard.press('Alt+1');
    await expect(page.getByTestId('viewport')).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  const items = page.getByTestId('series-item');
  const count = await items.count();
  expect(count).toBeGreaterThan(0);
  const seen = { current: 0, prior: 0 };
  for (let i = 0; i < count; i++) {
    const item = items.nth(i);
    const role = (await item.getAttribute('data-study-role')) as 'current' | 'prior';
    await item.click();
    const viewport = page.getByTestId('viewport').first();
    await expect(viewport).toHaveAttribute(
      'data-series-uid',
      (await item.getAttribute('data-series-uid'))!,
    );
    await expectImageShown(page, 0);
    const n = await imageCount(page);
    for (let k = 1; k <= Math.min(scroll, n - 1); k++) {
      await page.keyboard.press('ArrowDown');
      await expectImageShown(page, k);
    }
    seen[role]++;
  }
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('worklist')).toBeVisible();
  return seen;
}
