/**
 * Which cases to evict when the image cache would exceed its byte budget: pure logic over a
 * snapshot of the cache (ARCHITECTURE.md: "a configurable quota with LRU eviction of finished
 * cases never evicts an open, unsigned or unsent case").
 *
 * Only finished cases (reported, cancelled or no longer assigned) may go, least recently opened
 * first, and never one that is open, has an unsigned draft or an unsent report. Bytes shared by
 * several cases (a prior of two cases) are freed only when all of them go. When evicting every
 * case that may go would still not make room, nothing is evicted and the answer is
 * `storage-full`: sync stops until the radiologist finishes cases or the limit is raised.
 */

export interface CaseFootprint {
  caseId: string;
  /** when the case was last opened (or stored, if never opened) */
  lastAccessedAt: number;
  /** reported, cancelled or no longer assigned */
  finished: boolean;
  open: boolean;
  hasUnsignedDraft: boolean;
  hasUnsentReport: boolean;
  /** imported on this workstation (`local-case.ts`): its only copy, never evicted */
  local?: boolean;
}

/** Bytes held jointly by exactly these cases (the instances whose `caseIds` is this set). */
export interface Holding {
  caseIds: readonly string[];
  bytes: number;
}

export interface CacheSnapshot {
  usedBytes: number;
  cases: readonly CaseFootprint[];
  holdings: readonly Holding[];
}

export type EvictionPlan =
  | { kind: 'fits' }
  | { kind: 'evict'; caseIds: string[]; freedBytes: number }
  | { kind: 'storage-full'; shortBytes: number };

export type Protection = 'local' | 'open' | 'unsigned-draft' | 'unsent-report' | 'not-finished';

/** Why a case may not be evicted, or `null` when it may. */
export function protectionOf(c: CaseFootprint): Protection | null {
  if (c.local) return 'local';
  if (c.open) return 'open';
  if (c.hasUnsentReport) return 'unsent-report';
  if (c.hasUnsignedDraft) return 'unsigned-draft';
  if (!c.finished) return 'not-finished';
  return null;
}

export class CacheBudget {
  readonly budgetBytes: number;

  constructor(budgetBytes: number) {
    if (!(budgetBytes >= 0))
      throw new RangeError('the cache budget must be a non-negative number of bytes');
    this.budgetBytes = budgetBytes;
  }

  /** What to evict so that `incomingBytes` more fit in the budget. */
  plan(snapshot: CacheSnapshot, incomingBytes: number): EvictionPlan {
    const need = snapshot.usedBytes + incomingBytes - this.budgetBytes;
    if (need <= 0) return { kind: 'fits' };
    const candidates = snapshot.cases
      .filter((c) => protectionOf(c) === null)
      .sort(
        (a, b) =>
          a.lastAccessedAt - b.lastAccessedAt ||
          (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0),
      );
    const evicted = new Set<string>();
    const freedBy = () =>
      snapshot.holdings.reduce(
        (n, h) =>
          h.caseIds.length > 0 && h.caseIds.every((id) => evicted.has(id)) ? n + h.bytes : n,
        0,
      );
    let freed = 0;
    for (const c of candidates) {
      evicted.add(c.caseId);
      freed = freedBy();
      if (freed >= need) return { kind: 'evict', caseIds: [...evicted], freedBytes: freed };
    }
    return { kind: 'storage-full', shortBytes: need - freed };
  }
}
