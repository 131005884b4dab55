#!/usr/bin/env node
// `npm run bench`: builds what is missing, starts the real backend (demo data) and Debian's
// Chromium, measures each figure beside a baseline taken in the same run, prints the table and
// writes bench/results/latest.json. See bench/README.md for what each figure means.
//
//   node bench/run.ts [--quick] [--only viewer,memory,worklist,qido] [--readme] [--out FILE]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import {
  makeTempDir,
  removeDir,
  REPO_ROOT,
  startBackend,
} from '../backend/test-support/processes.ts';
import {
  launchProfile,
  launchChromium,
  newContext,
  signIn,
  waitForSyncSettled,
} from './browser/session.ts';
import { unmeasuredFigure, type Figure } from './figure.ts';
import { CT_READER, EQUAL_SPACING_CASE_ID, resolveCtCase } from './figures/ct-case.ts';
import { measureMemory } from './figures/memory.ts';
import { measureQido } from './figures/qido.ts';
import { measureReports, type ReportsPlan } from './figures/reports.ts';
import {
  measureScale,
  measureSession,
  peakMemoryFigure,
  peakOnSyncedCache,
  type PeakRun,
} from './figures/scale.ts';
import type { OpenedBeforeSync, WholeWorklist } from './figures/sync.ts';
import { cacheFigures } from './figures/cache-probe.ts';
import { BENCH_DATA_SIZES, BENCH_READERS, REPORT_DATA_SIZES } from './data/bench-data.ts';
import { startBenchDataBackend } from './data/bench-backend.ts';
import { measureCtAlone } from './figures/sync-alone.ts';
import { measureSync } from './figures/sync.ts';
import { measureAtRest } from './figures/at-rest.ts';
import { measureViewer } from './figures/viewer.ts';
import { measureWorklist } from './figures/worklist.ts';
import { describeMachine } from './machine.ts';
import {
  markdownReport,
  replaceResultsSection,
  resultsJson,
  terminalReport,
  type BenchResults,
} from './report.ts';

import { FULL, GROUPS, QUICK, type Group, type Plan } from './plans.ts';

const started = performance.now();
/** seconds each group took in this run (what is left of the total: backends and browser starting) */
const groupSeconds: Partial<Record<Group, number>> = {};
function spent(group: Group, since: number): void {
  groupSeconds[group] = (groupSeconds[group] ?? 0) + (performance.now() - since) / 1000;
}
async function timed<T>(group: Group, fn: () => Promise<T>): Promise<T> {
  const since = performance.now();
  try {
    return await fn();
  } finally {
    spent(group, since);
  }
}
const log = (line: string) => {
  const s = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`[${s} s] ${line}`);
};

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      readme: { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(REPO_ROOT, 'bench', 'results', 'latest.json') },
    },
  });
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...GROUPS];
  for (const g of only) {
    if (!(GROUPS as readonly string[]).includes(g)) {
      throw new Error(`--only: unknown group ${g} (groups: ${GROUPS.join(', ')})`);
    }
  }
  return {
    quick: values.quick,
    only: new Set(only as Group[]),
    readme: values.readme,
    out: values.out,
  };
}

