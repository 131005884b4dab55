import type { CaseDetail, WorklistItem } from '../../api/contract.ts';
import { storageFullError } from '../failure.ts';
import type { SyncStore } from '../ports.ts';
import type { CaseProgress, VerifiedInstance } from '../records.ts';

/**
 * The store port in memory, with the same rules as the Dexie adapter that matter to the engine:
 * studies are shared between cases and removed with their last case; an optional byte capacity
 * makes `putInstances` throw `storage-full`.
 */
export class MemoryStore implements SyncStore {
  readonly assignments = new Map<string, WorklistItem>();
  readonly cases = new Map<string, CaseDetail>();
  /** study UID → the cases that need it */
  readonly studyOwners = new Map<string, Set<string>>();
  readonly instances = new Map<string, VerifiedInstance>();
  readonly statuses = new Map<string, CaseProgress>();
  readonly unsentReports = new Set<string>();
  readonly removed: string[] = [];
  openCaseId: string | null = null;
  /** bytes the store can hold; Infinity by default */
  capacity = Infinity;
  putInstancesCalls = 0;
  /** instances in each write, in order */
  readonly writeSizes: number[] = [];
  /** awaited before every write of instances: a test may hold writes with it */
  beforePut: () => Promise<void> = () => Promise.resolve();

  usedBytes(): number {
    let n = 0;
    for (const i of this.instances.values()) n += i.size;
    return n;
  }

  async presentInstances(uids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const uid of uids) {
      const inst = this.instances.get(uid);
      if (inst) out.set(uid, inst.size);
    }
    return out;
  }

  async storedCaseIds(): Promise<string[]> {
    return [
      ...new Set([...this.assignments.keys(), ...this.cases.keys(), ...this.statuses.keys()]),
    ];
  }

  async putAssignments(items: readonly WorklistItem[]): Promise<void> {
    for (const item of items) this.assignments.set(item.caseId, item);
  }

  async putCase(detail: CaseDetail): Promise<void> {
    this.cases.set(detail.caseId, detail);
    for (const s of [detail.study, ...detail.priors]) {
      let owners = this.studyOwners.get(s.studyInstanceUid);
      if (!owners) {
        owners = new Set();
        this.studyOwners.set(s.studyInstanceUid, owners);
      }
      owners.add(detail.caseId);
    }
  }

  async putInstances(
    instances: readonly VerifiedInstance[],
    statuses: readonly CaseProgress[] = [],
  ): Promise<void> {
    this.putInstancesCalls++;
    this.writeSizes.push(instances.length);
    await this.beforePut();
    const incoming = instances.reduce((n, i) => n + i.size, 0);
    if (this.usedBytes() + incoming > this.capacity) {
      throw storageFullError(this.usedBytes() + incoming - this.capacity, this.capacity);
    }
    for (const inst of instances) {
      if (!this.studyOwners.get(inst.studyInstanceUid)?.size) {
        throw new Error('instance of a study no case was put for');
      }
      this.instances.set(inst.sopInstanceUid, inst);
    }
    for (const s of statuses) this.statuses.set(s.caseId, s);
  }

  async removeCase(caseId: string): Promise<void> {
    this.removed.push(caseId);
    this.assignments.delete(caseId);
    this.cases.delete(caseId);
    this.statuses.delete(caseId);
    for (const [uid, owners] of this.studyOwners) {
      owners.delete(caseId);
      if (owners.size) continue;
      this.studyOwners.delete(uid);
      for (const [sop, inst] of this.instances)
        if (inst.studyInstanceUid === uid) this.instances.delete(sop);
    }
  }

  async holdsUnsentReport(caseId: string): Promise<boolean> {
    return this.unsentReports.has(caseId);
  }

  async saveCaseStatus(statuses: readonly CaseProgress[]): Promise<void> {
    for (const s of statuses) this.statuses.set(s.caseId, s);
  }

  async openCase(caseId: string | null): Promise<void> {
    this.openCaseId = caseId;
  }
}
