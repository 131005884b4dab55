import type { CaseDetail, WorklistItem } from '../api/contract.ts';
import { StudySummary } from '../domain/case.ts';
import { storageFullError } from '../sync/failure.ts';
import { sameWorklistItem } from '../sync/worklist-diff.ts';
import type { InstanceBodyKind, PreparedBlob, SyncStore } from '../sync/ports.ts';
import type { CaseProgress, VerifiedInstance } from '../sync/records.ts';
import {
  CacheBudget,
  type CacheSnapshot,
  type CaseFootprint,
  type EvictionPlan,
} from './cache-budget.ts';
import { PLAIN_CIPHER, type AtRestCipher } from './at-rest-cipher.ts';
import { storedBytes, storedSizesOfStudy, type TandemDb } from './db.ts';
import { isLocalCaseId } from './local-case.ts';
import {
  UNSENT_OUTBOX_STATES,
  type CaseUsageRow,
  type InstanceRow,
  type StudyRow,
} from './rows.ts';

export interface DexieSyncStoreOptions {
  /** bytes of instances the cache may hold (default: no limit but the browser's quota) */
  budgetBytes?: number;
  now?: () => number;
  /** told which cases were evicted to make room */
  onEvicted?: (caseIds: readonly string[]) => void;
  /** seals each Part-10 blob before it is stored (Electron: AES-GCM under the workstation key) */
  cipher?: AtRestCipher;
}

const STUDY_FIELDS = StudySummary.omit({ series: true });

/** The Dexie tables one case's metadata lives in. */
const CASE_TABLES = [
  'assignments',
  'contexts',
  'studies',
  'series',
  'instances',
  'priorLinks',
  'syncState',
  'caseUsage',
  'drafts',
  'annotations',
  'originalReports',
] as const;

function sameProgress(a: CaseProgress, b: CaseProgress): boolean {
  return (
    a.state === b.state &&
    a.instancesDone === b.instancesDone &&
    a.instancesTotal === b.instancesTotal &&
    a.bytesDone === b.bytesDone &&
    JSON.stringify(a.errors) === JSON.stringify(b.errors)
  );
}

function isQuotaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (
      typeof e === 'object' &&
      'name' in e &&
      (e as { name: unknown }).name === 'QuotaExceededError'
    )
      return true;
    e = typeof e === 'object' && 'inner' in e ? (e as { inner: unknown }).inner : undefined;
  }
  return false;
}

/**
 * The sync engine's store port over the `tandem` database. Studies, series and instances are
 * shared between the cases that need them (`caseIds`); they go when their last case goes.
 * Before storing instances it keeps the cache within its budget, evicting finished cases in LRU
 * order (`CacheBudget`), and throws `storage-full` when that cannot make room — as it does when
 * the browser's own quota is exceeded.
 */
export class DexieSyncStore implements SyncStore {
  private readonly db: TandemDb;
  private readonly now: () => number;
  private readonly onEvicted: ((caseIds: readonly string[]) => void) | undefined;
  private readonly cipher: AtRestCipher;
  private budget: CacheBudget | undefined;
  private openCaseId: string | null = null;
  /** bytes of all instances, counted once on first need, then kept up to date by this adapter */
  private usedBytes: number | undefined;

  constructor(db: TandemDb, opts: DexieSyncStoreOptions = {}) {
    this.db = db;
    this.now = opts.now ?? (() => Date.now());
    this.onEvicted = opts.onEvicted;
    this.cipher = opts.cipher ?? PLAIN_CIPHER;
    this.setBudget(opts.budgetBytes);
  }

  /**
   * Sealing reads every file into memory anyway: then the engine downloads into memory once,
   * instead of into a Blob that is read back to be sealed. Plain, the bytes never enter
   * JavaScript.
   */
  get instanceBody(): InstanceBodyKind {
    return this.cipher.encrypts ? 'bytes' : 'blob';
  }

