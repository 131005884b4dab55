// Who may call which backend route on whose data: the access-control table, the routes the backend
// declares (read from its source), and a runner. Shared by backend/test/route-access.test.ts and the
// soak runner (reliability/soak.ts). No test framework imports.
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FixtureDemoCache } from './dicom-fixtures.ts';
import { DEMO_PASSWORD, multipartBody } from './http-client.ts';
import { REPO_ROOT } from './processes.ts';

export const ROLES = ['radiologist1', 'radiologist2', 'qa1', 'admin1', 'anonymous'] as const;
export type Who = (typeof ROLES)[number];

/** Expected status per caller. 2xx means allowed; anything else means refused. */
export type Expectation = Record<Who, number>;

export interface AccessCase {
  /** the route as declared: `GET /api/cases/:id` */
  route: string;
  /** whose data: `r1 case`, `r2 study`, … */
  target: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: () => { body: Uint8Array<ArrayBuffer> | string; headers: Record<string, string> };
  expect: Expectation;
}

/** A P-256 public key as a workstation enrolls it. */
function testPublicKeyJwk(): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...publicKey.export({ format: 'jwk' }), key_ops: ['verify'], ext: true };
}

const ALL = (status: number): Expectation => ({
  radiologist1: status,
  radiologist2: status,
  qa1: status,
  admin1: status,
  anonymous: status,
});
const SIGNED_IN: Expectation = { ...ALL(200), anonymous: 401 };
/** r1's own data (a case or a study of one of r1's cases or its priors) */
const R1_ONLY: Expectation = {
  radiologist1: 200,
  radiologist2: 403,
  qa1: 403,
  admin1: 200,
  anonymous: 401,
};
/** r2's own data that is also in a discordant pair (QA reviewers see it) */
const R2_AND_QA: Expectation = {
  radiologist1: 403,
  radiologist2: 200,
  qa1: 200,
  admin1: 200,
  anonymous: 401,
};
const R2_ONLY: Expectation = { ...R2_AND_QA, qa1: 403 };

/**
 * The table. Targets: r1's STAT CT case and its study (ctChest, prior ctChestPrior), r2's MR case and
 * its study (mrBrain, in the QA discordant pair) and its prior (ctAbdomenPrior).
 */
