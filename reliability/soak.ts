// `npm run test:soak [-- --minutes N] [--seed S]`: the long pass of the reliability suite. Until the
// time is up it loops: the sync engine against the real backend behind a seeded chaos proxy (with
// backend restarts mid-sync), reports signed in Chromium through the real outbox behind a chaos
// proxy (with page kills and backend restarts between signed and delivered), hostile DICOM
// mutations through the verifier and through the viewer's decode path in Chromium (verifier, cache,
// `tandem:` loader, decode workers; `e2e/support/hostile-decode.ts`), API fuzzing, and the
// access-control table. At the end it prints
// a table and exits non-zero if anything was lost, duplicated, stored corrupt, crashed, hung or
// wrongly allowed. Needs the build (`npm run build:backend && npm run build:renderer`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { fuzzSummary, newFuzzTally, runApiFuzz } from '../backend/test-support/api-fuzz.ts';
import {
  writeFixtureDemoCache,
  type FixtureDemoCache,
} from '../backend/test-support/dicom-fixtures.ts';
import { signIn } from '../backend/test-support/http-client.ts';
import {
  makeTempDir,
  removeDir,
  REPO_ROOT,
  startBackend,
  type BackendProcess,
} from '../backend/test-support/processes.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.ts';
import {
  DecodeTally,
  filesUnder,
  openDecodePage,
  pydicomJobs,
  type MemoryReading,
} from '../e2e/support/hostile-decode.ts';
import { accessCases, runAccessCases } from '../backend/test-support/route-access.ts';
import { SyncEngine } from '../shared/sync/engine.ts';
import { HttpSyncBackend } from '../shared/sync/http-backend.ts';
import {
  HostileTally,
  mutations,
  seededRandom,
  sopInstanceUidOf,
  verifyHostile,
} from '../shared/sync/test-support/hostile-dicom.ts';
import { MemoryStore } from '../shared/sync/test-support/memory-store.ts';
import { verifyPart10, type InstanceVerifier } from '../shared/sync/verify-instance.ts';
import { FAULT_KINDS, OTHER_FAULT_KINDS, startChaosProxy } from './chaos-proxy.ts';
import { newOutboxTally, startOutboxRig, type OutboxRig } from './outbox-round.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
  },
});
const minutes = Number(values.minutes);
const seed = Number(values.seed);
if (!(minutes > 0) || !Number.isInteger(seed)) {
  console.error('usage: npm run test:soak -- [--minutes N] [--seed S]');
  process.exit(2);
}
const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const RENDERER_DIR = path.join(REPO_ROOT, 'dist', 'renderer');
/** The case the outbox trials report again and again (a first read of radiologist1's). */
const OUTBOX_CASE = 'case-cr-chest-followup';
const OUTBOX_TRIALS_PER_CYCLE = 4;
const random = seededRandom(seed);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** The instances radiologist1's workstation must end up with: their cases' studies and priors. */
function expectedInstances(fx: FixtureDemoCache): Map<string, string> {
  const m = fx.manifest;
  const out = new Map<string, string>();
  for (const c of m.cases.filter((x) => x.assignee === 'radiologist1')) {
    const patient = m.studies.find((s) => s.studyInstanceUid === c.studyInstanceUid)?.patientId;
    for (const s of Object.values(fx.studies))
      if (s.patientId === patient) for (const i of s.instances) out.set(i.sopUid, i.file);
  }
  return out;
}

const totals = {
  cycles: 0,
  sync: { rounds: 0, synced: 0, rejected: 0, missing: 0, corruptStored: 0, resumed: 0 },
  backendCrashes: 0,
};
const hostile = new HostileTally();
const fuzz = newFuzzTally();
const access = { allowed: 0, denied: 0, wrong: 0, wrongRows: [] as string[] };
const reports = newOutboxTally();