  /**
   * The blob to store, sealed when the cipher encrypts; with the file's `header` (the verifier
   * read it), that header beside it (`VerifiedInstance.header`), sealed the same way, so the viewer
   * can read an image's metadata without reading and opening its whole file.
   */
  async prepareBlob(
    body: Blob | Uint8Array<ArrayBuffer>,
    header?: Uint8Array<ArrayBuffer>,
  ): Promise<PreparedBlob> {
    // the header first: it is a view of the body, which `seal` may take
    const sealedHeader = header?.byteLength ? await this.cipher.sealBytes(header) : undefined;
    const prepared: PreparedBlob = {
      blob: await this.cipher.seal(body),
      sealed: this.cipher.encrypts,
    };
    if (sealedHeader) prepared.header = sealedHeader;
    return prepared;
  }

  /** Changes the budget; `undefined` or `Infinity` removes it. Takes effect at the next store. */
  setBudget(budgetBytes: number | undefined): void {
    this.budget =
      budgetBytes === undefined || budgetBytes === Infinity
        ? undefined
        : new CacheBudget(budgetBytes);
  }

  async presentInstances(
    uids: readonly string[],
    studyInstanceUid?: string,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (studyInstanceUid !== undefined) {
      // from the index alone: the rows would each hand over their file
      const stored = await storedSizesOfStudy(this.db, studyInstanceUid);
      for (const uid of uids) {
        const size = stored.get(uid);
        if (size !== undefined) out.set(uid, size);
      }
      return out;
    }
    const rows = await this.db.instances.bulkGet([...uids]);
    for (const row of rows) if (row) out.set(row.sopInstanceUid, row.size);
    return out;
  }

  async storedCaseIds(): Promise<string[]> {
    const keys = await Promise.all([
      this.db.assignments.toCollection().primaryKeys(),
      this.db.contexts.toCollection().primaryKeys(),
      this.db.syncState.toCollection().primaryKeys(),
      this.db.caseUsage.toCollection().primaryKeys(),
      this.db.originalReports.toCollection().primaryKeys(),
    ]);
    // local imports are not the engine's to remove: the server never lists them
    return [...new Set(keys.flat())].filter((caseId) => !isLocalCaseId(caseId));
  }

  /**
   * Writes only the items that are new or changed (`receivedAt` is when a row last changed): a
   * poll that brings back what is stored writes nothing, and so wakes no live query. A case's
   * usage row comes with its detail (`putCase`), not with its assignment.
   */
  async putAssignments(items: readonly WorklistItem[]): Promise<void> {
    if (!items.length) return;
    const at = this.now();
    const db = this.db;
    await db.transaction('rw', db.assignments, async () => {
      const stored = await db.assignments.bulkGet(items.map((i) => i.caseId));
      const changed = items.filter((item, k) => {
        const row = stored[k];
        return !row || !sameWorklistItem(row, item);
      });
      if (changed.length)
        await db.assignments.bulkPut(changed.map((i) => ({ ...i, receivedAt: at })));
    });
  }

  async putCase(detail: CaseDetail): Promise<void> {
    const db = this.db;
    const at = this.now();
    const caseId = detail.caseId;
    const studies = [detail.study, ...detail.priors];
    const reports = [undefined, ...detail.priors.map((p) => p.report)];
    const uids = studies.map((s) => s.studyInstanceUid);
    await db.transaction(
      'rw',
      [db.contexts, db.studies, db.series, db.instances, db.priorLinks, db.caseUsage],
      async () => {
        await db.contexts.put({
          caseId,
          kind: detail.kind,
          context: detail.context,
          hasOriginalReport: detail.hasOriginalReport,
          storedAt: at,
        });
        // priors the case no longer lists are released first; studies imported locally and
        // attached to the case (`renderer/import`) are not the server's to list, so they stay
        const before = await db.studies.where('caseIds').equals(caseId).toArray();
        const attached = new Set(
          before
            .filter((s) => !uids.includes(s.studyInstanceUid) && s.caseIds.some(isLocalCaseId))
            .map((s) => s.studyInstanceUid),
        );
        const released = before
          .map((s) => s.studyInstanceUid)
          .filter((uid) => !uids.includes(uid) && !attached.has(uid));
        await this.releaseStudies(caseId, released);
        const existing = await db.studies.bulkGet(uids);
        const rows: StudyRow[] = studies.map((s, i) => {
          const summary = STUDY_FIELDS.parse(s); // drops `series` and a prior's `report`
          const prev = existing[i];
          return {
            ...summary,
            report: reports[i] ?? prev?.report ?? null,
            caseIds: [...new Set([...(prev?.caseIds ?? []), caseId])],
          };
        });
        await db.studies.bulkPut(rows);
        // instances already stored for another case (a shared prior) now also belong to this one
        let linked = false;
        for (let i = 0; i < studies.length; i++) {
          if (existing[i] && !existing[i]!.caseIds.includes(caseId)) {
            linked = true;
            await db.instances
              .where('studyInstanceUid')
              .equals(uids[i]!)
              .modify((row) => {
                if (!row.caseIds.includes(caseId)) row.caseIds.push(caseId);
              });
          }
        }
        await db.series.bulkPut(
          studies.flatMap((s) =>
            s.series.map((series) => ({ ...series, studyInstanceUid: s.studyInstanceUid })),
          ),
        );
        await db.priorLinks
          .where('caseId')
          .equals(caseId)
          .filter((l) => !attached.has(l.studyInstanceUid))
          .delete();
        await db.priorLinks.bulkPut(
          detail.priors.map((p, order) => ({
            caseId,
            studyInstanceUid: p.studyInstanceUid,
            order,
          })),
        );
        // The case's bytes change here only when studies left it or stored ones joined it (or it
        // is new); otherwise `putInstances` keeps them. Counting reads every row of the case, its
        // files with them, while this transaction holds the instances: the sync worker puts every
        // case again at each start, just when the reader opens the first one.
        const created = await this.ensureUsage([caseId], at);
        if (created || linked || released.length) await this.recountUsage([caseId]);
      },
    );
  }

