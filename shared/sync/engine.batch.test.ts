import { describe, expect, it } from 'vitest';
import type { SyncEngineOptions } from './engine.ts';
import { orderInstances, seriesOrderOf } from './schedule.ts';
import { engineRig, study } from './test-support/engine-rig.ts';
import { BatchingFakeBackend, httpError } from './test-support/fake-backend.ts';
import { caseDetail, instancesOf, type CaseSpec } from './test-support/fixtures.ts';

// The engine with a backend that retrieves several images in one request (`fetchInstances`).

function setup(specs: CaseSpec[], opts: Partial<SyncEngineOptions> = {}) {
  return engineRig(new BatchingFakeBackend(specs), opts);
}

/** Images asked for, in the order asked: each batch's list, then each image asked alone. */
function asked(backend: BatchingFakeBackend): string[] {
  return backend.calls.flatMap((c) =>
    c.startsWith('batch:')
      ? c.slice('batch:'.length).split(',')
      : c.startsWith('fetch:')
        ? [c.slice('fetch:'.length)]
        : [],
  );
}

const batches = (backend: BatchingFakeBackend) =>
  backend.calls.filter((c) => c.startsWith('batch:')).length;

describe('SyncEngine with batched retrieval', () => {
  it('fetches a study in batches of `fetchBatch` images, in the planned order, each once', async () => {
    const ct = study('1.1.1', 20, 5);
    const { engine, backend, store, progress } = setup([{ caseId: 'a', study: ct }], {
      maxParallel: 1,
      fetchBatch: 8,
    });
    engine.start();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 25 });
    expect(store.instances.size).toBe(25);
    expect(batches(backend)).toBe(3); // 8 + 8 + 8, and the last image alone (a batch of one)
    const detail = caseDetail({ caseId: 'a', study: ct });
    const planned = orderInstances(
      [
        {
          caseId: 'a',
          priority: detail.priority,
          dueAt: detail.dueAt,
          studies: [{ seriesOrder: seriesOrderOf(detail.study), instances: instancesOf(ct) }],
        },
      ],
      null,
    ).map((o) => o.sopInstanceUid);
    // first, middle and last of each series lead the first batch
    expect(asked(backend)).toEqual(planned);
    expect(backend.fetched()).toEqual([planned.at(-1)]);
  });

  it("shares the last images of the queue among the background sync's request slots", async () => {
    const { engine, backend } = setup([{ caseId: 'a', study: study('1.1.1', 20) }], {
      maxParallel: 5, // four for the background sync, one kept for reading
      fetchBatch: 12,
    });
    engine.start();
    await engine.settled();
    const sizes = backend.calls
      .filter((c) => c.startsWith('batch:'))
      .map((c) => c.split(',').length);
    // 20 images over 4 slots: 5 a request, not 12 and 8
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    expect(new Set(backend.arrived()).size).toBe(20);
  });

  it('fetches no further ahead of a slow store than `maxUnwritten` images, writes at most `maxWriteBatch` at a time, and goes on as writes land', async () => {
    const { engine, backend, store } = setup([{ caseId: 'a', study: study('1.1.1', 60) }], {
      maxParallel: 2,
      fetchBatch: 5,
      maxUnwritten: 12,
      maxWriteBatch: 8,
    });
    const held: Array<() => void> = [];
    store.beforePut = () => new Promise((resolve) => held.push(resolve));
    engine.start();
    // the first write is held: downloads stop once 12 images wait (plus what was in flight)
    for (let i = 0; i < 200; i++) await new Promise((r) => setTimeout(r, 0));
    expect(held.length).toBe(1);
    const arrivedWhileHeld = backend.arrived().length;
    expect(arrivedWhileHeld).toBeGreaterThanOrEqual(12);
    expect(arrivedWhileHeld).toBeLessThanOrEqual(12 + 2 * 5);
    store.beforePut = () => Promise.resolve();
    held.shift()!();
    await engine.settled();
    expect(store.instances.size).toBe(60);
    expect(new Set(backend.arrived()).size).toBe(60);
    // what piled up while the first write was held went in writes of at most 8
    expect(Math.max(...store.writeSizes)).toBeLessThanOrEqual(8);
    expect(store.writeSizes.some((n) => n === 8)).toBe(true);
  });

  it('never batches images of two studies together, nor an image the viewer is waiting for', async () => {
    const { engine, backend } = setup(
      [
        { caseId: 'a', study: study('1.1.1', 6), priors: [study('1.9.1', 4)] },
        { caseId: 'b', study: study('1.1.2', 3) },
      ],
      { maxParallel: 2, fetchBatch: 50 },
    );
    engine.want(['1.1.2.1.2']);
    engine.start();
    await engine.settled();
    for (const call of backend.calls.filter((c) => c.startsWith('batch:'))) {
      const studies = new Set(
        call
          .slice('batch:'.length)
          .split(',')
          .map((s) => s.split('.').slice(0, -2).join('.')),
      );
      expect(studies.size).toBe(1);
      expect(call).not.toContain('1.1.2.1.2');
    }
    // asked for by the viewer: alone, as soon as its study's list named it
    expect(backend.fetched()).toContain('1.1.2.1.2');
    expect(new Set(backend.arrived()).size).toBe(13);
    expect(backend.arrived()).toHaveLength(13);
  });

  it('retries an image that arrives damaged in a batch on its own, and reports it if it stays damaged', async () => {
    const { engine, backend, clock, progress, store } = setup(
      [{ caseId: 'a', study: study('1.1.1', 6) }],
      { maxParallel: 1, fetchBatch: 6 },
    );
    backend.fail('fetch:1.1.1.1.3', 'truncated', 'truncated', 'truncated');
    engine.start();
    for (let i = 0; i < 4; i++) {
      await engine.settled();
      clock.advance(10_000);
    }
    await engine.settled();
    expect(progress.get('a')).toMatchObject({
      state: 'error',
      instancesDone: 5,
      instancesTotal: 6,
    });
    expect(progress.get('a')?.errors[0]?.message).toMatch(/arrived damaged 3 times/);
    expect(store.instances.has('1.1.1.1.3')).toBe(false);
    // in the batch once, then alone: a batch never carries it again
    expect(batches(backend)).toBe(1);
    expect(backend.fetched()).toEqual(['1.1.1.1.3', '1.1.1.1.3']);
  });

  it('fetches alone what a batch left out (not found there), and reports a refusal on its case', async () => {
    const { engine, backend, progress, store } = setup(
      [{ caseId: 'a', study: study('1.1.1', 5) }],
      { maxParallel: 1 },
    );
    backend.fail('fetch:1.1.1.1.2', httpError(404));
    engine.start();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'error', instancesDone: 4 });
    expect(progress.get('a')?.errors[0]?.code).toBe('rejected');
    expect(store.instances.size).toBe(4);
    expect(backend.fetched()).toEqual(['1.1.1.1.2']);
  });

  it('loses nothing when the connection drops in the middle of a batch: what came is kept, the rest comes later, nothing twice', async () => {
    const { engine, backend, clock, progress, store } = setup(
      [{ caseId: 'a', study: study('1.1.1', 10) }],
      { maxParallel: 1, fetchBatch: 10 },
    );
    let parts = 0;
    backend.delay = (call) => {
      if (call.startsWith('part:') && ++parts === 4) backend.offline = true;
      return Promise.resolve();
    };
    engine.start();
    await engine.settled();
    expect(engine.status().state).toBe('offline');
    expect(store.instances.size).toBe(3);
    backend.offline = false;
    for (let i = 0; i < 3 && progress.get('a')?.state !== 'ready'; i++) {
      clock.advance(60_000);
      await engine.settled();
    }
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 10 });
    const got = backend.arrived();
    expect(got).toHaveLength(10);
    expect(new Set(got).size).toBe(10);
  });

  it('fetches every image alone from a server without batched retrieval', async () => {
    const { engine, backend, progress } = setup([{ caseId: 'a', study: study('1.1.1', 4, 3) }], {
      maxParallel: 2,
    });
    backend.batching = 'unsupported';
    engine.start();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 7 });
    expect(backend.batchDelivered).toEqual([]);
    expect(new Set(backend.fetched()).size).toBe(7);
    expect(backend.fetched()).toHaveLength(7);
  });

  it('falls back to single images when a batched request fails on the server', async () => {
    const { engine, backend, progress } = setup([{ caseId: 'a', study: study('1.1.1', 5) }], {
      maxParallel: 1,
    });
    backend.fail('batch', httpError(500));
    engine.start();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 5, errors: [] });
    expect(backend.fetched()).toHaveLength(5);
  });

  it('writes what a capped write left behind even when no other image is coming (the last images of a sync)', async () => {
    // One answer brings all 6; the last to be checked finds all 6 waiting and writes them 4 and
    // then 2: the 2 must not wait for an image that never comes (they once did, for ever).
    const { engine, store, progress } = setup([{ caseId: 'a', study: study('1.1.1', 6) }], {
      maxParallel: 1,
      fetchBatch: 6,
      maxWriteBatch: 4,
      batchSize: 10,
    });
    engine.start();
    // no clock advance: only what the engine does by itself, with no timer of its own firing
    for (let i = 0; i < 300; i++) await new Promise((r) => setTimeout(r, 0));
    expect(store.instances.size).toBe(6);
    expect(store.writeSizes).toEqual([4, 2]);
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 6 });
  });
});
