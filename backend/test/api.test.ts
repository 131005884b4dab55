import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureDemoCache } from '../test-support/dicom-fixtures.ts';
import { bearer, signIn } from '../test-support/http-client.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import type { BackendProcess } from '../test-support/processes.ts';

let backend: BackendProcess;
let fixture: FixtureDemoCache;
let started: FixtureBackend | undefined;

beforeAll(async () => {
  started = await startFixtureBackend();
  ({ backend, fixture } = started);
}, 60_000);

afterAll(async () => {
  await started?.stop();
});

function post(
  p: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  return fetch(`${backend.url}${p}`, { method: 'POST', headers, body });
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const json = (await res.json()) as { error: { code: string; message: string } };
  expect(typeof json.error.message).toBe('string');
  return json.error;
}

function auditRows(): Array<Record<string, unknown>> {
  const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'), { readOnly: true });
  try {
    return db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<
      Record<string, unknown>
    >;
  } finally {
    db.close();
  }
}

describe('health', () => {
  it('answers without a session and names the local DICOM store', async () => {
    const res = await fetch(`${backend.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      version: expect.any(String),
      dicomweb: 'local',
    });
  });
});

describe('sign-in', () => {
  it('signs in with the demo password, sets an HttpOnly SameSite=Strict cookie, and knows who is signed in', async () => {
    const res = await post(
      '/api/session',
      JSON.stringify({ username: 'radiologist1', password: 'tandem-demo' }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      token: string;
      user: { username: string; role: string; subspecialties: string[] };
      expiresAt: string;
    };
    expect(body.user).toMatchObject({ username: 'radiologist1', role: 'radiologist' });
    expect(body.user.subspecialties.length).toBeGreaterThan(0);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tandem_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);

    // the cookie alone authenticates (browser mode)
    const viaCookie = await fetch(`${backend.url}/api/session`, {
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(viaCookie.status).toBe(200);
    expect(((await viaCookie.json()) as { user: { username: string } }).user.username).toBe(
      'radiologist1',
    );
    // and so does the bearer token (Electron mode)
    const viaBearer = await fetch(`${backend.url}/api/session`, { headers: bearer(body.token) });
    expect(viaBearer.status).toBe(200);
  });

  it('gives the two radiologists different subspecialties', async () => {
    const a = await fetch(`${backend.url}/api/session`, {
      headers: bearer(await signIn(backend.url, 'radiologist1')),
    });
    const b = await fetch(`${backend.url}/api/session`, {
      headers: bearer(await signIn(backend.url, 'radiologist2')),
    });
    const sa = ((await a.json()) as { user: { subspecialties: string[] } }).user.subspecialties;
    const sb = ((await b.json()) as { user: { subspecialties: string[] } }).user.subspecialties;
    expect(sa).not.toEqual(sb);
  });

  it('refuses a wrong password with a plain message', async () => {
    const res = await post(
      '/api/session',
      JSON.stringify({ username: 'radiologist2', password: 'nope' }),
    );
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toEqual({
      code: 'wrong-credentials',
      message: 'Wrong user name or password.',
    });
    const unknown = await post(
      '/api/session',
      JSON.stringify({ username: 'nobody', password: 'nope' }),
    );
    expect(unknown.status).toBe(401);
    expect((await errorOf(unknown)).message).toBe('Wrong user name or password.');
  });

  it('answers malformed JSON with 400 and a message, not a crash', async () => {
    const res = await post('/api/session', '{"username": "radiologist1",');
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({
      code: 'malformed-json',
      message: 'The request body is not valid JSON.',
    });
    // the server is still there
    expect((await fetch(`${backend.url}/api/health`)).status).toBe(200);
  });

  it('answers schema violations with 400 naming the problem', async () => {
    const missing = await post('/api/session', JSON.stringify({ username: 'radiologist1' }));
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toMatch(/password/);

    const extra = await post(
      '/api/session',
      JSON.stringify({ username: 'radiologist1', password: 'x', admin: true }),
    );
    expect(extra.status).toBe(400);
    expect((await errorOf(extra)).message).toMatch(/unexpected field "admin"/);

    const wrongType = await post('/api/session', JSON.stringify({ username: 42, password: 'x' }));
    expect(wrongType.status).toBe(400);
    expect(await errorOf(wrongType)).toMatchObject({ code: 'invalid-request' });

    const notObject = await post('/api/session', JSON.stringify(['radiologist1']));
    expect(notObject.status).toBe(400);

    const noBody = await fetch(`${backend.url}/api/session`, { method: 'POST' });
    expect(noBody.status).toBe(400);

    const wrongMedia = await post('/api/session', 'username=a', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(wrongMedia.status).toBe(415);
    expect((await errorOf(wrongMedia)).code).toBe('unsupported-media-type');
  });

  it('slows down guessing: the 11th failure within a minute gets 429', async () => {
    const attempt = () =>
      post('/api/session', JSON.stringify({ username: 'qa1', password: 'guess' }));
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await errorOf(limited)).message).toMatch(/Too many failed sign-in attempts/);
    // the correct password is refused too while limited
    const correct = await post(
      '/api/session',
      JSON.stringify({ username: 'qa1', password: 'tandem-demo' }),
    );
    expect(correct.status).toBe(429);
  });

  it('refuses requests without a session, and after sign-out', async () => {
    const none = await fetch(`${backend.url}/api/worklist`);
    expect(none.status).toBe(401);
    expect((await errorOf(none)).code).toBe('unauthenticated');

    const junk = await fetch(`${backend.url}/api/worklist`, {
      headers: bearer('not-a-real-token'),
    });
    expect(junk.status).toBe(401);

    const token = await signIn(backend.url, 'radiologist2');
    expect((await fetch(`${backend.url}/api/worklist`, { headers: bearer(token) })).status).toBe(
      200,
    );
    const out = await fetch(`${backend.url}/api/session`, {
      method: 'DELETE',
      headers: bearer(token),
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/tandem_session=;/);
    const after = await fetch(`${backend.url}/api/worklist`, { headers: bearer(token) });
    expect(after.status).toBe(401);
  });
});

describe('worklist', () => {
  it('lists only my cases, STAT first, then urgent by due time, then routine, with study facts', async () => {
    const token = await signIn(backend.url, 'radiologist1');
    const res = await fetch(`${backend.url}/api/worklist`, { headers: bearer(token) });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Array<Record<string, unknown>> };
    expect(items.map((i) => i['caseId'])).toEqual([
      'case-ct-chest-stat',
      'case-cr-hand-urgent', // overdue: due before the peer review
      'case-ct-head-peer',
      'case-cr-chest-second',
      'case-cr-chest-followup',
    ]);
    expect(items[0]).toMatchObject({
      priority: 'stat',
      kind: 'first-read',
      studyInstanceUid: fixture.studies.ctChest.studyUid,
      description: 'CT CHEST WITH CONTRAST',
      modalities: ['CT'],
      bodyPart: 'CHEST',
      accessionNumber: 'ACC1001',
      patientId: 'PAT-001',
      patientName: 'Testpatient^Alice',
      numberOfInstances: 5,
      numberOfPriors: 1,
      studyDate: '2024-05-10',
    });
  });

  it('shows the other radiologist only their own case, and a QA reviewer none', async () => {
    const r2 = await fetch(`${backend.url}/api/worklist`, {
      headers: bearer(await signIn(backend.url, 'radiologist2')),
    });
    const items = (
      (await r2.json()) as { items: Array<{ caseId: string; numberOfPriors: number }> }
    ).items;
    expect(items.map((i) => i.caseId)).toEqual(['case-mr-brain-urgent']);
    expect(items[0]!.numberOfPriors).toBe(1);
    const admin = await fetch(`${backend.url}/api/worklist`, {
      headers: bearer(await signIn(backend.url, 'admin1')),
    });
    expect(((await admin.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('refuses unknown query parameters', async () => {
    const token = await signIn(backend.url, 'radiologist1');
    const res = await fetch(`${backend.url}/api/worklist?all=true`, { headers: bearer(token) });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/unexpected field "all"/);
  });
});

describe('cases', () => {
  it('returns context, the study with its series, and priors newest first with their reports', async () => {
    const token = await signIn(backend.url, 'radiologist1');
    const res = await fetch(`${backend.url}/api/cases/case-ct-chest-stat`, {
      headers: bearer(token, { 'x-tandem-workstation': 'ws-test-01' }),
    });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as {
      context: { reasonForExam: string };
      study: {
        series: Array<{ numberOfInstances: number; bodyPart?: string }>;
        numberOfInstances: number;
      };
      priors: Array<{ studyInstanceUid: string; report: { text: string } | null }>;
      hasOriginalReport: boolean;
    };
    expect(detail.context.reasonForExam).toBe('Growing nodule?');
    expect(detail.study.series.map((s) => s.numberOfInstances)).toEqual([3, 2]);
    expect(detail.study.series[0]!.bodyPart).toBe('CHEST');
    expect(detail.priors).toHaveLength(1);
    expect(detail.priors[0]!.studyInstanceUid).toBe(fixture.studies.ctChestPrior.studyUid);
    expect(detail.priors[0]!.report?.text).toBe('No nodules.');
    expect(detail.hasOriginalReport).toBe(false);

    const row = auditRows().find(
      (r) =>
        r['action'] === 'case.read' &&
        r['case_id'] === 'case-ct-chest-stat' &&
        r['outcome'] === 'allowed',
    );
    expect(row).toMatchObject({
      username: 'radiologist1',
      workstation: 'ws-test-01',
      study_uid: fixture.studies.ctChest.studyUid,
    });
  });

  it('answers 404 for an unknown case and 400 for an id with bad characters', async () => {
    const token = await signIn(backend.url, 'radiologist1');
    const unknown = await fetch(`${backend.url}/api/cases/case-does-not-exist`, {
      headers: bearer(token),
    });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('case-not-found');
    const bad = await fetch(`${backend.url}/api/cases/${encodeURIComponent('../../etc')}`, {
      headers: bearer(token),
    });
    expect(bad.status).toBe(400);
  });

  it("refuses another radiologist's case with 403, and records the refusal", async () => {
    const token = await signIn(backend.url, 'radiologist2');
    const res = await fetch(`${backend.url}/api/cases/case-ct-chest-stat`, {
      headers: bearer(token),
    });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('forbidden');
    const report = await fetch(`${backend.url}/api/cases/case-ct-head-peer/original-report`, {
      headers: bearer(token),
    });
    expect(report.status).toBe(403);
    const denied = auditRows().filter(
      (r) =>
        r['username'] === 'radiologist2' &&
        r['outcome'] === 'denied' &&
        r['case_id'] === 'case-ct-chest-stat',
    );
    expect(denied.length).toBeGreaterThan(0);
  });

  it('lets an administrator read any case, noting it in the audit log', async () => {
    const token = await signIn(backend.url, 'admin1');
    const res = await fetch(`${backend.url}/api/cases/case-mr-brain-urgent`, {
      headers: bearer(token),
    });
    expect(res.status).toBe(200);
    const row = auditRows().find((r) => r['username'] === 'admin1' && r['action'] === 'case.read');
    expect(row).toMatchObject({
      outcome: 'allowed',
      detail: 'admin-access',
      case_id: 'case-mr-brain-urgent',
    });
  });

  it('keeps a second opinion blinded, shows a peer review its original report, and has none for a first read', async () => {
    const token = await signIn(backend.url, 'radiologist1');
    const blinded = await fetch(`${backend.url}/api/cases/case-cr-chest-second/original-report`, {
      headers: bearer(token),
    });
    expect(blinded.status).toBe(403);
    expect(await errorOf(blinded)).toEqual({
      code: 'blinded',
      message: 'The original report stays hidden until you sign your own report.',
    });
    const detail = await fetch(`${backend.url}/api/cases/case-cr-chest-second`, {
      headers: bearer(token),
    });
    expect(((await detail.json()) as { hasOriginalReport: boolean }).hasOriginalReport).toBe(true);

    // Nor does it leak as the report of a prior in another of the same reader's cases.
    const followup = await fetch(`${backend.url}/api/cases/case-cr-chest-followup`, {
      headers: bearer(token),
    });
    const priors = ((await followup.json()) as { priors: { report: unknown }[] }).priors;
    expect(priors).toHaveLength(1);
    expect(priors[0]!.report).toBeNull();

    const peer = await fetch(`${backend.url}/api/cases/case-ct-head-peer/original-report`, {
      headers: bearer(token),
    });
    expect(peer.status).toBe(200);
    expect(((await peer.json()) as { report: { text: string } }).report.text).toBe('No bleed.');

    const first = await fetch(`${backend.url}/api/cases/case-ct-chest-stat/original-report`, {
      headers: bearer(token),
    });
    expect(first.status).toBe(404);
    expect((await errorOf(first)).code).toBe('no-original-report');

    const refusal = auditRows().find(
      (r) => r['action'] === 'case.original-report' && r['detail'] === 'blinded',
    );
    expect(refusal).toMatchObject({
      outcome: 'denied',
      case_id: 'case-cr-chest-second',
      username: 'radiologist1',
    });
  });
});

describe('everything else', () => {
  it('answers unknown routes with a 404 in the error shape', async () => {
    for (const p of ['/api/nothing-here', '/nothing', '/dicom-web/unknown/thing']) {
      const res = await fetch(`${backend.url}${p}`);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('not-found');
    }
  });

  it('keeps the audit log append-only and its hash chain intact', () => {
    const rows = auditRows();
    expect(rows.length).toBeGreaterThan(5);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!['prev_hash']).toBe(rows[i - 1]!['hash']);
    const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'));
    try {
      expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
      expect(() => db.exec("UPDATE audit_log SET outcome = 'allowed'")).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('never writes patient names or IDs to its log', () => {
    const log = backend.stderr() + backend.stdout();
    for (const p of fixture.manifest.patients) {
      expect(log).not.toContain(p.patientName);
      expect(log).not.toContain(p.patientId);
    }
    expect(backend.stdout().trim().split('\n')).toHaveLength(1);
  });
});
