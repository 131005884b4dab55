import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';
import { build, mergeConfig } from 'vite';
import { REPO_ROOT } from '../../backend/test-support/processes.ts';
import { browserPssBytes } from '../../bench/browser/process-memory.ts';
import { rendererViteOptions } from '../../renderer/vite.options.ts';
import { mutationPlan, type MutationKind } from '../../shared/sync/test-support/hostile-dicom.ts';

/**
 * Hostile DICOM through the viewer's real decode path in Chromium, many files a second: a page
 * (`hostile-decode-page/`, built with the renderer's Vite settings, so with the DICOM image
 * loader's decode workers and WASM codecs) takes each file through the sync verifier, the sync's
 * Dexie store, the `tandem:` loader and Cornerstone's decode, as a viewport would, and says what
 * came of it. Mutations are made in the page from their seed (`hostile-dicom.ts`), so only the
 * base files cross into it, once. A page that stops answering (a hang on its main thread) or
 * crashes is counted and replaced.
 */

export const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

/** One file for the page: a base file as it is, or a seeded mutation of it. */
export interface DecodeJob {
  base: number;
  kind: MutationKind | 'original';
  seed: number;
  /** time limit for each step (verify, decode, draw), in ms */
  capMs: number;
  /** also draw it in the page's stack viewport when it decodes */
  draw: boolean;
}

export type DecodeVerdict = 'shown' | 'rejected' | 'unreadable' | 'hung' | 'crashed';

export interface DecodeOutcome {
  verdict: DecodeVerdict;
  /** where it ended: refused by the verifier, decoded (or refused) by the loader, drawn, or the page died */
  stage: 'verifier' | 'decode' | 'viewport' | 'page';
  /** the message a person would read (rejected), the image size (shown), or what went wrong */
  message: string;
  ms: number;
  size: number;
  /** drawn by the stack viewport (only for jobs with `draw`) */
  painted?: boolean;
}

/** Every file under a folder, recursively, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    })
    .sort();
}

/** True for a Part-10 file (preamble and DICM), the kind the structured mutations need. */
export function isPart10(bytes: Uint8Array): boolean {
  return bytes.length > 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM';
}

/** Every file pydicom ships as it is, then `count` seeded mutations of its Part-10 files. */
export function pydicomJobs(
  files: readonly Uint8Array[],
  count: number,
  seed: number,
  opts: { capMs: number },
): DecodeJob[] {
  const originals = files.map((_, base) => ({
    base,
    kind: 'original' as const,
    seed: 0,
    capMs: opts.capMs,
    draw: true,
  }));
  const part10 = files.flatMap((f, i) => (isPart10(f) ? [i] : []));
  const mutated = [...mutationPlan(part10.length, count, seed)].map((p) => ({
    base: part10[p.base]!,
    kind: p.kind,
    seed: p.seed,
    capMs: opts.capMs,
    draw: true,
  }));
  return [...originals, ...mutated];
}

const PAGE_DIR = path.join(import.meta.dirname, 'hostile-decode-page');

