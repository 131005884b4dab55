import { describe, expect, it } from 'vitest';
import type { SyncEngineOptions } from './engine.ts';
import type { CaseProgress } from './records.ts';
import { engineRig, study } from './test-support/engine-rig.ts';
import { FakeBackend, Gate, httpError, offline } from './test-support/fake-backend.ts';
import { instancesOf, type CaseSpec, type StudySpec } from './test-support/fixtures.ts';
import { MemoryStore } from './test-support/memory-store.ts';
import { buildPart10 } from './test-support/part10.ts';
import { until } from './test-support/until.ts';
import { TandemError } from '../api/errors.ts';
import { SEAL_LOST } from './failure.ts';
import type { PreparedBlob } from './ports.ts';

/**
 * A store that seals as the workstation's does, through a cipher that may lose the bytes on the
 * way (a sealing worker that stopped): `loses(call)` says which calls do, counted from 1, among
 * the images of `onlyUid` when it is given.
 */
class SealingStore extends MemoryStore {
  calls = 0;
  breakSealing = false;
  private readonly loses: (call: number) => boolean;
  private readonly onlyUid: string | undefined;
  constructor(loses: (call: number) => boolean, onlyUid?: string) {
    super();
    this.loses = loses;
    this.onlyUid = onlyUid;
  }
  async prepareBlob(body: Blob | Uint8Array<ArrayBuffer>): Promise<PreparedBlob> {
    const blob = body instanceof Blob ? body : new Blob([body]);
    if (this.breakSealing) throw new TandemError('store', 'The disk is not writable.');
    // the fixtures' UIDs are distinct as text: the file names its own
    const text = new TextDecoder('latin1').decode(await blob.arrayBuffer());
    if (this.onlyUid === undefined || text.includes(`${this.onlyUid}\0`)) {
      if (this.loses(++this.calls)) throw new TandemError(SEAL_LOST, 'lost while sealed.');
    }
    return { blob, sealed: false };
  }
}

function ctCase(caseId: string, studyUid: string, extra: Partial<CaseSpec> = {}): CaseSpec {
  return { caseId, study: study(studyUid, 3), ...extra };
}

function setup(
  specs: CaseSpec[],
  opts: Partial<SyncEngineOptions> = {},
  store = new MemoryStore(),
) {
  return engineRig(new FakeBackend(specs), opts, store);
}

const sopsOf = (s: StudySpec) => instancesOf(s).map((i) => i.sopInstanceUid);
const studyOfSop = (sop: string) => sop.split('.').slice(0, -2).join('.');

