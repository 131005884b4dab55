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
