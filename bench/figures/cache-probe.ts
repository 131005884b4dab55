// The offline cache at scale (issue "Performance": "cache holding 50 studies (startup time,
// IndexedDB query times)"): in a profile whose sync has settled, how long the app takes to start
// (page reload to the worklist shown with every row's sync state), and how long the queries the
// app makes of IndexedDB take. Measured in the 50-case profile of figure 10 and, as its baseline,
// in the demo reader's profile of figure 6 (8 studies), so the ratio is what a fuller cache costs.
import type { Page } from '@playwright/test';
import { measuredFigure, type Figure, type Goal } from '../figure.ts';

export interface CacheProbe {
  /** studies and instances the cache held */
  studies: number;
  instances: number;
  /** reload → worklist rows shown, every row in the DOM with its sync state `ready` */
  startupMs: number[];
  /** per query kind, one sample per case probed */
  queries: Record<QueryKind, number[]>;
}

export type QueryKind = 'open' | 'caseInstances' | 'seriesRows' | 'oneImage' | 'assignments';

const QUERY_TITLES: Record<QueryKind, string> = {
  open: 'open the database',
  caseInstances: 'keys of one case’s instances (index caseIds)',
  seriesRows: 'rows of one series (index seriesInstanceUid)',
  oneImage: 'one image: its row and its bytes',
  assignments: 'every assignment row',
};

declare global {
  interface Window {
    __tandemBenchStartup?: { ms: number; rows: number };
  }
}

/** Installed before each reload: the first animation frame where the worklist is shown ready. */
function watchStartup(): void {
  const poll = () => {
    const rows = document.querySelectorAll('[data-testid="worklist-row"]');
    const ready =
      rows.length > 0 &&
      Array.from(rows).every((r) => r.getAttribute('data-sync-state') === 'ready');
    if (ready) window.__tandemBenchStartup = { ms: performance.now(), rows: rows.length };
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

async function startupOnce(page: Page): Promise<number> {
  await page.reload();
  const handle = await page.waitForFunction(() => window.__tandemBenchStartup, undefined, {
    timeout: 60_000,
    polling: 100,
  });
  const seen = (await handle.jsonValue()) as { ms: number };
  return seen.ms;
}

/** In the page: the app's kinds of query, straight on IndexedDB, for up to `cases` cases. */
function queryInPage(cases: number): Promise<{
  studies: number;
  instances: number;
  queries: Record<QueryKind, number[]>;
}> {
  const req = <T>(r: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  const timed = async <T>(samples: number[], run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await run();
    samples.push(performance.now() - t0);
    return out;
  };
  return (async () => {
    const queries: Record<QueryKind, number[]> = {
      open: [],
      caseInstances: [],
      seriesRows: [],
      oneImage: [],
      assignments: [],
    };
    const open = () => req(indexedDB.open('tandem'));
    let db = await timed(queries.open, open);
    const store = (name: string) => db.transaction(name).objectStore(name);
    const studies = await req(store('studies').count());
    const instances = await req(store('instances').count());
    const caseIds = (await req(store('assignments').getAllKeys())).map(String);
    for (const caseId of caseIds.slice(0, cases)) {
      db.close();
      db = await timed(queries.open, open);
      await timed(queries.assignments, () => req(store('assignments').getAll()));
      const keys = await timed(queries.caseInstances, () =>
        req(store('instances').index('caseIds').getAllKeys(caseId)),
      );
      const first = keys[0];
      if (first === undefined) continue;
      const row = (await req(store('instances').get(first))) as {
        seriesInstanceUid: string;
      };
      await timed(queries.seriesRows, () =>
        req(store('instances').index('seriesInstanceUid').getAll(row.seriesInstanceUid)),
      );
      const middle = keys[Math.floor(keys.length / 2)] ?? first;
      await timed(queries.oneImage, async () => {
        const value = (await req(store('instances').get(middle))) as Record<string, unknown>;
        const body = value['blob'] ?? value['bytes'] ?? value['data'];
        if (body instanceof Blob) return (await body.arrayBuffer()).byteLength;
        if (body instanceof ArrayBuffer) return body.byteLength;
        if (ArrayBuffer.isView(body)) return body.byteLength;
        throw new Error('an instance row without its bytes');
      });
    }
    db.close();
    return { studies, instances, queries };
  })();
}

/** Probes the cache of `page` (signed in, its sync settled, on the worklist). */
export async function probeCache(
  page: Page,
  plan: { reloads: number; cases: number },
): Promise<CacheProbe> {
  await page.addInitScript(watchStartup);
  const startupMs: number[] = [];
  for (let i = 0; i < plan.reloads; i++) startupMs.push(await startupOnce(page));
  const { studies, instances, queries } = await page.evaluate(queryInPage, plan.cases);
  return { studies, instances, startupMs, queries };
}

const FLAT_GOAL: Goal = {
  text: '≤ 2 × the small cache',
  source:
    'bench choice: indexed IndexedDB queries should not grow with the cache (issue "Performance", cache holding 50 studies)',
  met: ({ ratio }) => (ratio === null ? null : ratio <= 2),
};

/** The figures: the 50-case profile beside the demo reader's small one. */
export function cacheFigures(large: CacheProbe, small: CacheProbe): Figure[] {
  const label = (p: CacheProbe) => `${p.studies} studies, ${p.instances} instances`;
  const figures: Figure[] = [
    measuredFigure({
      id: 'scale.cache-startup',
      title: `Start-up with a full cache (${label(large)}): reload to worklist shown, every row ready`,
      unit: 'ms',
      samples: large.startupMs,
      baselineTitle: `the same with the demo reader’s cache (${label(small)})`,
      baselineSamples: small.startupMs,
      goal: FLAT_GOAL,
      notes: [
        'the clock starts at navigation (performance.now() of the reloaded page) and stops at the first frame where every worklist row in the DOM says ready: code load, session check, worklist request, cache reads and render',
      ],
    }),
  ];
  for (const kind of ['caseInstances', 'seriesRows', 'oneImage'] as const) {
    figures.push(
      measuredFigure({
        id: `scale.cache-query-${kind}`,
        title: `IndexedDB with a full cache (${label(large)}): ${QUERY_TITLES[kind]}`,
        unit: 'ms',
        quote: ['median', 'p95'],
        samples: large.queries[kind],
        baselineTitle: `the same query with the demo reader’s cache (${label(small)})`,
        baselineSamples: small.queries[kind],
        goal: FLAT_GOAL,
        notes: [
          `one sample per case of the cache (${large.queries[kind].length} and ${small.queries[kind].length}), straight on IndexedDB in the app's page`,
        ],
      }),
    );
  }
  return figures;
}