describe('SyncEngine: bringing cases onto the workstation', () => {
  it('stores the context, the study and its priors, verified, and reports the case ready', async () => {
    const prior = study('1.9.1', 2);
    const { engine, store, progress, backend } = setup([
      ctCase('case-a', '1.1.1', { study: study('1.1.1', 3, 2), priors: [prior] }),
    ]);
    engine.start();
    await engine.settled();

    expect(store.cases.get('case-a')?.context.reasonForExam).toBe('cough');
    expect(store.cases.get('case-a')?.priors[0]?.report?.text).toBe('No acute findings.');
    expect([...store.instances.keys()].sort()).toEqual(
      [...sopsOf(study('1.1.1', 3, 2)), ...sopsOf(prior)].sort(),
    );
    const p = progress.get('case-a')!;
    expect(p).toMatchObject({ state: 'ready', instancesDone: 7, instancesTotal: 7, errors: [] });
    expect(p.bytesDone).toBe(store.usedBytes());
    expect(store.statuses.get('case-a')?.state).toBe('ready');
    expect(backend.fetched()).toHaveLength(7);
    // never the original report of a second read: the engine does not ask for it at all
    expect(backend.calls.some((c) => c.includes('original'))).toBe(false);
  });

  it('fetches STAT before urgent before routine, then by due time', async () => {
    const { engine, backend } = setup(
      [
        ctCase('routine-late', '1.1.4', { priority: 'routine', dueAt: '2026-03-02T10:00:00Z' }),
        ctCase('stat', '1.1.1', { priority: 'stat', dueAt: '2026-03-02T18:00:00Z' }),
        ctCase('urgent', '1.1.2', { priority: 'urgent', dueAt: '2026-03-02T09:00:00Z' }),
        ctCase('routine-early', '1.1.3', { priority: 'routine', dueAt: '2026-03-02T09:00:00Z' }),
      ],
      { maxParallel: 1 },
    );
    engine.start();
    await engine.settled();
    const studyOrder = [...new Set(backend.fetched().map(studyOfSop))];
    expect(studyOrder).toEqual(['1.1.1', '1.1.2', '1.1.3', '1.1.4']);
    // metadata of every case comes before the first image
    const firstFetch = backend.calls.findIndex((c) => c.startsWith('fetch:'));
    const lastMeta = backend.calls.findLastIndex(
      (c) => c.startsWith('list:') || c.startsWith('detail:'),
    );
    expect(lastMeta).toBeLessThan(firstFetch);
  });

  it('puts the opened case first, its priors right behind, then the rest as before', async () => {
    const gate = new Gate();
    const prior = study('1.9.2', 2);
    const { engine, backend } = setup(
      [
        ctCase('stat', '1.1.1', { priority: 'stat', study: study('1.1.1', 4) }),
        ctCase('opened', '1.1.2', { priors: [prior] }),
        ctCase('other', '1.1.3', { priority: 'urgent' }),
      ],
      { maxParallel: 1 },
    );
    backend.delay = (call) => (call.startsWith('fetch:') ? gate.delay(call) : Promise.resolve());
    engine.start();
    await until(() => gate.held().length === 1, 'the first fetch');
    engine.focus('opened');
    backend.delay = () => Promise.resolve();
    gate.release();
    await engine.settled();

    const order = backend.fetched().map(studyOfSop);
    expect(order).toEqual([
      '1.1.1', // already in flight when the case was opened
      '1.1.2',
      '1.1.2',
      '1.1.2',
      '1.9.2',
      '1.9.2',
      '1.1.1',
      '1.1.1',
      '1.1.1',
      '1.1.3',
      '1.1.3',
      '1.1.3',
    ]);
  });

  it('brings the first, middle and last image of the priors before the rest of the study, so both can hang side by side', async () => {
    const { engine, backend } = setup(
      [ctCase('opened', '1.1.2', { study: study('1.1.2', 9), priors: [study('1.9.2', 5)] })],
      { maxParallel: 1 },
    );
    engine.focus('opened');
    engine.start();
    await engine.settled();
    expect(backend.fetched().slice(0, 6)).toEqual([
      '1.1.2.1.1',
      '1.1.2.1.5',
      '1.1.2.1.9',
      '1.9.2.1.1',
      '1.9.2.1.3',
      '1.9.2.1.5',
    ]);
  });

  it('fetches the images the viewer asks for before everything else, the latest ask first', async () => {
    const gate = new Gate();
    const { engine, backend } = setup(
      [
        ctCase('stat', '1.1.1', { priority: 'stat', study: study('1.1.1', 3) }),
        { caseId: 'opened', study: study('1.1.2', 9) },
      ],
      { maxParallel: 1 },
    );
    backend.delay = (call) => (call.startsWith('fetch:') ? gate.delay(call) : Promise.resolve());
    engine.start();
    await until(() => gate.held().length === 1, 'the first fetch');
    engine.focus('opened');
    // the reader scrolled to image 6, then on to image 8: both before the rest of the opened case
    engine.want(['1.1.2.1.6']);
    engine.want(['1.1.2.1.8', 'not-listed-anywhere']);
    backend.delay = () => Promise.resolve();
    gate.release();
    await engine.settled();

    const fetched = backend.fetched();
    expect(fetched.slice(0, 3)).toEqual(['1.1.1.1.1', '1.1.2.1.8', '1.1.2.1.6']);
    // every image still arrives once; an unknown UID is simply never fetched
    expect([...fetched].sort()).toEqual(
      [...sopsOf(study('1.1.1', 3)), ...sopsOf(study('1.1.2', 9))].sort(),
    );
  });

  it('fetches the first, middle and last image of every series before the rest', async () => {
    const { engine, backend } = setup([{ caseId: 'c', study: study('1.1.1', 7, 4) }], {
      maxParallel: 1,
    });
    engine.start();
    await engine.settled();
    expect(backend.fetched()).toEqual([
      '1.1.1.1.1',
      '1.1.1.1.4',
      '1.1.1.1.7',
      '1.1.1.2.1',
      '1.1.1.2.2',
      '1.1.1.2.4',
      '1.1.1.1.2',
      '1.1.1.1.3',
      '1.1.1.1.5',
      '1.1.1.1.6',
      '1.1.1.2.3',
    ]);
  });

  it('keeps at most maxParallel requests in flight, the last slot kept for reading', async () => {
    const { engine, backend, store } = setup([{ caseId: 'c', study: study('1.1.1', 12, 8) }], {
      maxParallel: 3,
    });
    backend.delay = () => new Promise((r) => setTimeout(r, 1));
    engine.start();
    await engine.settled();
    // nothing was asked for: the background sync used every slot but the last
    expect(backend.maxInFlight).toBe(2);
    expect(store.instances.size).toBe(20);
  });

  it('an image the viewer asks for starts at once in the kept slot, while the others are all busy', async () => {
    const gate = new Gate();
    const { engine, backend } = setup(
      [
        ctCase('stat', '1.1.1', { priority: 'stat', study: study('1.1.1', 12) }),
        { caseId: 'opened', study: study('1.1.2', 9) },
      ],
      { maxParallel: 3 },
    );
    backend.delay = (call) => (call.startsWith('fetch:') ? gate.delay(call) : Promise.resolve());
    engine.start();
    await until(() => gate.held().length === 2, 'two background fetches');
    // the background holds its two slots (a slow link): no third one starts for it
    await new Promise((r) => setTimeout(r, 20));
    expect(gate.held()).toHaveLength(2);
    expect(backend.fetched().every((sop) => sop.startsWith('1.1.1.'))).toBe(true);
    // the reader opens a case and scrolls to image 6: it is asked for before any slot frees
    engine.focus('opened');
    engine.want(['1.1.2.1.6']);
    await until(() => gate.held().length === 3, 'the asked-for image in flight');
    expect(backend.fetched().filter((sop) => sop.startsWith('1.1.2.'))).toEqual(['1.1.2.1.6']);
    backend.delay = () => Promise.resolve();
    gate.release();
    await engine.settled();
    expect(new Set(backend.fetched()).size).toBe(21);
  });

  it('fetches an instance needed by two cases (a shared prior) once, and counts it for both', async () => {
    const prior = study('1.9.3', 3);
    const { engine, backend, progress } = setup([
      ctCase('a', '1.1.1', { priors: [prior] }),
      ctCase('b', '1.1.2', { priors: [prior] }),
    ]);
    engine.start();
    await engine.settled();
    expect(backend.fetched()).toHaveLength(9);
    expect(new Set(backend.fetched()).size).toBe(9);
    expect(progress.get('a')).toMatchObject({
      state: 'ready',
      instancesDone: 6,
      instancesTotal: 6,
    });
    expect(progress.get('b')).toMatchObject({
      state: 'ready',
      instancesDone: 6,
      instancesTotal: 6,
    });
  });

  it('is ready only when the priors are verified too', async () => {
    const gate = new Gate();
    const prior = study('1.9.4', 2);
    const { engine, backend, progress, clock } = setup([ctCase('a', '1.1.1', { priors: [prior] })]);
    backend.delay = (call) =>
      call.startsWith('fetch:1.9.4') ? gate.delay(call) : Promise.resolve();
    engine.start();
    await until(() => gate.held().length === 2, 'the prior fetches');
    // the study's images wait a moment for their batch, then are stored although the priors hang
    clock.advance(250);
    await until(() => progress.get('a')?.instancesDone === 3, 'the study');
    expect(progress.get('a')).toMatchObject({
      state: 'syncing',
      instancesDone: 3,
      instancesTotal: 5,
    });
    gate.release();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 5 });
  });
});

