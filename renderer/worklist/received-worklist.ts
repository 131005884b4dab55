import { useSyncExternalStore } from 'react';
import type { WorklistItem } from '../../shared/api/contract.ts';
import { sessionStore } from '../app/session-store.ts';
import { syncClient } from '../workers/sync-client.ts';

/**
 * The worklist exactly as the sync worker last received it from the server this session, shown
 * at once: storing thousands of assignments takes the worker far longer than checking them did,
 * and the reader need not wait for that. The cache stays the worklist's record (what a reload,
 * offline, shows); this is the newest word from the server over it, and for the cases it lists
 * it is what the cache will hold once the worker has written it (`useCachedWorklist` merges the
 * two). The worker tells the items only when they changed, so a quiet poll costs the page nothing.
 */
export interface ReceivedWorklist {
  items: readonly WorklistItem[];
  /** the cases the server listed, cancelled ones included */
  caseIds: ReadonlySet<string>;
}

let received: ReceivedWorklist | null = null;
let receivedFor: string | null = null;
const listeners = new Set<() => void>();

function set(next: ReceivedWorklist | null): void {
  if (next === received) return;
  received = next;
  for (const listener of [...listeners]) listener();
}

function signedInUser(): string | null {
  const s = sessionStore.get();
  return s.status === 'signed-in' ? s.user.id : null;
}

syncClient.events.on('worklist', ({ items }) => {
  const user = signedInUser();
  if (!items || user === null) return;
  receivedFor = user;
  set({ items, caseIds: new Set(items.map((i) => i.caseId)) });
});

// Another user's list (or a signed-out one) is never shown from memory.
sessionStore.subscribe(() => {
  if (received !== null && signedInUser() !== receivedFor) set(null);
});

export const receivedWorklistStore = {
  get: (): ReceivedWorklist | null => received,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useReceivedWorklist(): ReceivedWorklist | null {
  return useSyncExternalStore(receivedWorklistStore.subscribe, receivedWorklistStore.get);
}
