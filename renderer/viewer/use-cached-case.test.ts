import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TandemDb } from '../../shared/cache/db.ts';
import { DexieSyncStore } from '../../shared/cache/sync-store.ts';
import {
  caseDetail,
  worklistItem,
  type CaseSpec,
} from '../../shared/sync/test-support/fixtures.ts';
import { readCachedCase } from './use-cached-case.ts';

const spec: CaseSpec = {
  caseId: 'case-a',
  priority: 'urgent',
  study: {
    uid: '1.2.1',
    series: [
      { uid: '1.2.1.1', count: 3 },
      { uid: '1.2.1.2', count: 2 },
    ],
  },
  priors: [
    { uid: '1.2.9', series: [{ uid: '1.2.9.1', count: 2 }] },
    { uid: '1.2.8', series: [{ uid: '1.2.8.1', count: 1 }] },
  ],
};

describe('readCachedCase', () => {
  it('reads a case back, priors in the backend’s order with their reports, as the backend sent it', async () => {
    const db = new TandemDb('cached-case-1');
    const store = new DexieSyncStore(db);
    await store.putAssignments([worklistItem(spec)]);
    await store.putCase(caseDetail(spec));
    expect(await readCachedCase(db, 'case-a')).toEqual(caseDetail(spec));
  });

  it('is null for a case the cache does not hold whole: never synced, or its studies evicted', async () => {
    const db = new TandemDb('cached-case-2');
    const store = new DexieSyncStore(db);
    await store.putAssignments([worklistItem(spec)]);
    expect(await readCachedCase(db, 'case-a')).toBeNull();
    await store.putCase(caseDetail(spec));
    await db.studies.delete('1.2.9');
    expect(await readCachedCase(db, 'case-a')).toBeNull();
  });
});
