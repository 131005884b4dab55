// Diagnostic, not a figure: where a background sync's time goes (bench/README.md, figure 6).
//
//   node bench/sync-timeline.ts [--runs N] [--no-floors] [--no-sw] [--plain] [--profile-worker]
//                               [--alone] [--uis DIR,DIR] [--out FILE]
//
// Run it under the bench's flock. Syncs the CT reader's whole worklist in a fresh profile on
// disk, as the figure does, and builds a timeline of every image request from the browser's own
// request events (the sync worker's included): request start, response headers, body done; then,
// from the rows the worker stored, when each image's batch was written (`storedAt`). Beside it,
// the bare page's sealed floor on the same images, once in an off-the-record context (IndexedDB
// in memory, as the figure's floors run) and once in a profile on disk (as the app runs). Also
// the CPU time of every Chromium thread (and the backend's) from /proc, over the app's sync
// (from sign-in, and from its first image request) and over the floor's whole-worklist run.
// Prints per run: throughput, requests in flight (mean; time at each level; per second), body →
// stored gaps, batches. `--uis` alternates app runs between copies of built renderers (each with
// a backend of its own serving it), for an A/B beside each other; `--no-sw` blocks the app's
// service worker; `--plain` turns the workstation's "encrypt the cache" setting off before sign-in;
// `--profile-worker` samples the sync worker's CPU from sign-in (its functions by self time; the
// profiler slows it, so the throughput of such a run is not comparable). `--alone` syncs the
// CT-alone data instead (`figures/sync-alone.ts`: a reader whose only case is a 300-slice CT),
// the figure as worded.
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Request } from '@playwright/test';
import {
  REPO_ROOT,
  makeTempDir,
  removeDir,
  startBackend,
} from '../backend/test-support/processes.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.ts';
import {
  DEMO_PASSWORD,
  VIEWPORT,
  launchChromium,
  launchProfile,
  loadBaselinePage,
  openBaselinePage,
  signIn,
  storeCachePlain,
  waitForSyncSettled,
} from './browser/session.ts';
import { profileWorker } from './browser/profile.ts';
import { CT_READER, resolveLargestCtSeries, resolveWorklistInstances } from './figures/ct-case.ts';
import { startBenchDataBackend } from './data/bench-backend.ts';
import { CT_ALONE_SIZES } from './data/bench-data.ts';
import { CT_ALONE_READER, ctAloneDataDir, resolveCtAloneSeries } from './figures/sync-alone.ts';
import {
  addFloors,
  cookieContext,
  fetchAndStore,
  fetchOnly,
  imagesAsked,
  mbPerS,
} from './figures/sync.ts';

interface Timed {
  uid: string;
  series: string;
  /** the request that brought it (a batched request brings several) */
  request: number;
  start: number;
  headers: number;
  end: number;
}

/** Image requests of a context, timed by the browser (epoch ms): one entry per image asked. */
function watchImages(context: BrowserContext): { list(): Timed[]; stop(): void } {
  const out: Timed[] = [];
  let seq = 0;
  const onDone = (req: Request) => {
    const asked = imagesAsked(req);
    if (!asked.length) return;
    const t = req.timing();
    const request = seq++;
    for (const { uid, series } of asked) {
      out.push({
        uid,
        series,
        request,
        start: t.startTime,
        headers: t.startTime + t.responseStart,
        end: t.startTime + t.responseEnd,
      });
    }
  };
  context.on('requestfinished', onDone);
  return { list: () => out, stop: () => context.off('requestfinished', onDone) };
}

/** One entry per request (a batched request's images share its timings). */
function requestsOf(reqs: Timed[]): Timed[] {
  const seen = new Set<number>();
  return reqs.filter((r) => !seen.has(r.request) && seen.add(r.request));
}

/** Time with fewer than `n` requests in flight, between the first start and the last end. */
function inFlight(reqs: Timed[], n = 6) {
  const events = reqs.flatMap((r) => [
    [r.start, 1],
    [r.end, -1],
  ]) as Array<[number, number]>;
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let last = events[0]?.[0] ?? 0;
  const below = new Map<number, number>();
  for (const [at, d] of events) {
    below.set(level, (below.get(level) ?? 0) + (at - last));
    level += d;
    last = at;
  }
  const span = (events.at(-1)?.[0] ?? 0) - (events[0]?.[0] ?? 0);
  let under = 0;
  for (const [lv, ms] of below) if (lv < n) under += ms;
  const mean = [...below].reduce((a, [lv, ms]) => a + lv * ms, 0) / (span || 1);
  return { spanMs: span, underMs: under, meanInFlight: mean, byLevel: Object.fromEntries(below) };
}

