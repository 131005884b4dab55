import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { buildPart10 } from '../sync/test-support/part10.ts';
import { sortInstancesForDisplay } from '../dicomweb/instance-order.ts';
import {
  SCHEMA_V1,
  SCHEMA_V2,
  SCHEMA_V3,
  SCHEMA_V4,
  SCHEMA_V5,
  TandemDb,
  seriesInDisplayOrder,
  storedBytes,
  storedSizesOfStudy,
} from './db.ts';
import type { AssignmentRow, InstanceRow, InstanceRowV1, OutboxRow } from './rows.ts';

let dbCount = 0;
const uniqueName = () => `tandem-db-test-${++dbCount}`;

function assignment(caseId: string, receivedAt: number): AssignmentRow {
  return {
    caseId,
    kind: 'first-read',
    priority: 'routine',
    dueAt: '2026-03-02T18:00:00Z',
    status: 'assigned',
    subspecialty: 'chest',
    studyInstanceUid: '1.2.3',
    accessionNumber: 'A1',
    studyDate: '2026-02-01',
    description: 'CT CHEST',
    modalities: ['CT'],
    bodyPart: 'CHEST',
    patientName: 'TEST^PATIENT',
    patientId: 'TEST-1',
    numberOfInstances: 2,
    numberOfPriors: 0,
    receivedAt,
  };
}

function instance(sop: string, study: string, caseIds: string[], storedAt: number): InstanceRowV1 {
  const bytes = buildPart10({ sopInstanceUid: sop, studyInstanceUid: study });
  return {
    sopInstanceUid: sop,
    studyInstanceUid: study,
    seriesInstanceUid: `${study}.1`,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    size: bytes.length,
    blob: new Blob([bytes as Uint8Array<ArrayBuffer>]),
    caseIds,
    storedAt,
  };
}

