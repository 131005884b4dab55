import type { SafeStorage } from 'electron';
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { ErrorBody, LoginResponse } from '../../shared/api/contract.ts';
import { IsoDateTime } from '../../shared/domain/case.ts';
import { backendErrorResponse, type ForwardAuthority } from './backend-proxy.ts';
import type { Logger } from './logger.ts';

/**
 * Main holds the session token; renderer JavaScript never sees it. The sign-in answer passes
 * through main's app:// proxy, which keeps the token and hands the page a placeholder; every
 * forwarded request (the page's and the sync worker's) gets `Authorization: Bearer` from here.
 * The token is kept across restarts only encrypted by the OS keychain (`safeStorage`); where
 * there is none (Linux without a keyring falls back to a hard-coded key, `basic_text`) it lives
 * in main's memory only and the user signs in again after a restart. It is never logged.
 */

/** What the renderer receives in place of the token (the renderer ignores the field). */
export const TOKEN_HELD_BY_HOST = 'held-by-host';

/** The session path of the backend contract: POST signs in, DELETE signs out. */
const SESSION_PATH = '/api/session';

/** The backend's error codes for a session it no longer accepts. */
const SESSION_REFUSED_CODES = new Set(['session-expired', 'unauthenticated']);

/** A bearer token as the backend accepts it; anything else could not be sent as a header. */
const BearerToken = z.string().regex(/^[A-Za-z0-9_\-.~+/]+=*$/);

const HeldSession = z.object({ token: BearerToken, expiresAt: IsoDateTime });
type HeldSession = z.infer<typeof HeldSession>;

/** The part of Electron's safeStorage main uses (after `ready`). */
export type SafeStoragePort = Pick<
  SafeStorage,
  | 'isAsyncEncryptionAvailable'
  | 'encryptStringAsync'
  | 'decryptStringAsync'
  | 'getSelectedStorageBackend'
>;

/** Where the encrypted session is kept between runs. Only ciphertext is ever written. */
export interface SecretFile {
  /** null when there is none */
  read(): Promise<Buffer | null>;
  write(data: Buffer): Promise<void>;
  remove(): Promise<void>;
}

/** A file readable by the user alone, replaced atomically. */
export function secretFileAt(file: string): SecretFile {
  return {
    async read() {
      try {
        return await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async write(data) {
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, data, { mode: 0o600 });
      await rename(temporary, file);
    },
    async remove() {
      await rm(file, { force: true });
    },
  };
}

/** Where the token survives a restart: the OS keychain (encrypted file) or nowhere. */
export type Persistence = 'keychain' | 'memory';

export type SessionChange = 'signed-in' | 'signed-out';

export interface CredentialsOptions {
  safeStorage: SafeStoragePort;
  file: SecretFile;
  /** process.platform: the keyring backend is a Linux question */
  platform: string;
  log: Logger;
  now?: () => number;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}

/**
 * Decides where the token may be kept. On Linux safeStorage "works" without a keyring, with a
 * key anyone can read in Chromium's source (`basic_text`): that is no better than clear text.
 */
async function choosePersistence(options: CredentialsOptions): Promise<Persistence> {
  const { safeStorage, log } = options;
  let available: boolean;
  try {
    available = await safeStorage.isAsyncEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) {
    log.warn(
      'no OS keychain is available: the sign-in is kept in memory only and is asked again after a restart',
    );
    return 'memory';
  }
  if (options.platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      log.warn(
        `no OS keyring is available (safeStorage backend ${backend}): the sign-in is kept in memory only and is asked again after a restart`,
      );
      return 'memory';
    }
  }
  return 'keychain';
}