export function accessCases(fx: FixtureDemoCache): AccessCase[] {
  const s = fx.studies;
  const inst = (k: keyof FixtureDemoCache['studies']) => s[k].instances[0]!;
  const cases: AccessCase[] = [];
  const add = (
    route: string,
    target: string,
    p: string,
    expect: Expectation,
    extra: Partial<AccessCase> = {},
  ) => {
    const [method] = route.split(' ') as [AccessCase['method']];
    cases.push({ route, target, method, path: p, expect, ...extra });
  };

  add('GET /api/health', 'none', '/api/health', ALL(200));
  add('POST /api/session', 'own credentials', '/api/session', ALL(200), {
    body: () => ({
      body: JSON.stringify({ username: 'radiologist1', password: DEMO_PASSWORD }),
      headers: { 'content-type': 'application/json' },
    }),
  });
  add('GET /api/session', 'own session', '/api/session', SIGNED_IN);
  // Signing out always succeeds (it clears the cookie); the runner uses a throwaway session for it.
  add('DELETE /api/session', 'own session', '/api/session', ALL(204));
  add('GET /api/worklist', 'own worklist', '/api/worklist', SIGNED_IN);
  add('GET /api/cases/:id', 'r1 case', '/api/cases/case-ct-chest-stat', R1_ONLY);
  // r2's MR case is under QA review (its study is a discordant pair's): QA reviewers open it too,
  // scoped to that study; r1's CT case is not, so they cannot.
  add(
    'GET /api/cases/:id',
    'r2 case under QA review',
    '/api/cases/case-mr-brain-urgent',
    R2_AND_QA,
  );
  add(
    'GET /api/cases/:id/original-report',
    'r1 peer review',
    '/api/cases/case-ct-head-peer/original-report',
    R1_ONLY,
  );
  add(
    'GET /api/cases/:id/original-report',
    'r1 blinded second opinion',
    '/api/cases/case-cr-chest-second/original-report',
    { ...R1_ONLY, radiologist1: 403 },
  );

  // Reports: any signed-in user may enroll a workstation key; only radiologists may send a report,
  // and a body that is not a signed report is refused for them too; nobody reads an unknown one.
  add('POST /api/workstation-keys', 'own key', '/api/workstation-keys', SIGNED_IN, {
    body: () => ({
      body: JSON.stringify({ label: 'access table', publicKeyJwk: testPublicKeyJwk() }),
      headers: { 'content-type': 'application/json' },
    }),
  });
  add(
    'POST /api/reports',
    'r1 case, not a signed report',
    '/api/reports',
    { radiologist1: 422, radiologist2: 422, qa1: 403, admin1: 403, anonymous: 401 },
    {
      body: () => ({
        body: JSON.stringify({ document: { caseId: 'case-ct-chest-stat' } }),
        headers: { 'content-type': 'application/json', 'idempotency-key': 'access-table-1' },
      }),
    },
  );
  add(
    'GET /api/reports/:id',
    'unknown report',
    '/api/reports/00000000-0000-4000-8000-000000000000',
    {
      ...ALL(404),
      anonymous: 401,
    },
  );

  // Concordance and QA: a radiologist records concordance on their own case once their report is
  // in; only QA reviewers and admins reach the queue, items and scoring; only admins reveal a
  // reviewer or set peer-review rates. Unknown ids answer 404 to those who may ask at all.
  const json =
    (body: unknown, headers: Record<string, string> = {}) =>
    () => ({
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const QA_ONLY = (status: number): Expectation => ({
    radiologist1: 403,
    radiologist2: 403,
    qa1: status,
    admin1: status,
    anonymous: 401,
  });
  const ADMIN_ONLY = (status: number): Expectation => ({ ...QA_ONLY(status), qa1: 403 });
  const unknownReview = '00000000-0000-4000-8000-000000000000';
  add(
    'GET /api/cases/:id/concordance',
    'r1 case, no report of their own yet',
    '/api/cases/case-ct-chest-stat/concordance',
    { radiologist1: 409, radiologist2: 403, qa1: 403, admin1: 403, anonymous: 401 },
  );
  add(
    'POST /api/cases/:id/concordance',
    'r1 case, no report of their own yet',
    '/api/cases/case-ct-chest-stat/concordance',
    { radiologist1: 409, radiologist2: 403, qa1: 403, admin1: 403, anonymous: 401 },
    { body: json({ concordance: 'agree', comment: '', urgent: false }) },
  );
  add('GET /api/qa/queue', 'QA queue', '/api/qa/queue', QA_ONLY(200));
  add('GET /api/qa/items/:itemId', 'unknown item', '/api/qa/items/pair:none', QA_ONLY(404));
  add(
    'POST /api/qa/items/:itemId/review',
    'unknown item',
    '/api/qa/items/pair:none/review',
    QA_ONLY(404),
    { body: json({ score: '1', category: null, note: '' }) },
  );
  add('GET /api/qa/reviews/:id', 'unknown review', `/api/qa/reviews/${unknownReview}`, {
    ...ALL(404),
    anonymous: 401,
  });
  add('GET /api/qa/my-reviews', 'own reviews', '/api/qa/my-reviews', SIGNED_IN);
  add(
    'POST /api/qa/reviews/:id/response',
    'unknown review',
    `/api/qa/reviews/${unknownReview}/response`,
    { ...ALL(404), anonymous: 401 },
    { body: json({ text: 'response' }) },
  );
  add(
    'POST /api/qa/reviews/:id/reveal',
    'unknown review',
    `/api/qa/reviews/${unknownReview}/reveal`,
    ADMIN_ONLY(404),
    { body: json({}) },
  );
  add('GET /api/qa/stats', 'aggregates', '/api/qa/stats', SIGNED_IN);
  add('GET /api/qa/peer-review-rates', 'rates', '/api/qa/peer-review-rates', ADMIN_ONLY(200));
  add(
    'PUT /api/qa/peer-review-rates',
    'rates, not a rate table',
    '/api/qa/peer-review-rates',
    ADMIN_ONLY(400),
    {
      body: json({ nonsense: true }),
    },
  );

  for (const level of ['studies', 'series', 'instances'])
    add(`GET /dicom-web/${level}`, 'own scope', `/dicom-web/${level}`, SIGNED_IN);

  const studyTargets: Array<[string, keyof FixtureDemoCache['studies'], Expectation]> = [
    ['r1 study', 'ctChest', R1_ONLY],
    ['r1 prior', 'ctChestPrior', R1_ONLY],
    ['r2 study', 'mrBrain', R2_AND_QA],
    ['r2 prior', 'ctAbdomenPrior', R2_ONLY],
  ];
  for (const [target, key, expect] of studyTargets) {
    const i = inst(key);
    const st = `/dicom-web/studies/${i.studyUid}`;
    const se = `${st}/series/${i.seriesUid}`;
    const ins = `${se}/instances/${i.sopUid}`;
    add('GET /dicom-web/studies/:study', target, st, expect);
    add('GET /dicom-web/studies/:study/metadata', target, `${st}/metadata`, expect);
    add('GET /dicom-web/studies/:study/series', target, `${st}/series`, expect);
    add('GET /dicom-web/studies/:study/instances', target, `${st}/instances`, expect);
    add('GET /dicom-web/studies/:study/series/:series', target, se, expect);
    add('GET /dicom-web/studies/:study/series/:series/metadata', target, `${se}/metadata`, expect);
    add(
      'GET /dicom-web/studies/:study/series/:series/instances',
      target,
      `${se}/instances`,
      expect,
    );
    add('GET /dicom-web/studies/:study/series/:series/instances/:instance', target, ins, expect);
    add(
      'GET /dicom-web/studies/:study/series/:series/instances/:instance/metadata',
      target,
      `${ins}/metadata`,
      expect,
    );
    add(
      'GET /dicom-web/studies/:study/series/:series/instances/:instance/bulk/*',
      target,
      `${ins}/bulk/7FE00010`,
      expect,
    );
    add(
      'GET /dicom-web/wado',
      target,
      `/dicom-web/wado?requestType=WADO&studyUID=${i.studyUid}&seriesUID=${i.seriesUid}&objectUID=${i.sopUid}`,
      expect,
    );
    add(
      'POST /dicom-web/studies/:study/instances/retrieve',
      target,
      `${st}/instances/retrieve`,
      expect,
      {
        body: json({ instances: [{ seriesInstanceUid: i.seriesUid, sopInstanceUid: i.sopUid }] }),
      },
    );
  }

  // STOW-RS of an instance the store already holds (storing it again changes nothing): QA
  // reviewers may not store at all; a radiologist only into studies of their cases (409: every
  // instance refused).
  const stowBody = (key: keyof FixtureDemoCache['studies']) => () => {
    const m = multipartBody([{ body: readFileSync(inst(key).file) }]);
    return { body: m.body, headers: { 'content-type': m.contentType } };
  };
  const stowR1: Expectation = { ...R1_ONLY, radiologist2: 409 };
  const stowR2: Expectation = { ...R2_ONLY, radiologist1: 409 };
  add('POST /dicom-web/studies', 'r1 study', '/dicom-web/studies', stowR1, {
    body: stowBody('ctChest'),
  });
  add('POST /dicom-web/studies', 'r2 study', '/dicom-web/studies', stowR2, {
    body: stowBody('mrBrain'),
  });
  add(
    'POST /dicom-web/studies/:study',
    'r1 study',
    `/dicom-web/studies/${s.ctChest.studyUid}`,
    stowR1,
    {
      body: stowBody('ctChest'),
    },
  );
  add(
    'POST /dicom-web/studies/:study',
    'r2 study',
    `/dicom-web/studies/${s.mrBrain.studyUid}`,
    stowR2,
    {
      body: stowBody('mrBrain'),
    },
  );
  return cases;
}

/** Every route the backend declares (`METHOD /prefix/path`), read from backend/src/routes. */
export function declaredRoutes(): string[] {
  const dir = path.join(REPO_ROOT, 'backend', 'src', 'routes');
  const out = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    const prefix = file.startsWith('dicomweb') ? '/dicom-web' : '/api';
    for (const m of source.matchAll(/\bapp\.(get|post|put|patch|delete)\(\s*'([^']+)'/g))
      out.add(`${m[1]!.toUpperCase()} ${prefix}${m[2]}`);
  }
  return [...out].sort();
}

export type AccessVerdict = 'allowed' | 'denied' | 'wrong';

export interface AccessResult {
  route: string;
  target: string;
  who: Who;
  expected: number;
  actual: number;
  verdict: AccessVerdict;
}

const ok = (status: number) => status >= 200 && status < 300;

/** Signs each role in (a fresh session per call, so a sign-out case cannot end another's). */
export async function signInAll(baseUrl: string): Promise<Record<Who, string | null>> {
  const tokens = { anonymous: null } as Record<Who, string | null>;
  for (const who of ROLES) {
    if (who === 'anonymous') continue;
    const res = await fetch(`${baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: who, password: DEMO_PASSWORD }),
    });
    if (!res.ok) throw new Error(`sign-in of ${who} failed: ${res.status}`);
    tokens[who] = ((await res.json()) as { token: string }).token;
  }
  return tokens;
}

/** Runs every case as every role; `wrong` when the status differs from the table. */
export async function runAccessCases(
  baseUrl: string,
  cases: readonly AccessCase[],
): Promise<AccessResult[]> {
  const tokens = await signInAll(baseUrl);
  const results: AccessResult[] = [];
  for (const c of cases) {
    for (const who of ROLES) {
      let token = tokens[who];
      // A sign-out revokes the session it is given: use a throwaway one.
      if (c.method === 'DELETE' && token) token = (await signInAll(baseUrl))[who];
      const payload = c.body?.();
      const res = await fetch(`${baseUrl}${c.path}`, {
        method: c.method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...payload?.headers },
        ...(payload ? { body: payload.body } : {}),
      });
      await res.arrayBuffer();
      const expected = c.expect[who];
      const verdict: AccessVerdict =
        res.status !== expected ? 'wrong' : ok(res.status) ? 'allowed' : 'denied';
      results.push({
        route: c.route,
        target: c.target,
        who,
        expected,
        actual: res.status,
        verdict,
      });
    }
  }
  return results;
}

/** The table as text: one row per route and target, one column per role (`200`, or `403!` when wrong). */
export function accessTable(results: readonly AccessResult[]): string {
  const rows = new Map<string, Map<Who, AccessResult>>();
  for (const r of results) {
    const k = `${r.route}  [${r.target}]`;
    if (!rows.has(k)) rows.set(k, new Map());
    rows.get(k)!.set(r.who, r);
  }
  const w = Math.max(...[...rows.keys()].map((k) => k.length));
  const head = `${'route  [whose data]'.padEnd(w)}  ${ROLES.map((r) => r.padStart(14)).join('')}`;
  const lines = [...rows].map(
    ([k, byWho]) =>
      `${k.padEnd(w)}  ${ROLES.map((who) => {
        const r = byWho.get(who);
        return (r ? `${r.actual}${r.verdict === 'wrong' ? `!=${r.expected}` : ''}` : '-').padStart(
          12,
        );
      }).join('')}`,
  );
  return [head, ...lines].join('\n');
}
