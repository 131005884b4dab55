import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoManifest } from '../../shared/domain/demo-seed.ts';
import { bearer, signIn } from '../test-support/http-client.ts';
import {
  REPO_ROOT,
  removeDir,
  startBackend,
  type BackendProcess,
} from '../test-support/processes.ts';

// The full demo data from the real generator (cached under .cache/demo-data after the first run).
const CACHE = process.env['TANDEM_DEMO_CACHE'] ?? path.join(REPO_ROOT, '.cache', 'demo-data');
const FIRST_RUN_MS = 20 * 60_000;

describe('--seed demo with the real demo data generator', () => {
  let backend: BackendProcess;
  let manifest: DemoManifest;

  beforeAll(async () => {
    backend = await startBackend({
      seed: 'demo',
      timeoutMs: FIRST_RUN_MS,
      env: { TANDEM_DEMO_CACHE: CACHE },
    });
    manifest = JSON.parse(
      readFileSync(path.join(CACHE, 'demo-manifest.json'), 'utf8'),
    ) as DemoManifest;
  }, FIRST_RUN_MS + 60_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) removeDir(backend.dataDir);
  });

  it('creates the four demo accounts with the demo password', async () => {
    for (const username of ['radiologist1', 'radiologist2', 'qa1', 'admin1']) {
      const token = await signIn(backend.url, username);
      const res = await fetch(`${backend.url}/api/session`, { headers: bearer(token) });
      expect(res.status).toBe(200);
    }
  });

  it('indexes every demo study and gives each radiologist their manifest cases in worklist order', async () => {
    const admin = await signIn(backend.url, 'admin1');
    const res = await fetch(`${backend.url}/dicom-web/studies?includefield=00201208`, {
      headers: bearer(admin),
    });
    const studies = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
    const byUid = new Map(
      studies.map((s) => [s['0020000D']?.Value?.[0], s['00201208']?.Value?.[0]]),
    );
    for (const s of manifest.studies)
      expect(byUid.get(s.studyInstanceUid), s.studyInstanceUid).toBe(s.instanceCount);

    for (const username of ['radiologist1', 'radiologist2']) {
      const token = await signIn(backend.url, username);
      const { items } = (await (
        await fetch(`${backend.url}/api/worklist`, { headers: bearer(token) })
      ).json()) as {
        items: Array<{ caseId: string; priority: string; dueAt: string }>;
      };
      const expected = manifest.cases
        .filter((c) => c.assignee === username)
        .map((c) => c.caseId)
        .sort();
      expect(items.map((i) => i.caseId).sort()).toEqual(expected);
      const rank = { stat: 0, urgent: 1, routine: 2 } as Record<string, number>;
      for (let i = 1; i < items.length; i++) {
        const a = items[i - 1]!;
        const b = items[i]!;
        expect(
          rank[a.priority]! < rank[b.priority]! ||
            (a.priority === b.priority && a.dueAt <= b.dueAt),
        ).toBe(true);
      }
    }
  });

  it(
    'seeds again without duplicating anything',
    async () => {
      const counts = () => {
        const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'), {
          readOnly: true,
        });
        try {
          return [
            'users',
            'patients',
            'cases',
            'reports',
            'discordant_pairs',
            'dicom_instances',
          ].map((t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
        } finally {
          db.close();
        }
      };
      const before = counts();
      const dataDir = backend.dataDir;
      await backend.stop();
      backend = await startBackend({
        dataDir,
        seed: 'demo',
        timeoutMs: FIRST_RUN_MS,
        env: { TANDEM_DEMO_CACHE: CACHE },
      });
      expect(counts()).toEqual(before);
      expect(before[2]).toBe(manifest.cases.length);
    },
    FIRST_RUN_MS,
  );
});
