import { ApiClient } from '../../shared/api/client.ts';
import type { User } from '../../shared/api/contract.ts';
import { TandemError } from '../../shared/api/errors.ts';
import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import { sessionStore } from '../app/session-store.ts';
import { idleLockMinutes } from '../app/workstation-db.ts';
import { watchIdle } from './idle-watcher.ts';
import { lockStore } from './lock-store.ts';

/**
 * Who decides to lock: in Electron, main (system idle time, the OS screen lock) sends `lock`;
 * in a browser the page watches its own input. Returns the function that stops.
 */
export function startLockController(host: HostBridge): () => void {
  // Signed out (or expired) while locked: the next sign-in starts unlocked.
  const stopSession = sessionStore.subscribe(() => {
    if (sessionStore.get().status !== 'signed-in') lockStore.unlock();
  });
  if (host.shell) {
    const stopListening = host.shell.listen((message) => {
      if (message.type === 'lock' && sessionStore.get().status === 'signed-in') lockStore.lock();
    });
    return () => {
      stopSession();
      stopListening();
    };
  }
  let stopWatching: (() => void) | undefined;
  let stopped = false;
  void idleLockMinutes().then((minutes) => {
    if (stopped) return;
    stopWatching = watchIdle({
      target: window,
      limitMs: minutes * 60_000,
      onIdle: () => {
        if (sessionStore.get().status === 'signed-in') lockStore.lock();
      },
    });
  });
  return () => {
    stopped = true;
    stopSession();
    stopWatching?.();
  };
}

/**
 * Lifts the lock once the backend accepts this user's password again (a fresh session). A plain
 * client is used: a wrong password must not count as an expired session and sign the user out.
 */
export async function unlockWithPassword(
  host: HostBridge,
  user: User,
  password: string,
): Promise<void> {
  const api = new ApiClient({
    baseUrl: await host.backendBaseUrl(),
    fetch: (input, init) => window.fetch(input, init),
  });
  const answer = await api.login({ username: user.username, password });
  if (answer.user.id !== user.id) {
    throw new TandemError('lock-wrong-user', 'Only the user who was signed in can unlock Tandem.');
  }
  lockStore.unlock();
  host.shell?.tell({ type: 'unlocked' });
}
