import { test, expect, signIn } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';
import {
  allNeeded,
  expectCacheHolds,
  neededStudies,
  startSyncRig,
  waitAllReady,
  worklistRow,
} from './support/sync-rig.ts';

/**
 * Two windows of Tandem open at once (two tabs of browser mode, one profile): each starts its sync
 * worker, but the sync runs once (a Web Lock), so no image is downloaded twice, and both windows
 * show the worklist ready offline; a draft written in one shows in the other and is never
 * overwritten by the other's older copy.
 */
test('two windows at once: the sync runs once, every image downloaded once, both show the cases ready, and the draft is one', async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  const needed = neededStudies(demoManifest(), 'radiologist1');
  const studies = allNeeded(needed);
  const caseIds = [...needed.keys()];
  const rig = await startSyncRig();
  try {
    await signIn(page, 'radiologist1', { baseUrl: rig.url });
    const second = await context.newPage();
    await second.goto(rig.url);
    // the session is the profile's: the second window is signed in too
    await expect(second.getByTestId('worklist')).toBeVisible();

    await waitAllReady(page, caseIds);
    await waitAllReady(second, caseIds);
    await expectCacheHolds(page, studies);
    const downloads = rig.proxy.wadoDownloads();
    const twice = [...downloads].filter(([, n]) => n > 1).map(([sop]) => sop);
    expect(twice, 'images downloaded by both windows').toEqual([]);

    // The same case's draft in both windows: what one writes, the other shows, and neither
    // writes an older draft over the newer one.
    const caseId = caseIds[0]!;
    for (const p of [page, second]) {
      await worklistRow(p, caseId).dblclick();
      await expect(p.getByTestId('report-editor')).toBeVisible();
    }
    const impressionA = page.locator('#report-impression');
    const impressionB = second.locator('#report-impression');
    await impressionA.fill('Written in the first window.');
    await expect(impressionB).toHaveValue('Written in the first window.');
    // the reader goes to the end of the text before adding to it (focus alone may leave the caret
    // at the start: a field mounted with its text has its caret there)
    await impressionB.click();
    await impressionB.press('Control+End');
    await impressionB.pressSequentially(' Then in the second.');
    const both = 'Written in the first window. Then in the second.';
    await expect(impressionA).toHaveValue(both);
    await page.reload();
    await expect(page.locator('#report-impression')).toHaveValue(both);
  } finally {
    await rig.stop();
  }
});