describe('SyncEngine: progress the worklist follows', () => {
  it('writes a case’s counts at most every progressIntervalMs, and a change of its state at once', async () => {
    const gate = new Gate();
    const { engine, backend, store, clock, progress } = setup(
      [{ caseId: 'a', study: study('1.1.1', 12) }],
      { batchSize: 1, maxParallel: 1, progressIntervalMs: 250 },
    );
    const saved: CaseProgress[] = [];
    const save = store.saveCaseStatus.bind(store);
    store.saveCaseStatus = (statuses) => {
      saved.push(...statuses);
      return save(statuses);
    };
    backend.delay = (call) => (call.startsWith('fetch:') ? gate.delay(call) : Promise.resolve());
    engine.start();
    await until(() => gate.held().length === 1, 'the first image');
    // eight images land within one instant: their counts are held back, not written one by one
    for (let i = 0; i < 8; i++) {
      gate.release();
      await until(() => gate.held().length === 1, 'the next image');
    }
    await until(() => store.instances.size === 8, 'eight stored images');
    const writesBefore = saved.length;
    expect(progress.get('a')?.instancesDone).toBe(0);
    // once the interval has passed, the held counts are written, once
    clock.advance(250);
    await until(() => progress.get('a')?.instancesDone === 8, 'the held counts');
    expect(saved.length).toBe(writesBefore + 1);
    expect(store.statuses.get('a')).toMatchObject({ state: 'syncing', instancesDone: 8 });
    // and the case turning ready is written at once, whatever the interval
    backend.delay = () => Promise.resolve();
    gate.release();
    await engine.settled();
    expect(store.statuses.get('a')).toMatchObject({ state: 'ready', instancesDone: 12 });
    expect(saved.length).toBeLessThan(writesBefore + 1 + 4);
  });

  it('writes counts held back when the engine settles, without waiting for the interval', async () => {
    const { engine, store, progress } = setup([{ caseId: 'a', study: study('1.1.1', 6) }], {
      batchSize: 1,
      progressIntervalMs: 60_000,
    });
    const backend = (engine as unknown as { backend: FakeBackend }).backend;
    backend.fail('fetch:1.1.1.1.6', httpError(404));
    engine.start();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'error', instancesDone: 5 });
    expect(store.statuses.get('a')).toMatchObject({ state: 'error', instancesDone: 5 });
  });
});

