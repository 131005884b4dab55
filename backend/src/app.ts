import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { AppServices } from './app-services.ts';
import { AuditLog } from './audit/audit-log.ts';
import { authenticate } from './auth/authenticate.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { SessionStore } from './auth/session-store.ts';
import { AccessPolicy } from './cases/access-policy.ts';
import { StudyCatalog } from './cases/study-catalog.ts';
import type { BackendOptions } from './config/cli-args.ts';
import { openDatabase } from './db/database.ts';
import { LocalDicomStore } from './dicom/local-store.ts';
import { ProxyDicomStore } from './dicom/proxy-store.ts';
import {
  answerClientError,
  errorBodyFor,
  installErrorHandlers,
  sendError,
} from './http/api-errors.ts';
import { UI_CONTENT_SECURITY_POLICY } from './http/content-security-policy.ts';
import { caseRoutes } from './routes/case-routes.ts';
import { dicomwebRoutes } from './routes/dicomweb-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { qaRoutes } from './routes/qa-routes.ts';
import { reportRoutes } from './routes/report-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { seedDemo } from './seed/demo-seed.ts';
import { BACKEND_VERSION } from './version.ts';

export interface Backend {
  app: FastifyInstance;
  services: AppServices;
  /** Listens and returns the port actually bound. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Builds the server: state, DICOM store, optional demo seed, routes. Does not listen yet. */
export async function createBackend(
  options: BackendOptions,
  signal?: AbortSignal,
): Promise<Backend> {
  const app = Fastify({
    logger: {
      level: process.env['TANDEM_LOG_LEVEL'] ?? 'info',
      // stdout carries only the listening line that tools wait for.
      stream: process.stderr,
    },
    // Fastify's own request lines would log URLs; our onResponse hook logs a PHI-free line instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    frameworkErrors(error, _request, reply) {
      const { status, code, message } = errorBodyFor(error);
      void sendError(reply, status, code, message);
    },
  });

  const db = openDatabase(options.dataDir);
  const local = options.dicomweb ? null : new LocalDicomStore(db, options.dataDir, app.log);
  const proxy = options.dicomweb ? new ProxyDicomStore(options.dicomweb, app.log) : null;
  const store = (local ?? proxy)!;
  const catalog = new StudyCatalog(store, proxy ? 30_000 : 0);
  const access = new AccessPolicy(db, catalog, 10_000);
  const services: AppServices = {
    options,
    version: BACKEND_VERSION,
    db,
    sessions: new SessionStore(db, options.sessionTtlSeconds),
    throttle: new LoginThrottle(),
    audit: new AuditLog(db),
    store,
    catalog,
    access,
    storeChanged() {
      catalog.invalidate();
      access.invalidate();
    },
  };

  app.addHook('onClose', async () => {
    await store.close();
    db.close();
  });

  try {
    if (proxy) {
      await proxy.ping().catch((err: unknown) => {
        app.log.warn(
          { reason: err instanceof Error ? err.message : 'unknown' },
          'the upstream PACS does not answer yet',
        );
      });
    }
    if (options.seed === 'demo')
      await seedDemo({ db, dataDir: options.dataDir, log: app.log, local, proxy }, signal);
    if (local) {
      const result = await local.scan();
      app.log.info(result, 'DICOM index up to date');
    }
  } catch (err) {
    db.close();
    throw err;
  }

  await registerRoutes(app, services);
  return {
    app,
    services,
    async listen() {
      await app.listen({ port: options.port, host: options.host });
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : options.port;
    },
    close: () => app.close(),
  };
}

async function registerRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const { options } = services;
  installErrorHandlers(app);
  app.decorateRequest('auth', null);
  await app.register(fastifyCookie);

  // Log method, route pattern, status and time only: URLs can carry patient IDs in QIDO queries.
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    // Pages (the renderer's index.html in browser mode) get the same policy as its <meta> tag.
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', UI_CONTENT_SECURITY_POLICY);
      reply.header('referrer-policy', 'no-referrer');
    }
    return payload;
  });

  const secured =
    (register: (scope: FastifyInstance) => Promise<void>) => async (scope: FastifyInstance) => {
      scope.addHook('onRequest', async (request) => {
        authenticate(request, services);
      });
      await register(scope);
    };

  await app.register(
    async (api) => {
      await api.register(healthRoutes(services));
      await api.register(sessionRoutes(services));
      await api.register(secured(async (scope) => scope.register(caseRoutes(services))));
      await api.register(secured(async (scope) => scope.register(reportRoutes(services))));
      await api.register(secured(async (scope) => scope.register(qaRoutes(services))));
    },
    { prefix: '/api' },
  );
  await app.register(
    secured(async (scope) => scope.register(dicomwebRoutes(services))),
    { prefix: '/dicom-web' },
  );

  const uiDir = options.uiDir;
  const hasUi = uiDir !== null && existsSync(path.join(uiDir, 'index.html'));
  if (uiDir !== null && !hasUi)
    app.log.warn('--ui folder has no index.html: not serving a renderer');
  if (hasUi) {
    await app.register(fastifyStatic, {
      root: uiDir,
      wildcard: false,
      index: ['index.html'],
      setHeaders(reply, filePath) {
        if (filePath.endsWith('index.html')) reply.header('cache-control', 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    const isApi = /^\/(api|dicom-web)(\/|$)/.test(pathname);
    if (hasUi && !isApi && (request.method === 'GET' || request.method === 'HEAD')) {
      // A single-page app: unknown paths are routes of the renderer.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendError(reply, 404, 'not-found', 'There is nothing at this address.');
  });
}