/** CPU ticks (1/100 s) per "process type / thread name" of the processes whose command line has `mark`. */
function cpuTicks(mark: string, extraPids: number[] = []): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const mine = cmd.includes(mark) || extraPids.includes(Number(pid));
    if (!mine) continue;
    const type = extraPids.includes(Number(pid))
      ? 'backend'
      : (/--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser') +
        (/--utility-sub-type=([\w.]+)/.exec(cmd)?.[1]?.replace(/.*\./, ':') ?? '');
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(f[11]) + Number(f[12]);
        const key = `${type} / ${comm.replace(/\d+$/, '#')}`;
        out.set(key, (out.get(key) ?? 0) + ticks);
      } catch {
        // gone
      }
    }
  }
  return out;
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>) {
  const rows: Array<[string, number]> = [];
  let total = 0;
  for (const [k, v] of after) {
    const d = (v - (before.get(k) ?? 0)) * 10;
    if (d > 0) rows.push([k, d]);
    if (d > 0 && !k.startsWith('backend')) total += d;
  }
  rows.sort((a, b) => b[1] - a[1]);
  return { chromiumMs: total, top: rows.slice(0, 14).map(([k, v]) => `${v} ms ${k}`) };
}

let backendPid = 0;

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};
const summary = (xs: number[]) =>
  `median ${q(xs, 0.5).toFixed(0)}, p90 ${q(xs, 0.9).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} ms`;

const FLAGS = process.argv.slice(2);
const ALONE = FLAGS.includes('--alone');
/** whose worklist is synced: the demo CT reader, or the CT-alone data's reader */
const READER = ALONE ? CT_ALONE_READER : CT_READER;