describe('SyncEngine: progress written with the images it counts', () => {
  it('writes a case’s progress in the same store write as its images, never counting one the store lacks', async () => {
    const store = new MemoryStore();
    const writes: Array<{ stored: number; statuses: CaseProgress[] }> = [];
    const putInstances = store.putInstances.bind(store);
    store.putInstances = async (instances, statuses = []) => {
      // a slow disk: other images arrive, and their progress is reported, while this one writes
      for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
      await putInstances(instances, statuses);
      writes.push({ stored: store.instances.size, statuses: [...statuses] });
    };
    const saveCaseStatus = store.saveCaseStatus.bind(store);
    store.saveCaseStatus = async (statuses) => {
      await saveCaseStatus(statuses);
      writes.push({ stored: store.instances.size, statuses: [...statuses] });
    };
    const { engine } = setup([{ caseId: 'a', study: study('1.1.1', 24) }], { batchSize: 4 }, store);
    engine.start();
    await engine.settled();

    expect(store.instances.size).toBe(24);
    expect(store.statuses.get('a')).toMatchObject({ state: 'ready', instancesDone: 24 });
    for (const w of writes) {
      for (const s of w.statuses) expect(s.instancesDone).toBeLessThanOrEqual(w.stored);
    }
    // the worklist says ready in the very write that stores the last image
    const last = writes.findIndex((w) => w.stored === 24);
    expect(writes[last]!.statuses).toContainEqual(
      expect.objectContaining({ caseId: 'a', state: 'ready', instancesDone: 24 }),
    );
  });

  it('reports progress afresh when a batch write fails, so nothing it counted stays counted', async () => {
    const store = new MemoryStore();
    store.capacity = 0;
    const { engine, progress } = setup([{ caseId: 'a', study: study('1.1.1', 6) }], {}, store);
    engine.start();
    await engine.settled();
    expect(engine.status().state).toBe('storage-full');
    expect(store.instances.size).toBe(0);
    expect(progress.get('a')?.instancesDone).toBe(0);
    expect(store.statuses.get('a')?.instancesDone ?? 0).toBe(0);
    // room again: everything lands, and the progress with it
    store.capacity = Infinity;
    engine.resume();
    await engine.settled();
    expect(store.statuses.get('a')).toMatchObject({ state: 'ready', instancesDone: 6 });
  });
});

describe('SyncEngine: resuming', () => {
  it('after a crash, a new engine over the same store fetches only what is missing', async () => {
    const specs = [ctCase('a', '1.1.1', { study: study('1.1.1', 6) }), ctCase('b', '1.1.2')];
    const store = new MemoryStore();
    const first = setup(specs, { maxParallel: 2, batchSize: 1 }, store);
    let allowed = 4;
    const gate = new Gate();
    first.backend.delay = (call) =>
      call.startsWith('fetch:') && allowed-- <= 0 ? gate.delay(call) : Promise.resolve();
    first.engine.start();
    await until(() => store.instances.size === 4, 'four stored instances');
    // crash: the first engine is simply dropped, with two requests hanging

    const second = setup(specs, {}, store);
    second.engine.start();
    await second.engine.settled();
    const storedBefore = first.backend
      .fetched()
      .filter((sop) => !gate.held().includes(`fetch:${sop}`));
    expect(second.backend.fetched().filter((sop) => storedBefore.includes(sop))).toEqual([]);
    expect(second.backend.fetched()).toHaveLength(9 - 4);
    expect(store.instances.size).toBe(9);
    expect(second.progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 6 });
  });
});

