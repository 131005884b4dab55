import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signIn } from '../test-support/http-client.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import type { BackendProcess } from '../test-support/processes.ts';

let backend: BackendProcess;
let started: FixtureBackend | undefined;

beforeAll(async () => {
  started = await startFixtureBackend({
    sessionTtlSeconds: 1,
    env: {},
  });
  ({ backend } = started);
}, 60_000);

afterAll(async () => {
  await started?.stop();
});

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

  it('stops cleanly on SIGTERM', async () => {
    const code = await backend.stop();
    expect(code).toBe(0);
  });
});