const cacheDir = makeTempDir('soak-fixture');
const fixture = writeFixtureDemoCache(cacheDir);
const backendEnv = { TANDEM_DEMO_CACHE: cacheDir, TANDEM_DEMO_SKIP_GENERATE: '1' };
let backend: BackendProcess = await startBackend({ seed: 'demo', env: backendEnv });
// The fuzz gets a backend of its own: an administrator's fuzzed STOW-RS may overwrite a stored
// instance with damaged bytes, which would change what the sync rounds must receive.
const fuzzBackend: BackendProcess = await startBackend({ seed: 'demo', env: backendEnv });
const proxy = await startChaosProxy(backend.url, random);
const expected = expectedInstances(fixture);
// The outbox trials get a backend of their own that also serves the built renderer (browser mode).
if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
  console.error(`${RENDERER_DIR} is missing: run \`npm run build:renderer\` first`);
  process.exit(2);
}
let uiBackend: BackendProcess = await startBackend({
  seed: 'demo',
  env: backendEnv,
  ui: RENDERER_DIR,
});
const outbox: OutboxRig = await startOutboxRig({
  backend: () => uiBackend,
  async restartBackend() {
    await uiBackend.stop();
    uiBackend = await startBackend({
      seed: 'demo',
      env: backendEnv,
      ui: RENDERER_DIR,
      dataDir: uiBackend.dataDir,
      extraArgs: ['--port', String(uiBackend.port)],
    });
  },
  random,
  faults: proxy.faults,
  caseId: OUTBOX_CASE,
  seed,
});

async function restartBackend(): Promise<void> {
  await backend.stop();
  backend = await startBackend({
    seed: 'demo',
    env: backendEnv,
    dataDir: backend.dataDir,
    extraArgs: ['--port', String(backend.port)],
  });
}

async function ensureBackendUp(): Promise<void> {
  if (fuzzBackend.child.exitCode !== null) {
    totals.backendCrashes++;
    throw new Error(
      `the fuzzed backend exited: ${fuzzBackend.stderr().split('\n').slice(-5).join('\n')}`,
    );
  }
  const alive =
    backend.child.exitCode === null &&
    (await fetch(`${backend.url}/api/health`).then(
      (r) => r.status === 200,
      () => false,
    ));
  if (!alive) {
    totals.backendCrashes++;
    console.error(`backend was down: ${backend.stderr().split('\n').slice(-5).join('\n')}`);
    await restartBackend();
  }
}

/** One sync round: chaos on, maybe a backend restart, then faults off and a resume; compare bytes. */
async function syncRound(): Promise<void> {
  const token = await signIn(backend.url, 'radiologist1');
  const store = new MemoryStore();
  let rejected = 0;
  const verify: InstanceVerifier = async (blob, exp) => {
    const r = await verifyPart10(blob, exp);
    if (!r.ok) rejected++;
    return r;
  };
  const makeEngine = () =>
    new SyncEngine({
      backend: new HttpSyncBackend({ baseUrl: proxy.url, fetch: globalThis.fetch, token }),
      store,
      verify,
      backoff: { baseMs: 50, maxMs: 1_000 },
      pollIntervalMs: 2_000,
      maxParallel: 4,
      maxCorruptAttempts: 10,
      maxServerAttempts: 10,
    });
  proxy.setFaultRate(0.15 + random() * 0.35);
  let engine = makeEngine();
  engine.start();
  if (random() < 0.3) {
    await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
    proxy.count('backend-restart');
    await restartBackend();
  }
  await withTimeout(engine.settled(), 30_000);
  // Faults off: what the network broke must come through on the next poll, or after a restart.
  proxy.setFaultRate(0);
  const missingNow = () => [...expected.keys()].filter((sop) => !store.instances.has(sop));
  if (missingNow().length > 0) {
    await withTimeout(engine.pollNow(), 15_000);
    await withTimeout(engine.settled(), 30_000);
  }
  if (missingNow().length > 0) {
    totals.sync.resumed++;
    await engine.stop();
    engine = makeEngine();
    engine.start();
    await withTimeout(engine.settled(), 30_000);
  }
  await engine.stop();
  totals.sync.rounds++;
  totals.sync.rejected += rejected;
  for (const [sop, file] of expected) {
    const got = store.instances.get(sop);
    if (!got) {
      totals.sync.missing++;
      continue;
    }
    const bytes = new Uint8Array(await got.blob.arrayBuffer());
    if (Buffer.compare(Buffer.from(bytes), readFileSync(file)) === 0) totals.sync.synced++;
    else totals.sync.corruptStored++;
  }
}

