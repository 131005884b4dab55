import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureDemoCache } from '../test-support/dicom-fixtures.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import type { BackendProcess } from '../test-support/processes.ts';
import {
  accessCases,
  accessTable,
  declaredRoutes,
  runAccessCases,
} from '../test-support/route-access.ts';

/**
 * Every route, every role, and another user's ids: only what the table allows succeeds. The table
 * (backend/test-support/route-access.ts) is the statement of who may do what; a route the backend
 * declares but the table does not mention fails here, so new routes must be added to it.
 */
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

describe('access control, route by route and role by role', () => {
  it('has a row in the access table for every route the backend declares', () => {
    const covered = new Set(accessCases(fixture).map((c) => c.route));
    expect(declaredRoutes().filter((r) => !covered.has(r))).toEqual([]);
  });

  it("lets each role do exactly what the table allows, on its own and on another user's ids", async () => {
    const results = await runAccessCases(backend.url, accessCases(fixture));
    console.log(accessTable(results));
    const count = (v: string) => results.filter((r) => r.verdict === v).length;
    console.log(`allowed ${count('allowed')}, denied ${count('denied')}, wrong ${count('wrong')}`);
    expect(results.filter((r) => r.verdict === 'wrong')).toEqual([]);
    expect(count('allowed')).toBeGreaterThan(50);
    expect(count('denied')).toBeGreaterThan(50);
  });
});
