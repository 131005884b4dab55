/**
 * The Dexie database `tandem` (ARCHITECTURE.md, The data path): everything Tandem keeps on the
 * workstation — the worklist, cases with their studies and Part-10 instances, drafts and signed
 * reports, the outbox, annotations, the audit log and the sync state.
 *
 * Public API:
 *
 *   const db = new TandemDb();                // or new TandemDb(name, { indexedDB, IDBKeyRange })
 *   db.instances.get(sopInstanceUid)          // a verified Part-10 file (`blob`) and its metadata
 *   db.instances.where('caseIds').equals(caseId) / .where('seriesInstanceUid').equals(uid)
 *   seriesInDisplayOrder(db, seriesUid)      // its instances' UIDs in display order, no files read
 *   storedSizesOfStudy(db, studyUid)         // a study's stored instances and sizes, no files read
 *   db.syncState.get(caseId)                  // queued | syncing | ready | error, done/total, errors
 *   new DexieSyncStore(db, { budgetBytes })   // the sync engine's store port (`sync-store.ts`)
 *
 * Schema versions are declarations; each later version says what it adds and migrates rows in
 * its `upgrade`. Never change a released version: add one.
 */
import { Dexie, type DexieOptions, type EntityTable, type Table, type Transaction } from 'dexie';
import type {
  AnnotationRow,
  AssignmentRow,
  AuditRow,
  CaseUsageRow,
  ContextRow,
  DraftRow,
  ImportRow,
  InstanceRow,
  InstanceRowV1,
  OriginalReportRow,
  OutboxRow,
  PriorLinkRow,
  ProtocolRow,
  SeriesRow,
  SignedReportRow,
  StudyRow,
  SyncStateRow,
} from './rows.ts';

export const DB_NAME = 'tandem';

/** Version 1: the tables of ARCHITECTURE.md. First key is the primary key; `*` multi-entry; `[a+b]` compound. */
export const SCHEMA_V1 = {
  assignments: 'caseId, priority, dueAt, status',
  studies: 'studyInstanceUid, *caseIds',
  series: 'seriesInstanceUid, studyInstanceUid',
  instances: 'sopInstanceUid, studyInstanceUid, seriesInstanceUid, *caseIds',
  contexts: 'caseId',
  priorLinks: '[caseId+studyInstanceUid], caseId, studyInstanceUid',
  drafts: 'draftId, caseId',
  signedReports: 'reportId, caseId',
  outbox: 'idempotencyKey, caseId, state',
  annotations: 'annotationId, caseId, sopInstanceUid',
  audit: '++seq, at, type',
  syncState: 'caseId, state',
} as const;

/**
 * Version 2, for cache eviction: instances remember when they were last read (`lastAccessedAt`),
 * `caseUsage` keeps per case the bytes it holds and when it was last opened (LRU order of cases),
 * and the outbox answers "does this case hold an unsent report" from one compound index.
 */
export const SCHEMA_V2 = {
  ...SCHEMA_V1,
  instances: 'sopInstanceUid, studyInstanceUid, seriesInstanceUid, *caseIds, lastAccessedAt',
  outbox: 'idempotencyKey, caseId, state, [caseId+state]',
  caseUsage: 'caseId, lastAccessedAt',
} as const;

/**
 * Version 3 adds tables only (no row changes): `protocols` (hanging protocols the user saved),
 * `originalReports` (a second opinion's original report, fetched only after the second read is
 * signed and received), and `imports` (local imports of a patient's CD: what was read, what
 * was rejected and why).
 */
export const SCHEMA_V3 = {
  ...SCHEMA_V2,
  protocols: 'protocolId, updatedAt',
  originalReports: 'caseId',
  imports: 'importId, caseId, startedAt',
} as const;

/**
 * Version 4 adds indexes only: a series' instances in display order (InstanceNumber, then SOP
 * Instance UID) and its multi-frame instances with their frame counts, read from the indexes
 * alone. Every instance row carries its file, and IndexedDB hands a row over whole: reading a
 * series' few hundred rows just to order them cost each opening of a case about 100 ms.
 */
export const SCHEMA_V4 = {
  ...SCHEMA_V3,
  instances:
    'sopInstanceUid, studyInstanceUid, seriesInstanceUid, *caseIds, lastAccessedAt, [seriesInstanceUid+instanceNumber], [seriesInstanceUid+numberOfFrames]',
} as const;

/**
 * Version 5 adds an index only: a study's instances with their sizes
 * (`[studyInstanceUid+sopInstanceUid+size]`), so the sync worker learns what a study already has
 * stored, and the cache's bytes are summed, from the index alone. Reading the rows themselves hands
 * over every row's file: at each start the sync worker read every stored study that way, and the
 * reader's first case, opened meanwhile, waited on those reads (hundreds of ms).
 */
export const SCHEMA_V5 = {
  ...SCHEMA_V4,
  instances: `${SCHEMA_V4.instances}, [studyInstanceUid+sopInstanceUid+size]`,
} as const;

const STUDY_SIZES = '[studyInstanceUid+sopInstanceUid+size]';

/** The instances of a study the cache holds, with their sizes in bytes; no files read. */
export async function storedSizesOfStudy(
  db: TandemDb,
  studyInstanceUid: string,
): Promise<Map<string, number>> {
  const keys = await db.instances
    .where(STUDY_SIZES)
    // every key of the study: IndexedDB orders a shorter array first, and an array after any string
    .between([studyInstanceUid], [studyInstanceUid, []])
    .keys();
  const out = new Map<string, number>();
  for (const key of keys) {
    const [, sop, size] = key as unknown as [string, string, number];
    out.set(sop, size);
  }
  return out;
}

