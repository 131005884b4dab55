import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DemoManifest } from '../../shared/domain/demo-seed.ts';
import { buildCatalog } from './catalog.ts';
import { buildManifest } from './manifest.ts';
import { JobRunner } from './render-job.ts';
import type { RenderJob, RenderResult } from './render-job.ts';
import type { StudyPlan } from './study-plan.ts';

/** Bump to force regeneration when something outside the hashed sources changes the output. */
const FORMAT_VERSION = '1';

/**
 * The version of the data set: the format version plus a hash of the generator's own sources and
 * of the versions of the packages that write the bytes, so that any change to what would be
 * generated invalidates a cached data set, and nothing else does.
 */
export const GENERATOR_VERSION = computeGeneratorVersion();

function computeGeneratorVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  const sources = readdirSync(here, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.relative(here, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  for (const rel of sources)
    hash
      .update(`${rel}\0`)
      .update(readFileSync(path.join(here, rel)))
      .update('\0');
  for (const pkg of ['dcmjs', '@cornerstonejs/codec-charls'])
    hash.update(`${pkg}@${packageVersion(pkg)}`);
  return `${FORMAT_VERSION}.${hash.digest('hex').slice(0, 16)}`;
}

/** The installed version of a package (found from its entry point, as its exports hide package.json). */
function packageVersion(name: string): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? 'unknown';
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

export const MANIFEST_FILE = 'demo-manifest.json';

/** Numbers this process's runs, so that concurrent runs never share a temporary folder. */
let runCounter = 0;

export interface GenerateOptions {
  /** worker threads to render with; 0 renders in this thread (default: the cores, at most 4) */
  workers?: number;
  /** regenerate even if a data set of this version is already there */
  force?: boolean;
  log?: (message: string) => void;
}

export interface GenerateResult {
  outDir: string;
  manifest: DemoManifest;
  /** true when an existing data set of this version was reused */
  cached: boolean;
  files: number;
  bytes: number;
  milliseconds: number;
}

/**
 * Writes the demo data set to `outDir`: DICOM Part-10 files under `dicom/<study>/<series>/` and
 * `demo-manifest.json`. Returns at once if a data set of this generator version is there. Renders
 * into a temporary folder beside `outDir` and renames it into place at the end, so an interrupted
 * run never leaves half a data set behind.
 */
export async function generateDemoData(
  outDir: string,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const started = performance.now();
  const target = path.resolve(outDir);
  const log = options.log ?? (() => {});
  if (!options.force) {
    const existing = readCachedManifest(target);
    if (existing) {
      const { files, bytes } = countFiles(path.join(target, 'dicom'));
      return {
        outDir: target,
        manifest: existing,
        cached: true,
        files,
        bytes,
        milliseconds: performance.now() - started,
      };
    }
  }
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  removeStaleTemporaries(target);
  const temp = `${target}.tmp-${process.pid}-${++runCounter}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    const catalog = buildCatalog();
    // Built first so that a broken manifest fails before minutes of rendering, not after.
    const manifest = DemoManifest.parse(buildManifest(catalog, GENERATOR_VERSION));
    const jobs = planJobs(catalog);
    const workers = options.workers ?? Math.min(4, availableParallelism());
    log(
      `rendering ${catalog.reduce((n, s) => n + s.series.reduce((m, r) => m + r.count, 0), 0)} instances in ${jobs.length} jobs on ${Math.max(1, workers)} thread(s)`,
    );
    const totals =
      workers > 0
        ? await runInWorkers(jobs, temp, workers)
        : await runInThread(catalog, jobs, temp);
    writeFileSync(path.join(temp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    swapIntoPlace(temp, target, options.force ?? false);
    return {
      outDir: target,
      manifest,
      cached: false,
      files: totals.files,
      bytes: totals.bytes,
      milliseconds: performance.now() - started,
    };
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

function readCachedManifest(target: string): DemoManifest | null {
  const file = path.join(target, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  try {
    const parsed = DemoManifest.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success && parsed.data.generatorVersion === GENERATOR_VERSION
      ? parsed.data
      : null;
  } catch {
    // An unreadable manifest is a cache miss: the data set is generated afresh.
    return null;
  }
}

function countFiles(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  if (!existsSync(dir)) return { files, bytes };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

/** Removes temporaries left by interrupted runs (whose process is gone). */
function removeStaleTemporaries(target: string): void {
  const parent = path.dirname(target);
  const prefix = `${path.basename(target)}.`;
  for (const name of readdirSync(parent)) {
    const m = name.startsWith(prefix)
      ? /^(?:tmp|old)-(\d+)-\d+$/.exec(name.slice(prefix.length))
      : null;
    if (m && !isAlive(Number(m[1])))
      rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  // Our own process may be running another generation concurrently.
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Replaces `target` with the finished `temp` folder. */
function swapIntoPlace(temp: string, target: string, force: boolean): void {
  if (existsSync(target)) {
    // Another run may have finished first; its output is identical, so keep it (and leave its
    // files in place for whoever is reading them).
    if (!force && readCachedManifest(target)) {
      rmSync(temp, { recursive: true, force: true });
      return;
    }
    const old = `${target}.old-${process.pid}-${++runCounter}`;
    renameSync(target, old);
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
    return;
  }
  renameSync(temp, target);
}

/** Splits the catalog into jobs, the most expensive first so the pool stays busy to the end. */
export function planJobs(catalog: StudyPlan[]): RenderJob[] {
  const jobs: (RenderJob & { cost: number })[] = [];
  catalog.forEach((study, si) =>
    study.series.forEach((series, ri) => {
      const chunk = Math.max(1, Math.round(16 / series.cost));
      for (let from = 0; from < series.count; from += chunk) {
        const to = Math.min(series.count, from + chunk);
        jobs.push({ study: si, series: ri, from, to, cost: (to - from) * series.cost });
      }
    }),
  );
  jobs.sort((a, b) => b.cost - a.cost);
  return jobs.map(({ study, series, from, to }) => ({ study, series, from, to }));
}

async function runInThread(
  catalog: StudyPlan[],
  jobs: RenderJob[],
  root: string,
): Promise<RenderResult> {
  const runner = new JobRunner(catalog, root);
  const total = { files: 0, bytes: 0 };
  for (const job of jobs) {
    const r = await runner.run(job);
    total.files += r.files;
    total.bytes += r.bytes;
  }
  return total;
}

type WorkerReply = { ok: true; result: RenderResult } | { ok: false; error: string };

function runInWorkers(jobs: RenderJob[], root: string, count: number): Promise<RenderResult> {
  return new Promise((resolve, reject) => {
    const queue = [...jobs];
    const total = { files: 0, bytes: 0 };
    let running = 0;
    let failed = false;
    const pool: Worker[] = [];
    const finish = (error?: Error) => {
      if (failed) return;
      if (error) failed = true;
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve(total);
    };
    const feed = (worker: Worker) => {
      const job = queue.shift();
      if (!job) {
        if (running === 0) finish();
        return;
      }
      running++;
      worker.postMessage(job);
    };
    const n = Math.max(1, Math.min(count, jobs.length));
    for (let i = 0; i < n; i++) {
      const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: { root } });
      pool.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        running--;
        if (!reply.ok) return finish(new Error(`demo data worker failed: ${reply.error}`));
        total.files += reply.result.files;
        total.bytes += reply.result.bytes;
        feed(worker);
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (code !== 0 && !failed && (queue.length > 0 || running > 0))
          finish(new Error(`demo data worker exited with code ${code}`));
      });
      feed(worker);
    }
  });
}
