import { useSyncExternalStore } from 'react';

/** What the reader has switched on or off for every viewport (in-memory view state). */
export interface ViewerOptions {
  scaleBar: boolean;
  referenceLines: boolean;
}

let options: ViewerOptions = { scaleBar: true, referenceLines: true };
const listeners = new Set<() => void>();

export function getViewerOptions(): ViewerOptions {
  return options;
}

export function toggleViewerOption(name: keyof ViewerOptions): void {
  options = { ...options, [name]: !options[name] };
  for (const l of [...listeners]) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useViewerOptions(): ViewerOptions {
  return useSyncExternalStore(subscribe, getViewerOptions, getViewerOptions);
}
