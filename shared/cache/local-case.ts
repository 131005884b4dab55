/**
 * Cases made on this workstation by a local import (a patient's CD), not assigned by the
 * teleradiology service. The sync engine never removes them (they are not on the server's
 * worklist) and the cache never evicts them: they exist nowhere else.
 */
export const LOCAL_CASE_PREFIX = 'local-';

export function isLocalCaseId(caseId: string): boolean {
  return caseId.startsWith(LOCAL_CASE_PREFIX);
}

/** A new local case id; it fits the route and API case-id pattern `[A-Za-z0-9-]+`. */
export function newLocalCaseId(): string {
  return `${LOCAL_CASE_PREFIX}${crypto.randomUUID()}`;
}
