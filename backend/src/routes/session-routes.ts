import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  LoginRequest,
  LoginResponse,
  SESSION_COOKIE,
  SessionInfo,
} from '../../../shared/api/contract.ts';
import type { AppServices } from '../app-services.ts';
import { authenticate, tokenOf, workstationOf } from '../auth/authenticate.ts';
import { UNMATCHABLE_HASH, verifyPassword } from '../auth/password-hash.ts';
import { publicUser, findUserByUsername } from '../auth/users.ts';
import { checkResponse, httpError, parseRequest } from '../http/api-errors.ts';

const NoQuery = z.strictObject({});

/** Sign in, who am I, sign out. */
export function sessionRoutes(services: AppServices) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.post('/session', async (request, reply) => {
      parseRequest(NoQuery, request.query, 'query string');
      if (request.body === undefined || request.body === null) {
        throw httpError(
          400,
          'invalid-request',
          'Send the user name and password as a JSON object.',
        );
      }
      const body = parseRequest(LoginRequest, request.body, 'sign-in request');
      const ip = request.ip;
      const wait = services.throttle.retryAfterSeconds(body.username, ip);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw httpError(
          429,
          'too-many-attempts',
          `Too many failed sign-in attempts. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`,
        );
      }
      const user = findUserByUsername(services.db, body.username);
      const ok = await verifyPassword(body.password, user?.passwordHash ?? UNMATCHABLE_HASH);
      if (!user || !ok) {
        services.throttle.recordFailure(body.username, ip);
        services.audit.append({
          userId: user?.id ?? null,
          username: body.username.slice(0, 64),
          action: 'session.sign-in',
          workstation: workstationOf(request),
          outcome: 'denied',
          detail: 'wrong-credentials',
        });
        throw httpError(401, 'wrong-credentials', 'Wrong user name or password.');
      }
      services.throttle.recordSuccess(body.username, ip);
      const { token, expiresAt } = services.sessions.create(user);
      services.audit.append({
        userId: user.id,
        username: user.username,
        action: 'session.sign-in',
        workstation: workstationOf(request),
        outcome: 'allowed',
      });
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: request.protocol === 'https',
        maxAge: Math.floor(services.options.sessionTtlSeconds),
      });
      return checkResponse(LoginResponse, {
        token,
        user: publicUser(user),
        expiresAt: expiresAt.toISOString(),
      });
    });

    app.get('/session', async (request) => {
      parseRequest(NoQuery, request.query, 'query string');
      const auth = authenticate(request, services);
      return checkResponse(SessionInfo, {
        user: auth.user,
        expiresAt: auth.expiresAt.toISOString(),
      });
    });

    app.delete('/session', async (request: FastifyRequest, reply: FastifyReply) => {
      parseRequest(NoQuery, request.query, 'query string');
      // Signing out always succeeds and clears the cookie, even for a session that already expired.
      let token: string | null;
      try {
        token = tokenOf(request);
      } catch {
        token = null;
      }
      if (token) {
        const found = services.sessions.lookup(token);
        if (found.status === 'valid') {
          services.sessions.revoke(found.tokenHash);
          services.audit.append({
            userId: found.session.user.id,
            username: found.session.user.username,
            action: 'session.sign-out',
            workstation: workstationOf(request),
            outcome: 'allowed',
          });
        }
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
      return reply.code(204).send();
    });
  };
}
