import { useSyncExternalStore } from 'react';
import type { EngineStatus } from '../../shared/sync/engine.ts';
import { syncClient } from '../workers/sync-client.ts';

export interface SyncStatus {
  engine: EngineStatus;
  /** cases in the worklist the worker last received this session, or null before it arrived */
  worklistCount: number | null;
}

let state: SyncStatus = { engine: syncClient.status(), worklistCount: null };
const listeners = new Set<() => void>();

function set(next: SyncStatus): void {
  state = next;
  for (const listener of [...listeners]) listener();
}

syncClient.events.on('status', (engine) => set({ ...state, engine }));
syncClient.events.on('worklist', ({ count }) => set({ ...state, worklistCount: count }));

/** What the sync worker last said about itself, for the status bar and banners. */
export const syncStatusStore = {
  get: (): SyncStatus => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** A new session: forget what the last one heard. */
  reset(): void {
    set({ engine: syncClient.status(), worklistCount: null });
  },
};

export function useSyncStatus(): SyncStatus {
  return useSyncExternalStore(syncStatusStore.subscribe, syncStatusStore.get);
}
