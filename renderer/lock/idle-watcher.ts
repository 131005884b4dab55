/** The input that counts as someone at the workstation. */
export const ACTIVITY_EVENTS = [
  'pointerdown',
  'pointermove',
  'keydown',
  'wheel',
  'touchstart',
] as const;

export interface IdleWatcherOptions {
  /** where input arrives (the window) */
  target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** lock after this long without input, in ms (0: never) */
  limitMs: number;
  onIdle: () => void;
  now?: () => number;
  /** how often to look (default 5 s) */
  checkMs?: number;
  setInterval?: (tick: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/**
 * Calls `onIdle` once the page has had no input for `limitMs`, then not again until there has
 * been input. Used in browser mode, where the page is all Tandem sees of the user; in Electron
 * main decides from the system idle time and the OS screen lock.
 */
export function watchIdle(options: IdleWatcherOptions): () => void {
  if (options.limitMs <= 0) return () => undefined;
  const now = options.now ?? Date.now;
  const every = options.setInterval ?? ((tick, ms) => globalThis.setInterval(tick, ms));
  const stopEvery =
    options.clearInterval ??
    ((handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>));
  let lastInput = now();
  let fired = false;
  const onInput = (): void => {
    lastInput = now();
    fired = false;
  };
  for (const type of ACTIVITY_EVENTS) {
    options.target.addEventListener(type, onInput, { passive: true, capture: true });
  }
  const handle = every(() => {
    if (!fired && now() - lastInput >= options.limitMs) {
      fired = true;
      options.onIdle();
    }
  }, options.checkMs ?? 5_000);
  return () => {
    stopEvery(handle);
    for (const type of ACTIVITY_EVENTS) {
      options.target.removeEventListener(type, onInput, { capture: true });
    }
  };
}
