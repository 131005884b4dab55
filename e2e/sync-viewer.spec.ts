import { test, expect, signIn } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';
import { storedBlobHead, storedInstances, storedSyncStates } from './support/cache-inspect.ts';
import {
  expectImageShown,
  imageCount,
  neededStudies,
  startSyncRig,
  waitAllReady,
  worklistRow,
} from './support/sync-rig.ts';

test('a case opened before it is synced jumps the queue: its images show as the sync brings them, and the viewer never downloads an image itself', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const needed = neededStudies(demoManifest(), 'radiologist1');
  const routine = 'case-ct-chest-screening-peer-review';
  const urgent = 'case-ct-chest-nodule-followup';
  const rig = await startSyncRig();
  try {
    await signIn(page, 'radiologist1', { baseUrl: rig.url });
    // The routine case, last in the queue, opened at once.
    await worklistRow(page, routine).dblclick();
    await expectImageShown(page, 0);
    // It came first: the urgent case, ahead of it in the queue, is still on its way.
    const urgentState = (await storedSyncStates(page)).find((s) => s.caseId === urgent);
    expect(urgentState?.state ?? 'queued').not.toBe('ready');
    const count = await imageCount(page);
    expect(count).toBeGreaterThan(20);
    await page.keyboard.press('End');
    await expectImageShown(page, count - 1);
    for (let i = 1; i <= 3; i++) {
      await page.keyboard.press('PageUp');
      await expectImageShown(page, count - 1 - 10 * i);
    }
    await page.keyboard.press('Escape');
    await waitAllReady(page, [...needed.keys()]);
    // Every image came once, through the sync worker into the cache; the viewer read the cache.
    const twice = [...rig.proxy.wadoDownloads().entries()].filter(([, n]) => n !== 1);
    expect(twice).toEqual([]);
    // At rest every image is sealed with the workstation key: no DICOM file lies in the cache.
    const instances = await storedInstances(page);
    for (const sop of [instances[0]!, instances.at(-1)!].map((i) => i.sopInstanceUid)) {
      expect(await storedBlobHead(page, sop)).toEqual({
        sealed: true,
        head: 'TDM1',
        dicmAt128: false,
      });
    }
    // ...by the sync worker's sealing worker, still running: one that could not start, or
    // stopped, would have left the sealing to the sync worker (and gone from the page's workers)
    expect(page.workers().map((w) => new URL(w.url()).pathname)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/assets\/sync\.worker-/),
        expect.stringMatching(/^\/assets\/seal\.worker-/),
      ]),
    );
  } finally {
    await rig.stop();
  }
});

test('on a slow link, an image the reader scrolls to deep in a series not yet synced is fetched before the rest of the series', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const caseId = 'case-ct-chest-screening-peer-review';
  const rig = await startSyncRig();
  try {
    rig.proxy.delayImages(400);
    await signIn(page, 'radiologist1', { baseUrl: rig.url });
    await worklistRow(page, caseId).dblclick();
    await expectImageShown(page, 0);
    const count = await imageCount(page);
    const target = Math.floor(count * 0.8);
    expect(target).toBeGreaterThan(40);
    // Straight to an image that the series' own order (first, middle, last, then in turn) puts
    // far back: the viewer asks for it, and the worker fetches it next.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (let i = 10; i <= target; i += 10) await page.keyboard.press('PageDown');
    const shownAt = Math.floor(target / 10) * 10;
    await expectImageShown(page, shownAt);
    // In the series' own order this image would come after more than `shownAt` of its images.
    const seriesUid = await page.getByTestId('viewport').first().getAttribute('data-series-uid');
    const stored = (await storedInstances(page)).filter((i) => i.seriesInstanceUid === seriesUid);
    expect(stored.length, 'images of the series stored when the asked-for one showed').toBeLessThan(
      shownAt - 10,
    );
    rig.proxy.delayImages(0);
  } finally {
    await rig.stop();
  }
});