describe('SyncEngine: failures', () => {
  it('waits with capped exponential backoff and jitter while the network is down, then carries on', async () => {
    const { engine, backend, clock, statuses, progress } = setup([ctCase('a', '1.1.1')], {
      backoff: { baseMs: 1_000, maxMs: 8_000 },
    });
    let down = true;
    backend.delay = (call) =>
      down && call.startsWith('fetch:') ? Promise.reject(offline()) : Promise.resolve();
    engine.start();
    await engine.settled();

    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = engine.status();
      expect(s.state).toBe('offline');
      waits.push(s.retryAt! - clock.now());
      const fetchesBefore = backend.fetched().length;
      clock.advance(s.retryAt! - clock.now() - 1);
      await engine.settled();
      expect(backend.fetched().length).toBe(fetchesBefore); // nothing before the time is up
      clock.advance(1);
      await engine.settled();
    }
    // random 0.5 puts each wait at 3/4 of the nominal delay; the nominal delay stops at 8 s
    expect(waits).toEqual([750, 1_500, 3_000, 6_000, 6_000]);
    expect(
      statuses.some((s) => s.state === 'offline' && s.message?.includes('cannot be reached')),
    ).toBe(true);

    down = false;
    clock.advance(engine.status().retryAt! - clock.now());
    await engine.settled();
    expect(engine.status().state).toBe('running');
    expect(progress.get('a')?.state).toBe('ready');
  });

  it('a clock set back a day while the network is down does not hold the sync back for a day', async () => {
    const { engine, backend, clock, progress } = setup([ctCase('a', '1.1.1')], {
      backoff: { baseMs: 1_000, maxMs: 8_000 },
    });
    let down = true;
    backend.delay = (call) =>
      down && call.startsWith('fetch:') ? Promise.reject(offline()) : Promise.resolve();
    engine.start();
    await engine.settled();
    expect(engine.status().state).toBe('offline');
    // the system time is corrected a day back; the network comes back
    clock.jump(-24 * 3_600_000);
    down = false;
    clock.advance(8_000);
    await engine.settled();
    expect(engine.status().state).toBe('running');
    expect(progress.get('a')?.state).toBe('ready');
  });

  it('retries an image the server failed on (5xx) while the rest of the case continues', async () => {
    const { engine, backend, clock, progress } = setup([ctCase('a', '1.1.1')]);
    backend.fail('fetch:1.1.1.1.2', httpError(500), httpError(500));
    engine.start();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'queued', instancesDone: 2 });
    clock.advance(1_000);
    await engine.settled();
    clock.advance(2_000);
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 3 });
    expect(backend.fetched().filter((s) => s === '1.1.1.1.2')).toHaveLength(3);
  });

  it('reports an image the server keeps failing on, with a reason a radiologist can read', async () => {
    const { engine, backend, clock, progress } = setup([ctCase('a', '1.1.1')], {
      maxServerAttempts: 3,
    });
    backend.fail('fetch:1.1.1.1.3', httpError(500), httpError(500), httpError(500));
    engine.start();
    for (let i = 0; i < 4; i++) {
      await engine.settled();
      clock.advance(10_000);
    }
    await engine.settled();
    const p = progress.get('a')!;
    expect(p).toMatchObject({ state: 'error', instancesDone: 2, instancesTotal: 3 });
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]).toMatchObject({ subject: 'instance:1.1.1.1.3', code: 'server' });
    expect(p.errors[0]!.message).toBe(
      'Image 3 of series 1 (Series 1) of study "CT CHEST" could not be downloaded: the server kept failing (The server answered 500).',
    );
  });

  it('retries a corrupt image, and stores it once it arrives whole', async () => {
    const { engine, backend, clock, progress, store } = setup([ctCase('a', '1.1.1')]);
    backend.fail('fetch:1.1.1.1.1', 'truncated', 'short-of-content-length');
    engine.start();
    for (let i = 0; i < 3; i++) {
      await engine.settled();
      clock.advance(10_000);
    }
    await engine.settled();
    expect(progress.get('a')?.state).toBe('ready');
    expect(store.instances.get('1.1.1.1.1')?.size).toBeGreaterThan(500);
  });

  it('marks an image that keeps arriving corrupt as an error on its case; the rest of the case is stored', async () => {
    const { engine, backend, clock, progress, store } = setup([
      ctCase('a', '1.1.1', { study: study('1.1.1', 4) }),
      ctCase('b', '1.1.2'),
    ]);
    backend.fail('fetch:1.1.1.1.2', 'truncated', 'wrong-instance', 'not-dicom');
    engine.start();
    for (let i = 0; i < 4; i++) {
      await engine.settled();
      clock.advance(10_000);
    }
    await engine.settled();
    const p = progress.get('a')!;
    expect(p).toMatchObject({ state: 'error', instancesDone: 3, instancesTotal: 4 });
    expect(p.errors[0]?.message).toMatch(
      /^Image 2 of series 1 \(Series 1\) of study "CT CHEST" arrived damaged 3 times: the file is not DICOM Part-10 \(no DICM prefix\)\.$/,
    );
    expect(store.instances.has('1.1.1.1.2')).toBe(false);
    expect(progress.get('b')?.state).toBe('ready');
  });

  it('fetches an image again when its bytes were lost on the way to be sealed, and stores it', async () => {
    const store = new SealingStore((call) => call === 1);
    const { engine, backend, progress } = setup([ctCase('a', '1.1.1')], {}, store);
    engine.start();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 3, errors: [] });
    expect(store.instances.size).toBe(3);
    // the lost one came twice, the others once; nothing waited on a backoff, nothing failed
    expect(backend.fetched()).toHaveLength(4);
    expect(engine.status().state).not.toBe('failed');
  });

  it('marks an image as not stored when its bytes keep being lost; the sync goes on', async () => {
    const store = new SealingStore(() => true, '1.1.1.1.2');
    const { engine, backend, progress } = setup(
      [ctCase('a', '1.1.1'), ctCase('b', '1.1.2')],
      {},
      store,
    );
    engine.start();
    await engine.settled();
    const p = progress.get('a')!;
    expect(p).toMatchObject({ state: 'error', instancesDone: 2, instancesTotal: 3 });
    expect(p.errors[0]).toMatchObject({ subject: 'instance:1.1.1.1.2', code: 'store' });
    expect(p.errors[0]!.message).toBe(
      'Image 2 of series 1 (Series 1) of study "CT CHEST" could not be stored: lost while sealed.',
    );
    expect(backend.fetched().filter((s) => s === '1.1.1.1.2')).toHaveLength(5);
    expect(progress.get('b')?.state).toBe('ready');
    expect(engine.status().state).not.toBe('failed');
  });

  it('stops with a clear message when sealing an image fails in the store', async () => {
    const store = new SealingStore(() => false);
    store.breakSealing = true;
    const { engine } = setup([ctCase('a', '1.1.1')], {}, store);
    engine.start();
    await until(() => engine.status().state === 'failed');
    expect(engine.status()).toMatchObject({ code: 'store', message: 'The disk is not writable.' });
  });

  it('does not retry an image the server refuses (404) and says so on the case', async () => {
    const { engine, backend, progress } = setup([ctCase('a', '1.1.1')]);
    backend.fail('fetch:1.1.1.1.1', httpError(404));
    engine.start();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'error', instancesDone: 2 });
    expect(progress.get('a')?.errors[0]?.code).toBe('rejected');
    expect(backend.fetched().filter((s) => s === '1.1.1.1.1')).toHaveLength(1);
  });

  it('lists at most 50 errors on a case and sums up the rest', async () => {
    const { engine, backend, progress } = setup([{ caseId: 'a', study: study('1.1.1', 53) }]);
    for (let i = 1; i <= 52; i++) backend.fail(`fetch:1.1.1.1.${i}`, httpError(404));
    engine.start();
    await engine.settled();
    const p = progress.get('a')!;
    expect(p).toMatchObject({ state: 'error', instancesDone: 1, instancesTotal: 53 });
    expect(p.errors).toHaveLength(51);
    expect(p.errors[50]?.message).toBe(
      '2 more images of this case could not be brought onto this workstation.',
    );
  });

  it('marks a case whose details cannot be loaded as an error, and syncs the others', async () => {
    const { engine, backend, progress } = setup([ctCase('a', '1.1.1'), ctCase('b', '1.1.2')]);
    backend.fail('detail:a', httpError(403));
    engine.start();
    await engine.settled();
    expect(progress.get('a')?.state).toBe('error');
    expect(progress.get('a')?.errors[0]?.message).toBe(
      'The case details could not be downloaded: The server answered 403.',
    );
    expect(progress.get('b')?.state).toBe('ready');
  });

  it('stops with a status the UI can show when the session is refused, and starts again on resume', async () => {
    const { engine, backend, progress } = setup([ctCase('a', '1.1.1')]);
    backend.fail('worklist', httpError(401));
    engine.start();
    await engine.settled();
    expect(engine.status()).toMatchObject({ state: 'failed', message: 'The server answered 401.' });
    expect(backend.fetched()).toEqual([]);
    engine.resume();
    await engine.settled();
    expect(progress.get('a')?.state).toBe('ready');
  });

  it('stops without blaming any image when the session expires mid-sync (401), and finishes after resume', async () => {
    const { engine, backend, progress } = setup(
      [ctCase('a', '1.1.1', { study: study('1.1.1', 6) })],
      {
        maxParallel: 1,
      },
    );
    backend.fail('fetch:1.1.1.1.2', httpError(401));
    engine.start();
    await engine.settled();
    expect(engine.status()).toMatchObject({ state: 'failed', code: 'unauthorized' });
    expect(progress.get('a')?.errors).toEqual([]);
    expect(progress.get('a')?.state).not.toBe('ready');
    const fetchedWhenRefused = backend.fetched().length;
    await engine.settled();
    expect(backend.fetched().length).toBe(fetchedWhenRefused);

    engine.resume();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 6, errors: [] });
  });
});

