// Figure 3: QIDO-RS latency of the backend over a large store, beside the latency of its health
// route on the same server (the floor of an HTTP round trip). No browser.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, startBackend } from '../../backend/test-support/processes.ts';
import { measuredFigure, type Figure, type Goal } from '../figure.ts';
import { DEMO_PASSWORD } from '../browser/session.ts';
import {
  instanceCount,
  writeSyntheticStore,
  type StoreIndex,
  type StoreShape,
} from '../qido/synthetic-store.ts';

export interface QidoPlan {
  shape: StoreShape;
  /** requests per query kind, after warm-up */
  requests: number;
  warmup: number;
}

/** Bump when the synthetic store's content changes, so a cached one is written again. */
const STORE_VERSION = 1;

const QIDO_GOAL: Goal = {
  text: 'p99 < 100 ms',
  source: 'bench choice: a prior lookup or series list should not be felt',
  met: ({ value }) => value.p99 < 100,
};

interface StoreStamp {
  version: number;
  index: StoreIndex;
}

/**
 * The synthetic store lives in `.cache/bench/qido-<instances>` and is kept between runs (with the
 * backend's SQLite index), so only the first run pays for writing and indexing it.
 */
function ensureStore(
  plan: QidoPlan,
  log: (line: string) => void,
): { dataDir: string; index: StoreIndex; fresh: boolean; writeMs: number } {
  const count = instanceCount(plan.shape);
  const dataDir = path.join(REPO_ROOT, '.cache', 'bench', `qido-${count}`);
  const stampPath = path.join(dataDir, 'bench-store.json');
  if (existsSync(stampPath)) {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as StoreStamp;
    if (
      stamp.version === STORE_VERSION &&
      JSON.stringify(stamp.index.shape) === JSON.stringify(plan.shape)
    ) {
      return { dataDir, index: stamp.index, fresh: false, writeMs: 0 };
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  log(`writing ${count.toLocaleString('en-US')} synthetic instances into ${dataDir}`);
  const started = performance.now();
  const index = writeSyntheticStore(dataDir, plan.shape);
  const writeMs = performance.now() - started;
  writeFileSync(stampPath, JSON.stringify({ version: STORE_VERSION, index } satisfies StoreStamp));
  return { dataDir, index, fresh: true, writeMs };
}

export async function measureQido(
  plan: QidoPlan,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const store = ensureStore(plan, log);
  const started = performance.now();
  // Accounts come only from the demo seed: it adds the 1,136 demo instances and the demo users.
  const backend = await startBackend({
    dataDir: store.dataDir,
    seed: 'demo',
    timeoutMs: 14 * 60_000,
  });
  const startMs = performance.now() - started;
  log(
    `backend up over the synthetic store in ${(startMs / 1000).toFixed(1)} s` +
      (store.fresh ? ' (first start: indexing every file)' : ''),
  );
  try {
    const login = await fetch(`${backend.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin1', password: DEMO_PASSWORD }),
    });
    if (!login.ok) throw new Error(`admin sign-in failed: ${login.status}`);
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, accept: 'application/dicom+json' };

    const patients = store.index.samplePatients;
    const pick = (i: number) => patients[i % patients.length]!;
    const kinds: Array<{ id: string; title: string; url: (i: number) => string }> = [
      {
        id: 'studies-by-patient',
        title: 'QIDO studies?PatientID=…',
        url: (i) => `/dicom-web/studies?PatientID=${encodeURIComponent(pick(i).patientId)}`,
      },
      {
        id: 'series-of-study',
        title: 'QIDO studies/{uid}/series',
        url: (i) => `/dicom-web/studies/${pick(i).studyUids[i % pick(i).studyUids.length]}/series`,
      },
      {
        id: 'instances-of-study',
        title: 'QIDO studies/{uid}/instances',
        url: (i) =>
          `/dicom-web/studies/${pick(i).studyUids[i % pick(i).studyUids.length]}/instances`,
      },
    ];
    const health = { id: 'health', title: 'GET /api/health', url: () => '/api/health' };

    const timeOne = async (url: string, headers: Record<string, string>): Promise<number> => {
      const t = performance.now();
      const res = await fetch(backend.url + url, { headers });
      await res.arrayBuffer();
      const ms = performance.now() - t;
      if (!res.ok) throw new Error(`${url.split('?')[0]} answered ${res.status}`);
      return ms;
    };
    const samples = new Map<string, number[]>([[health.id, []]]);
    for (const k of kinds) samples.set(k.id, []);
    const resultSizes = new Map<string, number>();
    // Round-robin, so that noise from the rest of the machine falls on every kind alike.
    for (let i = 0; i < plan.warmup + plan.requests; i++) {
      const h = await timeOne(health.url(), {});
      if (i >= plan.warmup) samples.get(health.id)!.push(h);
      for (const k of kinds) {
        const ms = await timeOne(k.url(i), auth);
        if (i >= plan.warmup) samples.get(k.id)!.push(ms);
      }
    }
    for (const k of kinds) {
      const res = await fetch(backend.url + k.url(0), { headers: auth });
      resultSizes.set(k.id, ((await res.json()) as unknown[]).length);
    }
    const total = instanceCount(plan.shape).toLocaleString('en-US');
    const figures = kinds.map((k) =>
      measuredFigure({
        id: `qido.${k.id}`,
        title: `${k.title} (${total} instances)`,
        unit: 'ms',
        quote: ['median', 'p99'],
        samples: samples.get(k.id)!,
        baselineTitle: 'GET /api/health, same server',
        baselineSamples: samples.get(health.id)!,
        goal: QIDO_GOAL,
        notes: [
          `${resultSizes.get(k.id)} results per answer; signed in as admin1 (every study in scope)`,
        ],
      }),
    );
    for (const f of figures) {
      const p99 = f.baseline ? f.value!.p99 / f.baseline.p99 : null;
      f.notes.push(`p99 ratio ${p99 === null ? '—' : p99.toFixed(1)}×`);
    }
    return {
      figures,
      details: {
        store: {
          ...plan.shape,
          instances: instanceCount(plan.shape),
          freshlyWritten: store.fresh,
          writeSeconds: Math.round(store.writeMs / 100) / 10,
          backendStartSeconds: Math.round(startMs / 100) / 10,
        },
      },
    };
  } finally {
    await backend.stop();
  }
}