async function syncTimeline(backendUrl: string, seriesUid: string) {
  const profile = makeTempDir('timeline-profile');
  const context = FLAGS.includes('--no-sw')
    ? await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        args: [...CHROMIUM_ARGS],
        viewport: VIEWPORT,
        baseURL: backendUrl,
        serviceWorkers: 'block',
      })
    : await launchProfile(profile, backendUrl);
  const watch = watchImages(context);
  let cpuAtFirst: Map<string, number> | undefined;
  const onRequest = (req: Request) => {
    if (!cpuAtFirst && imagesAsked(req).length) cpuAtFirst = cpuTicks(profile, [backendPid]);
  };
  context.on('request', onRequest);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const signInAt = Date.now();
    const cpu0 = cpuTicks(profile, [backendPid]);
    if (FLAGS.includes('--plain')) await storeCachePlain(page);
    const profiling = FLAGS.includes('--profile-worker')
      ? await profileWorker(page, (url) => /\/sync\.worker[-.]/.test(url))
      : undefined;
    await signIn(page, READER);
    await waitForSyncSettled(page, 10 * 60_000);
    const settledAt = Date.now();
    const workerProfile = await profiling?.stop();
    const cpuEnd = cpuTicks(profile, [backendPid]);
    const cpu = cpuDelta(cpu0, cpuEnd);
    const cpuSync = cpuAtFirst ? cpuDelta(cpuAtFirst, cpuEnd) : undefined;
    const rows = await page.evaluate(
      () =>
        new Promise<Array<{ uid: string; series: string; storedAt: number; size: number }>>(
          (resolve, reject) => {
            const req = indexedDB.open('tandem');
            req.onerror = () => reject(req.error);
            req.onsuccess = () => {
              const db = req.result;
              const all = db.transaction('instances').objectStore('instances').getAll();
              all.onsuccess = () => {
                db.close();
                resolve(
                  (
                    all.result as Array<{
                      sopInstanceUid: string;
                      seriesInstanceUid: string;
                      storedAt: number;
                      size: number;
                    }>
                  ).map((r) => ({
                    uid: r.sopInstanceUid,
                    series: r.seriesInstanceUid,
                    storedAt: r.storedAt,
                    size: r.size,
                  })),
                );
              };
              all.onerror = () => reject(all.error);
            };
          },
        ),
    );
    const reqs = watch.list();
    const stored = new Map(rows.map((r) => [r.uid, r]));
    const first = Math.min(...reqs.map((r) => r.start));
    const lastStored = Math.max(...rows.map((r) => r.storedAt));
    const lastEnd = Math.max(...reqs.map((r) => r.end));
    const bodyToStored = reqs.flatMap((r) => {
      const s = stored.get(r.uid);
      return s ? [s.storedAt - r.end] : [];
    });
    const batches = new Map<number, number>();
    for (const r of rows) batches.set(r.storedAt, (batches.get(r.storedAt) ?? 0) + 1);
    const stamps = [...batches.keys()].sort((a, b) => a - b);
    const series = reqs.filter((r) => r.series === seriesUid);
    const imagesPerRequest = new Map<number, number>();
    for (const r of series)
      imagesPerRequest.set(r.request, (imagesPerRequest.get(r.request) ?? 0) + 1);
    const seriesFirst = Math.min(...series.map((r) => r.start));
    const seriesStored = Math.max(
      ...rows.filter((r) => r.series === seriesUid).map((r) => r.storedAt),
    );
    const bytes = rows.reduce((a, r) => a + r.size, 0);
    const seriesBytes = rows.filter((r) => r.series === seriesUid).reduce((a, r) => a + r.size, 0);
    // stored in the series' window, bytes
    const windowBytes = rows
      .filter((r) => r.storedAt >= seriesFirst && r.storedAt <= seriesStored)
      .reduce((a, r) => a + r.size, 0);
    // per second: requests in flight (browser view)
    const buckets: string[] = [];
    for (let sec = 0; sec < Math.ceil((lastStored - first) / 1000); sec++) {
      const a = first + sec * 1000;
      const b = a + 1000;
      const overlap = (x: number, y: number) => Math.max(0, Math.min(y, b) - Math.max(x, a));
      const fl = requestsOf(reqs).reduce((acc, r) => acc + overlap(r.start, r.end), 0) / 1000;
      const n = rows.filter((r) => r.storedAt >= a && r.storedAt < b).length;
      buckets.push(`${sec}s: ${fl.toFixed(2)} in flight, ${n} stored`);
    }
    return {
      cpu,
      cpuSync,
      ...(workerProfile ? { workerProfile } : {}),
      buckets,
      signInToFirstImageRequestMs: first - signInAt,
      firstRequestToLastBodyMs: lastEnd - first,
      firstRequestToLastStoredMs: lastStored - first,
      lastStoredToSettledSeenMs: settledAt - lastStored,
      requests: requestsOf(reqs).length,
      imagesAsked: reqs.length,
      rows: rows.length,
      duplicateRequests: reqs.length - new Set(reqs.map((r) => r.uid)).size,
      mbPerS: mbPerS(bytes, lastStored - first),
      series: {
        // ms from the worklist's first image request: the series' first and last request,
        // its last body, its last row stored
        at: {
          firstRequest: Math.round(seriesFirst - first),
          lastRequest: Math.round(Math.max(...series.map((r) => r.start)) - first),
          lastBody: Math.round(Math.max(...series.map((r) => r.end)) - first),
          lastStored: Math.round(seriesStored - first),
        },
        // per request of the series: start → end (ms from the first request), images it carried
        requests: requestsOf(series).map(
          (r) =>
            `${Math.round(r.start - first)}→${Math.round(r.end - first)}×${imagesPerRequest.get(r.request)}`,
        ),
        ms: seriesStored - seriesFirst,
        mbPerS: mbPerS(seriesBytes, seriesStored - seriesFirst),
        windowMbPerS: mbPerS(windowBytes, seriesStored - seriesFirst),
        ownShare: seriesBytes / windowBytes,
      },
      inFlight: inFlight(requestsOf(reqs)),
      headersMs: summary(reqs.map((r) => r.headers - r.start)),
      bodyMs: summary(reqs.map((r) => r.end - r.headers)),
      bodyToStored: summary(bodyToStored),
      batches: { count: stamps.length, meanSize: rows.length / stamps.length },
      batchGaps: summary(stamps.slice(1).map((s, i) => s - stamps[i]!)),
    };
  } finally {
    watch.stop();
    await context.close();
    removeDir(profile);
  }
}

