import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRowsOf } from '../test-support/audit-rows.ts';
import { PATIENTS } from '../test-support/dicom-fixtures.ts';
import { bearer, signIn } from '../test-support/http-client.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import type { BackendProcess } from '../test-support/processes.ts';

let backend: BackendProcess;
let started: FixtureBackend | undefined;

beforeAll(async () => {
  started = await startFixtureBackend({
    sessionTtlSeconds: 1,
  });
  ({ backend } = started);
}, 60_000);

afterAll(async () => {
  await started?.stop();
});

const auditRows = () => auditRowsOf(backend.dataDir);

describe('session expiry', () => {
  it('tells the user to sign in again once the session has expired, for the API and DICOMweb alike', async () => {
    const token = await signIn(backend.url, 'radiologist1');
    expect((await fetch(`${backend.url}/api/worklist`, { headers: bearer(token) })).status).toBe(
      200,
    );
    await new Promise((r) => setTimeout(r, 1500));
    for (const p of ['/api/worklist', '/api/session', '/dicom-web/studies']) {
      const res = await fetch(`${backend.url}${p}`, { headers: bearer(token) });
      expect(res.status).toBe(401);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('session-expired');
      expect(error.message).toMatch(/sign in again/i);
    }
  });

  it('audits every request refused for a missing, malformed, unknown or expired session, without patient data', async () => {
    const expired = await signIn(backend.url, 'radiologist2');
    await new Promise((r) => setTimeout(r, 1500));
    const patient = PATIENTS[0];
    const query = `?PatientID=${patient.patientId}&PatientName=${encodeURIComponent(patient.patientName)}`;
    const tries: Array<{ path: string; headers: Record<string, string>; code: string }> = [
      { path: '/api/worklist', headers: {}, code: 'unauthenticated' },
      { path: `/dicom-web/studies${query}`, headers: {}, code: 'unauthenticated' },
      { path: '/api/worklist', headers: { authorization: 'Basic abc' }, code: 'unauthenticated' },
      {
        path: `/dicom-web/studies${query}`,
        headers: bearer('not-a-session'),
        code: 'unauthenticated',
      },
      { path: `/dicom-web/studies${query}`, headers: bearer(expired), code: 'session-expired' },
      { path: '/api/session', headers: bearer(expired), code: 'session-expired' },
    ];
    for (const t of tries) {
      const before = auditRows().length;
      const res = await fetch(`${backend.url}${t.path}`, { headers: t.headers });
      expect(res.status, t.path).toBe(401);
      const { error } = (await res.json()) as { error: { code: string } };
      expect(error.code).toBe(t.code);
      const added = auditRows().slice(before);
      expect(added, `${t.path} with ${JSON.stringify(t.headers)}`).toHaveLength(1);
      const row = added[0]!;
      expect(row).toMatchObject({
        action: 'session.refused',
        outcome: 'denied',
        case_id: null,
        study_uid: null,
        // an expired session names whose it was
        username: t.code === 'session-expired' ? 'radiologist2' : null,
      });
      expect(String(row['detail'])).toBe(`${t.code} GET ${t.path.split('?')[0]!}`);
      const text = JSON.stringify(row);
      for (const phi of [patient.patientId, 'Testpatient', 'Alice', expired, 'not-a-session'])
        expect(text).not.toContain(phi);
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = await backend.stop();
    expect(code).toBe(0);
  });
});
