import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';
import { seedUnsentReport, storedInstances } from './support/cache-inspect.ts';
import { neededStudies, startSyncRig, waitAllReady, worklistRow } from './support/sync-rig.ts';

const MB = 1_000_000;

/** Sets the cache limit as a user does: Settings, type megabytes (empty: no limit), Save. */
async function setCacheLimit(page: Page, mb: number | null): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByTestId('settings-dialog');
  await dialog.getByLabel('Cache limit (MB)').fill(mb === null ? '' : String(mb));
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

/** Bytes the cache holds for each case (an instance shared by cases counts for each). */
async function bytesPerCase(page: Page): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const i of await storedInstances(page)) {
    for (const c of i.caseIds) out.set(c, (out.get(c) ?? 0) + i.size);
  }
  return out;
}

async function totalBytes(page: Page): Promise<number> {
  return (await storedInstances(page)).reduce((n, i) => n + i.size, 0);
}

/**
 * The case was reported (say, on another workstation): the backend's worklist now says so. The
 * report route belongs to a later issue, so the test writes the backend's own state, as the
 * corrupt-image test writes its files.
 */
function markReported(dataDir: string, caseIds: readonly string[]): void {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'));
  try {
    db.exec('PRAGMA busy_timeout = 5000;');
    const update = db.prepare("UPDATE cases SET status = 'reported' WHERE case_id = ?");
    for (const id of caseIds) expect(update.run(id).changes).toBe(1);
  } finally {
    db.close();
  }
}

test.describe('the cache limit', () => {
  test.setTimeout(360_000);

  test('finished cases are evicted least recently opened first; a case with an unsent report never is', async ({
    page,
  }) => {
    const needed = neededStudies(demoManifest(), 'radiologist1');
    const caseIds = [...needed.keys()];
    const mg = 'case-mg-screening-second-opinion';
    const ctScreening = 'case-ct-chest-screening-peer-review';
    const cr = 'case-cr-chest-ed-fever';
    const ctNodule = 'case-ct-chest-nodule-followup';
    const rig = await startSyncRig();
    try {
      await signIn(page, 'radiologist1', { baseUrl: rig.url });
      await waitAllReady(page, caseIds);

      // Opened in this order: the mammogram longest ago, the chest X-ray last.
      for (const caseId of [mg, ctScreening, cr]) {
        await worklistRow(page, caseId).dblclick();
        await expect(page.getByTestId('viewport').first()).toHaveAttribute(
          'data-rendered',
          'true',
          {
            timeout: 30_000,
          },
        );
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('worklist')).toBeVisible();
      }
      // Three are reported; the mammogram's own report has not reached the server yet.
      markReported(rig.backend.dataDir, [mg, ctScreening, cr]);
      await seedUnsentReport(page, mg);
      await page.reload();
      for (const caseId of [mg, ctScreening, cr]) {
        await expect(worklistRow(page, caseId)).toHaveAttribute('data-status', 'reported');
      }
      await expect(worklistRow(page, ctNodule)).toHaveAttribute('data-status', 'assigned');

      const before = await bytesPerCase(page);
      const used = await totalBytes(page);
      const present = async (caseId: string) => (await bytesPerCase(page)).get(caseId) ?? 0;

      // Room for all but the chest CT screening: it is the finished case opened longest ago
      // that may go (the mammogram, opened earlier, holds an unsent report).
      await setCacheLimit(page, Math.ceil((used - before.get(ctScreening)!) / MB));
      await expect.poll(() => present(ctScreening), { timeout: 30_000 }).toBe(0);
      expect(await present(mg)).toBe(before.get(mg));
      expect(await present(cr)).toBe(before.get(cr));
      expect(await present(ctNodule)).toBe(before.get(ctNodule));
      await expect(worklistRow(page, ctScreening)).not.toHaveAttribute('data-sync-state', 'ready');
      await expect(worklistRow(page, cr)).toHaveAttribute('data-sync-state', 'ready');

      // Less room: the chest X-ray goes next; the mammogram still stays.
      await setCacheLimit(
        page,
        Math.ceil((used - before.get(ctScreening)! - before.get(cr)!) / MB),
      );
      await expect.poll(() => present(cr), { timeout: 30_000 }).toBe(0);
      expect(await present(mg)).toBe(before.get(mg));
      expect(await present(ctNodule)).toBe(before.get(ctNodule));

      // Far too little: nothing else may go — the open work and the unsent report stay.
      await setCacheLimit(page, 10);
      await page.waitForTimeout(2_000);
      expect(await present(mg)).toBe(before.get(mg));
      expect(await present(ctNodule)).toBe(before.get(ctNodule));
      await expect(worklistRow(page, mg)).toHaveAttribute('data-sync-state', 'ready');
      await expect(worklistRow(page, ctNodule)).toHaveAttribute('data-sync-state', 'ready');
    } finally {
      await rig.stop();
    }
  });

  test('a cache too small for the work stops sync with "storage full" and says so; raising the limit resumes it', async ({
    page,
  }) => {
    const needed = neededStudies(demoManifest(), 'radiologist1');
    const caseIds = [...needed.keys()];
    const rig = await startSyncRig();
    try {
      await signIn(page, 'radiologist1', { baseUrl: rig.url });
      const limitMb = 60;
      await setCacheLimit(page, limitMb);
      const usedAtSave = await totalBytes(page);

      const banner = page.getByTestId('sync-banner');
      await expect(banner).toHaveAttribute('data-sync-problem', 'storage-full', {
        timeout: 120_000,
      });
      await expect(banner).toContainText('Storage full — syncing stopped.');
      await expect(banner).toContainText(`The image cache is full (${limitMb} MB allowed`);
      // Stopped, and stays stopped: nothing more is stored or even asked for.
      const stored = (await storedInstances(page)).length;
      const asked = [...rig.proxy.wadoRequests().values()].reduce((a, b) => a + b, 0);
      await page.waitForTimeout(3_000);
      expect((await storedInstances(page)).length).toBe(stored);
      expect([...rig.proxy.wadoRequests().values()].reduce((a, b) => a + b, 0)).toBe(asked);
      // A write under way when the limit reaches the worker lands, and so may one begun just
      // before: the engine writes at most 48 images at a time (~25 MB of these CT images).
      expect(await totalBytes(page)).toBeLessThanOrEqual(
        Math.max(limitMb * MB, usedAtSave + 50 * MB),
      );
      // The worklist says the cases are not all here.
      const states = await page
        .getByTestId('worklist-row')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sync-state')));
      expect(states.filter((s) => s !== 'ready').length).toBeGreaterThan(0);

      // The banner leads to the setting; no limit lets sync carry on to the end.
      await banner.getByRole('button', { name: 'Cache settings…' }).click();
      const dialog = page.getByTestId('settings-dialog');
      await expect(dialog.getByLabel('Cache limit (MB)')).toHaveValue(String(limitMb));
      await dialog.getByLabel('Cache limit (MB)').fill('');
      await dialog.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(banner).toHaveCount(0);
      await waitAllReady(page, caseIds);
    } finally {
      await rig.stop();
    }
  });
});
