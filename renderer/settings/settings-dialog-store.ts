import { useSyncExternalStore } from 'react';

let open = false;
const listeners = new Set<() => void>();

function set(next: boolean): void {
  if (next === open) return;
  open = next;
  for (const listener of [...listeners]) listener();
}

export function openSettings(): void {
  set(true);
}

export function closeSettings(): void {
  set(false);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the Settings dialog is open (it can be opened from the header and from banners). */
export function useSettingsOpen(): boolean {
  return useSyncExternalStore(subscribe, () => open);
}
