// Functions that run inside the page (passed to `page.evaluate`): each is self-contained, closes
// over nothing, and times with the page's own clock so no round trip to Node is counted.

/** What the first-image watcher reports. */
export interface FirstImageTiming {
  /** ms from the click that opened the case to its first image on screen with non-blank pixels */
  ms: number;
  /** share of the viewport canvas that is not (near) black when it was seen */
  nonBlack: number;
  /** requests made after the click (ms relative to the click), to see where the time went */
  timeline: Array<{ name: string; start: number; end: number; bytes: number }>;
}

interface BenchWindow {
  __benchFirstImage?: Promise<FirstImageTiming>;
}

/**
 * Arms a watcher: the next click anywhere starts the clock; it stops when a viewport says
 * `data-rendered="true"` and its canvas really shows pixels (FIELD-NOTES: never trust the event
 * alone). Await the result with `awaitFirstImage`.
 */
export function armFirstImageWatch(timeoutMs: number): void {
  const w = window as unknown as BenchWindow;
  w.__benchFirstImage = new Promise<FirstImageTiming>((resolve, reject) => {
    let clickAt: number | null = null;
    let done = false;
    // Pixels are read through a small CPU-side copy: reading the viewport's GPU-backed canvas
    // directly costs tens of ms here.
    const probe = document.createElement('canvas');
    probe.width = 128;
    probe.height = 128;
    const probeContext = probe.getContext('2d', { willReadFrequently: true });
    const nonBlackShare = (canvas: HTMLCanvasElement): number => {
      if (!probeContext || canvas.width === 0 || canvas.height === 0) return 0;
      probeContext.clearRect(0, 0, 128, 128);
      probeContext.drawImage(canvas, 0, 0, 128, 128);
      const data = probeContext.getImageData(0, 0, 128, 128).data;
      let lit = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i]! > 8 || data[i + 1]! > 8 || data[i + 2]! > 8) lit++;
      }
      return lit / (data.length / 4);
    };
    const check = (): boolean => {
      if (done) return true;
      if (clickAt === null) return false;
      const viewport = document.querySelector('[data-testid="viewport"][data-rendered="true"]');
      const canvas = viewport?.querySelector('canvas');
      if (!canvas) return false;
      // The moment the viewer says so; the pixels are then checked, outside the timed span.
      const at = performance.now();
      const share = nonBlackShare(canvas);
      if (share < 0.01) return false;
      const started = clickAt;
      done = true;
      observer.disconnect();
      clearTimeout(timer);
      const timeline = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => e.startTime >= started - 1)
        .map((e) => ({
          name: e.name.replace(location.origin, '').slice(0, 90),
          start: Math.round(e.startTime - started),
          end: Math.round(e.responseEnd - started),
          bytes: e.encodedBodySize,
        }));
      resolve({ ms: at - started, nonBlack: share, timeline });
      return true;
    };
    const observer = new MutationObserver(() => check());
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`no first image within ${timeoutMs} ms`));
    }, timeoutMs);
    window.addEventListener(
      'click',
      () => {
        clickAt = performance.now();
        performance.clearResourceTimings();
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-rendered'],
        });
        // The attribute may flip while the canvas is still being filled: look again each frame.
        const poll = () => {
          if (!check()) requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      },
      { capture: true, once: true },
    );
  });
}

export function awaitFirstImage(): Promise<FirstImageTiming> {
  const w = window as unknown as BenchWindow;
  if (!w.__benchFirstImage) throw new Error('the first-image watcher was not armed');
  return w.__benchFirstImage;
}

export interface SteppedRun {
  /** steps whose frame showed changed pixels */
  changed: number;
  /** steps after which the pixels did not change within the step timeout */
  unchanged: number;
  /** ms from the first step to the last changed frame */
  ms: number;
  /** frames per second: changed ÷ ms */
  fps: number;
  /** mean ms spent reading pixels back per sample (the measurement's own cost) */
  readMs: number;
}

