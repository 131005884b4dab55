import { test, expect, signIn } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';
import {
  allNeeded,
  expectCacheHolds,
  neededStudies,
  startSyncRig,
  waitAllReady,
} from './support/sync-rig.ts';

/**
 * Two windows of Tandem open at once (two tabs of browser mode, one profile): each starts its sync
 * worker, but the sync runs once (a Web Lock), so no image is downloaded twice, and both windows
 * show the worklist ready offline.
 */
test('two windows at once: the sync runs once, every image downloaded once, both show the cases ready', async ({
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
  } finally {
    await rig.stop();
  }
});
