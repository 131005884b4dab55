import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TandemDb } from '../../shared/cache/db.ts';
import { isLocalCaseId } from '../../shared/cache/local-case.ts';
import { DexieSyncStore } from '../../shared/cache/sync-store.ts';
import { caseDetail, worklistItem } from '../../shared/sync/test-support/fixtures.ts';
import { readCachedCase } from '../viewer/use-cached-case.ts';
import { attachLocalCase, importFiles, type ImportFile } from './local-import.ts';
import { DIRECTORY_FILE_REASON } from './read-dicom-file.ts';

// Real DICOM files from Debian's python3-pydicom (installed on every machine that runs the tests).
const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

function file(name: string): ImportFile {
  return { name, file: new Blob([readFileSync(path.join(PYDICOM, name))]) };
}

let dbCount = 0;
const newDb = () => new TandemDb(`tandem-import-test-${++dbCount}`);

describe('local import', () => {
  it('stores the images of a CD as a local case and lists every other file with its reason', async () => {
    const db = newDb();
    const progress: number[] = [];
    const row = await importFiles(
      db,
      [
        file('CT_small.dcm'),
        file('MR_small.dcm'),
        file('MR_small_RLE.dcm'), // same SOP Instance UID as MR_small.dcm
        file('image_dfl.dcm'), // deflated, with bytes after the end of its deflate stream
        file('MR_truncated.dcm'),
        file('no_meta.dcm'),
        file('rtplan.dcm'),
        file('dicomdirtests/DICOMDIR'),
        { name: 'README.txt', file: new Blob(['not dicom at all'.repeat(20)]) },
      ],
      { onProgress: (p) => progress.push(p.done) },
    );

    expect(isLocalCaseId(row.caseId)).toBe(true);
    expect(row).toMatchObject({ files: 9, imported: 2 });
    expect(row.finishedAt).not.toBeNull();
    const reasons = Object.fromEntries(row.rejected.map((r) => [r.name, r.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      [
        'MR_small_RLE.dcm',
        'MR_truncated.dcm',
        'image_dfl.dcm',
        'no_meta.dcm',
        'rtplan.dcm',
        'dicomdirtests/DICOMDIR',
        'README.txt',
      ].sort(),
    );
    expect(reasons['MR_small_RLE.dcm']).toMatch(/same image .* as MR_small\.dcm/);
    expect(reasons['no_meta.dcm']).toMatch(/not a DICOM Part-10 file/);
    expect(reasons['rtplan.dcm']).toMatch(/holds no image/);
    expect(reasons['dicomdirtests/DICOMDIR']).toBe(DIRECTORY_FILE_REASON);
    expect(reasons['MR_truncated.dcm']).toMatch(/pixel data is cut short/);
    expect(reasons['image_dfl.dcm']).toMatch(/damaged/);
    expect(progress.at(-1)).toBe(9);

    // read back exactly as the viewer reads a synced case
    const detail = await readCachedCase(db, row.caseId);
    expect(detail).not.toBeNull();
    const studies = [detail!.study, ...detail!.priors];
    expect(studies).toHaveLength(2);
    expect(studies.flatMap((s) => s.series.map((x) => x.numberOfInstances))).toEqual([1, 1]);
    const instances = await db.instances.where('caseIds').equals(row.caseId).toArray();
    expect(instances.map((i) => i.transferSyntaxUid)).toEqual([
      '1.2.840.10008.1.2.1',
      '1.2.840.10008.1.2.1',
    ]);
    expect(await db.syncState.get(row.caseId)).toMatchObject({ state: 'ready', instancesDone: 2 });
    expect(await db.imports.get(row.importId)).toEqual(row);
  });

  it('is never evicted nor removed by the sync engine, and stays attached to a synced case', async () => {
    const db = newDb();
    const store = new DexieSyncStore(db);
    const local = await importFiles(db, [file('CT_small.dcm'), file('MR_small.dcm')]);
    const synced = {
      caseId: 'a',
      status: 'reported' as const,
      study: { uid: '1.1.1', series: [] },
    };
    await store.putAssignments([worklistItem(synced)]);
    await store.putCase(caseDetail(synced));

    expect(await store.storedCaseIds()).toEqual(['a']);
    // the local case was opened (the viewer tells the store), then the budget shrinks to nothing
    await store.openCase(local.caseId, 5);
    await store.openCase(null, 6);
    store.setBudget(0);
    const plan = await store.evictToBudget();
    expect(plan.kind).toBe('storage-full');
    expect(await db.instances.where('caseIds').equals(local.caseId).count()).toBe(2);

    expect(await attachLocalCase(db, local.caseId, 'a')).toBe(2);
    // the server's case detail arrives again: the attached studies stay its extra priors
    await store.putCase(caseDetail(synced));
    const detail = await readCachedCase(db, 'a');
    expect(detail!.priors).toHaveLength(2);
    expect(await db.instances.where('caseIds').equals('a').count()).toBe(2);
  });
});