/**
 * Steps through images as fast as the page shows them: one step, then wait for animation frames
 * until the displayed pixels change (and, in the viewer, until it reports the asked-for image as
 * rendered), then the next step. The viewer is stepped by a keydown ArrowDown on window, as its
 * keyboard handler listens there; the baseline by drawing its next pre-windowed frame. Both read
 * their canvas back the same way after each frame (scaled into a 128×128 probe, hashed).
 */
export async function steppedRun(args: {
  mode: 'viewer' | 'baseline';
  steps: number;
  stepTimeoutMs: number;
}): Promise<SteppedRun> {
  const PROBE_SIZE = 128;
  const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
  let canvas: HTMLCanvasElement;
  let step: (i: number) => void;
  let arrived: (i: number) => boolean;
  if (args.mode === 'viewer') {
    const viewport = document.querySelector<HTMLElement>('[data-testid="viewport"]');
    const found = viewport?.querySelector('canvas');
    if (!viewport || !found) throw new Error('no viewport canvas');
    canvas = found;
    const start = Number(viewport.dataset['imageIndex']);
    step = () =>
      window.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }),
      );
    arrived = (i) =>
      viewport.dataset['imageIndex'] === String(start + i + 1) &&
      viewport.dataset['rendered'] === 'true';
  } else {
    const bench = (
      window as unknown as {
        benchFrames?: {
          frames: ImageData[];
          display: HTMLCanvasElement;
          draw(frame: ImageData): void;
        };
      }
    ).benchFrames;
    if (!bench) throw new Error('the baseline frames are not prepared');
    if (bench.frames.length < args.steps + 1) throw new Error('not enough baseline frames');
    canvas = bench.display;
    bench.draw(bench.frames[0]!);
    step = (i) => bench.draw(bench.frames[i + 1]!);
    arrived = () => true;
  }
  // Read back through a small CPU-side copy of the whole canvas (as the viewer's own render check
  // does): reading a GPU-backed canvas directly costs tens of ms here and would swamp the figure.
  const probe = document.createElement('canvas');
  probe.width = PROBE_SIZE;
  probe.height = PROBE_SIZE;
  const ctx = probe.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context for the read-back probe');
  let reads = 0;
  let readTotal = 0;
  const sample = (): number => {
    const t = performance.now();
    ctx.drawImage(canvas, 0, 0, PROBE_SIZE, PROBE_SIZE);
    const pixels = new Uint32Array(ctx.getImageData(0, 0, PROBE_SIZE, PROBE_SIZE).data.buffer);
    let hash = 0x811c9dc5;
    for (let i = 0; i < pixels.length; i++) hash = Math.imul(hash ^ pixels[i]!, 0x01000193);
    readTotal += performance.now() - t;
    reads++;
    return hash >>> 0;
  };
  await nextFrame();
  let previous = sample();
  let changed = 0;
  let unchanged = 0;
  let lastChange = 0;
  const started = performance.now();
  for (let i = 0; i < args.steps; i++) {
    const stepStarted = performance.now();
    step(i);
    for (;;) {
      await nextFrame();
      const timedOut = performance.now() - stepStarted > args.stepTimeoutMs;
      if (!arrived(i)) {
        if (timedOut) {
          unchanged++;
          break;
        }
        continue;
      }
      const now = sample();
      if (now !== previous) {
        previous = now;
        changed++;
        lastChange = performance.now();
        break;
      }
      if (timedOut) {
        unchanged++;
        break;
      }
    }
  }
  const ms = (lastChange || performance.now()) - started;
  return {
    changed,
    unchanged,
    ms,
    fps: changed > 0 ? (changed / ms) * 1000 : 0,
    readMs: reads > 0 ? readTotal / reads : 0,
  };
}

/** Dispatches one key to the page's window listeners (the viewer's keyboard handling lives there). */
export function pressOnWindow(key: string): void {
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}
