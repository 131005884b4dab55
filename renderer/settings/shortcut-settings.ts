import { useSyncExternalStore } from 'react';
import { setShortcutOverrides, shortcutOverrides } from '../app/workstation-db.ts';
import {
  defaultShortcutMap,
  shortcutConflicts,
  withOverrides,
  type ShortcutMap,
} from '../viewer/shortcuts.ts';

/** The viewer's shortcuts in force: defaults, with the reader's saved keys over them. */
let map: ShortcutMap = defaultShortcutMap();
let loaded = false;
const listeners = new Set<() => void>();

function emit(): void {
  for (const l of [...listeners]) l();
}

function load(): void {
  if (loaded) return;
  loaded = true;
  shortcutOverrides().then(
    (overrides) => {
      map = withOverrides(overrides);
      emit();
    },
    (err: unknown) => console.warn('settings: could not read the shortcuts', err),
  );
}

function subscribe(listener: () => void): () => void {
  load();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useShortcutMap(): ShortcutMap {
  return useSyncExternalStore(subscribe, () => map);
}

export function currentShortcutMap(): ShortcutMap {
  return map;
}

/**
 * Saves the reader's keys. Refused (with the clashes named) when one key would do two things.
 */
export async function saveShortcuts(
  next: ShortcutMap,
): Promise<{ ok: true } | { ok: false; conflicts: Map<string, string[]> }> {
  const conflicts = shortcutConflicts(next);
  if (conflicts.size > 0) return { ok: false, conflicts };
  const defaults = defaultShortcutMap();
  const overrides: Record<string, string[]> = {};
  for (const [id, keys] of Object.entries(next)) {
    if ((defaults[id] ?? []).join(' ') !== keys.join(' ')) overrides[id] = [...keys];
  }
  await setShortcutOverrides(overrides);
  map = withOverrides(overrides);
  loaded = true;
  emit();
  return { ok: true };
}
