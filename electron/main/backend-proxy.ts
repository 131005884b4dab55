import type { ErrorBody } from '../../shared/api/contract.ts';
import { applySecurityHeaders } from './content-security-policy.ts';

/** Paths main forwards to the backend, so the renderer uses same-origin URLs as in browser mode. */
const BACKEND_PREFIXES = ['/api', '/dicom-web'] as const;

export function isBackendPath(pathname: string): boolean {
  return BACKEND_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

export type FetchFunction = (input: URL, init: RequestInit) => Promise<Response>;

/**
 * Decides the `Authorization` of each forwarded request and may rewrite the backend's answer
 * before the renderer sees it (`credentials.ts`: sign-in, sign-out, expired sessions). `send`
 * forwards the request with the given header value (null: none) and never rejects.
 */
export interface ForwardAuthority {
  forward(
    request: Request,
    send: (authorization: string | null) => Promise<Response>,
  ): Promise<Response>;
}

// Connection-level headers describe one hop; they must not be copied to the next.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
];
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function backendErrorResponse(status: number, code: string, message: string): Response {
  const body: ErrorBody = { error: { code, message } };
  return new Response(JSON.stringify(body), {
    status,
    headers: applySecurityHeaders(
      new Headers({ 'content-type': 'application/json; charset=utf-8' }),
    ),
  });
}

/**
 * Forwards one app://tandem request under /api or /dicom-web to the embedded backend at
 * `backendOrigin` (http://127.0.0.1:PORT) and returns its answer as the app:// response. Bodies
 * stream both ways; redirects are passed back, not followed.
 *
 * Main alone authenticates: whatever `Authorization` or `Cookie` the page (or its worker) sent is
 * dropped and `authorization` (from main's credentials) is sent instead, and the backend's
 * `Set-Cookie` never reaches the renderer (the session cookie is for browser mode).
 */
export async function forwardToBackend(
  request: Request,
  backendOrigin: string,
  fetchFn: FetchFunction,
  authorization: string | null = null,
): Promise<Response> {
  const incoming = new URL(request.url);
  const target = new URL(`${incoming.pathname}${incoming.search}`, backendOrigin);

  const headers = new Headers(request.headers);
  for (const name of [
    ...HOP_BY_HOP,
    'host',
    'referer',
    'content-length',
    'authorization',
    'cookie',
  ])
    headers.delete(name);
  if (authorization !== null) headers.set('authorization', authorization);
  // The backend sees the request as browser mode would: from its own origin.
  if (headers.has('origin')) headers.set('origin', new URL(backendOrigin).origin);
  // Loopback: compression only costs CPU, and the decoded body must not keep an encoding header.
  headers.set('accept-encoding', 'identity');

  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers,
    redirect: 'manual',
    signal: request.signal,
  };
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null) {
    init.body = request.body;
    init.duplex = 'half';
  }

  let upstream: Response;
  try {
    upstream = await fetchFn(target, init);
  } catch {
    return backendErrorResponse(
      502,
      'backend-unreachable',
      'The built-in Tandem server is not answering. Restart Tandem; if this keeps happening, contact your administrator.',
    );
  }

  const responseHeaders = new Headers(upstream.headers);
  for (const name of [...HOP_BY_HOP, 'set-cookie']) responseHeaders.delete(name);
  if (responseHeaders.has('content-encoding')) {
    // fetch has already decoded the body: its length and encoding no longer apply.
    responseHeaders.delete('content-encoding');
    responseHeaders.delete('content-length');
  }
  applySecurityHeaders(responseHeaders);
  const body = NULL_BODY_STATUSES.has(upstream.status) ? null : upstream.body;
  return new Response(body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: responseHeaders,
  });
}