describe('SyncEngine: cache limits and control', () => {
  it('stops gracefully when the cache is full, and finishes after resume once there is room', async () => {
    const store = new MemoryStore();
    const { engine, backend, progress } = setup(
      [ctCase('a', '1.1.1', { study: study('1.1.1', 8) })],
      { batchSize: 1, maxParallel: 1 },
      store,
    );
    const imageBytes = buildPart10({
      sopInstanceUid: '1.1.1.1.1',
      studyInstanceUid: '1.1.1',
      seriesInstanceUid: '1.1.1.1',
      rows: 16,
      columns: 16,
    }).length;
    store.capacity = 3.5 * imageBytes;
    engine.start();
    await engine.settled();
    expect(engine.status()).toMatchObject({ state: 'storage-full', code: 'storage-full' });
    expect(engine.status().message).toMatch(/image cache is full/);
    expect(store.instances.size).toBe(3);
    const fetchedWhenFull = backend.fetched().length;
    const verifiedWhenFull = backend.fetched()[3]!;
    await engine.settled();
    expect(backend.fetched().length).toBe(fetchedWhenFull);
    expect(progress.get('a')?.state).not.toBe('ready');

    store.capacity = Infinity;
    engine.resume();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 8 });
    // the image verified when the cache filled up was kept, not fetched again (only the request
    // in flight at that moment was aborted and made again)
    expect(backend.fetched().filter((s) => s === verifiedWhenFull)).toHaveLength(1);
    expect(new Set(backend.fetched()).size).toBe(8);
  });

  it('pause aborts what is in flight and fetches nothing until resume', async () => {
    const gate = new Gate();
    const { engine, backend, progress } = setup(
      [ctCase('a', '1.1.1', { study: study('1.1.1', 5) })],
      {
        maxParallel: 3, // two for the background sync, one kept for reading
      },
    );
    backend.delay = (call) => (call.startsWith('fetch:') ? gate.delay(call) : Promise.resolve());
    engine.start();
    await until(() => gate.held().length === 2, 'two fetches in flight');
    engine.pause();
    await engine.settled();
    expect(engine.status().state).toBe('paused');
    gate.release();
    await engine.settled();
    expect(backend.fetched()).toHaveLength(2);

    backend.delay = () => Promise.resolve();
    engine.resume();
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesDone: 5 });
    expect(backend.fetched()).toHaveLength(7); // the two aborted ones were fetched again
  });

  it('stop ends all work: no request afterwards, stop resolves', async () => {
    const gate = new Gate();
    const { engine, backend, clock } = setup([ctCase('a', '1.1.1', { study: study('1.1.1', 5) })]);
    backend.delay = (call) => (call.startsWith('fetch:') ? gate.delay(call) : Promise.resolve());
    engine.start();
    await until(() => gate.held().length > 0, 'a fetch in flight');
    await engine.stop();
    const calls = backend.calls.length;
    gate.release();
    clock.advance(10 * 60_000);
    await engine.settled();
    expect(backend.calls.length).toBe(calls);
    expect(engine.status().state).toBe('stopped');
  });

  it('polls the worklist on its interval and picks up new cases', async () => {
    const { engine, backend, clock, progress } = setup([ctCase('a', '1.1.1')], {
      pollIntervalMs: 30_000,
    });
    engine.start();
    await engine.settled();
    backend.setCase(ctCase('b', '1.1.2', { priority: 'stat' }));
    clock.advance(29_999);
    await engine.settled();
    expect(progress.has('b')).toBe(false);
    clock.advance(1);
    await engine.settled();
    expect(progress.get('b')?.state).toBe('ready');
  });
});

