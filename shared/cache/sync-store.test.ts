import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { TandemError } from '../api/errors.ts';
import type { VerifiedInstance } from '../sync/records.ts';
import {
  caseDetail,
  instancesOf,
  worklistItem,
  type CaseSpec,
  type StudySpec,
} from '../sync/test-support/fixtures.ts';
import { buildPart10 } from '../sync/test-support/part10.ts';
import { TandemDb } from './db.ts';
import { DexieSyncStore } from './sync-store.ts';

let dbCount = 0;

function study(uid: string, count: number): StudySpec {
  return { uid, series: [{ uid: `${uid}.1`, count }] };
}

function verified(s: StudySpec): VerifiedInstance[] {
  return instancesOf(s).map((i) => {
    const bytes = buildPart10({
      sopInstanceUid: i.sopInstanceUid,
      studyInstanceUid: i.studyInstanceUid,
      seriesInstanceUid: i.seriesInstanceUid,
    });
    return {
      sopInstanceUid: i.sopInstanceUid,
      studyInstanceUid: i.studyInstanceUid,
      seriesInstanceUid: i.seriesInstanceUid,
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      instanceNumber: i.instanceNumber,
      size: bytes.length,
      blob: new Blob([bytes as Uint8Array<ArrayBuffer>]),
    };
  });
}

async function setup(opts: ConstructorParameters<typeof DexieSyncStore>[1] = {}) {
  const db = new TandemDb(`tandem-store-test-${++dbCount}`);
  let t = 1_000;
  const store = new DexieSyncStore(db, { now: () => ++t, ...opts });
  /** a case put the way the engine puts it: assignment, detail, then its instances */
  const sync = async (spec: CaseSpec) => {
    await store.putAssignments([worklistItem(spec)]);
    await store.putCase(caseDetail(spec));
    for (const s of [spec.study, ...(spec.priors ?? [])]) await store.putInstances(verified(s));
  };
  return { db, store, sync };
}

const sops = (s: StudySpec) => instancesOf(s).map((i) => i.sopInstanceUid);