  async putInstances(
    instances: readonly VerifiedInstance[],
    statuses: readonly CaseProgress[] = [],
  ): Promise<void> {
    if (!instances.length) return this.saveCaseStatus(statuses);
    const db = this.db;
    const incoming = instances.reduce((n, i) => n + i.size, 0);
    if (this.budget) await this.makeRoom(this.budget, incoming);
    // Sealed outside the transaction (IndexedDB transactions end when they wait on anything
    // else); the sync engine has usually sealed them already (`prepareBlob`).
    const prepared = await Promise.all(
      instances.map((i) =>
        i.sealed === undefined ? this.prepareBlob(i.blob) : { blob: i.blob, sealed: i.sealed },
      ),
    );
    const at = this.now();
    let added = 0;
    try {
      // The cases' progress goes in the same transaction (one write per batch). Requests that do
      // not depend on each other go out together: each awaited one costs a round trip to the
      // browser's IndexedDB, and the batch writes are what the sync waits on.
      const tables = [db.instances, db.studies, db.caseUsage, db.syncState];
      await db.transaction('rw', tables, async () => {
        const [studies, previous] = await Promise.all([
          db.studies.bulkGet([...new Set(instances.map((i) => i.studyInstanceUid))]),
          db.instances.bulkGet(instances.map((i) => i.sopInstanceUid)),
          statuses.length
            ? db.syncState.bulkPut(statuses.map((s) => ({ ...s, updatedAt: at })))
            : undefined,
        ]);
        const owners = new Map(
          studies.filter((s) => s !== undefined).map((s) => [s.studyInstanceUid, s.caseIds]),
        );
        const rows: InstanceRow[] = [];
        const usage = new Map<string, { bytes: number; instances: number }>();
        instances.forEach((inst, i) => {
          const caseIds = owners.get(inst.studyInstanceUid);
          // the case was removed while this was in flight: nothing needs the instance any more
          if (!caseIds?.length) return;
          const prev = previous[i];
          const { sealed: _, ...fields } = inst;
          rows.push({
            ...fields,
            blob: prepared[i]!.blob,
            ...(prepared[i]!.sealed ? { sealed: true } : {}),
            caseIds,
            storedAt: at,
            lastAccessedAt: prev?.lastAccessedAt ?? at,
          });
          const delta = inst.size - (prev?.size ?? 0);
          added += delta;
          for (const caseId of caseIds) {
            const u = usage.get(caseId) ?? { bytes: 0, instances: 0 };
            u.bytes += delta;
            u.instances += prev ? 0 : 1;
            usage.set(caseId, u);
          }
        });
        const [, usageRows] = await Promise.all([
          db.instances.bulkPut(rows),
          db.caseUsage.bulkGet([...usage.keys()]),
        ]);
        await db.caseUsage.bulkPut(
          [...usage.entries()].map(([caseId, u], i) => {
            const row = usageRows[i] ?? { caseId, bytes: 0, instances: 0, lastAccessedAt: at };
            return { ...row, bytes: row.bytes + u.bytes, instances: row.instances + u.instances };
          }),
        );
      });
    } catch (err) {
      if (isQuotaError(err)) {
        throw storageFullError(incoming, this.budget?.budgetBytes ?? (await this.countUsedBytes()));
      }
      throw err;
    }
    if (this.usedBytes !== undefined) this.usedBytes += added;
  }