const hostileBases: Uint8Array[] = [
  ...Object.values(fixture.studies).flatMap((s) =>
    s.instances.map((i) => new Uint8Array(readFileSync(i.file))),
  ),
  ...(() => {
    try {
      return walk(PYDICOM)
        .filter((f) => f.endsWith('.dcm') && statSync(f).size < 600_000)
        .map((f) => new Uint8Array(readFileSync(f)));
    } catch {
      return [];
    }
  })(),
];

const hostileSops = hostileBases.map(sopInstanceUidOf);

// The viewer's decode path in Chromium: every file pydicom ships (first cycle), then seeded
// mutations of them and of the fixture studies' files, each cycle.
const DECODE_MUTATIONS_PER_CYCLE = 300;
const decodeFiles = [
  ...(() => {
    try {
      return filesUnder(PYDICOM);
    } catch {
      return [];
    }
  })(),
  ...Object.values(fixture.studies).flatMap((s) => s.instances.map((i) => i.file)),
];
const decodeBases = decodeFiles.map((f) => new Uint8Array(readFileSync(f)));
const decodeTally = new DecodeTally();
const decodeMemory: { before?: MemoryReading; after?: MemoryReading } = {};
const decodeBrowser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS],
});
const decodePage = await openDecodePage(decodeBrowser, decodeBases);

async function viewerDecodeRound(): Promise<void> {
  const roundSeed = Math.floor(random() * 2 ** 31);
  const jobs = pydicomJobs(decodeBases, DECODE_MUTATIONS_PER_CYCLE, roundSeed, {
    capMs: 10_000,
  }).filter((j) => j.kind !== 'original' || totals.cycles === 1);
  for (const job of jobs) {
    // the baseline after the originals: every decoder has been loaded once
    if (job.kind !== 'original') decodeMemory.before ??= await decodePage.memory();
    const file = path.relative(PYDICOM, decodeFiles[job.base]!);
    const label =
      job.kind === 'original'
        ? file
        : `${job.kind} seed ${job.seed} of ${file} (round ${roundSeed})`;
    decodeTally.add(label, await decodePage.decode(job));
  }
  decodeMemory.after = await decodePage.memory();
}

async function hostileRound(): Promise<void> {
  const roundSeed = Math.floor(random() * 2 ** 31);
  for (const m of mutations(hostileBases, 200, roundSeed)) {
    const sopInstanceUid = hostileSops[m.base]!;
    const outcome = await verifyHostile(m.bytes, { sopInstanceUid }, 2_000);
    hostile.add(`${m.kind} seed ${m.seed} (round seed ${roundSeed})`, outcome);
  }
}

async function fuzzRound(): Promise<void> {
  const tokens = {
    radiologist1: await signIn(fuzzBackend.url, 'radiologist1'),
    admin1: await signIn(fuzzBackend.url, 'admin1'),
  };
  await runApiFuzz({
    baseUrl: fuzzBackend.url,
    dataDir: fuzzBackend.dataDir,
    fixture,
    tokens,
    seed: Math.floor(random() * 2 ** 31),
    numRuns: 150,
    tally: fuzz,
  });
}

async function outboxRound(): Promise<void> {
  await outbox.round(OUTBOX_TRIALS_PER_CYCLE, reports);
}

