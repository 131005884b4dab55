import type { User } from '../../shared/api/contract.ts';
import { TandemError } from '../../shared/api/errors.ts';
import type { SyncHostLink } from '../../shared/ipc/sync-host-link.ts';
import { ensureWorkstationKey } from '../report/workstation-key.ts';
import { DexieSyncStore } from '../../shared/cache/sync-store.ts';
import { syncClient } from '../workers/sync-client.ts';
import { connectionStore } from './connection-store.ts';
import { cacheDb } from './local-cache.ts';
import type { Services } from './services.ts';
import { sessionStore } from './session-store.ts';
import { syncStatusStore } from './sync-status-store.ts';
import {
  cacheOwner,
  forgetUser,
  rememberedUser,
  rememberUser,
  setCacheOwner,
} from './workstation-db.ts';

export const UNREACHABLE_NO_USER =
  'The server cannot be reached, and nobody has signed in on this workstation yet. Check the network connection.';

/** Between attempts to reach the backend again while offline, in ms. */
const REVALIDATE_FIRST_MS = 2_000;
const REVALIDATE_MAX_MS = 15_000;

/** The server could not be reached (or a gateway in front of it says it cannot reach it). */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof TandemError)) return false;
  if (err.code === 'offline') return true;
  return err.status === 502 || err.status === 503 || err.status === 504;
}

/**
 * Who is signed in, and whether the backend can be reached, over the life of the page:
 *
 * - at start, asks the backend for the session; when it cannot be reached, opens for the user
 *   last confirmed on this workstation (offline reading from the cache) and keeps trying;
 * - when the backend is back, re-validates the session: an expired one goes to sign-in, the
 *   cache stays;
 * - signed in, runs the sync worker for that user (after clearing another user's cases from
 *   the cache) and asks the browser to keep the cache (`navigator.storage.persist()`);
 * - signed out, stops the worker and forgets the user.
 *
 * Where the host drives syncing (`hostSync`, Electron's main process), the worker is handed to
 * the host at once, and starting, stopping and resuming it are the host's decisions.
 */