/** Builds the backend and the renderer when their output is missing (a fresh checkout). */
function ensureBuilt(): void {
  const steps: Array<[string, string]> = [
    ['backend/dist/main.js', 'build:backend'],
    ['dist/renderer/index.html', 'build:renderer'],
  ];
  for (const [output, script] of steps) {
    if (existsSync(path.join(REPO_ROOT, output))) continue;
    log(`${output} is missing: npm run ${script}`);
    const res = spawnSync('npm', ['run', script], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (res.status !== 0) throw new Error(`npm run ${script} failed`);
  }
}

async function main(): Promise<number> {
  const options = parseOptions();
  const plan = options.quick ? QUICK : FULL;
  ensureBuilt();

  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const failures: string[] = [];
  const failed = (group: Group, err: unknown, titles: string[]) => {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    failures.push(`${group}: ${message}`);
    log(`${group} FAILED: ${message}`);
    if (err instanceof Error && err.stack) console.error(err.stack);
    for (const title of titles) {
      figures.push(
        unmeasuredFigure(group, title, `failed (${message})`, { text: '—', source: '' }),
      );
    }
  };

  const browser = await launchChromium();
  const machine = describeMachine(browser.version(), REPO_ROOT);
  log(`Chromium ${machine.chromium}, ${machine.cores} cores, load ${machine.loadAverage}`);
  try {
    const browserGroups = (['sync', 'at-rest', 'viewer', 'worklist'] as const).filter((g) =>
      options.only.has(g),
    );
    if (browserGroups.length > 0) {
      // A copy of the built renderer, so a rebuild elsewhere during the run cannot change it.
      const ui = makeTempDir('bench-ui');
      cpSync(path.join(REPO_ROOT, 'dist', 'renderer'), ui, { recursive: true });
      log('starting the backend with the demo data (generated on the first run)');
      const backend = await startBackend({ seed: 'demo', ui, timeoutMs: 10 * 60_000 });
      log(`backend at ${backend.url}`);
      try {
        // Sync first, in profiles of its own, before any other page syncs in the background.
        if (options.only.has('sync')) {
          try {
            const r = await timed('sync', () => measureSync(browser, backend.url, plan.sync, log));
            figures.push(...r.figures);
            details['sync-figures'] = r.details;
          } catch (err) {
            failed('sync', err, ['Sync: CT series into IndexedDB', 'Cache size on disk']);
          }
          if ((plan.sync.aloneRuns ?? 2) > 0) {
            try {
              const r = await timed('sync', () =>
                measureCtAlone(browser, { runs: plan.sync.aloneRuns ?? 2 }, log),
              );
              figures.push(...r.figures);
              details['sync-alone'] = r.details;
            } catch (err) {
              failed('sync', err, ['Sync: a 300-slice CT alone, into IndexedDB']);
            }
          }
        }
        if (options.only.has('at-rest')) {
          try {
            const r = await timed('at-rest', () =>
              measureAtRest(browser, backend.url, plan['at-rest'], log),
            );
            figures.push(...r.figures);
            details['at-rest'] = r.details;
          } catch (err) {
            failed('at-rest', err, ['First image after reload, cache sealed at rest']);
          }
        }
        if (options.only.has('viewer')) {
          const viewerStarted = performance.now();
          const ct = await resolveCtCase(backend.url);
          const equalSpacing = await resolveCtCase(backend.url, EQUAL_SPACING_CASE_ID).catch(
            (err: unknown) => {
              log(`viewer: ${EQUAL_SPACING_CASE_ID} not resolved (${String(err)})`);
              return null;
            },
          );
          // The reading context: signed in as the CT case's reader; with a sync worker wired, its
          // cases are on this workstation before anything is timed.
          const context = await newContext(browser, backend.url);
          try {
            const page = await context.newPage();
            await signIn(page, CT_READER);
            const sync = await waitForSyncSettled(page, 10 * 60_000);
            log(
              sync.wired
                ? `sync settled ${(sync.ms / 1000).toFixed(1)} s after sign-in: ${JSON.stringify(sync.states)}`
                : 'the worklist shows no sync progress: images stream from the backend',
            );
            details['sync'] = sync;
            try {
              const r = await measureViewer(
                browser,
                { context, page },
                backend.url,
                ct,
                equalSpacing,
                plan.viewer,
                log,
              );
              figures.push(...r.figures);
              details['viewer'] = r.details;
            } catch (err) {
              failed('viewer', err, ['First image, CT chest', 'Scroll, CT images']);
            }
            await page.close();
          } finally {
            await context.close();
            spent('viewer', viewerStarted);
          }
        }
        if (options.only.has('worklist')) {
          try {
            const r = await timed('worklist', () =>
              measureWorklist(browser, backend.url, plan.worklist, log),
            );
            figures.push(...r.figures);
            details['worklist'] = r.details;
          } catch (err) {
            failed('worklist', err, ['Worklist, 10,000 assignments']);
          }
        }
      } finally {
        await backend.stop();
        removeDir(backend.dataDir);
        removeDir(ui);
      }
    }
    if (options.only.has('scale') || options.only.has('memory')) {
      await runBenchDataGroups(browser, options.only, plan, figures, details, failed);
    }
    if (options.only.has('reports')) {
      try {
        const r = await timed('reports', () => runReports(plan.reports));
        figures.push(...r.figures);
        details['reports'] = r.details;
      } catch (err) {
        failed('reports', err, ['Report: sign → delivered', 'Report outbox drain']);
      }
    }
  } finally {
    await browser.close();
  }
  if (options.only.has('qido')) {
    try {
      const r = await timed('qido', () => measureQido(plan.qido, log));
      figures.push(...r.figures);
      details['qido'] = r.details;
    } catch (err) {
      failed('qido', err, ['QIDO-RS at scale']);
    }
  }

  const durationSeconds = (performance.now() - started) / 1000;
  const perGroup = Object.entries(groupSeconds).map(([g, sec]) => `${g} ${Math.round(sec)}`);
  const other = durationSeconds - Object.values(groupSeconds).reduce((a, b) => a + b, 0);
  details['groupSeconds'] = { ...groupSeconds, other };
  log(
    `time per group (s): ${perGroup.join(', ')}, other ${Math.round(other)} (backends, browser, builds); ` +
      `load now ${loadavg()[0]!.toFixed(2)}`,
  );
  const results: BenchResults = {
    format: 1,
    date: new Date().toISOString(),
    durationSeconds: Math.round((performance.now() - started) / 1000),
    quick: options.quick,
    machine,
    figures,
    details,
    failures,
  };
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, resultsJson(results));
  console.log(`\n${terminalReport(results)}`);
  printWhereTimeGoes(details);
  console.log(`\nwrote ${path.relative(process.cwd(), options.out)}`);
  if (options.readme) {
    const readmePath = path.join(REPO_ROOT, 'bench', 'README.md');
    const readme = replaceResultsSection(readFileSync(readmePath, 'utf8'), markdownReport(results));
    // Formatted as `npm run lint` expects it (Prettier aligns Markdown tables).
    const config = (await prettier.resolveConfig(readmePath)) ?? {};
    writeFileSync(readmePath, await prettier.format(readme, { ...config, filepath: readmePath }));
    console.log(`updated the results table in ${path.relative(process.cwd(), readmePath)}`);
  }
  if (results.durationSeconds > 15 * 60) {
    console.log(`warning: the run took ${results.durationSeconds} s, over the 15-minute budget`);
  }
  return failures.length === 0 ? 0 : 1;
}

