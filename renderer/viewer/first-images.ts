import { useSyncExternalStore } from 'react';

/**
 * Whether the open case's viewports have shown their first images. What the reader does not need
 * before them — reading every image's header for slice linking, restoring measurements into
 * Cornerstone, thumbnails, the side panels and the report editor — waits for this, so it does not
 * compete with the first images for the main thread, the cache and the GPU. Only the order
 * changes: all of it follows at once. It never waits long: a viewport that cannot show its image
 * (an error, an image not synced yet) releases the rest after `FALLBACK_MS`.
 *
 *   beginFirstImages()            // a case opens (the case view mounts)
 *   expectFirstImage(viewportId)  // a stack viewport mounts; returns what withdraws it
 *   firstImageDone(viewportId)    // its first image is on screen (or failed)
 *   afterFirstImages()            // resolves once every expected viewport is done
 *   useFirstImagesShown()         // the same, for rendering
 *
 * Outside an opening (another window's viewports, a case already shown) everything is "done".
 */
const FALLBACK_MS = 2_000;

let settled = true;
let pending = new Set<string>();
let expected = false;
let timer: ReturnType<typeof setTimeout> | undefined;
let waiters: Array<() => void> = [];
const listeners = new Set<() => void>();

export function beginFirstImages(): void {
  clearTimeout(timer);
  settled = false;
  expected = false;
  pending = new Set();
  timer = setTimeout(settle, FALLBACK_MS);
  // no emit: called while the case view first renders, before anything that follows this mounts
}

export function expectFirstImage(viewportId: string): () => void {
  if (settled) return () => {};
  const waitingFor = pending;
  waitingFor.add(viewportId);
  expected = true;
  return () => {
    if (waitingFor !== pending || !waitingFor.delete(viewportId)) return;
    check();
  };
}

export function firstImageDone(viewportId: string): void {
  if (settled || !pending.delete(viewportId)) return;
  check();
}

/** The case view is left: nothing of it waits any more. */
export function endFirstImages(): void {
  settle();
}

export function afterFirstImages(): Promise<void> {
  if (settled) return Promise.resolve();
  return new Promise((resolve) => waiters.push(resolve));
}

export function useFirstImagesShown(): boolean {
  return useSyncExternalStore(subscribe, isSettled);
}

function check(): void {
  if (expected && pending.size === 0) settle();
}

function settle(): void {
  clearTimeout(timer);
  if (settled) return;
  settled = true;
  const resolved = waiters;
  waiters = [];
  for (const resolve of resolved) resolve();
  emit();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function isSettled(): boolean {
  return settled;
}

function emit(): void {
  for (const l of [...listeners]) l();
}
