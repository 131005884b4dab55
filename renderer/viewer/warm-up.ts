/**
 * Prepares the viewer before the first case is opened, so that opening does not pay for it. Two
 * parts, each once per page, in idle time:
 *
 * - **the code** (`scheduleViewerCode`): the viewer's code chunk, Cornerstone, its decode workers'
 *   WebAssembly and the cache reader's worker. Most of the warm-up's CPU is here (module
 *   evaluation). It runs on the sign-in screen while the reader types: after sign-in it would
 *   take the cores from the first sync's downloads (bench/README.md, figure 6). An opening shares
 *   it rather than running beside it: every step is a promise the opening awaits too.
 * - **the rendering engine and a first render** (`scheduleViewerWarmUp`): after the worklist is
 *   painted, the code first if it is not there yet, then the engine and one made-up slice drawn
 *   off screen. Cancelled, as a whole, by a case opened before it began: it never draws beside
 *   an opening's own viewports.
 *
 * It holds nothing per case, and no patient data: what it makes is what the first opening would
 * have made and kept for the page anyway.
 *
 * This module is imported by the app shell: it must not import Cornerstone statically.
 */
let started = false;
let code: Promise<void> | undefined;

/**
 * Performance marks (`performance.getEntriesByName`): when the code part began and ended
 * (`codeStart`, `codeEnd`), and when the engine-and-render part began and ended (`start`, `end`;
 * its steps are marked `tandem:viewer-warm-up:code` (the code there, its own or shared),
 * `:engine` and `:render`). No patient data.
 */
export const WARM_UP_MARKS = {
  codeStart: 'tandem:viewer-code',
  codeEnd: 'tandem:viewer-code-ready',
  start: 'tandem:viewer-warm-up',
  end: 'tandem:viewer-warm',
} as const;

/**
 * Schedules the code part (on the sign-in screen); returns what cancels it if it has not begun.
 * `loadViewer` loads the case view's code chunk the way the app shell does, so the shell knows it
 * is there.
 */
export function scheduleViewerCode(loadViewer: () => Promise<unknown>): () => void {
  return afterPaintWhenIdle(() => {
    viewerCode(loadViewer).catch((err: unknown) => {
      // The first opening will try again and show what failed; nothing to tell the reader now.
      console.warn('viewer: loading its code failed', err);
    });
  });
}

/**
 * Schedules the whole warm-up (after the worklist is painted); returns what cancels it if it has
 * not begun yet.
 */
export function scheduleViewerWarmUp(loadViewer: () => Promise<unknown>): () => void {
  if (started) return () => {};
  return afterPaintWhenIdle(() => {
    if (started) return;
    started = true;
    warmUp(loadViewer).catch((err: unknown) => {
      // The first opening will try again and show what failed; nothing to tell the reader now.
      console.warn('viewer: warm-up failed', err);
    });
  });
}

/**
 * The code part, once per page whoever asks first. Each step is what an opening runs itself
 * (`initCornerstone` and the rest keep one promise per page), so an opening that comes while it
 * is under way goes on from where it is, and never does the work twice.
 */
function viewerCode(loadViewer: () => Promise<unknown>): Promise<void> {
  code ??= (async () => {
    performance.mark(WARM_UP_MARKS.codeStart);
    // The chunk App's CaseView comes from; then the setup it would run on opening, straight on:
    // waiting for another idle moment between the steps left the warm-up unfinished at most
    // clicks on a loaded machine (the page is seldom idle then), and the opening then waited.
    await loadViewer();
    const setup = await import('./cornerstone-setup.ts');
    await setup.initCornerstone();
    // the decode workers warm their codec on their own threads while the main thread goes on
    const decoders = setup.warmDecoders();
    // the cache reader's worker loads its code meanwhile too
    await setup.prepareCacheReader();
    await decoders;
    performance.mark(WARM_UP_MARKS.codeEnd);
  })().catch((err: unknown) => {
    code = undefined; // a later warm-up may try again
    throw err;
  });
  return code;
}

async function warmUp(loadViewer: () => Promise<unknown>): Promise<void> {
  performance.mark(WARM_UP_MARKS.start);
  await viewerCode(loadViewer);
  performance.mark(`${WARM_UP_MARKS.start}:code`);
  const setup = await import('./cornerstone-setup.ts');
  setup.renderingEngine();
  performance.mark(`${WARM_UP_MARKS.start}:engine`);
  // the first image's code, run once on a made-up slice (no patient data)
  await setup.warmStackRender();
  performance.mark(`${WARM_UP_MARKS.start}:render`);
  performance.mark(WARM_UP_MARKS.end);
}

/** Runs `run` after the next paint, then when the main thread is idle; returns what cancels it. */
function afterPaintWhenIdle(run: () => void): () => void {
  let cancelled = false;
  let idleHandle: number | undefined;
  const cleanups: Array<() => void> = [];
  const frame = requestAnimationFrame(() => {
    const timer = setTimeout(() => {
      if (cancelled) return;
      idleHandle = onIdle(() => {
        if (!cancelled) run();
      });
    }, 0);
    cleanups.push(() => clearTimeout(timer));
  });
  cleanups.push(() => cancelAnimationFrame(frame));
  return () => {
    cancelled = true;
    for (const c of cleanups) c();
    if (idleHandle !== undefined) cancelIdle(idleHandle);
  };
}

/**
 * Only when the main thread has nothing else to do (no timeout): a long worklist being drawn or
 * a key being answered comes first. A page never idle skips the warm-up; the first opening then
 * does the same work itself.
 */
function onIdle(run: () => void): number {
  if (typeof requestIdleCallback === 'function') return requestIdleCallback(run);
  return window.setTimeout(run, 200);
}

function cancelIdle(handle: number): void {
  if (typeof cancelIdleCallback === 'function') cancelIdleCallback(handle);
  else clearTimeout(handle);
}
