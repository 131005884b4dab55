import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE, WORKSTATION_HEADER, type User } from '../../../shared/api/contract.ts';
import { httpError } from '../http/api-errors.ts';
import type { SessionStore } from './session-store.ts';
import { publicUser } from './users.ts';

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

/** onRequest hook body: authenticates or throws a 401 the user can act on. */
export function authenticate(request: FastifyRequest, sessions: SessionStore): AuthContext {
  const token = tokenOf(request);
  if (!token) throw httpError(401, 'unauthenticated', 'Sign in to continue.');
  const found = sessions.lookup(token);
  if (found.status === 'expired') {
    throw httpError(401, 'session-expired', 'Your session has expired. Sign in again to continue.');
  }
  if (found.status === 'unknown') {
    throw httpError(
      401,
      'unauthenticated',
      'Your session is no longer valid. Sign in again to continue.',
    );
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