/** The inputs of the page's build: its own files, what it imports from the repo, the lockfile. */
function buildHash(): string {
  const hash = createHash('sha256');
  const roots = [PAGE_DIR, 'shared', 'renderer/viewer', 'renderer/vite.options.ts'];
  for (const r of roots) {
    const abs = path.resolve(REPO_ROOT, r);
    for (const f of statSync(abs).isDirectory() ? filesUnder(abs) : [abs]) {
      hash.update(path.relative(REPO_ROOT, f)).update(readFileSync(f));
    }
  }
  hash.update(readFileSync(path.join(REPO_ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/** Builds the page (once per change of its inputs) and returns the folder it is in. */
export async function buildDecodePage(): Promise<string> {
  const out = path.join(REPO_ROOT, '.cache', 'hostile-decode-page', buildHash());
  if (existsSync(path.join(out, 'index.html'))) return out;
  const tmp = `${out}.tmp-${process.pid}`;
  await build(
    mergeConfig(rendererViteOptions(), {
      root: PAGE_DIR,
      base: './',
      logLevel: 'error',
      configFile: false,
      build: { outDir: tmp, emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
    }),
  );
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  return out;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

/** Serves the built page and the base files (`/bases/<n>`) on loopback. */
async function serve(dir: string, bases: readonly Uint8Array[]): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const base = /^\/bases\/(\d+)$/.exec(url.pathname);
    if (base) {
      const bytes = bases[Number(base[1])];
      if (!bytes) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(bytes);
    }
    const file = path.join(
      dir,
      path.normalize(url.pathname === '/' ? '/index.html' : url.pathname),
    );
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile())
      return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** What the browser holds after a garbage collection: the page's JS heap and Chromium's PSS. */
export interface MemoryReading {
  jsHeapBytes: number;
  browserPssBytes: number;
}

export interface DecodePage {
  decode(job: DecodeJob): Promise<DecodeOutcome>;
  memory(): Promise<MemoryReading>;
  /** the page still runs its event loop and paints (a frame within 5 s) */
  paints(): Promise<boolean>;
  /** pages replaced after a crash or a hang of their main thread */
  readonly replaced: number;
  close(): Promise<void>;
}

/** Opens the decode page in `browser` with the given base files. */
export async function openDecodePage(
  browser: Browser,
  bases: readonly Uint8Array[],
): Promise<DecodePage> {
  const dir = await buildDecodePage();
  const server = await serve(dir, bases);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let crashed = false;
  let replaced = 0;

  async function open(): Promise<void> {
    context = await browser.newContext({ viewport: { width: 400, height: 400 } });
    page = await context.newPage();
    crashed = false;
    page.on('crash', () => (crashed = true));
    cdp = await context.newCDPSession(page);
    await page.goto(url);
    await page.waitForFunction(() => 'tandemHostileDecode' in window);
    await page.evaluate(
      (n) =>
        (
          window as unknown as {
            tandemHostileDecode: { init(urls: string[]): Promise<unknown> };
          }
        ).tandemHostileDecode.init(Array.from({ length: n }, (_, i) => `/bases/${i}`)),
      bases.length,
    );
  }
  await open();

  return {
    get replaced() {
      return replaced;
    },
    async decode(job) {
      const started = Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const answer = await Promise.race([
        page
          .evaluate(
            (j) =>
              (
                window as unknown as {
                  tandemHostileDecode: { decodeOne(j: DecodeJob): Promise<DecodeOutcome> };
                }
              ).tandemHostileDecode.decodeOne(j),
            job,
          )
          .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
        // each of the page's three steps has its own cap; past all of them the page is stuck
        new Promise<'stuck'>((r) => (timer = setTimeout(() => r('stuck'), job.capMs * 3 + 10_000))),
      ]).finally(() => clearTimeout(timer));
      if (answer !== 'stuck' && !(answer instanceof Error)) return answer;
      const outcome: DecodeOutcome = {
        verdict: answer === 'stuck' ? 'hung' : 'crashed',
        stage: 'page',
        message:
          answer === 'stuck'
            ? 'the page stopped answering'
            : `${crashed ? 'the page crashed: ' : ''}${answer.message.split('\n')[0]}`,
        ms: Date.now() - started,
        size: 0,
      };
      // a new page: nothing that went wrong here should count against the next file
      replaced++;
      await context.close().catch(() => {});
      await open();
      return outcome;
    },
    async memory() {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      return { jsHeapBytes: heap.usedSize, browserPssBytes: browserPssBytes() };
    },
    async paints() {
      return Promise.race([
        page.evaluate(() => new Promise<boolean>((r) => requestAnimationFrame(() => r(true)))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5_000)),
      ]);
    },
    async close() {
      await context.close().catch(() => {});
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Counts of the outcomes, by verdict and by where the file was refused. */
export class DecodeTally {
  tried = 0;
  readonly counts = new Map<string, number>();
  painted = 0;
  readonly failures: Array<{ label: string; outcome: DecodeOutcome }> = [];
  readonly samples: string[] = [];

  add(label: string, o: DecodeOutcome): void {
    this.tried++;
    const key = o.verdict === 'rejected' ? `rejected (${o.stage})` : o.verdict;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (o.painted) this.painted++;
    if (o.verdict === 'hung' || o.verdict === 'crashed' || o.verdict === 'unreadable') {
      this.failures.push({ label, outcome: o });
      return;
    }
    // a few of each: shown as they are, shown though mutated, refused by the loader or verifier
    const kind = `${key} ${label.includes(' seed ') ? 'mutated' : 'original'}`;
    const seen = this.sampled.get(kind) ?? 0;
    if (seen < 3) {
      this.sampled.set(kind, seen + 1);
      this.samples.push(
        `${label}: ${o.verdict}${o.stage === 'decode' ? '' : ` (${o.stage})`}: ${o.message}`,
      );
    }
  }

  private readonly sampled = new Map<string, number>();

  count(verdict: DecodeVerdict): number {
    let n = 0;
    for (const [k, v] of this.counts) if (k === verdict || k.startsWith(`${verdict} `)) n += v;
    return n;
  }

  table(title: string): string {
    const rows = [
      ['tried', String(this.tried)],
      ...[...this.counts].sort().map(([k, v]) => [k, String(v)]),
      ['drawn in a stack viewport', String(this.painted)],
    ];
    const w = Math.max(...rows.map((r) => r[0]!.length));
    return [title, ...rows.map(([k, v]) => `  ${k!.padEnd(w)}  ${v!.padStart(6)}`)].join('\n');
  }
}
