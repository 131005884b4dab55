import { describe, expect, it } from 'vitest';
import { headerFileLeases, headerFiles } from './header-files.ts';

// The DICOM loader's own counting (a decoded image keeps its file after the header read gives
// its count back) is exercised in a real browser by e2e/viewer-memory.spec.ts.
describe('files read for their headers', () => {
  it('are given back when the case is left, one count for each read', () => {
    const unloaded: string[] = [];
    const leases = headerFileLeases((url) => unloaded.push(url));
    leases.current().hold('sop-1');
    leases.current().hold('sop-2');
    leases.current().hold('sop-1');
    expect(unloaded).toEqual([]);

    leases.releaseAll();

    expect(unloaded).toEqual(['sop-1', 'sop-2', 'sop-1']);
  });

  it('read after the case was left are given back as they arrive', () => {
    const unloaded: string[] = [];
    const lease = headerFiles((url) => unloaded.push(url));
    lease.hold('sop-4');
    lease.release();
    lease.hold('sop-5');
    expect(unloaded).toEqual(['sop-4', 'sop-5']);
  });

  it('of the next case are not given back with the last one', () => {
    const unloaded: string[] = [];
    const leases = headerFileLeases((url) => unloaded.push(url));
    leases.current().hold('sop-6');
    leases.releaseAll();
    leases.current().hold('sop-7');
    expect(unloaded).toEqual(['sop-6']);
  });
});