/**
 * The report figures on a data set of their own (`REPORT_DATA_SIZES`: one-image cases only, written
 * once into `.cache/bench-reports`) and a backend seeded with it: a profile on disk signs in as
 * their reader, its sync settles (a few MB), then the reports are signed and the outbox drained.
 */
async function runReports(
  plan: ReportsPlan,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const dataDir =
    process.env['TANDEM_BENCH_REPORTS'] ?? path.join(REPO_ROOT, '.cache', 'bench-reports');
  const seeded = await startBenchDataBackend(dataDir, REPORT_DATA_SIZES, log);
  const backend = seeded.backend;
  log(`reports backend at ${backend.url}`);
  const profile = makeTempDir('bench-reports-profile');
  try {
    const context = await launchProfile(profile, backend.url);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await signIn(page, BENCH_READERS.large);
      // The reader's cases finish syncing first, so they do not compete with the reports.
      const settled = await waitForSyncSettled(page, 5 * 60_000).catch(() => null);
      log(
        settled
          ? `reports: the reader's sync settled ${(settled.ms / 1000).toFixed(1)} s after sign-in`
          : 'reports: the reader’s sync had not settled after 5 minutes; measuring anyway',
      );
      return await measureReports(page, backend, plan, log);
    } finally {
      await context.close();
    }
  } finally {
    removeDir(profile);
    await seeded.close();
  }
}

/**
 * The groups on the bench-size data (`bench/data/bench-data.ts`, written once into
 * `.cache/bench-data`), with a backend of their own seeded from it.
 */