/** The bare page's floors in a profile on disk (the app's own storage), on `urls`. */
async function floorsOnDisk(backendUrl: string, urls: string[], series: string[]) {
  const profile = makeTempDir('timeline-floor');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    viewport: VIEWPORT,
    baseURL: backendUrl,
    serviceWorkers: 'block',
  });
  try {
    const res = await context.request.post('/api/session', {
      data: { username: READER, password: DEMO_PASSWORD },
    });
    if (!res.ok()) throw new Error(`sign-in failed: ${res.status()}`);
    const page = context.pages()[0] ?? (await context.newPage());
    await loadBaselinePage(page);
    await addFloors(page);
    await fetchOnly(page, series);
    const fetchSeries = await fetchOnly(page, series);
    const watch = watchImages(context);
    const sealedSeries = await fetchAndStore(page, series, 'sealed');
    watch.stop();
    const sealedSeriesFlight = inFlight(watch.list());
    const blobSeries = await fetchAndStore(page, series, 'blob');
    const fetchAll = await fetchOnly(page, urls);
    const cpu0 = cpuTicks(profile, [backendPid]);
    const sealedAll = await fetchAndStore(page, urls, 'sealed');
    const cpu = cpuDelta(cpu0, cpuTicks(profile, [backendPid]));
    return {
      cpu,
      fetchSeries,
      sealedSeries,
      blobSeries,
      fetchAll,
      sealedAll,
      sealedSeriesFlight,
    };
  } finally {
    await context.close();
    removeDir(profile);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const runs = Number(args[args.indexOf('--runs') + 1] ?? 1) || 1;
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const skipFloors = args.includes('--no-floors');
  // --uis A,B: alternate app runs between built renderers (copies of dist/renderer), one backend each
  const uis = args.includes('--uis')
    ? args[args.indexOf('--uis') + 1]!.split(',')
    : [path.join(REPO_ROOT, 'dist', 'renderer')];
  const backends = await Promise.all(
    [...new Set(uis)].map(async (ui) => {
      if (!ALONE) {
        const backend = await startBackend({ seed: 'demo', ui, timeoutMs: 10 * 60_000 });
        return { ui, backend, close: () => backend.stop() };
      }
      const seeded = await startBenchDataBackend(ctAloneDataDir(), CT_ALONE_SIZES, console.log, ui);
      return { ui, backend: seeded.backend, close: () => seeded.close() };
    }),
  );
  const browser = await launchChromium();
  const results: Record<string, unknown>[] = [];
  try {
    const first = backends[0]!.backend;
    const series = ALONE
      ? await resolveCtAloneSeries(first.url)
      : await resolveLargestCtSeries(first.url);
    const all = await resolveWorklistInstances(first.url, READER);
    for (let run = 0; run < runs; run++) {
      for (const spec of uis) {
        const { backend } = backends.find((b) => b.ui === spec)!;
        backendPid = backend.child.pid ?? 0;
        const r: Record<string, unknown> = { run, ui: spec };
        if (!skipFloors) {
          const cookies = await cookieContext(browser, backend.url, READER);
          const bare = await openBaselinePage(browser, cookies, backend.url);
          await addFloors(bare.page);
          await fetchOnly(bare.page, series.imageUrls);
          const mem = {
            fetchSeries: await fetchOnly(bare.page, series.imageUrls),
            sealedSeries: await fetchAndStore(bare.page, series.imageUrls, 'sealed'),
          };
          await bare.context.close();
          await cookies.close();
          const disk = await floorsOnDisk(backend.url, all.imageUrls, series.imageUrls);
          const rate = (x: { ms: number; bytes: number }) => mbPerS(x.bytes, x.ms).toFixed(1);
          r['floors'] = Object.fromEntries(
            [
              ...Object.entries(mem).map(([k, v]) => [`memory.${k}`, rate(v)]),
              ...Object.entries(disk).flatMap(([k, v]) =>
                'ms' in v && 'bytes' in v ? [[`disk.${k}`, rate(v)]] : [],
              ),
            ].map(([k, v]) => [k, `${v} MB/s`]),
          );
          r['floorCpu'] = disk.cpu;
        }
        r['app'] = await syncTimeline(backend.url, series.seriesUid!);
        const a = r['app'] as Awaited<ReturnType<typeof syncTimeline>>;
        console.log(
          `run ${run} ${spec}: worklist ${a.mbPerS.toFixed(1)} MB/s, series ${a.series.mbPerS.toFixed(1)} MB/s ` +
            `(window ${a.series.windowMbPerS.toFixed(1)}), in flight ${a.inFlight.meanInFlight.toFixed(2)}, ` +
            `chromium CPU from first image ${a.cpuSync?.chromiumMs} ms; load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}` +
            (r['floors'] ? `; floors ${JSON.stringify(r['floors'])}` : ''),
        );
        if (a.workerProfile) {
          const p = a.workerProfile;
          console.log(
            `  sync worker (profiled, from sign-in): ${p.totalMs} ms, ${p.idleMs} ms idle; most self time:\n` +
              p.hot.map((h) => `    ${h.selfMs.toFixed(1).padStart(8)} ms  ${h.where}`).join('\n'),
          );
        }
        results.push(r);
      }
    }
  } finally {
    await browser.close();
    for (const b of backends) await b.close();
  }
  if (out) writeFileSync(out, JSON.stringify(results, null, 1));
}

await main();
