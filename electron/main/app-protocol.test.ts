import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProtocol } from '../test-support/electron-fakes.ts';
import {
  APP_SCHEME_PRIVILEGES,
  createAppRequestHandler,
  handleAppProtocol,
  registerAppScheme,
} from './app-protocol.ts';
import { APP_CONTENT_SECURITY_POLICY } from './content-security-policy.ts';
import { resolveRendererPath } from './renderer-files.ts';

let workDir: string;
let rendererRoot: string;
let backend: Server;
let backendOrigin: string;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] =
  [];

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'tandem-app-protocol-'));
  rendererRoot = path.join(workDir, 'out', 'renderer');
  mkdirSync(path.join(rendererRoot, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererRoot, 'index.html'), '<!doctype html><title>Tandem</title>');
  writeFileSync(path.join(rendererRoot, 'assets', 'index-abc123.js'), 'console.log("tandem")');
  writeFileSync(path.join(rendererRoot, 'assets', 'codec.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(path.join(rendererRoot, 'assets', 'name with space.css'), 'body{}');
  // A file just outside the renderer root that traversal would try to reach.
  writeFileSync(path.join(workDir, 'out', 'secret.txt'), 'SECRET');
  writeFileSync(path.join(workDir, 'secret.txt'), 'SECRET');

  backend = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const pathname = new URL(req.url ?? '/', 'http://backend').pathname;
      if (pathname === '/api/session' && req.method === 'POST') {
        res.setHeader('set-cookie', ['tandem_session=abc; HttpOnly; Path=/', 'other=1; Path=/']);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true }));
        return;
      }
      if (pathname === '/api/session' && req.method === 'DELETE') {
        res.statusCode = 204;
        res.end();
        return;
      }
      if (req.url?.startsWith('/dicom-web/')) {
        res.setHeader('content-type', 'multipart/related; type="application/dicom"; boundary=b');
        res.end('--b\r\n\r\nDICM\r\n--b--');
        return;
      }
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { code: 'not-found', message: 'no such route' } }));
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendOrigin = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => backend.close(() => resolve()));
  rmSync(workDir, { recursive: true, force: true });
});

function handler(origin: string | null = backendOrigin) {
  return createAppRequestHandler({
    rendererRoot,
    backendOrigin: () => Promise.resolve(origin),
    fetch: (input, init) => fetch(input, init),
  });
}

describe('app:// scheme registration', () => {
  it('is standard and secure, supports fetch and streams, and does not bypass CSP', () => {
    const protocol = new FakeProtocol();
    registerAppScheme(protocol);
    expect(protocol.privileged).toEqual([APP_SCHEME_PRIVILEGES]);
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({
      scheme: 'app',
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        stream: true,
        bypassCSP: false,
        allowServiceWorkers: false,
      },
    });
  });

  it('installs the handler for the app scheme', async () => {
    const protocol = new FakeProtocol();
    handleAppProtocol(protocol, {
      rendererRoot,
      backendOrigin: () => Promise.resolve(null),
      fetch: (input, init) => fetch(input, init),
    });
    const installed = protocol.handlers.get('app');
    expect(installed).toBeDefined();
    const res = await installed?.(new Request('app://tandem/index.html'));
    expect(res?.status).toBe(200);
  });
});

