import type { Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';
import { storedInstances } from './support/cache-inspect.ts';
import {
  allNeeded,
  expectCacheHolds,
  neededStudies,
  startSyncRig,
  waitAllReady,
  type SyncRig,
} from './support/sync-rig.ts';

/** Instances stored before the interruption; the sync must never download one of them again. */
async function midSync(page: Page, total: number): Promise<Set<string>> {
  await expect
    .poll(async () => (await storedInstances(page)).length, { timeout: 120_000, intervals: [250] })
    .toBeGreaterThanOrEqual(120);
  const stored = new Set((await storedInstances(page)).map((i) => i.sopInstanceUid));
  expect(stored.size, 'the sync finished before it could be interrupted').toBeLessThan(total);
  return stored;
}

/** After the sync finished: nothing stored before the interruption came twice, nothing is missing. */
async function expectResumedCleanly(
  page: Page,
  rig: SyncRig,
  studies: Map<string, number>,
  storedBefore: Set<string>,
): Promise<void> {
  await expectCacheHolds(page, studies);
  const downloads = rig.proxy.wadoDownloads();
  const again = [...storedBefore].filter((sop) => (downloads.get(sop) ?? 0) !== 1);
  expect(again, 'instances stored before the interruption and downloaded again').toEqual([]);
  const total = [...studies.values()].reduce((a, b) => a + b, 0);
  const refetched = [...downloads.values()].filter((n) => n > 1).length;
  console.log(
    `resume: ${storedBefore.size}/${total} stored before the interruption; ` +
      `${refetched} not yet stored at that moment were downloaded again (in flight or awaiting their batch)`,
  );
}

test.describe('sync resumes where it stopped', () => {
  test.setTimeout(360_000);

  test('the backend is killed mid-sync and restarted on the same data and port: the page reconnects and finishes, nothing stored is downloaded again, nothing is missing', async ({
    page,
  }) => {
    const needed = neededStudies(demoManifest(), 'radiologist1');
    const studies = allNeeded(needed);
    const total = [...studies.values()].reduce((a, b) => a + b, 0);
    const rig = await startSyncRig();
    try {
      await signIn(page, 'radiologist1', { baseUrl: rig.url });
      const storedBefore = await midSync(page, total);
      const port = rig.backend.port;
      rig.backend.child.kill('SIGKILL');
      await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: 30_000 });

      const restarted = await rig.restartBackend();
      expect(restarted.port).toBe(port);
      await waitAllReady(page, [...needed.keys()]);
      await expect(page.getByTestId('offline-banner')).toHaveCount(0);
      await expectResumedCleanly(page, rig, studies, storedBefore);
    } finally {
      await rig.stop();
    }
  });

  test('the page is reloaded mid-sync: the new sync worker finishes, nothing stored is downloaded again, nothing is missing', async ({
    page,
  }) => {
    const needed = neededStudies(demoManifest(), 'radiologist1');
    const studies = allNeeded(needed);
    const total = [...studies.values()].reduce((a, b) => a + b, 0);
    const rig = await startSyncRig();
    try {
      await signIn(page, 'radiologist1', { baseUrl: rig.url });
      const storedBefore = await midSync(page, total);
      await page.reload();
      await expect(page.getByTestId('worklist')).toBeVisible();
      await waitAllReady(page, [...needed.keys()]);
      await expectResumedCleanly(page, rig, studies, storedBefore);
    } finally {
      await rig.stop();
    }
  });
});