  async removeCase(caseId: string): Promise<void> {
    const db = this.db;
    await db.transaction(
      'rw',
      CASE_TABLES.map((t) => db.table(t)),
      async () => {
        const studies = await db.studies.where('caseIds').equals(caseId).primaryKeys();
        await this.releaseStudies(caseId, studies);
        await Promise.all([
          db.assignments.delete(caseId),
          db.contexts.delete(caseId),
          db.syncState.delete(caseId),
          db.caseUsage.delete(caseId),
          db.priorLinks.where('caseId').equals(caseId).delete(),
          // a case no longer assigned cannot be reported: its drafts and annotations go with it
          // (signed reports, the outbox and the audit log stay)
          db.drafts.where('caseId').equals(caseId).delete(),
          db.annotations.where('caseId').equals(caseId).delete(),
          // a second opinion's original report is patient data the case no longer justifies
          db.originalReports.delete(caseId),
        ]);
      },
    );
  }

  async holdsUnsentReport(caseId: string): Promise<boolean> {
    const n = await this.db.outbox
      .where('[caseId+state]')
      .anyOf(UNSENT_OUTBOX_STATES.map((state) => [caseId, state]))
      .count();
    return n > 0;
  }

  /** Writes only the cases whose progress differs from what is stored. */
  async saveCaseStatus(statuses: readonly CaseProgress[]): Promise<void> {
    if (!statuses.length) return;
    const at = this.now();
    const db = this.db;
    await db.transaction('rw', db.syncState, async () => {
      const stored = await db.syncState.bulkGet(statuses.map((s) => s.caseId));
      const changed = statuses.filter((s, k) => {
        const row = stored[k];
        return !row || !sameProgress(row, s);
      });
      if (changed.length) await db.syncState.bulkPut(changed.map((s) => ({ ...s, updatedAt: at })));
    });
  }

  async openCase(caseId: string | null, at: number): Promise<void> {
    this.openCaseId = caseId;
    if (caseId === null) return;
    await this.db.transaction('rw', this.db.caseUsage, async () => {
      const row = await this.db.caseUsage.get(caseId);
      await this.db.caseUsage.put({
        ...(row ?? { caseId, bytes: 0, instances: 0 }),
        lastAccessedAt: at,
      });
    });
  }

  /** Evicts finished cases until the cache is within budget; for when the budget was lowered. */
  async evictToBudget(): Promise<EvictionPlan> {
    if (!this.budget) return { kind: 'fits' };
    const snapshot = await this.snapshot();
    const plan = this.budget.plan(snapshot, 0);
    if (plan.kind === 'evict') await this.evict(plan.caseIds);
    return plan;
  }

  /** The cache as `CacheBudget` sees it. */
  async snapshot(): Promise<CacheSnapshot> {
    const db = this.db;
    return db.transaction(
      'r',
      [db.instances, db.caseUsage, db.assignments, db.drafts, db.outbox],
      async () => {
        let used = 0;
        const holdings = new Map<string, { caseIds: string[]; bytes: number }>();
        await db.instances.each((row) => {
          used += row.size;
          const caseIds = [...row.caseIds].sort();
          const key = caseIds.join('\n');
          const h = holdings.get(key) ?? { caseIds, bytes: 0 };
          h.bytes += row.size;
          holdings.set(key, h);
        });
        const [usage, assignments, draftCases, unsent] = await Promise.all([
          db.caseUsage.toArray(),
          db.assignments.toArray(),
          db.drafts.orderBy('caseId').uniqueKeys(),
          db.outbox
            .where('state')
            .anyOf([...UNSENT_OUTBOX_STATES])
            .toArray(),
        ]);
        const status = new Map(assignments.map((a) => [a.caseId, a.status]));
        const drafts = new Set(draftCases.map(String));
        const unsentCases = new Set(unsent.map((o) => o.caseId));
        const cases: CaseFootprint[] = usage.map((u) => {
          const s = status.get(u.caseId);
          return {
            caseId: u.caseId,
            lastAccessedAt: u.lastAccessedAt,
            finished: s === undefined || s === 'reported' || s === 'cancelled',
            local: isLocalCaseId(u.caseId),
            open: u.caseId === this.openCaseId,
            hasUnsignedDraft: drafts.has(u.caseId),
            hasUnsentReport: unsentCases.has(u.caseId),
          };
        });
        this.usedBytes = used;
        return { usedBytes: used, cases, holdings: [...holdings.values()] };
      },
    );
  }

