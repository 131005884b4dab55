import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  DecodeTally,
  filesUnder,
  openDecodePage,
  PYDICOM_FILES,
  pydicomJobs,
} from './support/hostile-decode.ts';

/**
 * Every file Debian's python3-pydicom ships (odd and invalid ones included) and 250 seeded
 * mutations of them (truncations, bit flips, wrong lengths, huge dimensions, bad transfer syntax
 * UIDs, missing pixel data, sequence bombs) go the way an image of the cache goes to a viewport:
 * sync verifier, the sync's Dexie store, the `tandem:` loader with a stack viewport's options,
 * Cornerstone's decode workers, then drawn in a stack viewport. Each is shown or refused with a message a
 * reader can act on; none hangs (10 s per step) or crashes the page, the page still paints, and
 * memory after the run is close to memory before it. The soak (`npm run test:soak`) runs more.
 */

const MUTATIONS = 250;
const SEED = Number(process.env['TANDEM_HOSTILE_SEED'] ?? 20261202);

test('pydicom files and seeded mutations through the viewer decode path are shown or refused readably; nothing hangs or crashes and memory stays bounded', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const files = filesUnder(PYDICOM_FILES);
  expect(files.length, 'the pydicom test files are installed').toBeGreaterThan(100);
  const bases = files.map((f) => new Uint8Array(readFileSync(f)));
  const name = (i: number) => files[i]!.slice(PYDICOM_FILES.length + 1);

  const page = await openDecodePage(browser, bases);
  try {
    const jobs = pydicomJobs(bases, MUTATIONS, SEED, { capMs: 10_000 });
    const tally = new DecodeTally();
    const before = await page.memory();
    for (const job of jobs) {
      const label =
        job.kind === 'original'
          ? name(job.base)
          : `${job.kind} seed ${job.seed} of ${name(job.base)}`;
      tally.add(label, await page.decode(job));
    }
    const after = await page.memory();
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
    console.log(
      `${tally.table(`viewer decode path, seed ${SEED}`)}\n` +
        `  JS heap ${mb(before.jsHeapBytes)} → ${mb(after.jsHeapBytes)}, browser PSS ${mb(before.browserPssBytes)} → ${mb(after.browserPssBytes)}\n` +
        tally.samples.map((s) => `  e.g. ${s}`).join('\n'),
    );

    expect(
      tally.failures.map(
        (f) => `${f.label}: ${f.outcome.verdict} at ${f.outcome.stage}: ${f.outcome.message}`,
      ),
      'every file is shown or refused with a readable message; none hangs or crashes',
    ).toEqual([]);
    expect(tally.tried).toBe(files.length + MUTATIONS);
    expect(page.replaced, 'no page had to be replaced').toBe(0);
    // the path is really exercised: images decoded and drawn, damage refused at both stages
    expect(tally.count('shown'), 'images shown').toBeGreaterThan(60);
    expect(tally.painted, 'every image shown is drawn in the stack viewport').toBe(
      tally.count('shown'),
    );
    expect(tally.counts.get('rejected (decode)') ?? 0, 'refused by the loader').toBeGreaterThan(10);
    expect(tally.counts.get('rejected (verifier)') ?? 0, 'refused by the verifier').toBeGreaterThan(
      50,
    );
    expect(await page.paints(), 'the page still paints').toBe(true);
    expect(after.jsHeapBytes - before.jsHeapBytes, 'JS heap growth').toBeLessThan(64 * 2 ** 20);
    expect(after.browserPssBytes - before.browserPssBytes, 'browser memory growth').toBeLessThan(
      512 * 2 ** 20,
    );
  } finally {
    await page.close();
  }
});
