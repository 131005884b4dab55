import type { CustomScheme, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';
import {
  backendErrorResponse,
  forwardToBackend,
  isBackendPath,
  type FetchFunction,
  type ForwardAuthority,
} from './backend-proxy.ts';
import { applySecurityHeaders } from './content-security-policy.ts';
import { serveRendererFile } from './renderer-files.ts';

/**
 * app:// is a standard, secure scheme: it has an origin (IndexedDB, workers, relative URLs work),
 * counts as a secure context (WebCrypto, persistent storage), supports fetch and streamed bodies.
 * It does not bypass CSP and allows neither service workers nor extensions.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    stream: true,
    codeCache: true,
    corsEnabled: false,
    bypassCSP: false,
    allowServiceWorkers: false,
    allowExtensions: false,
  },
};

/** Must run before the app's `ready` event. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

export interface AppProtocolOptions {
  /** Directory of the built renderer (out/renderer). */
  rendererRoot: string;
  /** The embedded backend's origin once it listens, or null if it could not start. */
  backendOrigin: () => Promise<string | null>;
  fetch: FetchFunction;
  /** Authenticates forwarded requests (main's credentials); without it none carries a token. */
  authority?: ForwardAuthority;
}

export type AppRequestHandler = (request: Request) => Promise<Response>;

export function createAppRequestHandler(options: AppProtocolOptions): AppRequestHandler {
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
      return new Response('Not found', {
        status: 404,
        headers: applySecurityHeaders(new Headers({ 'content-type': 'text/plain; charset=utf-8' })),
      });
    }
    if (isBackendPath(url.pathname)) {
      const origin = await options.backendOrigin();
      if (origin === null) {
        return backendErrorResponse(
          503,
          'backend-unavailable',
          'The built-in Tandem server did not start. Restart Tandem; if this keeps happening, contact your administrator.',
        );
      }
      const send = (authorization: string | null): Promise<Response> =>
        forwardToBackend(request, origin, options.fetch, authorization);
      // The worker's requests come here too (same origin, same session): they get the header.
      return options.authority ? options.authority.forward(request, send) : send(null);
    }
    return serveRendererFile(options.rendererRoot, request);
  };
}

/** Must run after `ready`. */
export function handleAppProtocol(
  protocol: Pick<Protocol, 'handle'>,
  options: AppProtocolOptions,
): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(options));
}
