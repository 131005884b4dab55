import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { aesGcmCipher, generateCacheKey } from '../../shared/cache/at-rest-cipher.ts';
import { TandemDb } from '../../shared/cache/db.ts';
import type { InstanceRow } from '../../shared/cache/rows.ts';
import { CachedInstances, NOT_CACHED_OFFLINE } from './cached-instances.ts';

function row(sop: string, bytes: number[]): InstanceRow {
  return {
    sopInstanceUid: sop,
    studyInstanceUid: '1.2',
    seriesInstanceUid: '1.2.1',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    size: bytes.length,
    blob: new Blob([new Uint8Array(bytes)]),
    caseIds: ['case-a'],
    storedAt: 1,
    lastAccessedAt: 1,
  };
}

const bytesOf = async (p: Promise<ArrayBuffer>) => [...new Uint8Array(await p)];

describe('CachedInstances (the bytes behind tandem: image ids)', () => {
  it('reads a cached instance', async () => {
    const db = new TandemDb('cached-instances-1');
    await db.instances.put(row('1.2.1.1', [1, 2, 3]));
    const source = new CachedInstances(db, () => false);
    expect(await bytesOf(source.bytes('1.2.1.1'))).toEqual([1, 2, 3]);
  });

  it('opens an image sealed at rest with the workstation key', async () => {
    const db = new TandemDb('cached-instances-sealed');
    const cipher = aesGcmCipher(await generateCacheKey());
    const sealed = await cipher.seal(new Blob([new Uint8Array([5, 6, 7])]));
    await db.instances.put({ ...row('1.2.1.9', []), blob: sealed, size: 3, sealed: true });
    const source = new CachedInstances(
      db,
      () => false,
      () => {},
      () => Promise.resolve(cipher),
    );
    expect(await bytesOf(source.bytes('1.2.1.9'))).toEqual([5, 6, 7]);
    // without the key the viewer says why, instead of handing garbage to the decoder
    await expect(new CachedInstances(db, () => false).bytes('1.2.1.9')).rejects.toMatchObject({
      code: 'cache-key-unavailable',
    });
  });

  it('asks the sync worker for an instance it has not stored yet, and reads it when it lands', async () => {
    const db = new TandemDb('cached-instances-2');
    const asked: string[][] = [];
    const source = new CachedInstances(
      db,
      () => false,
      (uids) => asked.push(uids),
    );
    const pending = bytesOf(source.bytes('1.2.1.2'));
    // the ask follows the database's opening and a read: no fixed wait (a loaded machine is slower)
    await vi.waitFor(() => expect(asked).toEqual([['1.2.1.2']]));
    await db.instances.put(row('1.2.1.2', [9, 8]));
    expect(await pending).toEqual([9, 8]);
  });

  it('gives the reason the sync worker recorded when it gave up on the instance', async () => {
    const db = new TandemDb('cached-instances-3');
    const source = new CachedInstances(db, () => false);
    const pending = source.bytes('1.2.1.3');
    await new Promise((r) => setTimeout(r, 20));
    await db.syncState.put({
      caseId: 'case-a',
      state: 'error',
      instancesDone: 0,
      instancesTotal: 1,
      bytesDone: 0,
      updatedAt: 1,
      errors: [
        {
          subject: 'instance:1.2.1.3',
          code: 'incomplete',
          message: 'Image 3 of series 1 arrived damaged 3 times: the pixel data is cut short.',
          at: 1,
        },
      ],
    });
    await expect(pending).rejects.toMatchObject({
      code: 'incomplete',
      message: expect.stringMatching(/arrived damaged 3 times/),
    });
  });

  it('offline, says at once that a missing image cannot come', async () => {
    const db = new TandemDb('cached-instances-4');
    const source = new CachedInstances(db, () => true);
    await expect(source.bytes('1.2.1.4')).rejects.toMatchObject({ message: NOT_CACHED_OFFLINE });
  });
});
