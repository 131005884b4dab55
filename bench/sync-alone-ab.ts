// Diagnostic, not a figure: an A/B of built renderers on the issue's sync figure as worded, a
// 300-slice CT synced alone (bench/README.md, figure 6, `figures/sync-alone.ts`).
//
//   node bench/sync-alone-ab.ts DIR[,DIR...] [--runs N] [--plain]
//
// Each DIR is a copy of a built `dist/renderer`, served by a backend of its own on the CT-alone
// data (`.cache/bench-ct-alone`, written on the first run). After one sync per DIR that is not
// counted, each run syncs the CT once in a fresh profile on disk per DIR (their order flips from
// run to run), then the bare page fetches the same images; prints each DIR's MB/s per run, its
// median, and the median's ratio to the fetch. About 2.5 minutes for two renderers and 4 runs,
// where `sync-timeline.ts --uis` syncs a whole worklist and its floors. `--plain` turns "encrypt
// the cache" off in every profile.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../backend/test-support/processes.ts';
import { launchChromium, openBaselinePage } from './browser/session.ts';
import { startBenchDataBackend } from './data/bench-backend.ts';
import { CT_ALONE_SIZES } from './data/bench-data.ts';
import { CT_ALONE_READER, ctAloneDataDir, resolveCtAloneSeries } from './figures/sync-alone.ts';
import { cookieContext, fetchOnly, mbPerS, syncWholeWorklist } from './figures/sync.ts';
import { summarize } from './stats.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '4' }, plain: { type: 'boolean', default: false } },
});
const uis = (positionals[0] ?? path.join(REPO_ROOT, 'dist', 'renderer')).split(',');
const runs = Number(values.runs);
const seeded = await Promise.all(
  uis.map((ui) => startBenchDataBackend(ctAloneDataDir(), CT_ALONE_SIZES, console.log, ui)),
);
const backends = seeded.map((s) => s.backend);
const browser = await launchChromium();
try {
  const reader = CT_ALONE_READER;
  const url = backends[0]!.url;
  const series = await resolveCtAloneSeries(url);
  const cookies = await cookieContext(browser, url, reader);
  const bare = await openBaselinePage(browser, cookies, url);
  // once, not counted: the files into the page cache, and one sync with each renderer (the first
  // sync after a backend starts was often 20-30 % slower than the next ones here)
  await fetchOnly(bare.page, series.imageUrls);
  for (const b of backends) {
    await syncWholeWorklist(b.url, reader, { series, storedPlain: values.plain });
  }
  const synced = uis.map(() => [] as number[]);
  const fetched: number[] = [];
  for (let run = 0; run < runs; run++) {
    const order = uis.map((_, i) => i);
    if (run % 2 === 1) order.reverse();
    for (const i of order) {
      const w = await syncWholeWorklist(backends[i]!.url, reader, {
        series,
        storedPlain: values.plain,
      });
      synced[i]!.push(mbPerS(w.dicomBytes, w.seriesSyncMs!));
    }
    const f = await fetchOnly(bare.page, series.imageUrls);
    fetched.push(mbPerS(f.bytes, f.ms));
    console.log(
      `run ${run + 1}: ${uis.map((ui, i) => `${ui} ${synced[i]!.at(-1)!.toFixed(1)}`).join(', ')}, fetch ${fetched.at(-1)!.toFixed(1)} MB/s`,
    );
  }
  const fetchMedian = summarize(fetched).median;
  for (const [i, ui] of uis.entries()) {
    const median = summarize(synced[i]!).median;
    console.log(
      `${ui}: ${synced[i]!.map((x) => x.toFixed(1)).join(', ')} MB/s; median ${median.toFixed(1)}, ` +
        `${(median / fetchMedian).toFixed(2)}× the fetch (median ${fetchMedian.toFixed(1)})`,
    );
  }
  await bare.context.close();
  await cookies.close();
} finally {
  await browser.close();
  for (const s of seeded) await s.close();
}
