// What the renderer keeps per CT read (figure 5's growth, broken down): heap snapshots after
// `--warm` reads and again after `--reads` more, summed by constructor, the growth printed
// largest first. Not part of `npm run bench` (snapshots take long); for finding leaks.
//
//   node bench/memory-retainers.ts [--warm 2] [--reads 6] [--images 20] [--save DIR]
//
// --save keeps both snapshots (before.heapsnapshot, after.heapsnapshot) for DevTools.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  makeTempDir,
  removeDir,
  REPO_ROOT,
  startBackend,
} from '../backend/test-support/processes.ts';
import { grownBetween, heapSnapshots, type ConstructorTotal } from './browser/heap-snapshot.ts';
import { launchChromium, newContext, signIn, waitForSyncSettled } from './browser/session.ts';
import { CT_READER } from './figures/ct-case.ts';
import { openReadingPage, readInARow } from './figures/memory.ts';

/** The demo reader's two CT cases (each hung with its prior), in turn: the leak shows quickly. */
const CT_CASES = ['case-ct-chest-nodule-followup', 'case-ct-chest-screening-peer-review'];

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '2' },
    reads: { type: 'string', default: '6' },
    images: { type: 'string', default: '20' },
    save: { type: 'string' },
  },
});
const warm = Number(values.warm);
const reads = Number(values.reads);
const log = (line: string) => console.log(line);

const browser = await launchChromium();
const ui = makeTempDir('bench-ui');
cpSync(path.join(REPO_ROOT, 'dist', 'renderer'), ui, { recursive: true });
const backend = await startBackend({ seed: 'demo', ui, timeoutMs: 10 * 60_000 });
try {
  const context = await newContext(browser, backend.url);
  const signInPage = await context.newPage();
  await signIn(signInPage, CT_READER);
  await waitForSyncSettled(signInPage, 10 * 60_000);
  await signInPage.close();
  const page = await openReadingPage(context);
  const snapshots = await heapSnapshots(page);
  let before: Map<string, ConstructorTotal> | null = null;
  await readInARow(
    page,
    CT_READER,
    CT_CASES,
    { studies: warm + reads, imagesPerStudy: Number(values.images) },
    log,
    async (read) => {
      if (read !== warm && read !== warm + reads) return;
      const name = read === warm ? 'before' : 'after';
      const snapshot = await snapshots.take(
        values.save ? path.join(values.save, `${name}.heapsnapshot`) : undefined,
      );
      if (read === warm) {
        before = snapshot;
        return;
      }
      console.log(`\ngrown over ${reads} reads (self sizes; per read = ÷ ${reads}):`);
      for (const row of grownBetween(before!, snapshot, 30)) {
        console.log(
          `${(row.bytes / 1024).toFixed(1).padStart(10)} KiB  ${String(row.count).padStart(7)}  ${row.name}`,
        );
      }
    },
  );
  await snapshots.close();
  await context.close();
} finally {
  await browser.close();
  await backend.stop();
  removeDir(backend.dataDir);
  removeDir(ui);
}
