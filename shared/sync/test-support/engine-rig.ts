import { SyncEngine, type EngineStatus, type SyncEngineOptions } from '../engine.ts';
import type { CaseProgress } from '../records.ts';
import type { FakeBackend } from './fake-backend.ts';
import { FakeClock, sequenceRandom } from './fake-clock.ts';
import type { StudySpec } from './fixtures.ts';
import { MemoryStore } from './memory-store.ts';

/** A study of `counts.length` series with that many images each, UIDs under `uid`. */
export function study(uid: string, ...counts: number[]): StudySpec {
  return { uid, series: counts.map((count, i) => ({ uid: `${uid}.${i + 1}`, count })) };
}

/**
 * An engine over `backend` and a memory store on a fake clock, with its progress (latest per
 * case) and its statuses (in order) recorded.
 */
export function engineRig<B extends FakeBackend>(
  backend: B,
  opts: Partial<SyncEngineOptions> = {},
  store = new MemoryStore(),
) {
  const clock = new FakeClock();
  const engine = new SyncEngine({
    backend,
    store,
    clock,
    random: sequenceRandom([0.5]),
    ...opts,
  });
  const progress = new Map<string, CaseProgress>();
  engine.events.on('progress', (p) => progress.set(p.caseId, p));
  const statuses: EngineStatus[] = [];
  engine.events.on('status', (s) => statuses.push(s));
  return { backend, store, clock, engine, progress, statuses };
}
