import { useSyncExternalStore } from 'react';
import type { User } from '../../shared/api/contract.ts';

export const SESSION_EXPIRED_MESSAGE = 'Your session has expired. Sign in again.';

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; user: User };

let state: SessionState = { status: 'checking' };
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** Who is signed in, shared by every screen; the server's answers are what change it. */
export const sessionStore = {
  get: (): SessionState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  signedIn(user: User): void {
    set({ status: 'signed-in', user });
  },
  signedOut(notice?: string): void {
    set(notice ? { status: 'signed-out', notice } : { status: 'signed-out' });
  },
  /** The server refused our session (401) while we thought we were signed in. */
  expired(): void {
    if (state.status === 'signed-in')
      set({ status: 'signed-out', notice: SESSION_EXPIRED_MESSAGE });
  },
};

export function useSession(): SessionState {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}
