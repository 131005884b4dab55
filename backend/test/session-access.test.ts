import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_CONTENT_SECURITY_POLICY } from '../src/http/content-security-policy.ts';
import type { FixtureDemoCache } from '../test-support/dicom-fixtures.ts';
import { bearer, DEMO_PASSWORD, signIn } from '../test-support/http-client.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import {
  makeTempDir,
  REPO_ROOT,
  removeDir,
  type BackendProcess,
} from '../test-support/processes.ts';

/**
 * Web security of the backend in browser mode: the renderer's page carries a CSP that forbids
 * inline script; passwords are scrypt hashes and session tokens are stored hashed; a signed-out
 * session is dead for the API and DICOMweb alike; sign-in guessing is throttled whatever the
 * caller varies; and no patient's name, ID or birth date reaches the log, even when they travel
 * in URLs and in refused requests. (Session expiry: session-expiry.test.ts.)
 */
let backend: BackendProcess;
let fixture: FixtureDemoCache;
let started: FixtureBackend | undefined;
let uiDir: string;

beforeAll(async () => {
  uiDir = makeTempDir('ui');
  writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>Tandem</title>');
  started = await startFixtureBackend({
    ui: uiDir,
    env: { TANDEM_LOG_LEVEL: 'trace' },
  });
  ({ backend, fixture } = started);
}, 60_000);

afterAll(async () => {
  await started?.stop();
  removeDir(uiDir);
});

function query<T>(sql: string): T[] {
  const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'), { readOnly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

function login(username: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${backend.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });
}

describe('browser mode page', () => {
  it('serves the renderer with a CSP that allows no inline script, equal to its own <meta> policy', async () => {
    for (const p of ['/', '/index.html', '/worklist/some-client-route']) {
      const res = await fetch(`${backend.url}${p}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toBe(UI_CONTENT_SECURITY_POLICY);
      const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|data:|blob:/);
      expect(csp).toContain("frame-ancestors 'none'");
    }
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
      readFileSync(path.join(REPO_ROOT, 'renderer', 'index.html'), 'utf8'),
    )?.[1];
    expect(`${meta}; frame-ancestors 'none'`).toBe(UI_CONTENT_SECURITY_POLICY);
  });
});

describe('credentials and sessions', () => {
  it('stores passwords as salted scrypt hashes and session tokens only hashed', async () => {
    const token = await signIn(backend.url, 'radiologist1');
    const users = query<{ username: string; password_hash: string }>(
      'SELECT username, password_hash FROM users',
    );
    expect(users.length).toBe(4);
    for (const u of users) {
      expect(u.password_hash).toMatch(
        /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/,
      );
      expect(u.password_hash).not.toContain(DEMO_PASSWORD);
    }
    // Same password, different salts.
    expect(new Set(users.map((u) => u.password_hash.split('$')[4])).size).toBe(users.length);
    const sessions = query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.some((s) => s.token_hash.includes(token) || token.includes(s.token_hash))).toBe(
      false,
    );
  });

  it('kills a revoked session for the API and DICOMweb, and leaves the user’s other sessions alive', async () => {
    const revoked = await signIn(backend.url, 'radiologist1');
    const other = await signIn(backend.url, 'radiologist1');
    const out = await fetch(`${backend.url}/api/session`, {
      method: 'DELETE',
      headers: bearer(revoked),
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie') ?? '').toMatch(/tandem_session=;/);
    for (const p of [
      '/api/worklist',
      '/api/session',
      '/api/cases/case-ct-chest-stat',
      '/dicom-web/studies',
    ]) {
      expect((await fetch(`${backend.url}${p}`, { headers: bearer(revoked) })).status).toBe(401);
      expect(
        (await fetch(`${backend.url}${p}`, { headers: { cookie: `tandem_session=${revoked}` } }))
          .status,
      ).toBe(401);
      expect((await fetch(`${backend.url}${p}`, { headers: bearer(other) })).status).toBe(200);
    }
  });

  it('throttles guessing whatever the caller varies, refuses even the right password meanwhile, and spares other users', async () => {
    for (let i = 0; i < 10; i++) {
      // Letter case and a spoofed X-Forwarded-For do not make a fresh counter.
      const res = await login(i % 2 ? 'QA1' : 'qa1', `wrong-${i}`, {
        'x-forwarded-for': `10.0.0.${i}`,
      });
      expect(res.status).toBe(401);
    }
    const locked = await login('Qa1', DEMO_PASSWORD, { 'x-forwarded-for': '10.9.9.9' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await locked.json()) as { error: { message: string } }).error.message).toMatch(
      /Wait \d+ second/,
    );
    expect((await login('admin1', DEMO_PASSWORD)).status).toBe(200);
  });
});

describe('logs', () => {
  it('never write a patient’s name, ID or birth date, even when they travel in URLs and refused requests', async () => {
    const token = await signIn(backend.url, 'radiologist1');
    const r2 = await signIn(backend.url, 'radiologist2');
    const ct = fixture.studies.ctChest.instances[0]!;
    const calls: Array<[string, string]> = [
      ['/api/worklist', token],
      ['/api/cases/case-ct-chest-stat', token],
      ['/api/cases/case-ct-chest-stat', r2],
      [`/dicom-web/studies/${ct.studyUid}/metadata`, token],
      [
        `/dicom-web/wado?requestType=WADO&studyUID=${ct.studyUid}&seriesUID=${ct.seriesUid}&objectUID=${ct.sopUid}`,
        token,
      ],
      [
        `/dicom-web/wado?requestType=WADO&studyUID=${ct.studyUid}&seriesUID=${ct.seriesUid}&objectUID=${ct.sopUid}`,
        r2,
      ],
    ];
    for (const p of fixture.manifest.patients) {
      const name = encodeURIComponent(p.patientName);
      calls.push([`/dicom-web/studies?PatientName=${name}&PatientID=${p.patientId}`, token]);
      calls.push([`/dicom-web/studies?PatientBirthDate=${p.birthDate.replace(/-/g, '')}`, token]);
      // Refused: a bad parameter next to the PHI, and an unknown one named after it.
      calls.push([`/dicom-web/studies?PatientID=${p.patientId}&limit=-5`, token]);
      calls.push([`/dicom-web/studies?${name}=${p.patientId}`, token]);
      calls.push([`/api/cases/${p.patientId}`, token]);
      calls.push([`/api/worklist?patient=${name}`, token]);
      // Signing in with a patient's name as the user name.
      await login(p.patientName, p.patientId);
    }
    for (const [p, t] of calls)
      await (await fetch(`${backend.url}${p}`, { headers: bearer(t) })).arrayBuffer();
    await new Promise((r) => setTimeout(r, 200));

    const logFiles = walk(backend.dataDir).filter((f) => /\.(log|txt|json)$/i.test(f));
    const texts = [
      backend.stdout(),
      backend.stderr(),
      ...logFiles.map((f) => readFileSync(f, 'utf8')),
    ];
    expect(backend.stderr().length).toBeGreaterThan(1000); // trace level: the log is not empty
    const leaks: string[] = [];
    for (const p of fixture.manifest.patients) {
      const family = p.patientName.split('^')[1]!;
      for (const needle of [
        p.patientName,
        encodeURIComponent(p.patientName),
        family,
        p.patientId,
        p.birthDate,
        p.birthDate.replace(/-/g, ''),
      ])
        if (texts.some((t) => t.includes(needle))) leaks.push(needle);
    }
    expect(leaks).toEqual([]);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
