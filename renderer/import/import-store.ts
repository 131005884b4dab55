import { useSyncExternalStore } from 'react';
import type { ImportRow } from '../../shared/cache/rows.ts';
import { cacheDb } from '../app/local-cache.ts';
import { importFiles, type ImportFile, type ImportProgress } from './local-import.ts';

/** The local import under way or last finished in this window; one at a time. */
export type ImportState =
  | { state: 'idle' }
  | { state: 'running'; progress: ImportProgress }
  | { state: 'done'; result: ImportRow }
  | { state: 'failed'; message: string };

let current: ImportState = { state: 'idle' };
const listeners = new Set<() => void>();

function set(next: ImportState): void {
  current = next;
  for (const l of listeners) l();
}

export const importStore = {
  get: (): ImportState => current,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  dismiss(): void {
    if (current.state !== 'running') set({ state: 'idle' });
  },
};

export function useImportState(): ImportState {
  return useSyncExternalStore(importStore.subscribe, importStore.get);
}

/** Imports these files into the cache as a new local case, unless an import is already running. */
export async function startImport(files: readonly ImportFile[]): Promise<void> {
  if (current.state === 'running' || !files.length) return;
  set({
    state: 'running',
    progress: { files: files.length, done: 0, imported: 0, rejected: [] },
  });
  try {
    const result = await importFiles(cacheDb(), files, {
      onProgress: (progress) => set({ state: 'running', progress }),
    });
    set({ state: 'done', result });
  } catch (err) {
    console.error('import: failed', err);
    set({
      state: 'failed',
      message:
        'The files could not be stored on this workstation (is the disk full?). Nothing was lost on the CD.',
    });
  }
}