describe('TandemDb', () => {
  it('opens a new database at version 5 with every table of the architecture, caseUsage, protocols, original reports and imports', async () => {
    const db = new TandemDb(uniqueName());
    await db.open();
    expect(db.verno).toBe(5);
    expect(db.tables.map((t) => t.name).sort()).toEqual(Object.keys(SCHEMA_V5).sort());
    expect(Object.keys(SCHEMA_V5)).toEqual(Object.keys(SCHEMA_V4));
    expect(Object.keys(SCHEMA_V4)).toEqual(Object.keys(SCHEMA_V3));
    expect(Object.keys(SCHEMA_V3).filter((t) => !(t in SCHEMA_V2))).toEqual([
      'protocols',
      'originalReports',
      'imports',
    ]);
    expect(Object.keys(SCHEMA_V1)).toEqual([
      'assignments',
      'studies',
      'series',
      'instances',
      'contexts',
      'priorLinks',
      'drafts',
      'signedReports',
      'outbox',
      'annotations',
      'audit',
      'syncState',
    ]);
    db.close();
  });

  it('upgrades a version 1 database: instance rows gain lastAccessedAt, cases gain usage rows, nothing is lost', async () => {
    const name = uniqueName();
    const v1 = new Dexie(name);
    v1.version(1).stores(SCHEMA_V1);
    const instances = [
      instance('1.2.3.1.1', '1.2.3', ['a'], 1_000),
      instance('1.2.3.1.2', '1.2.3', ['a'], 3_000),
      instance('1.2.9.1.1', '1.2.9', ['a', 'b'], 2_000), // a prior shared by two cases
    ];
    const outbox: OutboxRow = {
      idempotencyKey: 'k1',
      caseId: 'a',
      reportId: 'r1',
      state: 'pending',
      attempts: 0,
      createdAt: 5,
      payload: { text: 'signed' },
    };
    await v1.table('instances').bulkAdd(instances);
    await v1
      .table('assignments')
      .bulkAdd([assignment('a', 500), assignment('b', 600), assignment('c', 700)]);
    await v1.table('outbox').add(outbox);
    await v1
      .table('drafts')
      .add({ draftId: 'd1', caseId: 'b', updatedAt: 9, content: { findings: '…' } });
    await v1.table('audit').bulkAdd([
      { at: 1, type: 'sign-in', detail: {} },
      { at: 2, type: 'open', detail: {} },
    ]);
    v1.close();

    const db = new TandemDb(name);
    await db.open();
    expect(db.verno).toBe(5);

    const rows = await db.instances.orderBy('sopInstanceUid').toArray();
    expect(rows.map((r) => [r.sopInstanceUid, r.lastAccessedAt, r.storedAt])).toEqual([
      ['1.2.3.1.1', 1_000, 1_000],
      ['1.2.3.1.2', 3_000, 3_000],
      ['1.2.9.1.1', 2_000, 2_000],
    ]);
    // the Part-10 bytes came through intact
    for (const [i, row] of rows.entries()) {
      expect(new Uint8Array(await row.blob.arrayBuffer())).toEqual(
        new Uint8Array(await instances[i]!.blob.arrayBuffer()),
      );
    }
    // the new index answers
    expect(await db.instances.where('lastAccessedAt').below(2_500).count()).toBe(2);

    const usage = await db.caseUsage.orderBy('caseId').toArray();
    const size = (i: number) => instances[i]!.size;
    expect(usage).toEqual([
      { caseId: 'a', bytes: size(0) + size(1) + size(2), instances: 3, lastAccessedAt: 3_000 },
      { caseId: 'b', bytes: size(2), instances: 1, lastAccessedAt: 2_000 },
      { caseId: 'c', bytes: 0, instances: 0, lastAccessedAt: 700 },
    ]);

    expect(await db.outbox.where('[caseId+state]').equals(['a', 'pending']).toArray()).toEqual([
      outbox,
    ]);
    expect(await db.assignments.count()).toBe(3);
    expect(await db.drafts.get('d1')).toMatchObject({ caseId: 'b' });
    expect((await db.audit.toArray()).map((a) => a.type)).toEqual(['sign-in', 'open']);
    db.close();
  });

  it('lists a series in display order from its indexes alone, as its rows sort for display', async () => {
    const db = new TandemDb(uniqueName());
    const series = '1.2.3.1';
    const row = (sop: string, n?: number, frames?: number, seriesUid = series): InstanceRow => ({
      ...instance(sop, '1.2.3', ['a'], 1),
      seriesInstanceUid: seriesUid,
      lastAccessedAt: 1,
      ...(n === undefined ? {} : { instanceNumber: n }),
      ...(frames === undefined ? {} : { numberOfFrames: frames }),
    });
    const rows = [
      row('1.2.3.1.9', 2),
      row('1.2.3.1.10', 1),
      row('1.2.3.1.3', 2), // the same number as .9: by UID
      row('1.2.3.1.7'), // no number: after the numbered ones, by UID
      row('1.2.3.1.5', 3, 4), // four frames
      row('1.2.3.1.4'),
      row('1.2.3.1.6', -1, 1),
      row('1.2.3.1.8', 0, 2, '1.2.3.2'), // another series
    ];
    await db.instances.bulkPut(rows);
    const listed = await seriesInDisplayOrder(db, series);
    const expected = sortInstancesForDisplay(rows.filter((r) => r.seriesInstanceUid === series));
    expect(listed.map((l) => l.sopInstanceUid)).toEqual(expected.map((r) => r.sopInstanceUid));
    expect(listed.map((l) => l.sopInstanceUid)).toEqual([
      '1.2.3.1.6',
      '1.2.3.1.10',
      '1.2.3.1.3',
      '1.2.3.1.9',
      '1.2.3.1.5',
      '1.2.3.1.4',
      '1.2.3.1.7',
    ]);
    expect(listed.find((l) => l.sopInstanceUid === '1.2.3.1.5')?.numberOfFrames).toBe(4);
    expect(listed.filter((l) => l.numberOfFrames !== undefined)).toHaveLength(1);
    expect(await seriesInDisplayOrder(db, '9.9')).toEqual([]);
    db.close();
  });

  it('tells a study’s stored instances with their sizes, and the bytes of the whole cache, from the index alone', async () => {
    const db = new TandemDb(uniqueName());
    const rows: InstanceRow[] = [
      { ...instance('1.2.3.1.1', '1.2.3', ['a'], 1), lastAccessedAt: 1 },
      { ...instance('1.2.3.1.2', '1.2.3', ['a'], 1), lastAccessedAt: 1, size: 7 },
      { ...instance('1.2.4.1.1', '1.2.4', ['b'], 1), lastAccessedAt: 1 },
      { ...instance('1.2.30.1.1', '1.2.30', ['c'], 1), lastAccessedAt: 1 }, // a UID the first extends
    ];
    await db.instances.bulkPut(rows);
    expect(await storedSizesOfStudy(db, '1.2.3')).toEqual(
      new Map([
        ['1.2.3.1.1', rows[0]!.size],
        ['1.2.3.1.2', 7],
      ]),
    );
    expect(await storedSizesOfStudy(db, '9.9')).toEqual(new Map());
    expect(await storedBytes(db)).toBe(rows.reduce((n, r) => n + r.size, 0));
    db.close();
  });

  it('opens a version 4 database at version 5, its rows indexed by study and size', async () => {
    const name = uniqueName();
    const v4 = new Dexie(name);
    v4.version(4).stores(SCHEMA_V4);
    const row = { ...instance('1.2.3.1.1', '1.2.3', ['a'], 1), lastAccessedAt: 1 };
    await v4.table('instances').put(row);
    v4.close();
    const db = new TandemDb(name);
    await db.open();
    expect(db.verno).toBe(5);
    expect(await storedSizesOfStudy(db, '1.2.3')).toEqual(new Map([['1.2.3.1.1', row.size]]));
    db.close();
  });
});
