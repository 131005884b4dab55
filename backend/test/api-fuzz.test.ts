import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzSummary, runApiFuzz } from '../test-support/api-fuzz.ts';
import type { FixtureDemoCache } from '../test-support/dicom-fixtures.ts';
import { bearer, multipartBody, signIn } from '../test-support/http-client.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import type { BackendProcess } from '../test-support/processes.ts';

/**
 * Hostile API input: every declared route with schema-violating paths, query strings, headers and
 * bodies (fast-check, seeded). No 500, no crash, refusals in the error shape, and a refused request
 * writes nothing (row counts of every table but the audit log unchanged).
 */
const SEED = 1_201_2026;
const RUNS = 500;

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

/** Writes raw bytes to the backend's socket and returns everything it answers. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(backend.port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('hostile API input', () => {
  it('answers malformed HTTP and oversized headers in the error shape, not the framework default', async () => {
    const malformed = await rawExchange(
      'GET /api/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n',
    );
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(malformed.slice(malformed.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'malformed-request', message: 'The request is not valid HTTP.' },
    });
    const huge = await rawExchange(
      `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toContain('"code":"headers-too-large"');
    expect((await fetch(`${backend.url}/api/health`)).status).toBe(200);
  });

  it(`answers ${RUNS} fuzzed requests over every route without a 500, a crash or a partial write`, async () => {
    const tokens = {
      radiologist1: await signIn(backend.url, 'radiologist1'),
      admin1: await signIn(backend.url, 'admin1'),
    };
    const tally = await runApiFuzz({
      baseUrl: backend.url,
      dataDir: backend.dataDir,
      fixture,
      tokens,
      seed: SEED,
      numRuns: RUNS,
    });
    console.log(`API fuzz, seed ${SEED}: ${fuzzSummary(tally)}`);
    expect(
      tally.crashed.map((c) => `${c.request.method} ${c.request.path.slice(0, 200)}: ${c.problem}`),
    ).toEqual([]);
    expect(tally.tried).toBeGreaterThan(RUNS * 0.8);
    // The process is still up and healthy.
    expect(backend.child.exitCode).toBeNull();
    expect((await fetch(`${backend.url}/api/health`)).status).toBe(200);
    // Some requests got deep enough to succeed, so the fuzz is not only bouncing off the front door.
    expect([...tally.byStatus.keys()].some((s) => s < 300)).toBe(true);
  }, 60_000);

  it('serves back damaged instances it accepted by STOW-RS without a 500, at every retrieval route', async () => {
    const admin = await signIn(backend.url, 'admin1');
    let seed = SEED;
    const rnd = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    const instances = Object.values(fixture.studies).flatMap((s) => s.instances);
    let stored = 0;
    const problems: string[] = [];
    for (let n = 0; n < 40; n++) {
      const inst = instances[Math.floor(rnd() * instances.length)]!;
      const bytes = Buffer.from(readFileSync(inst.file));
      // Damage after the identifying header: flipped bytes, or the end cut off.
      const damaged =
        rnd() < 0.5
          ? bytes.subarray(0, 600 + Math.floor(rnd() * (bytes.length - 600)))
          : bytes.map((b, i) => (i > 600 && rnd() < 0.01 ? b ^ 0xff : b));
      const m = multipartBody([{ body: Buffer.from(damaged) }]);
      const stow = await fetch(`${backend.url}/dicom-web/studies`, {
        method: 'POST',
        headers: bearer(admin, { 'content-type': m.contentType }),
        body: m.body,
      });
      if (stow.status >= 500) problems.push(`STOW answered ${stow.status}`);
      if (stow.status !== 200) continue;
      stored++;
      const base = `/dicom-web/studies/${inst.studyUid}/series/${inst.seriesUid}/instances/${inst.sopUid}`;
      for (const p of [
        base,
        `${base}/metadata`,
        `${base}/bulk/7FE00010`,
        `/dicom-web/studies/${inst.studyUid}/metadata`,
        `/dicom-web/wado?requestType=WADO&studyUID=${inst.studyUid}&seriesUID=${inst.seriesUid}&objectUID=${inst.sopUid}`,
      ]) {
        const res = await fetch(`${backend.url}${p}`, { headers: bearer(admin) });
        await res.arrayBuffer();
        if (res.status >= 500)
          problems.push(`${p.replace(/[0-9.]{20,}/g, '…')} answered ${res.status}`);
      }
    }
    console.log(`damaged STOW: ${stored} of 40 stored, ${problems.length} problems`);
    expect(problems).toEqual([]);
    expect(stored).toBeGreaterThan(5);
    expect((await fetch(`${backend.url}/api/health`)).status).toBe(200);
  }, 60_000);
});
