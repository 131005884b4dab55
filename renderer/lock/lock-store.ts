import { useSyncExternalStore } from 'react';

let locked = false;
const listeners = new Set<() => void>();

function set(next: boolean): void {
  if (locked === next) return;
  locked = next;
  for (const listener of listeners) listener();
}

/**
 * Whether the lock screen covers Tandem. Locking unmounts nothing: the screens stay mounted
 * (made inert) under the lock screen, so drafts, open viewports and scroll positions are kept.
 */
export const lockStore = {
  get: (): boolean => locked,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  lock: (): void => set(true),
  unlock: (): void => set(false),
};

export function useLocked(): boolean {
  return useSyncExternalStore(lockStore.subscribe, lockStore.get);
}
