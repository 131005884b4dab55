import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE, WORKSTATION_HEADER, type User } from '../../../shared/api/contract.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Db } from '../db/database.ts';
import { httpError } from '../http/api-errors.ts';
import type { SessionStore } from './session-store.ts';
import { findUserById, publicUser } from './users.ts';

export interface AuthContext {
  user: User;
  expiresAt: Date;
  tokenHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** The session token of a request: `Authorization: Bearer …` first, else the session cookie. */
export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+([A-Za-z0-9_\-.~+/]+=*)\s*$/i.exec(header);
    if (!m)
      throw httpError(
        401,
        'unauthenticated',
        'The Authorization header is not a bearer token. Sign in again.',
      );
    return m[1]!;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? cookie : null;
}

/** What `authenticate` needs: the sessions, and the audit log that records every refusal. */
export interface AuthServices {
  db: Db;
  sessions: SessionStore;
  audit: AuditLog;
}

/**
 * onRequest hook body: authenticates or throws a 401 the user can act on. Every refusal is
 * audited like a 403: the method and route pattern (never the URL, whose query can carry patient
 * IDs), the refusal code and, for an expired session, whose it was.
 */
export function authenticate(request: FastifyRequest, services: AuthServices): AuthContext {
  const refuse = (code: string, message: string, userId: string | null = null): never => {
    const user = userId === null ? undefined : findUserById(services.db, userId);
    services.audit.append({
      userId,
      username: user?.username ?? null,
      action: 'session.refused',
      workstation: workstationOf(request),
      outcome: 'denied',
      detail: `${code} ${request.method} ${request.routeOptions.url ?? 'unmatched'}`.slice(0, 200),
    });
    throw httpError(401, code, message);
  };
  let token: string | null;
  try {
    token = tokenOf(request);
  } catch (err) {
    return refuse('unauthenticated', err instanceof Error ? err.message : 'Sign in to continue.');
  }
  if (!token) return refuse('unauthenticated', 'Sign in to continue.');
  const found = services.sessions.lookup(token);
  if (found.status === 'expired') {
    return refuse(
      'session-expired',
      'Your session has expired. Sign in again to continue.',
      found.userId,
    );
  }
  if (found.status === 'unknown') {
    return refuse('unauthenticated', 'Your session is no longer valid. Sign in again to continue.');
  }
  const auth = {
    user: publicUser(found.session.user),
    expiresAt: found.session.expiresAt,
    tokenHash: found.tokenHash,
  };
  request.auth = auth;
  return auth;
}

export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw httpError(401, 'unauthenticated', 'Sign in to continue.');
  return request.auth;
}

/** The workstation named by the client, reduced to a safe short token for the audit log. */
export function workstationOf(request: FastifyRequest): string | null {
  const raw = request.headers[WORKSTATION_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return null;
  const cleaned = value.replace(/[^A-Za-z0-9._:@-]/g, '').slice(0, 64);
  return cleaned || 'unnamed';
}
