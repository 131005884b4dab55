/**
 * Prepares the viewer while the reader looks at the worklist, so the first case opened does not
 * pay for it: the viewer's code chunk, Cornerstone (with its decode workers) and the rendering
 * engine (with WebGL contexts when stacks draw through WebGL). Runs once per page, in idle time
 * after the worklist is painted. It holds nothing per case: what it makes is what the first
 * opening would have made and kept for the page anyway.
 *
 * This module is imported by the app shell: it must not import Cornerstone statically.
 */
let started = false;

/**
 * Schedules the warm-up; returns what cancels it if it has not begun yet. `loadViewer` loads the
 * case view's code chunk the way the app shell does, so the shell knows it is there.
 */
export function scheduleViewerWarmUp(loadViewer: () => Promise<unknown>): () => void {
  if (started) return () => {};
  let cancelled = false;
  let idleHandle: number | undefined;
  const cleanups: Array<() => void> = [];
  // After the next paint (the worklist first), then when the main thread is idle.
  const frame = requestAnimationFrame(() => {
    const timer = setTimeout(() => {
      if (cancelled) return;
      idleHandle = onIdle(() => {
        if (cancelled || started) return;
        started = true;
        warmUp(loadViewer).catch((err: unknown) => {
          // The first opening will try again and show what failed; nothing to tell the reader now.
          console.warn('viewer: warm-up failed', err);
        });
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
 * Performance marks (`performance.getEntriesByName`): when the warm-up began and ended; its steps
 * are marked `tandem:viewer-warm-up:code`, `:init`, `:engine` and `:render` (no patient data).
 */
export const WARM_UP_MARKS = { start: 'tandem:viewer-warm-up', end: 'tandem:viewer-warm' } as const;

async function warmUp(loadViewer: () => Promise<unknown>): Promise<void> {
  performance.mark(WARM_UP_MARKS.start);
  // The chunk App's CaseView comes from; then the setup it would run on opening, straight on:
  // waiting for another idle moment between the steps left the warm-up unfinished at most
  // clicks on a loaded machine (the page is seldom idle then), and the opening then waited for it.
  await loadViewer();
  const setup = await import('./cornerstone-setup.ts');
  performance.mark(`${WARM_UP_MARKS.start}:code`);
  await setup.initCornerstone();
  performance.mark(`${WARM_UP_MARKS.start}:init`);
  // the decode workers warm their codec on their own threads while the main thread goes on
  const decoders = setup.warmDecoders();
  // the cache reader's worker loads its code meanwhile too
  await setup.prepareCacheReader();
  setup.renderingEngine();
  performance.mark(`${WARM_UP_MARKS.start}:engine`);
  // the first image's code, run once on a made-up slice (no patient data)
  await setup.warmStackRender();
  performance.mark(`${WARM_UP_MARKS.start}:render`);
  await decoders;
  performance.mark(WARM_UP_MARKS.end);
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