export class Credentials implements ForwardAuthority {
  readonly persistence: Persistence;
  private readonly options: CredentialsOptions;
  private readonly now: () => number;
  private held: HeldSession | null;
  private readonly listeners = new Set<(change: SessionChange) => void>();
  // Disk writes happen in order: a sign-out never races ahead of the sign-in it undoes.
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    options: CredentialsOptions,
    persistence: Persistence,
    held: HeldSession | null,
  ) {
    this.options = options;
    this.persistence = persistence;
    this.held = held;
    this.now = options.now ?? Date.now;
  }

  /** Chooses the persistence and restores a session kept by the last run (call after `ready`). */
  static async open(options: CredentialsOptions): Promise<Credentials> {
    const persistence = await choosePersistence(options);
    const credentials = new Credentials(options, persistence, null);
    if (persistence === 'keychain') await credentials.restore();
    return credentials;
  }

  /** True while main holds a token that has not expired. */
  isSignedIn(): boolean {
    return this.current() !== null;
  }

  /** Called with each change of the signed-in state; returns the unsubscribe function. */
  onChange(listener: (change: SessionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps a session the backend has just granted. */
  async hold(session: HeldSession): Promise<void> {
    this.held = session;
    this.emit('signed-in');
    await this.keep(session);
  }

  /** Forgets the session, in memory and on disk. */
  async clear(reason: string): Promise<void> {
    const wasSignedIn = this.held !== null;
    this.held = null;
    if (wasSignedIn) {
      this.options.log.info(`session cleared (${reason})`);
      this.emit('signed-out');
    }
    await this.persist((file) => file.remove());
  }

  /**
   * The ForwardAuthority of main's proxy: sign-in keeps the token and hides it, sign-out forgets
   * it, every other request carries it, and a session the backend refuses is forgotten.
   */
  async forward(
    request: Request,
    send: (authorization: string | null) => Promise<Response>,
  ): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === SESSION_PATH && request.method === 'POST') return this.signIn(send);

    const session = this.current();
    const authorization = session === null ? null : `Bearer ${session.token}`;
    if (pathname === SESSION_PATH && request.method === 'DELETE') {
      // Signing out locally matters more than what the backend answers.
      try {
        return await send(authorization);
      } finally {
        await this.clear('signed out');
      }
    }
    const response = await send(authorization);
    if (response.status === 401 && session !== null && (await isSessionRefusal(response))) {
      // Only if no newer sign-in has replaced the token this request carried.
      if (this.held === session) await this.clear('the backend refused the session');
    }
    return response;
  }

  private async signIn(send: (authorization: string | null) => Promise<Response>) {
    const response = await send(null);
    // Refusals (wrong password, throttling, bad request) carry no token: pass them on.
    if (!response.ok) return response;
    let parsed: ReturnType<typeof LoginResponse.safeParse> | undefined;
    try {
      parsed = LoginResponse.safeParse(await response.json());
    } catch {
      parsed = undefined;
    }
    const token = parsed?.success ? BearerToken.safeParse(parsed.data.token) : undefined;
    if (!parsed?.success || !token?.success) {
      this.options.log.error('the backend sent a sign-in answer main does not understand');
      return backendErrorResponse(
        502,
        'bad-response',
        'The server sent a sign-in answer Tandem does not understand. Try again; if this keeps happening, contact your administrator.',
      );
    }
    await this.hold({ token: token.data, expiresAt: parsed.data.expiresAt });
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.set('content-type', 'application/json; charset=utf-8');
    const body: LoginResponse = { ...parsed.data, token: TOKEN_HELD_BY_HOST };
    return new Response(JSON.stringify(body), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }

  /** The held session unless it has expired (then it is forgotten). */
  private current(): HeldSession | null {
    const session = this.held;
    if (session === null) return null;
    if (Date.parse(session.expiresAt) <= this.now()) {
      void this.clear('the session expired');
      return null;
    }
    return session;
  }

  private async restore(): Promise<void> {
    const { file, safeStorage, log } = this.options;
    let stored: Buffer | null;
    try {
      stored = await file.read();
    } catch (error) {
      log.warn(`the kept sign-in could not be read: ${describeError(error)}`);
      return;
    }
    if (stored === null) return;
    try {
      const decrypted = await safeStorage.decryptStringAsync(stored);
      const session = HeldSession.safeParse(JSON.parse(decrypted.result));
      if (!session.success) throw new Error('not a session');
      if (Date.parse(session.data.expiresAt) <= this.now()) {
        await this.persist((f) => f.remove());
        return;
      }
      this.held = session.data;
      log.info('restored the sign-in kept by the OS keychain');
      // The keychain's key has changed: store it under the new one.
      if (decrypted.shouldReEncrypt) await this.keep(session.data);
    } catch {
      // Another keychain, another user, or a damaged file: it is of no use; sign in again.
      log.warn('the kept sign-in could not be decrypted; sign in again');
      await this.persist((f) => f.remove());
    }
  }

  private async keep(session: HeldSession): Promise<void> {
    if (this.persistence !== 'keychain') return;
    await this.persist(async (file) => {
      const encrypted = await this.options.safeStorage.encryptStringAsync(JSON.stringify(session));
      await file.write(encrypted);
    });
  }

  private persist(step: (file: SecretFile) => Promise<void>): Promise<void> {
    this.writes = this.writes
      .then(() => step(this.options.file))
      .catch((error: unknown) => {
        this.options.log.warn(`the sign-in could not be kept on disk: ${describeError(error)}`);
      });
    return this.writes;
  }

  private emit(change: SessionChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}

async function isSessionRefusal(response: Response): Promise<boolean> {
  try {
    const body = ErrorBody.safeParse(await response.clone().json());
    return body.success && SESSION_REFUSED_CODES.has(body.data.error.code);
  } catch {
    return false;
  }
}