  // ---- internals ------------------------------------------------------------------------------

  private async makeRoom(budget: CacheBudget, incoming: number): Promise<void> {
    const used = this.usedBytes ?? (await this.countUsedBytes());
    if (used + incoming <= budget.budgetBytes) return;
    // Over budget by the running count: look at the cache as it is (another tab may have changed it).
    const plan = budget.plan(await this.snapshot(), incoming);
    if (plan.kind === 'storage-full') throw storageFullError(plan.shortBytes, budget.budgetBytes);
    if (plan.kind === 'evict') await this.evict(plan.caseIds);
  }

  private async countUsedBytes(): Promise<number> {
    const used = await storedBytes(this.db);
    this.usedBytes = used;
    return used;
  }

  /**
   * Evicted cases keep their assignment and context (small, shown offline) but lose their images
   * and a second opinion's original report (fetched again from the backend when opened).
   */
  private async evict(caseIds: readonly string[]): Promise<void> {
    const db = this.db;
    await db.transaction(
      'rw',
      [db.studies, db.series, db.instances, db.syncState, db.caseUsage, db.originalReports],
      async () => {
        for (const caseId of caseIds) {
          const studies = await db.studies.where('caseIds').equals(caseId).primaryKeys();
          await this.releaseStudies(caseId, studies);
          await db.syncState.delete(caseId);
          await db.originalReports.delete(caseId);
        }
        await this.recountUsage(caseIds);
      },
    );
    this.onEvicted?.(caseIds);
  }

  /** The case no longer needs these studies: drop it from them, and delete what nobody needs. */
  private async releaseStudies(caseId: string, uids: readonly string[]): Promise<void> {
    const db = this.db;
    for (const uid of uids) {
      const study = await db.studies.get(uid);
      if (!study) continue;
      const caseIds = study.caseIds.filter((id) => id !== caseId);
      if (caseIds.length) {
        await db.studies.put({ ...study, caseIds });
        await db.instances
          .where('studyInstanceUid')
          .equals(uid)
          .modify((row) => {
            row.caseIds = row.caseIds.filter((id) => id !== caseId);
          });
        continue;
      }
      let freed = 0;
      await db.instances
        .where('studyInstanceUid')
        .equals(uid)
        .each((row) => {
          freed += row.size;
        });
      await db.instances.where('studyInstanceUid').equals(uid).delete();
      await db.series.where('studyInstanceUid').equals(uid).delete();
      await db.studies.delete(uid);
      if (this.usedBytes !== undefined) this.usedBytes -= freed;
    }
  }

  /** Gives the cases without a usage row one; whether any was missing. */
  private async ensureUsage(caseIds: readonly string[], at: number): Promise<boolean> {
    const rows = await this.db.caseUsage.bulkGet([...caseIds]);
    const missing: CaseUsageRow[] = caseIds
      .filter((_, i) => !rows[i])
      .map((caseId) => ({ caseId, bytes: 0, instances: 0, lastAccessedAt: at }));
    if (missing.length) await this.db.caseUsage.bulkPut(missing);
    return missing.length > 0;
  }

  private async recountUsage(caseIds: readonly string[]): Promise<void> {
    for (const caseId of caseIds) {
      const row = await this.db.caseUsage.get(caseId);
      if (!row) continue;
      let bytes = 0;
      let instances = 0;
      await this.db.instances
        .where('caseIds')
        .equals(caseId)
        .each((i) => {
          bytes += i.size;
          instances++;
        });
      await this.db.caseUsage.put({ ...row, bytes, instances });
    }
  }
}
