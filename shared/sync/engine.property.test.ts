import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyncEngine } from './engine.ts';
import { orderInstances, seriesOrderOf } from './schedule.ts';
import { allSops, worklistArbitrary } from './test-support/arbitraries.ts';
import { BatchingFakeBackend, FakeBackend } from './test-support/fake-backend.ts';
import { FakeClock, sequenceRandom } from './test-support/fake-clock.ts';
import { caseDetail, instancesOf } from './test-support/fixtures.ts';
import { MemoryStore } from './test-support/memory-store.ts';

describe('SyncEngine (properties)', () => {
  // one image a request, and batched (`fetchInstances`, parts handed over in any order)
  it.each([
    { how: 'one image a request', batched: false, maxImages: 5, maxParallel: 6 },
    { how: 'in batched requests', batched: true, maxImages: 6, maxParallel: 4 },
  ])(
    'never has more than maxParallel requests in flight, whatever order answers arrive in, and fetches each image once ($how)',
    async ({ batched, maxImages, maxParallel: maxOfParallel }) => {
      await fc.assert(
        fc.asyncProperty(
          worklistArbitrary({ maxCases: 4, maxImages }),
          fc.integer({ min: 1, max: maxOfParallel }),
          fc.integer({ min: 2, max: 5 }),
          fc.scheduler(),
          async (w, maxParallel, fetchBatch, s) => {
            const backend = batched ? new BatchingFakeBackend(w.cases) : new FakeBackend(w.cases);
            backend.delay = (call) => s.schedule(Promise.resolve(), call);
            const store = new MemoryStore();
            const engine = new SyncEngine({
              backend,
              store,
              clock: new FakeClock(),
              random: sequenceRandom([0.3]),
              maxParallel,
              ...(batched ? { fetchBatch } : {}),
            });
            engine.focus(w.focus);
            engine.start();
            await s.waitFor(engine.settled());
            expect(backend.maxInFlight).toBeLessThanOrEqual(maxParallel);
            const got = backend.arrived();
            expect(new Set(got).size).toBe(got.length);
            expect(new Set(store.instances.keys())).toEqual(allSops(w));
            expect(engine.progress().every((p) => p.state === 'ready')).toBe(true);
            await engine.stop();
          },
        ),
        { numRuns: 40 },
      );
    },
  );

  it('one request at a time, fetches in exactly the order the scheduler plans', async () => {
    await fc.assert(
      fc.asyncProperty(worklistArbitrary({ maxCases: 4, maxImages: 5 }), async (w) => {
        const backend = new FakeBackend(w.cases);
        const engine = new SyncEngine({
          backend,
          store: new MemoryStore(),
          clock: new FakeClock(),
          maxParallel: 1,
        });
        engine.focus(w.focus);
        engine.start();
        await engine.settled();
        const planned = orderInstances(
          w.cases.map((c) => {
            const d = caseDetail(c);
            return {
              caseId: c.caseId,
              priority: d.priority,
              dueAt: d.dueAt,
              studies: [d.study, ...d.priors].map((summary, i) => ({
                seriesOrder: seriesOrderOf(summary),
                instances: instancesOf(i === 0 ? c.study : c.priors![i - 1]!),
              })),
            };
          }),
          w.focus,
        ).map((o) => o.sopInstanceUid);
        expect(backend.fetched()).toEqual(planned);
        await engine.stop();
      }),
      { numRuns: 60 },
    );
  });
});
