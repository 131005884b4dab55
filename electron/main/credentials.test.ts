import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../shared/api/client.ts';
import {
  FakeSafeStorage,
  MemorySecretFile,
  RecordingLogger,
} from '../test-support/electron-fakes.ts';
import { createAppRequestHandler } from './app-protocol.ts';
import {
  Credentials,
  secretFileAt,
  TOKEN_HELD_BY_HOST,
  type CredentialsOptions,
  type SessionChange,
} from './credentials.ts';

const TOKEN = 'tok_Secret-Value.123~abc+/=';
const SECOND_TOKEN = 'tok_Second-Value';
const EXPIRES_AT = '2099-01-01T00:00:00.000Z';
const USER = {
  id: 'u1',
  username: 'radiologist1',
  displayName: 'Dr One',
  role: 'radiologist',
  subspecialties: ['chest'],
};

let backend: Server;
let backendOrigin: string;
let nextToken = TOKEN;
let loginBody: unknown = null;
const refusedTokens = new Set<string>();
const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  // Just enough of the reference backend's session routes to see what main sends and returns.
  backend = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const pathname = new URL(req.url ?? '/', 'http://backend').pathname;
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      res.setHeader('content-type', 'application/json; charset=utf-8');
      if (pathname === '/api/session' && req.method === 'POST') {
        if (Buffer.concat(chunks).toString().includes('"wrong"')) {
          res.statusCode = 401;
          res.end(JSON.stringify({ error: { code: 'wrong-credentials', message: 'Wrong' } }));
          return;
        }
        res.setHeader('set-cookie', `tandem_session=${nextToken}; HttpOnly; Path=/`);
        res.end(
          JSON.stringify(loginBody ?? { token: nextToken, user: USER, expiresAt: EXPIRES_AT }),
        );
        return;
      }
      if (pathname === '/api/session' && req.method === 'DELETE') {
        res.setHeader('set-cookie', 'tandem_session=; Max-Age=0; Path=/');
        res.statusCode = 204;
        res.end();
        return;
      }
      if (bearer === undefined || refusedTokens.has(bearer)) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: { code: 'session-expired', message: 'Sign in again.' } }));
        return;
      }
      res.end(JSON.stringify({ user: USER, expiresAt: EXPIRES_AT, echo: 'no secrets here' }));
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendOrigin = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => backend.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  nextToken = TOKEN;
  loginBody = null;
  refusedTokens.clear();
});

function options(overrides: Partial<CredentialsOptions> = {}) {
  const safeStorage = new FakeSafeStorage();
  const file = new MemorySecretFile();
  const log = new RecordingLogger();
  return {
    safeStorage,
    file,
    log,
    options: { safeStorage, file, log, platform: 'linux', ...overrides } as CredentialsOptions,
  };
}

/** The app:// handler as the renderer and its worker reach it, with main's credentials. */
function appHandler(credentials: Credentials, origin: string = backendOrigin) {
  return createAppRequestHandler({
    rendererRoot: '/nonexistent',
    backendOrigin: () => Promise.resolve(origin),
    fetch: (input, init) => fetch(input, init),
    authority: credentials,
  });
}

async function signIn(
  handle: (r: Request) => Promise<Response>,
  password = 'tandem-demo',
): Promise<Response> {
  return handle(
    new Request('app://tandem/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'radiologist1', password }),
    }),
  );
}

/** Everything the renderer can read of a response: status, every header, the body. */
async function visibleToRenderer(res: Response): Promise<string> {
  return JSON.stringify([res.status, [...res.headers.entries()], await res.text()]);
}

function lastSeen(pathname: string) {
  return seen.filter((s) => new URL(s.url, 'http://b').pathname === pathname).at(-1);
}

