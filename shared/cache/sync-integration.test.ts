import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../sync/engine.ts';
import { FakeBackend, Gate } from '../sync/test-support/fake-backend.ts';
import { FakeClock } from '../sync/test-support/fake-clock.ts';
import { instancesOf, type CaseSpec } from '../sync/test-support/fixtures.ts';
import { verifyPart10 } from '../sync/verify-instance.ts';
import { aesGcmCipher, generateCacheKey } from './at-rest-cipher.ts';
import { TandemDb } from './db.ts';
import { DexieSyncStore } from './sync-store.ts';

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const prior = { uid: '1.3.9', series: [{ uid: '1.3.9.1', count: 4 }] };
const specs: CaseSpec[] = [
  {
    caseId: 'ct-chest',
    priority: 'stat',
    study: {
      uid: '1.3.1',
      series: [
        { uid: '1.3.1.1', count: 9 },
        { uid: '1.3.1.2', count: 3 },
      ],
    },
    priors: [prior],
  },
  {
    caseId: 'mr-brain',
    study: { uid: '1.3.2', series: [{ uid: '1.3.2.1', count: 6 }] },
    priors: [prior],
  },
];
const allSops = new Set(
  specs
    .flatMap((s) => [s.study, ...(s.priors ?? [])].flatMap(instancesOf))
    .map((i) => i.sopInstanceUid),
);