describe('SyncEngine: cases that change on the server', () => {
  it('fetches a prior added to a case, and images added to its study, and nothing it already has', async () => {
    const { engine, backend, progress } = setup([ctCase('a', '1.1.1')]);
    engine.start();
    await engine.settled();
    expect(backend.fetched()).toHaveLength(3);

    backend.setCase(ctCase('a', '1.1.1', { priors: [study('1.9.6', 2)] }));
    await engine.pollNow();
    await engine.settled();
    expect(backend.fetched().slice(3).map(studyOfSop)).toEqual(['1.9.6', '1.9.6']);
    expect(progress.get('a')).toMatchObject({ state: 'ready', instancesTotal: 5 });

    backend.setCase(
      ctCase('a', '1.1.1', { study: study('1.1.1', 4), priors: [study('1.9.6', 2)] }),
    );
    await engine.pollNow();
    await engine.settled();
    expect(backend.fetched().slice(5)).toEqual(['1.1.1.1.4']);
    expect(progress.get('a')).toMatchObject({
      state: 'ready',
      instancesDone: 6,
      instancesTotal: 6,
    });
  });

  it('a poll that brings back the same worklist hands the store nothing; a changed, removed or returning case still reaches it', async () => {
    const puts: string[][] = [];
    const store = new MemoryStore();
    const put = store.putAssignments.bind(store);
    store.putAssignments = (items) => {
      puts.push(items.map((i) => i.caseId));
      return put(items);
    };
    const { engine, backend } = setup([ctCase('a', '1.1.1'), ctCase('b', '1.1.2')], {}, store);
    engine.start();
    await engine.settled();
    expect(puts).toEqual([['a', 'b']]);

    await engine.pollNow();
    await engine.settled();
    expect(puts).toHaveLength(1);

    backend.setCase(ctCase('a', '1.1.1', { priority: 'stat' }));
    await engine.pollNow();
    await engine.settled();
    expect(puts.at(-1)).toEqual(['a']);
    expect(store.assignments.get('a')?.priority).toBe('stat');

    backend.removeCase('b');
    await engine.pollNow();
    await engine.settled();
    expect(store.assignments.has('b')).toBe(false);

    backend.setCase(ctCase('b', '1.1.2'));
    await engine.pollNow();
    await engine.settled();
    expect(puts.at(-1)).toEqual(['b']);
    expect(store.assignments.has('b')).toBe(true);
    expect(puts).toHaveLength(3);
  });

  it('gives an image the server failed on another chance at the next poll', async () => {
    const { engine, backend, clock, progress } = setup([ctCase('a', '1.1.1')], {
      maxServerAttempts: 1,
      pollIntervalMs: 60_000,
    });
    backend.fail('fetch:1.1.1.1.1', httpError(500));
    engine.start();
    await engine.settled();
    expect(progress.get('a')?.state).toBe('error');
    clock.advance(60_000);
    await engine.settled();
    expect(progress.get('a')).toMatchObject({ state: 'ready', errors: [] });
  });
});

