import { test, expect, signIn } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';
import { storedInstances } from './support/cache-inspect.ts';
import {
  allNeeded,
  expectCacheHolds,
  neededStudies,
  startSyncRig,
  waitAllReady,
} from './support/sync-rig.ts';

test.setTimeout(240_000);

test('an answer that stops arriving mid-image, its connection left open, is given up and asked again: every case gets ready offline', async ({
  page,
}) => {
  const needed = neededStudies(demoManifest(), 'radiologist1');
  const studies = allNeeded(needed);
  const rig = await startSyncRig();
  try {
    // the first batched download sends one image, then nothing, for ever, without closing
    rig.proxy.stallBatches(1);
    const started = Date.now();
    await signIn(page, 'radiologist1', { baseUrl: rig.url });
    await waitAllReady(page, [...needed.keys()], 180_000);
    const seconds = (Date.now() - started) / 1000;
    await expectCacheHolds(page, studies);

    const [stalled, ...more] = rig.proxy.stalled();
    expect(stalled, 'a batched download was stalled').toBeDefined();
    expect(more).toEqual([]);
    const asked = rig.proxy.wadoRequests();
    const stored = new Set((await storedInstances(page)).map((i) => i.sopInstanceUid));
    for (const uid of stalled!) {
      expect(asked.get(uid), `image ${uid} of the stalled answer asked for again`).toBeGreaterThan(
        1,
      );
      expect(stored.has(uid)).toBe(true);
    }
    // given up after the stall limit (30 s without a byte), not before
    expect(seconds).toBeGreaterThan(30);
    console.log(
      `stall: ${stalled!.length} images in the stalled answer; every case ready offline ${seconds.toFixed(1)} s after sign-in`,
    );
  } finally {
    await rig.stop();
  }
});