describe('app:// serves the built renderer', () => {
  it('serves index.html at the root and by name, with the strict CSP', async () => {
    for (const url of ['app://tandem/', 'app://tandem/index.html']) {
      const res = await handler()(new Request(url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('<title>Tandem</title>');
    }
    expect(APP_CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(APP_CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(APP_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(APP_CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(APP_CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'/);
  });

  it('serves assets with their content type (WebAssembly as application/wasm)', async () => {
    const js = await handler()(new Request('app://tandem/assets/index-abc123.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log("tandem")');
    const wasm = await handler()(new Request('app://tandem/assets/codec.wasm'));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
    const css = await handler()(new Request('app://tandem/assets/name%20with%20space.css'));
    expect(css.status).toBe(200);
  });

  it('answers a client-side route with index.html but a missing asset with 404', async () => {
    const route = await handler()(new Request('app://tandem/worklist'));
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Tandem</title>');
    const missing = await handler()(new Request('app://tandem/assets/missing.js'));
    expect(missing.status).toBe(404);
  });

  it('refuses path traversal in every spelling', async () => {
    const attempts = [
      'app://tandem/..%2fsecret.txt',
      'app://tandem/..%2f..%2fsecret.txt',
      'app://tandem/assets/..%2f..%2f..%2fsecret.txt',
      'app://tandem/%2e%2e%2fsecret.txt',
      'app://tandem/..%5csecret.txt',
      'app://tandem/assets%5c..%5c..%5csecret.txt',
      'app://tandem/%2e%2e/%2e%2e/secret.txt',
      'app://tandem/../../secret.txt',
      'app://tandem/index.html%00.js',
      'app://tandem/C:%5cWindows%5cwin.ini',
      'app://tandem/%E0%A4%A',
    ];
    for (const url of attempts) {
      const res = await handler()(new Request(url));
      const text = await res.text();
      expect(text, url).not.toContain('SECRET');
      expect([200, 404], url).toContain(res.status);
      // The WHATWG URL parser folds plain and %2e dots itself; what remains is served from the root.
      if (res.status === 200) expect(text, url).toContain('<title>Tandem</title>');
    }
    expect(resolveRendererPath(rendererRoot, '/..%2fsecret.txt')).toBeNull();
    expect(resolveRendererPath(rendererRoot, '/assets/..%5c..%5csecret.txt')).toBeNull();
    expect(resolveRendererPath(rendererRoot, '/%00')).toBeNull();
    expect(resolveRendererPath(rendererRoot, '/assets/index-abc123.js')).toBe(
      path.join(rendererRoot, 'assets', 'index-abc123.js'),
    );
  });

  it('serves nothing for another host and refuses writes to files', async () => {
    expect((await handler()(new Request('app://other/index.html'))).status).toBe(404);
    const post = await handler()(
      new Request('app://tandem/index.html', { method: 'POST', body: 'x' }),
    );
    expect(post.status).toBe(405);
  });
});

describe('app:// forwards /api and /dicom-web to the embedded backend', () => {
  it('forwards method, path, query, headers and body to the right URL', async () => {
    seen.length = 0;
    const res = await handler()(
      new Request('app://tandem/api/session?x=1&y=%20', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': 'k-1',
          origin: 'app://tandem',
          'accept-encoding': 'gzip, br',
        },
        body: JSON.stringify({ username: 'radiologist1', password: 'tandem-demo' }),
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const got = seen[0];
    expect(got?.method).toBe('POST');
    expect(got?.url).toBe('/api/session?x=1&y=%20');
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['idempotency-key']).toBe('k-1');
    expect(got?.headers['host']).toBe(new URL(backendOrigin).host);
    expect(got?.headers['origin']).toBe(backendOrigin);
    expect(got?.headers['accept-encoding']).toBe('identity');
    expect(JSON.parse(got?.body ?? '{}')).toEqual({
      username: 'radiologist1',
      password: 'tandem-demo',
    });
    // Main authenticates with a header, not cookies: none reach the renderer.
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
  });

  it('passes statuses, empty bodies and DICOMweb multipart through unchanged', async () => {
    const gone = await handler()(new Request('app://tandem/api/session', { method: 'DELETE' }));
    expect(gone.status).toBe(204);
    const notFound = await handler()(new Request('app://tandem/api/nope'));
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({
      error: { code: 'not-found', message: 'no such route' },
    });
    const dicom = await handler()(new Request('app://tandem/dicom-web/studies/1.2.3/series'));
    expect(dicom.headers.get('content-type')).toBe(
      'multipart/related; type="application/dicom"; boundary=b',
    );
    expect(await dicom.text()).toBe('--b\r\n\r\nDICM\r\n--b--');
  });

  it('does not forward look-alike paths', async () => {
    seen.length = 0;
    const res = await handler()(new Request('app://tandem/apiary.js'));
    expect(res.status).toBe(404);
    expect(seen).toHaveLength(0);
  });

  it('answers 503 in the API error shape when the backend did not start', async () => {
    const res = await handler(null)(new Request('app://tandem/api/worklist'));
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('backend-unavailable');
  });

  it('answers 502 when the backend stops answering', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const res = await handler(`http://127.0.0.1:${port}`)(new Request('app://tandem/api/health'));
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('backend-unreachable');
  });
});