describe('sync engine over the Dexie cache', () => {
  it('after a crash mid-sync, a new engine over the same database fetches nothing stored again and misses nothing', async () => {
    const name = 'tandem-integration-crash';
    // first run: two cases, stopped dead after a few instances with requests still hanging
    const db1 = new TandemDb(name);
    const backend1 = new FakeBackend(specs);
    const gate = new Gate();
    let allowed = 10;
    backend1.delay = (call) =>
      call.startsWith('fetch:') && allowed-- <= 0 ? gate.delay(call) : Promise.resolve();
    const engine1 = new SyncEngine({
      backend: backend1,
      store: new DexieSyncStore(db1),
      clock: new FakeClock(),
      maxParallel: 4, // three for the background sync, one kept for reading
      batchSize: 4,
    });
    engine1.start();
    await until(
      async () => gate.held().length === 3 && (await db1.instances.count()) >= 8,
      'a partial sync',
    );
    const storedByFirst = new Set(await db1.instances.toCollection().primaryKeys());
    expect(storedByFirst.size).toBeGreaterThan(0);
    expect(storedByFirst.size).toBeLessThan(allSops.size);
    // crash: the engine is never stopped and its database connection is abandoned

    // restart: a new database connection, a new engine, a backend that counts afresh
    const db2 = new TandemDb(name);
    const backend2 = new FakeBackend(specs);
    const engine2 = new SyncEngine({
      backend: backend2,
      store: new DexieSyncStore(db2),
      clock: new FakeClock(),
    });
    engine2.start();
    await engine2.settled();

    const refetched = backend2.fetched().filter((sop) => storedByFirst.has(sop));
    expect(refetched).toEqual([]);
    expect(new Set(backend2.fetched()).size).toBe(backend2.fetched().length);
    const stored = await db2.instances.toArray();
    expect(new Set(stored.map((r) => r.sopInstanceUid))).toEqual(allSops);
    // every stored blob is a whole, verifiable Part-10 file of the instance it claims to be
    for (const row of stored) {
      const result = await verifyPart10(row.blob, {
        sopInstanceUid: row.sopInstanceUid,
        size: row.size,
      });
      expect(result.ok).toBe(true);
    }
    // the shared prior is stored once and belongs to both cases
    expect((await db2.instances.get('1.3.9.1.1'))?.caseIds.sort()).toEqual([
      'ct-chest',
      'mr-brain',
    ]);
    expect(await db2.syncState.get('ct-chest')).toMatchObject({
      state: 'ready',
      instancesDone: 16,
      instancesTotal: 16,
    });
    expect(await db2.syncState.get('mr-brain')).toMatchObject({
      state: 'ready',
      instancesDone: 10,
      instancesTotal: 10,
    });
    expect((await db2.contexts.get('mr-brain'))?.context.reasonForExam).toBe('cough');

    // and a third start over the complete cache fetches no image at all
    const backend3 = new FakeBackend(specs);
    const engine3 = new SyncEngine({
      backend: backend3,
      store: new DexieSyncStore(db2),
      clock: new FakeClock(),
    });
    engine3.start();
    await engine3.settled();
    expect(backend3.fetched()).toEqual([]);
    expect(engine3.progress().map((p) => p.state)).toEqual(['ready', 'ready']);

    await engine2.stop();
    await engine3.stop();
    db1.close();
    db2.close();
  });

  it('removes a case that left the worklist from the database, keeping the prior the other case needs', async () => {
    const db = new TandemDb('tandem-integration-removal');
    const backend = new FakeBackend(specs);
    const engine = new SyncEngine({
      backend,
      store: new DexieSyncStore(db),
      clock: new FakeClock(),
    });
    engine.start();
    await engine.settled();
    backend.removeCase('mr-brain');
    await engine.pollNow();
    await engine.settled();
    expect(await db.instances.where('studyInstanceUid').equals('1.3.2').count()).toBe(0);
    expect(await db.instances.where('studyInstanceUid').equals('1.3.9').count()).toBe(4);
    expect(await db.syncState.get('mr-brain')).toBeUndefined();
    expect(await db.assignments.get('mr-brain')).toBeUndefined();
    expect(await db.syncState.get('ct-chest')).toMatchObject({ state: 'ready' });
    await engine.stop();
    db.close();
  });

  it('stops with storage-full when the budget is reached, and the worklist can show it', async () => {
    const db = new TandemDb('tandem-integration-full');
    const backend = new FakeBackend(specs);
    const store = new DexieSyncStore(db, { budgetBytes: 5_000 });
    const engine = new SyncEngine({ backend, store, clock: new FakeClock(), batchSize: 1 });
    engine.start();
    await engine.settled();
    expect(engine.status().state).toBe('storage-full');
    const used = (await db.instances.toArray()).reduce((n, r) => n + r.size, 0);
    expect(used).toBeLessThanOrEqual(5_000);
    expect((await db.syncState.toArray()).every((s) => s.state !== 'ready')).toBe(true);

    store.setBudget(undefined);
    engine.resume();
    await engine.settled();
    expect((await db.syncState.toArray()).map((s) => s.state)).toEqual(['ready', 'ready']);
    await engine.stop();
    db.close();
  });

  it('sealing at rest, takes each image into memory once and stores exactly what a plain cache stores, sealed', async () => {
    const key = await generateCacheKey();
    const cipher = aesGcmCipher(key);
    const run = async (name: string, sealed: boolean) => {
      const db = new TandemDb(name);
      const backend = new FakeBackend(specs);
      const engine = new SyncEngine({
        backend,
        store: new DexieSyncStore(db, { now: () => 7, ...(sealed ? { cipher } : {}) }),
        clock: new FakeClock(),
      });
      engine.start();
      await engine.settled();
      await engine.stop();
      const rows = await db.instances.toArray();
      db.close();
      return { rows, backend };
    };
    const plain = await run('tandem-integration-plain', false);
    const sealed = await run('tandem-integration-sealed', true);

    expect(plain.backend.bytesFetched).toBe(0);
    expect(sealed.backend.bytesFetched).toBe(allSops.size);
    expect(sealed.rows).toHaveLength(allSops.size);
    const plainBySop = new Map(plain.rows.map((r) => [r.sopInstanceUid, r]));
    for (const row of sealed.rows) {
      const twin = plainBySop.get(row.sopInstanceUid)!;
      const { blob: sealedBlob, sealed: isSealed, header: sealedHeader, ...fields } = row;
      const { blob: plainBlob, header: plainHeader, ...plainFields } = twin;
      // the same metadata, the same owners, the same size (of the Part-10 file, not the sealed blob)
      expect(fields).toEqual(plainFields);
      expect(isSealed).toBe(true);
      expect('sealed' in twin).toBe(false);
      expect(sealedBlob.size).toBe(plainBlob.size + 32);
      // and the sealed blob opens to the very bytes the plain cache holds
      const opened = new Uint8Array(await cipher.open(sealedBlob, true));
      expect(opened).toEqual(new Uint8Array(await plainBlob.arrayBuffer()));
      // its header beside it too: sealed, opening to the plain cache's, the file's first bytes
      expect(plainHeader).toBeDefined();
      expect(sealedHeader!.byteLength).toBe(plainHeader!.byteLength + 32);
      const header = new Uint8Array(await cipher.openBytes(sealedHeader!, true));
      expect(header).toEqual(plainHeader);
      expect(header).toEqual(opened.subarray(0, header.byteLength));
    }
  });
});