export function startSessionController(
  services: Services,
  backendBaseUrl: string,
  onStartError: (err: unknown) => void,
  hostSync?: SyncHostLink,
): () => void {
  const { api } = services;
  let disposed = false;
  let signedInAs: string | null = null;
  let revalidateTimer: ReturnType<typeof setTimeout> | undefined;
  let revalidateAttempt = 0;
  let revalidating = false;

  /** The user's report-signing key on this workstation, made and enrolled while online. */
  function enrollKey(user: User): void {
    ensureWorkstationKey(api, user).catch((err: unknown) =>
      console.warn('session: the signing key could not be enrolled', err),
    );
  }

  async function onSignedIn(user: User): Promise<void> {
    if (connectionStore.get() === 'online') {
      await rememberUser(user);
      enrollKey(user);
    }
    const owner = await cacheOwner();
    if (owner !== undefined && owner !== user.id) await clearCases();
    await setCacheOwner(user.id);
    if (disposed || signedInAs !== user.id) return;
    void requestPersistence();
    syncStatusStore.reset();
    syncClient.start(backendBaseUrl);
  }

  async function onSignedOut(): Promise<void> {
    syncClient.stop();
    syncClient.focus(null);
    await forgetUser();
  }

  const unsubscribeSession = sessionStore.subscribe(() => {
    const s = sessionStore.get();
    if (s.status === 'signed-in' && signedInAs !== s.user.id) {
      signedInAs = s.user.id;
      onSignedIn(s.user).catch((err: unknown) => console.error('session: start failed', err));
    } else if (s.status === 'signed-out' && signedInAs !== null) {
      signedInAs = null;
      onSignedOut().catch((err: unknown) => console.error('session: sign-out failed', err));
    }
  });

  function scheduleRevalidate(): void {
    if (disposed || revalidateTimer !== undefined || revalidating) return;
    const delay = Math.min(REVALIDATE_MAX_MS, REVALIDATE_FIRST_MS * 2 ** revalidateAttempt);
    revalidateTimer = setTimeout(() => {
      revalidateTimer = undefined;
      void revalidate();
    }, delay);
  }

  /** Asks the backend again; back online, the session is checked and sync carries on. */
  async function revalidate(): Promise<void> {
    if (disposed || revalidating) return;
    if (revalidateTimer !== undefined) clearTimeout(revalidateTimer);
    revalidateTimer = undefined;
    revalidating = true;
    try {
      const info = await api.session();
      revalidateAttempt = 0;
      connectionStore.set('online');
      const s = sessionStore.get();
      if (s.status === 'signed-in' && s.user.id === info.user.id) {
        await rememberUser(info.user);
        enrollKey(info.user);
        syncClient.resume();
      } else {
        sessionStore.signedIn(info.user);
      }
    } catch (err) {
      if (isUnreachable(err)) {
        revalidateAttempt++;
      } else if (err instanceof TandemError && err.status === 401) {
        // The session ended while we were away: sign in again; the cache stays.
        connectionStore.set('online');
        sessionStore.expired();
      } else {
        revalidateAttempt++;
        console.warn('session: re-validation failed', err);
      }
    } finally {
      revalidating = false;
      if (connectionStore.get() === 'offline') scheduleRevalidate();
    }
  }

  const unsubscribeConnection = connectionStore.subscribe(() => {
    if (connectionStore.get() === 'offline') scheduleRevalidate();
  });

  const unsubscribeSync = syncClient.events.on('status', (status) => {
    if (status.state === 'offline') connectionStore.set('offline');
    else if (status.state === 'running') connectionStore.set('online');
  });

  const detachHost = hostSync ? syncClient.connectHost(hostSync) : undefined;
  // the worker's code loads while the reader signs in, not after
  if (!hostSync) syncClient.prepare();

  const onBrowserOnline = () => void revalidate();
  window.addEventListener('online', onBrowserOnline);

  // At start: who is signed in?
  (async () => {
    try {
      const info = await api.session();
      if (disposed) return;
      connectionStore.set('online');
      sessionStore.signedIn(info.user);
    } catch (err) {
      if (disposed) return;
      if (isUnreachable(err)) {
        connectionStore.set('offline');
        const remembered = await rememberedUser();
        if (disposed) return;
        if (remembered) sessionStore.signedIn(remembered.user);
        else sessionStore.signedOut(UNREACHABLE_NO_USER);
      } else if (err instanceof TandemError && err.status === 401) {
        // No valid session is the normal start.
        sessionStore.signedOut();
      } else {
        sessionStore.signedOut();
        throw err;
      }
    }
  })().catch((err: unknown) => {
    if (!disposed) onStartError(err);
  });

  return () => {
    disposed = true;
    unsubscribeSession();
    unsubscribeConnection();
    unsubscribeSync();
    detachHost?.();
    window.removeEventListener('online', onBrowserOnline);
    if (revalidateTimer !== undefined) clearTimeout(revalidateTimer);
  };
}

/** Another user's cases leave the cache before this user's sync starts (their outbox stays). */
async function clearCases(): Promise<void> {
  const store = new DexieSyncStore(cacheDb());
  for (const caseId of await store.storedCaseIds()) await store.removeCase(caseId);
}

/** IndexedDB is best-effort storage until the browser agrees to keep it (FIELD-NOTES). */
async function requestPersistence(): Promise<void> {
  try {
    if (!navigator.storage?.persist) return;
    if (await navigator.storage.persisted()) return;
    const granted = await navigator.storage.persist();
    if (!granted) console.info('cache: the browser keeps the cache as best-effort storage');
  } catch (err) {
    console.warn('cache: could not ask for persistent storage', err);
  }
}