async function runBenchDataGroups(
  browser: Awaited<ReturnType<typeof launchChromium>>,
  only: Set<Group>,
  plan: Plan,
  figures: Figure[],
  details: Record<string, unknown>,
  failed: (group: Group, err: unknown, titles: string[]) => void,
): Promise<void> {
  const dataDir = process.env['TANDEM_BENCH_DATA'] ?? path.join(REPO_ROOT, '.cache', 'bench-data');
  log('starting a backend with the bench-size data');
  const seeded = await startBenchDataBackend(dataDir, BENCH_DATA_SIZES, log);
  const backend = seeded.backend;
  log(`bench-data backend at ${backend.url}`);
  try {
    // The reading session of the large series' reader first, in a fresh profile: the MR opened at
    // once and the first peak memory run, then more peak runs on its synced profile.
    let sessionMr: OpenedBeforeSync | null = null;
    if (only.has('scale')) {
      const sessionStarted = performance.now();
      const peakRuns: PeakRun[] = [];
      // A profile on disk, as the app has: Chromium keeps an off-the-record context's IndexedDB in
      // memory, which would count 1.1 GB of synced images as the browser's memory.
      const profile = makeTempDir('bench-session-profile');
      try {
        const context = await launchProfile(profile, backend.url);
        try {
          const page = context.pages()[0] ?? (await context.newPage());
          await signIn(page, BENCH_READERS.large);
          const r = await measureSession(page, backend.url, plan.scale, log, profile);
          peakRuns.push(r.run);
          sessionMr = r.mr;
          // the next runs read from the synced cache: the session's sync finishes first
          const settled = await waitForSyncSettled(page, 5 * 60_000);
          log(
            `scale: the session's sync settled ${(settled.ms / 1000).toFixed(1)} s after the reading`,
          );
        } catch (err) {
          failed(
            'scale',
            err,
            peakRuns.length > 0 ? [] : ['Peak memory, 1,500-image CT and 1,000-image MR'],
          );
        } finally {
          await context.close();
        }
        for (let run = 1; peakRuns.length === run && run < (plan.scale.peakRuns ?? 2); run++) {
          try {
            peakRuns.push(await peakOnSyncedCache(profile, backend.url, plan.scale, log));
          } catch (err) {
            failed('scale', err, []);
          }
        }
      } finally {
        removeDir(profile);
      }
      if (peakRuns.length > 0) figures.push(peakMemoryFigure(peakRuns));
      details['scale-session'] = { runs: peakRuns };
      spent('scale', sessionStarted);
    }
    if (only.has('scale')) {
      try {
        const r = await timed('scale', () =>
          measureScale(browser, backend.url, plan.scale, sessionMr, log),
        );
        figures.push(...r.figures);
        details['scale'] = r.details;
        // the 50-case profile's cache beside the demo reader's (figure 6's profile)
        const small = (details['sync-figures'] as { wholeWorklist?: WholeWorklist } | undefined)
          ?.wholeWorklist?.probe;
        const large = (r.details['worklist'] as { runs?: WholeWorklist[] } | undefined)?.runs?.[0]
          ?.probe;
        if (large && small) figures.push(...cacheFigures(large, small));
        else log('scale: no cache figures (the sync group did not run, or a probe failed)');
      } catch (err) {
        failed('scale', err, ['Sync at scale: 1,000-image MR, worklist of 50 cases']);
      }
    }
    // Figure 5: CT cases of the worklist's reader in a profile of its own, after the figures above.
    if (only.has('memory')) {
      try {
        const r = await timed('memory', () =>
          measureMemory(browser, backend.url, plan.memory, log),
        );
        figures.push(...r.figures);
        details['memory'] = r.details;
      } catch (err) {
        failed('memory', err, ['Renderer memory growth per CT read']);
      }
    }
  } finally {
    await seeded.close();
  }
}

/** A few lines from the profiles taken on the way, for the figures that tend to miss their goals. */
function printWhereTimeGoes(details: Record<string, unknown>): void {
  const viewer = details['viewer'] as
    | {
        profile?: {
          reload?: {
            ms: number;
            idleMs: number;
            mainThread: unknown;
            hot: Array<{ where: string; selfMs: number }>;
            traced: { ms: number; threads: Array<{ thread: string; busyMs: number }> };
          };
        };
      }
    | undefined;
  const worklist = details['worklist'] as { profile?: Record<string, unknown> } | undefined;
  const lines: string[] = [];
  const reload = viewer?.profile?.reload;
  if (reload) {
    lines.push(
      `first image after reload (${reload.ms} ms): main thread ${JSON.stringify(reload.mainThread)}, idle ${reload.idleMs} ms; most self time:`,
    );
    for (const h of reload.hot.slice(0, 6)) {
      lines.push(`  ${h.selfMs.toFixed(1).padStart(8)} ms  ${h.where}`);
    }
    lines.push(`first image after reload (${reload.traced.ms} ms, traced): busiest threads:`);
    for (const t of reload.traced.threads.slice(0, 6)) {
      lines.push(`  ${t.busyMs.toFixed(1).padStart(8)} ms  ${t.thread}`);
    }
  }
  if (worklist?.profile) {
    lines.push(`worklist 10,000 rows, main thread: ${JSON.stringify(worklist.profile['render'])}`);
    lines.push(
      `worklist ↓ at 10,000 rows, main thread: ${JSON.stringify(worklist.profile['selectStep'])}`,
    );
  }
  if (lines.length > 0)
    console.log(`\nwhere the time goes (details in the results file):\n${lines.join('\n')}`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