describe('sign-in through main', () => {
  it('keeps the token in main: the renderer gets a placeholder and no cookie', async () => {
    const t = options();
    const credentials = await Credentials.open(t.options);
    const res = await signIn(appHandler(credentials));
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    const seenByRenderer = await visibleToRenderer(res.clone());
    expect(seenByRenderer).not.toContain(TOKEN);
    expect(seenByRenderer).not.toContain('tandem_session');
    expect(await res.json()).toEqual({
      token: TOKEN_HELD_BY_HOST,
      user: USER,
      expiresAt: EXPIRES_AT,
    });
    expect(credentials.isSignedIn()).toBe(true);
    // The sign-in itself carried no token.
    expect(lastSeen('/api/session')?.headers.authorization).toBeUndefined();
  });

  it("still signs the renderer's API client in", async () => {
    const t = options();
    const handle = appHandler(await Credentials.open(t.options));
    const api = new ApiClient({
      baseUrl: 'app://tandem',
      fetch: (input, init) => handle(new Request(input, init)),
    });
    const answer = await api.login({ username: 'radiologist1', password: 'tandem-demo' });
    expect(answer.user).toEqual(USER);
    await expect(api.session()).resolves.toEqual({ user: USER, expiresAt: EXPIRES_AT });
  });

  it("injects the bearer header into the page's and the worker's requests, replacing theirs", async () => {
    const t = options();
    const credentials = await Credentials.open(t.options);
    const handle = appHandler(credentials);
    await signIn(handle);
    const res = await handle(
      new Request('app://tandem/api/worklist', {
        headers: { authorization: 'Bearer forged', cookie: 'tandem_session=forged' },
      }),
    );
    expect(res.status).toBe(200);
    expect(lastSeen('/api/worklist')?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(lastSeen('/api/worklist')?.headers.cookie).toBeUndefined();
    await handle(new Request('app://tandem/dicom-web/studies/1.2/series/3.4/instances/5.6'));
    expect(seen.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(await visibleToRenderer(res)).not.toContain(TOKEN);
  });

  it('sends no header before anyone has signed in', async () => {
    const t = options();
    const handle = appHandler(await Credentials.open(t.options));
    const res = await handle(
      new Request('app://tandem/api/worklist', { headers: { authorization: 'Bearer forged' } }),
    );
    expect(res.status).toBe(401);
    expect(lastSeen('/api/worklist')?.headers.authorization).toBeUndefined();
  });

  it('passes a refused sign-in on and keeps the session it had', async () => {
    const t = options();
    const credentials = await Credentials.open(t.options);
    const handle = appHandler(credentials);
    await signIn(handle);
    const refused = await signIn(handle, 'wrong');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { code: 'wrong-credentials', message: 'Wrong' },
    });
    expect(credentials.isSignedIn()).toBe(true);
  });

  it('answers 502 and keeps nothing when the sign-in answer is not understood', async () => {
    loginBody = { token: TOKEN, user: { id: 'u1' } };
    const t = options();
    const credentials = await Credentials.open(t.options);
    const res = await signIn(appHandler(credentials));
    expect(res.status).toBe(502);
    expect(await visibleToRenderer(res)).not.toContain(TOKEN);
    expect(credentials.isSignedIn()).toBe(false);
  });

  it('never logs the token', async () => {
    const t = options();
    const credentials = await Credentials.open(t.options);
    const handle = appHandler(credentials);
    await signIn(handle);
    await handle(new Request('app://tandem/api/session', { method: 'DELETE' }));
    expect(t.log.lines.join('\n')).not.toContain(TOKEN);
  });
});