/** Bytes of every instance the cache holds; no files read. */
export async function storedBytes(db: TandemDb): Promise<number> {
  const keys = await db.instances.orderBy(STUDY_SIZES).keys();
  let bytes = 0;
  for (const key of keys) bytes += (key as unknown as [string, string, number])[2];
  return bytes;
}

export class TandemDb extends Dexie {
  // `declare`: Dexie creates the tables; a class field would overwrite them after `super()`.
  declare assignments: EntityTable<AssignmentRow, 'caseId'>;
  declare studies: EntityTable<StudyRow, 'studyInstanceUid'>;
  declare series: EntityTable<SeriesRow, 'seriesInstanceUid'>;
  declare instances: EntityTable<InstanceRow, 'sopInstanceUid'>;
  declare contexts: EntityTable<ContextRow, 'caseId'>;
  declare priorLinks: Table<PriorLinkRow, [string, string]>;
  declare drafts: EntityTable<DraftRow, 'draftId'>;
  declare signedReports: EntityTable<SignedReportRow, 'reportId'>;
  declare outbox: EntityTable<OutboxRow, 'idempotencyKey'>;
  declare annotations: EntityTable<AnnotationRow, 'annotationId'>;
  declare audit: EntityTable<AuditRow, 'seq'>;
  declare syncState: EntityTable<SyncStateRow, 'caseId'>;
  declare caseUsage: EntityTable<CaseUsageRow, 'caseId'>;
  declare protocols: EntityTable<ProtocolRow, 'protocolId'>;
  declare originalReports: EntityTable<OriginalReportRow, 'caseId'>;
  declare imports: EntityTable<ImportRow, 'importId'>;

  constructor(name: string = DB_NAME, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V2).upgrade(upgradeToV2);
    this.version(3).stores(SCHEMA_V3);
    this.version(4).stores(SCHEMA_V4);
    this.version(5).stores(SCHEMA_V5);
  }
}

/**
 * v1 → v2: every instance gets `lastAccessedAt` (its `storedAt`: it was never read later, as far
 * as v1 knew), and every case with an assignment or instances gets a `caseUsage` row summing its
 * instances, last accessed when its newest instance was stored.
 */
export async function upgradeToV2(tx: Transaction): Promise<void> {
  const usage = new Map<string, CaseUsageRow>();
  const use = (caseId: string, at: number): CaseUsageRow => {
    let row = usage.get(caseId);
    if (!row) {
      row = { caseId, bytes: 0, instances: 0, lastAccessedAt: at };
      usage.set(caseId, row);
    }
    return row;
  };
  await tx
    .table<InstanceRowV1 & Partial<InstanceRow>, string>('instances')
    .toCollection()
    .modify((row) => {
      row.lastAccessedAt ??= row.storedAt;
      for (const caseId of row.caseIds) {
        const u = use(caseId, row.storedAt);
        u.bytes += row.size;
        u.instances += 1;
        u.lastAccessedAt = Math.max(u.lastAccessedAt, row.storedAt);
      }
    });
  await tx.table<AssignmentRow, string>('assignments').each((a) => {
    use(a.caseId, a.receivedAt);
  });
  await tx.table<CaseUsageRow, string>('caseUsage').bulkPut([...usage.values()]);
}

/** A cached instance as a series listing needs it: no file. */
export interface ListedInstance {
  sopInstanceUid: string;
  /** more than one frame (absent: one) */
  numberOfFrames?: number;
}

/**
 * The instances of a series held in the cache, in display order, from the indexes alone (no row,
 * so no file, is read). For rows, which carry no image position, display order
 * (`sortInstancesForDisplay`) is InstanceNumber, then SOP Instance UID: the order of the
 * `[seriesInstanceUid+instanceNumber]` index, whose entries of equal number go by primary key.
 * Instances without an InstanceNumber are not in that index; they follow, by UID (the order of
 * the `seriesInstanceUid` index).
 */
export function seriesInDisplayOrder(db: TandemDb, seriesUid: string): Promise<ListedInstance[]> {
  return db.transaction('r', db.instances, async () => {
    const range = (index: string, from: number) =>
      db.instances.where(index).between([seriesUid, from], [seriesUid, Dexie.maxKey], true, true);
    const multiFrame = range('[seriesInstanceUid+numberOfFrames]', 2);
    const [all, numbered, multiKeys, multiUids] = await Promise.all([
      db.instances.where('seriesInstanceUid').equals(seriesUid).primaryKeys(),
      range('[seriesInstanceUid+instanceNumber]', -Infinity).primaryKeys(),
      multiFrame.keys(),
      multiFrame.primaryKeys(),
    ]);
    const frames = new Map<string, number>();
    multiUids.forEach((uid, i) => {
      const key = multiKeys[i];
      if (Array.isArray(key) && typeof key[1] === 'number') frames.set(uid, key[1]);
    });
    const inOrder = new Set(numbered);
    const unnumbered = all.filter((uid) => !inOrder.has(uid));
    return [...numbered, ...unnumbered].map((sopInstanceUid) => {
      const n = frames.get(sopInstanceUid);
      return n === undefined ? { sopInstanceUid } : { sopInstanceUid, numberOfFrames: n };
    });
  });
}