describe('DexieSyncStore', () => {
  it('stores a case: context, studies with the priors’ reports, series, prior links and verified instances', async () => {
    const { db, store, sync } = await setup();
    const prior = study('1.9.1', 2);
    await sync({ caseId: 'a', study: study('1.1.1', 3), priors: [prior] });

    expect((await db.contexts.get('a'))?.context.reasonForExam).toBe('cough');
    expect((await db.studies.get('1.9.1'))?.report?.text).toBe('No acute findings.');
    expect((await db.studies.get('1.1.1'))?.report).toBeNull();
    expect(await db.series.where('studyInstanceUid').equals('1.1.1').count()).toBe(1);
    expect(await db.priorLinks.where('caseId').equals('a').toArray()).toEqual([
      { caseId: 'a', studyInstanceUid: '1.9.1', order: 0 },
    ]);
    expect(await db.instances.where('caseIds').equals('a').count()).toBe(5);
    const present = await store.presentInstances([...sops(prior), '1.2.404']);
    expect([...present.keys()]).toEqual(sops(prior));
    expect(await store.storedCaseIds()).toEqual(['a']);
    const usage = await db.caseUsage.get('a');
    expect(usage?.instances).toBe(5);
  });

  it('shares a prior between cases and removes it only with the last case that needs it', async () => {
    const { db, store, sync } = await setup();
    const prior = study('1.9.2', 2);
    await sync({ caseId: 'a', study: study('1.1.1', 2), priors: [prior] });
    await store.putCase(caseDetail({ caseId: 'b', study: study('1.1.2', 1), priors: [prior] }));
    // the prior's instances, stored for a, now belong to b as well
    expect((await db.instances.get(sops(prior)[0]!))?.caseIds).toEqual(['a', 'b']);

    await store.removeCase('a');
    expect(await db.instances.get('1.1.1.1.1')).toBeUndefined();
    expect((await db.instances.get(sops(prior)[0]!))?.caseIds).toEqual(['b']);
    expect((await db.studies.get('1.9.2'))?.caseIds).toEqual(['b']);

    await store.removeCase('b');
    expect(await db.instances.count()).toBe(0);
    expect(await db.studies.count()).toBe(0);
    expect(await db.series.count()).toBe(0);
  });

  it('releases a prior the case no longer lists', async () => {
    const { db, store, sync } = await setup();
    const old = study('1.9.3', 2);
    await sync({ caseId: 'a', study: study('1.1.1', 1), priors: [old] });
    await store.putCase(caseDetail({ caseId: 'a', study: study('1.1.1', 1), priors: [] }));
    expect(await db.studies.get('1.9.3')).toBeUndefined();
    expect(await store.presentInstances(sops(old))).toEqual(new Map());
  });

  it('skips instances of a study no case needs any more (removed while in flight)', async () => {
    const { db, store } = await setup();
    await store.putInstances(verified(study('1.1.9', 1)));
    expect(await db.instances.count()).toBe(0);
  });

  it('knows a case holds an unsent report until the backend confirmed it', async () => {
    const { db, store } = await setup();
    const row = {
      idempotencyKey: 'k',
      caseId: 'a',
      reportId: 'r',
      attempts: 1,
      createdAt: 1,
      payload: null,
    };
    await db.outbox.put({ ...row, state: 'failed' });
    expect(await store.holdsUnsentReport('a')).toBe(true);
    expect(await store.holdsUnsentReport('b')).toBe(false);
    await db.outbox.put({ ...row, state: 'delivered' });
    expect(await store.holdsUnsentReport('a')).toBe(false);
  });

  it('removing a case deletes its drafts and annotations, and keeps signed reports, the outbox and the audit log', async () => {
    const { db, store, sync } = await setup();
    await sync({ caseId: 'a', study: study('1.1.1', 1) });
    await db.drafts.put({ draftId: 'd', caseId: 'a', updatedAt: 1, content: {} });
    await db.annotations.put({
      annotationId: 'n',
      caseId: 'a',
      sopInstanceUid: '1.1.1.1.1',
      updatedAt: 1,
      data: {},
    });
    await db.signedReports.put({ reportId: 'r', caseId: 'a', signedAt: 1, document: {} });
    await db.outbox.put({
      idempotencyKey: 'k',
      caseId: 'a',
      reportId: 'r',
      state: 'delivered',
      attempts: 1,
      createdAt: 1,
      payload: null,
    });
    await store.saveCaseStatus([
      {
        caseId: 'a',
        state: 'ready',
        instancesDone: 1,
        instancesTotal: 1,
        bytesDone: 1,
        errors: [],
      },
    ]);
    await store.removeCase('a');
    expect(await store.storedCaseIds()).toEqual([]);
    expect(await db.drafts.count()).toBe(0);
    expect(await db.annotations.count()).toBe(0);
    expect(await db.signedReports.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
  });

  it('removing a case no longer assigned takes its second opinion’s original report with it', async () => {
    const { db, store, sync } = await setup();
    await sync({ caseId: 'a', study: study('1.1.1', 1) });
    await sync({ caseId: 'b', study: study('1.1.2', 1) });
    await db.originalReports.bulkPut([
      { caseId: 'a', fetchedAt: 1, report: { impression: 'original of a' } },
      { caseId: 'b', fetchedAt: 1, report: { impression: 'original of b' } },
    ]);
    await store.removeCase('a');
    expect(await db.originalReports.get('a')).toBeUndefined();
    expect(await db.originalReports.get('b')).toMatchObject({
      report: { impression: 'original of b' },
    });
  });

  it('a case that holds only an original report is one the engine can remove', async () => {
    const { db, store } = await setup();
    await db.originalReports.put({ caseId: 'left-behind', fetchedAt: 1, report: {} });
    expect(await store.storedCaseIds()).toEqual(['left-behind']);
    await store.removeCase('left-behind');
    expect(await db.originalReports.count()).toBe(0);
  });

  it('writes sync status rows and the last access of the opened case', async () => {
    const { db, store } = await setup();
    await store.saveCaseStatus([
      {
        caseId: 'a',
        state: 'syncing',
        instancesDone: 1,
        instancesTotal: 4,
        bytesDone: 10,
        errors: [],
      },
    ]);
    expect(await db.syncState.get('a')).toMatchObject({ state: 'syncing', instancesDone: 1 });
    await store.openCase('a', 42);
    expect((await db.caseUsage.get('a'))?.lastAccessedAt).toBe(42);
  });
});

describe('DexieSyncStore: the worklist and sync states, written only where they changed', () => {
  const a = worklistItem({ caseId: 'a', study: study('1.1.1', 3) });
  const b = worklistItem({ caseId: 'b', study: study('1.2.1', 2) });

  /** the keys each table was written under, from Dexie's write hooks */
  function watchWrites(db: TandemDb) {
    const written: string[] = [];
    for (const table of [db.assignments, db.syncState, db.caseUsage]) {
      table.hook('creating', (key, row: { caseId: string }) => {
        written.push(`${table.name}:${row.caseId}`);
      });
      table.hook('updating', (_mods, key) => {
        written.push(`${table.name}:${String(key)}`);
      });
    }
    return written;
  }

  it('a worklist that brings back what is stored writes nothing; a changed or new assignment is written', async () => {
    const { db, store } = await setup();
    await store.putAssignments([a, b]);
    const first = await db.assignments.get('a');
    const written = watchWrites(db);

    await store.putAssignments([a, { ...b }]);
    expect(written).toEqual([]);

    const c = worklistItem({ caseId: 'c', study: study('1.3.1', 1) });
    await store.putAssignments([a, { ...b, priority: 'stat', modalities: ['CT', 'PT'] }, c]);
    expect(written.sort()).toEqual(['assignments:b', 'assignments:c']);
    expect(await db.assignments.get('a')).toEqual(first);
    expect(await db.assignments.get('b')).toMatchObject({
      priority: 'stat',
      modalities: ['CT', 'PT'],
    });
  });

  it('an assignment alone makes no usage row; the case’s detail does', async () => {
    const { db, store } = await setup();
    await store.putAssignments([a]);
    expect(await db.caseUsage.count()).toBe(0);
    await store.putCase(caseDetail({ caseId: 'a', study: study('1.1.1', 3) }));
    expect(await db.caseUsage.get('a')).toMatchObject({ bytes: 0, instances: 0 });
  });

  it('progress equal to what is stored is not written again', async () => {
    const { db, store } = await setup();
    const queued = {
      caseId: 'a',
      state: 'queued' as const,
      instancesDone: 0,
      instancesTotal: 3,
      bytesDone: 0,
      errors: [],
    };
    await store.saveCaseStatus([queued, { ...queued, caseId: 'b' }]);
    const written = watchWrites(db);
    await store.saveCaseStatus([{ ...queued }, { ...queued, caseId: 'b', state: 'syncing' }]);
    expect(written).toEqual(['syncState:b']);
    expect(await db.syncState.get('b')).toMatchObject({ state: 'syncing' });
  });
});

describe('DexieSyncStore: the cache budget', () => {
  const imageBytes = verified(study('1.1.1', 1))[0]!.size;
  const reported = (caseId: string, uid: string, count: number): CaseSpec => ({
    caseId,
    study: study(uid, count),
    status: 'reported',
  });

  it('evicts finished cases least recently opened first to make room, keeping their worklist rows', async () => {
    const evicted: string[] = [];
    const { db, store, sync } = await setup({
      budgetBytes: 6.5 * imageBytes,
      onEvicted: (ids) => evicted.push(...ids),
    });
    await sync(reported('old', '1.1.1', 2));
    await sync(reported('recent', '1.1.2', 2));
    await store.openCase('recent', 10_000);
    await store.openCase(null, 10_001);
    await sync({ caseId: 'new', study: study('1.1.3', 4) });

    expect(evicted).toEqual(['old']);
    expect(await db.instances.where('caseIds').equals('old').count()).toBe(0);
    expect(await db.instances.where('caseIds').equals('recent').count()).toBe(2);
    expect(await db.instances.where('caseIds').equals('new').count()).toBe(4);
    expect(await db.assignments.get('old')).toBeDefined();
    expect(await db.caseUsage.get('old')).toMatchObject({ bytes: 0, instances: 0 });
  });

  it('evicting a finished case takes its second opinion’s original report; a kept case keeps its own', async () => {
    const { db, store, sync } = await setup({ budgetBytes: 4.5 * imageBytes });
    await sync(reported('old', '1.1.1', 2));
    await sync(reported('recent', '1.1.2', 2));
    await db.originalReports.bulkPut([
      { caseId: 'old', fetchedAt: 1, report: { impression: 'original of old' } },
      { caseId: 'recent', fetchedAt: 1, report: { impression: 'original of recent' } },
    ]);
    await store.openCase('recent', 10_000);
    await store.openCase(null, 10_001);
    await sync({ caseId: 'new', study: study('1.1.3', 2) });

    expect(await db.instances.where('caseIds').equals('old').count()).toBe(0);
    expect(await db.originalReports.get('old')).toBeUndefined();
    expect(await db.originalReports.get('recent')).toMatchObject({
      report: { impression: 'original of recent' },
    });
  });

  it('never evicts the open case, one with an unsigned draft or one with an unsent report; says storage-full instead', async () => {
    const { db, store, sync } = await setup({ budgetBytes: 6.5 * imageBytes });
    await sync(reported('open', '1.1.1', 2));
    await sync(reported('draft', '1.1.2', 2));
    await sync(reported('unsent', '1.1.3', 2));
    await store.openCase('open', 1);
    await db.drafts.put({ draftId: 'd', caseId: 'draft', updatedAt: 1, content: {} });
    await db.outbox.put({
      idempotencyKey: 'k',
      caseId: 'unsent',
      reportId: 'r',
      state: 'pending',
      attempts: 0,
      createdAt: 1,
      payload: null,
    });
    await store.putAssignments([worklistItem({ caseId: 'new', study: study('1.1.4', 1) })]);
    await store.putCase(caseDetail({ caseId: 'new', study: study('1.1.4', 1) }));

    const err = await store.putInstances(verified(study('1.1.4', 1))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TandemError);
    expect((err as TandemError).code).toBe('storage-full');
    expect((err as TandemError).message).toMatch(/image cache is full/);
    expect(await db.instances.count()).toBe(6);
  });

  it('lowering the budget evicts down to it', async () => {
    const { db, store, sync } = await setup();
    await sync(reported('a', '1.1.1', 2));
    await sync(reported('b', '1.1.2', 2));
    store.setBudget(2 * imageBytes);
    expect(await store.evictToBudget()).toMatchObject({ kind: 'evict', caseIds: ['a'] });
    expect(await db.instances.count()).toBe(2);
  });

  it('turns the browser’s quota error into storage-full', async () => {
    const { db, store } = await setup();
    await store.putCase(caseDetail({ caseId: 'a', study: study('1.1.1', 1) }));
    vi.spyOn(db.instances, 'bulkPut').mockRejectedValue(
      new DOMException('quota', 'QuotaExceededError'),
    );
    const err = await store.putInstances(verified(study('1.1.1', 1))).catch((e: unknown) => e);
    expect((err as TandemError).code).toBe('storage-full');
  });

  it('writes the progress given with instances in their transaction: both land, or neither', async () => {
    const { db, store } = await setup();
    await store.putCase(caseDetail({ caseId: 'a', study: study('1.1.1', 2) }));
    const [first, second] = verified(study('1.1.1', 2));
    const progress = (done: number) => ({
      caseId: 'a',
      state: done === 2 ? ('ready' as const) : ('syncing' as const),
      instancesDone: done,
      instancesTotal: 2,
      bytesDone: done,
      errors: [],
    });
    await store.putInstances([first!], [progress(1)]);
    expect(await db.syncState.get('a')).toMatchObject({ state: 'syncing', instancesDone: 1 });
    vi.spyOn(db.instances, 'bulkPut').mockRejectedValueOnce(
      new DOMException('quota', 'QuotaExceededError'),
    );
    await expect(store.putInstances([second!], [progress(2)])).rejects.toThrow();
    expect(await db.syncState.get('a')).toMatchObject({ state: 'syncing', instancesDone: 1 });
    expect(await db.instances.count()).toBe(1);
  });
});