describe('keeping the token between runs', () => {
  it('writes only ciphertext from the OS keychain, and the next run signs in with it', async () => {
    const t = options();
    await signIn(appHandler(await Credentials.open(t.options)));
    expect(t.file.data).not.toBeNull();
    expect(t.file.data?.toString()).not.toContain(TOKEN);
    expect(t.file.data?.toString().startsWith(FakeSafeStorage.MARKER)).toBe(true);

    const nextRun = await Credentials.open(t.options);
    expect(nextRun.persistence).toBe('keychain');
    expect(nextRun.isSignedIn()).toBe(true);
    await appHandler(nextRun)(new Request('app://tandem/api/worklist'));
    expect(lastSeen('/api/worklist')?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('keeps the token in memory only, with a warning, when Linux has no keyring (basic_text)', async () => {
    const t = options();
    t.safeStorage.backend = 'basic_text';
    const credentials = await Credentials.open(t.options);
    expect(credentials.persistence).toBe('memory');
    expect(t.log.lines.some((l) => l.startsWith('warn') && l.includes('memory only'))).toBe(true);
    const handle = appHandler(credentials);
    await signIn(handle);
    await handle(new Request('app://tandem/api/worklist'));
    expect(lastSeen('/api/worklist')?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(t.file.writes).toHaveLength(0);
    expect(t.safeStorage.encryptions).toBe(0);
    expect((await Credentials.open(t.options)).isSignedIn()).toBe(false);
  });

  it('keeps the token in memory only when encryption is unavailable', async () => {
    const t = options({ platform: 'win32' });
    t.safeStorage.available = false;
    const credentials = await Credentials.open(t.options);
    expect(credentials.persistence).toBe('memory');
    expect(t.log.lines.some((l) => l.startsWith('warn'))).toBe(true);
    await signIn(appHandler(credentials));
    expect(credentials.isSignedIn()).toBe(true);
    expect(t.file.writes).toHaveLength(0);
  });

  it('asks for the Linux keyring backend on Linux only', async () => {
    const t = options({ platform: 'darwin' });
    t.safeStorage.backend = 'unknown';
    expect((await Credentials.open(t.options)).persistence).toBe('keychain');
  });

  it('forgets a kept session that has expired or cannot be decrypted', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const t = options({ now: () => now });
    await signIn(appHandler(await Credentials.open(t.options)));
    now = Date.parse(EXPIRES_AT) + 1;
    expect((await Credentials.open(t.options)).isSignedIn()).toBe(false);
    expect(t.file.data).toBeNull();

    t.file.data = Buffer.from('written under another keychain');
    expect((await Credentials.open(t.options)).isSignedIn()).toBe(false);
    expect(t.file.data).toBeNull();
    expect(t.log.lines.some((l) => l.includes('could not be decrypted'))).toBe(true);
  });

  it('re-encrypts under a rotated keychain key', async () => {
    const t = options();
    await signIn(appHandler(await Credentials.open(t.options)));
    t.safeStorage.rotated = true;
    const before = t.file.writes.length;
    expect((await Credentials.open(t.options)).isSignedIn()).toBe(true);
    expect(t.file.writes.length).toBe(before + 1);
  });

  it('still signs in when the disk refuses the write', async () => {
    const t = options();
    t.file.failWrites = true;
    const credentials = await Credentials.open(t.options);
    await signIn(appHandler(credentials));
    expect(credentials.isSignedIn()).toBe(true);
    expect(t.log.lines.some((l) => l.includes('could not be kept on disk'))).toBe(true);
  });
});

describe('signing out and refused sessions', () => {
  it('sign-out tells the backend with the token, then forgets it in memory and on disk', async () => {
    const t = options();
    const credentials = await Credentials.open(t.options);
    const changes: SessionChange[] = [];
    credentials.onChange((c) => changes.push(c));
    const handle = appHandler(credentials);
    await signIn(handle);
    const res = await handle(new Request('app://tandem/api/session', { method: 'DELETE' }));
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(lastSeen('/api/session')?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(credentials.isSignedIn()).toBe(false);
    expect(t.file.data).toBeNull();
    expect(changes).toEqual(['signed-in', 'signed-out']);
    await handle(new Request('app://tandem/api/worklist'));
    expect(lastSeen('/api/worklist')?.headers.authorization).toBeUndefined();
  });

  it('signs out locally even when the backend cannot be reached', async () => {
    const t = options();
    const credentials = await Credentials.open(t.options);
    await signIn(appHandler(credentials));
    const unreachable = appHandler(credentials, 'http://127.0.0.1:1');
    const res = await unreachable(new Request('app://tandem/api/session', { method: 'DELETE' }));
    expect(res.status).toBe(502);
    expect(credentials.isSignedIn()).toBe(false);
  });

  it('forgets a session the backend refuses', async () => {
    const t = options();
    const credentials = await Credentials.open(t.options);
    const handle = appHandler(credentials);
    await signIn(handle);
    refusedTokens.add(TOKEN);
    const res = await handle(new Request('app://tandem/api/worklist'));
    expect(res.status).toBe(401);
    expect(credentials.isSignedIn()).toBe(false);
    expect(t.file.data).toBeNull();
  });

  it('keeps a newer sign-in when an older request is refused', async () => {
    const t = options();
    const credentials = await Credentials.open(t.options);
    const handle = appHandler(credentials);
    await signIn(handle);
    refusedTokens.add(TOKEN);
    // A slow request sent with the old token is answered after the user signed in again.
    const slow = credentials.forward(new Request('app://tandem/api/worklist'), async (auth) => {
      nextToken = SECOND_TOKEN;
      await signIn(handle);
      return fetch(new URL('/api/worklist', backendOrigin), {
        headers: auth === null ? {} : { authorization: auth },
      });
    });
    expect((await slow).status).toBe(401);
    expect(credentials.isSignedIn()).toBe(true);
    await handle(new Request('app://tandem/api/worklist'));
    expect(lastSeen('/api/worklist')?.headers.authorization).toBe(`Bearer ${SECOND_TOKEN}`);
  });

  it('stops sending a session past its expiry', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const t = options({ now: () => now });
    const credentials = await Credentials.open(t.options);
    const handle = appHandler(credentials);
    await signIn(handle);
    now = Date.parse(EXPIRES_AT);
    await handle(new Request('app://tandem/api/worklist'));
    expect(lastSeen('/api/worklist')?.headers.authorization).toBeUndefined();
    expect(credentials.isSignedIn()).toBe(false);
  });
});

describe('the secret file', () => {
  it('is readable by its user alone, replaced whole, and removable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-credentials-'));
    try {
      const file = secretFileAt(path.join(dir, 'session.bin'));
      await expect(file.read()).resolves.toBeNull();
      await file.write(Buffer.from('first'));
      await file.write(Buffer.from('second'));
      expect((await file.read())?.toString()).toBe('second');
      if (process.platform !== 'win32') {
        expect(statSync(path.join(dir, 'session.bin')).mode & 0o777).toBe(0o600);
      }
      await file.remove();
      await file.remove();
      await expect(file.read()).resolves.toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
