import type { WorklistItem } from '../api/contract.ts';

const same = <T>(a: T, b: T): boolean => a === b;
const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** How each field of an assignment compares: a field added to the contract must be added here. */
const FIELDS: { [K in keyof WorklistItem]-?: (a: WorklistItem[K], b: WorklistItem[K]) => boolean } =
  {
    caseId: same,
    kind: same,
    priority: same,
    dueAt: same,
    status: same,
    subspecialty: same,
    studyInstanceUid: same,
    accessionNumber: same,
    studyDate: same,
    description: same,
    modalities: sameList,
    bodyPart: same,
    patientName: same,
    patientId: same,
    numberOfInstances: same,
    numberOfPriors: same,
  };
const FIELD_NAMES = Object.keys(FIELDS) as (keyof WorklistItem)[];

/** The same assignment as the server describes it: every field of the contract equal. */
export function sameWorklistItem(a: WorklistItem, b: WorklistItem): boolean {
  return FIELD_NAMES.every((k) => (FIELDS[k] as (x: unknown, y: unknown) => boolean)(a[k], b[k]));
}

/**
 * The items that are new or differ from `before` (keyed by case). A worklist poll mostly
 * brings back what the last one did: only these need writing.
 */
export function changedWorklistItems(
  before: ReadonlyMap<string, WorklistItem>,
  items: readonly WorklistItem[],
): WorklistItem[] {
  return items.filter((item) => {
    const prev = before.get(item.caseId);
    return !prev || !sameWorklistItem(prev, item);
  });
}
