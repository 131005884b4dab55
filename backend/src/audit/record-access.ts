import type { FastifyRequest } from 'fastify';
import { workstationOf, type AuthContext } from '../auth/authenticate.ts';
import type { AuditLog } from './audit-log.ts';

/** Where an access happened: the case and study it concerns, and a short non-PHI note. */
export interface AccessWhere {
  caseId?: string | null;
  studyUid?: string | null;
  detail?: string | null;
}

/**
 * A recorder of the signed-in user's accesses, allowed or denied, for one group of routes: an
 * audit row with who, from which workstation, what and where.
 */
export function accessRecorder(audit: AuditLog) {
  return (
    request: FastifyRequest,
    auth: AuthContext,
    action: string,
    outcome: 'allowed' | 'denied',
    where: AccessWhere = {},
  ): void => {
    audit.append({
      userId: auth.user.id,
      username: auth.user.username,
      action,
      caseId: where.caseId ?? null,
      studyUid: where.studyUid ?? null,
      workstation: workstationOf(request),
      outcome,
      detail: where.detail ?? null,
    });
  };
}