describe('SyncEngine: removing cases', () => {
  it('removes a case that is no longer assigned, and keeps one that holds an unsent report', async () => {
    const { engine, backend, store } = setup([ctCase('a', '1.1.1'), ctCase('b', '1.1.2')]);
    const removed: string[] = [];
    engine.events.on('removed', ({ caseId }) => removed.push(caseId));
    engine.start();
    await engine.settled();
    store.unsentReports.add('b');
    backend.removeCase('a');
    backend.removeCase('b');
    await engine.pollNow();
    await engine.settled();
    expect(removed).toEqual(['a']);
    expect(store.cases.has('a')).toBe(false);
    expect([...store.instances.keys()].some((s) => s.startsWith('1.1.1.'))).toBe(false);
    expect(store.cases.has('b')).toBe(true);
    expect(store.instances.size).toBe(3);
  });

  it('removes a cancelled case; a shared prior stays for the case that still needs it', async () => {
    const prior = study('1.9.5', 2);
    const { engine, backend, store, progress } = setup([
      ctCase('a', '1.1.1', { priors: [prior] }),
      ctCase('b', '1.1.2', { priors: [prior] }),
    ]);
    engine.start();
    await engine.settled();
    backend.setCase(ctCase('a', '1.1.1', { priors: [prior], status: 'cancelled' }));
    await engine.pollNow();
    await engine.settled();
    expect(store.removed).toEqual(['a']);
    expect(sopsOf(prior).every((s) => store.instances.has(s))).toBe(true);
    expect(progress.get('b')?.state).toBe('ready');
    expect(backend.fetched()).toHaveLength(8);
  });

  it('stops fetching a case that leaves the worklist mid-sync', async () => {
    const gate = new Gate();
    const { engine, backend, store } = setup(
      [ctCase('a', '1.1.1', { study: study('1.1.1', 10) })],
      {
        maxParallel: 1,
      },
    );
    backend.delay = (call) => (call.startsWith('fetch:') ? gate.delay(call) : Promise.resolve());
    engine.start();
    await until(() => gate.held().length === 1, 'a fetch in flight');
    backend.removeCase('a');
    backend.delay = () => Promise.resolve();
    await engine.pollNow();
    gate.release();
    await engine.settled();
    expect(backend.fetched()).toHaveLength(1);
    expect(store.instances.size).toBe(0);
  });
});