async function accessRound(): Promise<void> {
  for (const r of await runAccessCases(backend.url, accessCases(fixture))) {
    access[r.verdict]++;
    if (r.verdict === 'wrong')
      access.wrongRows.push(
        `${r.route} [${r.target}] as ${r.who}: ${r.actual}, expected ${r.expected}`,
      );
  }
}

const started = Date.now();
const deadline = started + minutes * 60_000;
console.log(`soak: ${minutes} min, seed ${seed}`);
try {
  while (Date.now() < deadline) {
    totals.cycles++;
    for (const [name, round] of [
      ['sync', syncRound],
      ['report outbox', outboxRound],
      ['hostile DICOM', hostileRound],
      ['hostile DICOM in the viewer', viewerDecodeRound],
      ['API fuzz', fuzzRound],
      ['access control', accessRound],
    ] as const) {
      if (Date.now() >= deadline && name !== 'sync' && name !== 'report outbox') break;
      try {
        await round();
      } catch (err) {
        console.error(
          `cycle ${totals.cycles} ${name}: ${err instanceof Error ? err.stack : String(err)}`,
        );
        fuzz.crashed.push({
          request: { method: '-', path: `${name} round`, headers: {}, route: name },
          problem: err instanceof Error ? err.message : String(err),
        });
      }
      await ensureBackendUp();
    }
    process.stdout.write(
      `cycle ${totals.cycles}: synced ${totals.sync.synced}, missing ${totals.sync.missing}, reports signed ${reports.signed} delivered ${reports.delivered}, hostile ${hostile.tried}, fuzz ${fuzz.tried}, access ${access.allowed + access.denied + access.wrong}\n`,
    );
  }
} finally {
  await decodePage.close();
  await decodeBrowser.close();
  await outbox.stop();
  await uiBackend.stop();
  removeDir(uiBackend.dataDir);
  await proxy.stop();
  await backend.stop();
  removeDir(backend.dataDir);
  const fuzzExit = await fuzzBackend.stop();
  if (fuzzExit !== 0 && fuzzExit !== null) totals.backendCrashes++;
  removeDir(fuzzBackend.dataDir);
  removeDir(cacheDir);
}

const row = (k: string, v: string | number) => `  ${k.padEnd(52)} ${String(v)}`;
const faultRows = [...FAULT_KINDS, ...OTHER_FAULT_KINDS].map((k) =>
  row(`faults injected: ${k}`, proxy.faults.get(k) ?? 0),
);
const hostileCrashed = hostile.count('crashed') + hostile.count('hung');
const decodeFailed = decodeTally.failures.length;
const hostileTried = hostile.tried + decodeTally.tried + fuzz.tried;
const hostileAllCrashed = hostileCrashed + decodeFailed + fuzz.crashed.length;
const mb = (b: number | undefined) => (b === undefined ? '-' : `${(b / 2 ** 20).toFixed(0)} MB`);
const { before: memBefore, after: memAfter } = decodeMemory;
/**
 * The decode page's JS heap after the run against after the originals: a leak per file would show
 * here. (The PSS is of every Chromium the soak runs, the outbox trials' too, so only printed.)
 */
const decodeMemoryGrew =
  memBefore !== undefined &&
  memAfter !== undefined &&
  memAfter.jsHeapBytes - memBefore.jsHeapBytes > 64 * 2 ** 20;
