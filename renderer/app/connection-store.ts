import { useSyncExternalStore } from 'react';

/**
 * Whether the backend can be reached, as far as the page knows: `offline` from the moment a
 * request could not reach it (at start, from the sync worker, or from a screen), `online` again
 * once a request went through. Offline, Tandem reads from this workstation's cache.
 */
export type Connection = 'online' | 'offline';

let state: Connection = 'online';
const listeners = new Set<() => void>();

export const connectionStore = {
  get: (): Connection => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  set(next: Connection): void {
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener();
  },
};

export function useConnection(): Connection {
  return useSyncExternalStore(connectionStore.subscribe, connectionStore.get);
}