console.log(
  [
    '',
    `soak summary: ${((Date.now() - started) / 60_000).toFixed(1)} min, seed ${seed}, ${totals.cycles} cycles`,
    ...faultRows,
    row(
      'faults injected: total',
      [...proxy.faults.values()].reduce((a, b) => a + b, 0),
    ),
    row(
      'reports signed / delivered / duplicated / lost',
      `${reports.signed} / ${reports.delivered} / ${reports.duplicated} / ${reports.lost}`,
    ),
    row('  refused for good (outbox error)', reports.refused),
    row('  delivered only after faults off', reports.deliveredAfterFaultsOff),
    row('  sent again after a lost answer (backend: repeat)', reports.resentAfterLostAnswer),
    row(
      'instances synced / corrupted-and-rejected / missing',
      `${totals.sync.synced} / ${totals.sync.rejected} / ${totals.sync.missing}`,
    ),
    row(
      '  sync rounds (resumed after faults off)',
      `${totals.sync.rounds} (${totals.sync.resumed})`,
    ),
    row('  instances stored corrupt', totals.sync.corruptStored),
    row(
      'hostile inputs tried / handled / crashed',
      `${hostileTried} / ${hostileTried - hostileAllCrashed} / ${hostileAllCrashed}`,
    ),
    row(
      '  DICOM (verifier) tried / handled / crashed',
      `${hostile.tried} / ${hostile.tried - hostileCrashed} / ${hostileCrashed}`,
    ),
    row(
      '    of which accepted / rejected',
      `${hostile.count('accepted')} / ${hostile.count('rejected')}`,
    ),
    row(
      '  DICOM (viewer decode) tried / shown / rejected / hung / crashed',
      `${decodeTally.tried} / ${decodeTally.count('shown')} / ${decodeTally.count('rejected')} / ${decodeTally.count('hung')} / ${decodeTally.count('crashed') + decodeTally.count('unreadable')}`,
    ),
    row(
      '    of which rejected by the verifier / by the loader',
      `${decodeTally.counts.get('rejected (verifier)') ?? 0} / ${decodeTally.counts.get('rejected (decode)') ?? 0}`,
    ),
    row('    rejected with an unreadable message (in crashed)', decodeTally.count('unreadable')),
    row('    drawn in a stack viewport', decodeTally.painted),
    row('    pages replaced after a hang or crash', decodePage.replaced),
    row(
      '    page JS heap / all Chromium PSS, after originals → end',
      `${mb(memBefore?.jsHeapBytes)} → ${mb(memAfter?.jsHeapBytes)} / ${mb(memBefore?.browserPssBytes)} → ${mb(memAfter?.browserPssBytes)}${decodeMemoryGrew ? ' (GREW)' : ''}`,
    ),
    row(
      '  API requests tried / handled / crashed',
      `${fuzz.tried} / ${fuzz.handled} / ${fuzz.crashed.length}`,
    ),
    row('backend found down', totals.backendCrashes),
    row(
      'access-control cases allowed / denied / wrong',
      `${access.allowed} / ${access.denied} / ${access.wrong}`,
    ),
  ].join('\n'),
);
console.log(`  API fuzz: ${fuzzSummary(fuzz)}`);
for (const f of hostile.failures.slice(0, 10))
  console.log(`  hostile failure: ${f.label}: ${f.outcome.reason} ${f.outcome.message}`);
for (const f of decodeTally.failures.slice(0, 10))
  console.log(
    `  viewer decode failure: ${f.label}: ${f.outcome.verdict} at ${f.outcome.stage}: ${f.outcome.message}`,
  );
for (const c of fuzz.crashed.slice(0, 10))
  console.log(`  API failure: ${c.request.method} ${c.request.path.slice(0, 160)}: ${c.problem}`);
for (const w of access.wrongRows.slice(0, 10)) console.log(`  wrongly answered: ${w}`);
for (const p of reports.problems.slice(0, 10)) console.log(`  report problem: ${p}`);

const failed =
  totals.sync.missing +
  totals.sync.corruptStored +
  hostileCrashed +
  decodeFailed +
  (decodeMemoryGrew ? 1 : 0) +
  fuzz.crashed.length +
  totals.backendCrashes +
  access.wrong +
  // every report lost, duplicated, refused or left unconfirmed is one of these
  reports.problems.length;
console.log(failed === 0 ? 'soak: PASS' : `soak: FAIL (${failed} problems)`);
process.exit(failed === 0 ? 0 : 1);
