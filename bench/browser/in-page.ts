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
 * (each read once all of its animation callbacks have run) until the displayed pixels change
 * (and, in the viewer, until it reports the asked-for image as rendered), then the next step.
 * The viewer is stepped by a keydown ArrowDown on window, as its keyboard handler listens there;
 * the baseline by drawing its next pre-windowed frame. Both read their canvas back the same way
 * after each frame (scaled into a 128×128 probe, hashed). `syncedRun` waits for frames the same
 * way, with its own copy of `nextFrame`: each function goes to the page whole (`page.evaluate`).
 */
export async function steppedRun(args: {
  mode: 'viewer' | 'baseline';
  steps: number;
  stepTimeoutMs: number;
}): Promise<SteppedRun> {
  const PROBE_SIZE = 128;
  // Once every animation callback of the next frame has run, the viewer's own included (it draws
  // in one it may have asked for after ours): a task queued from our callback runs after them.
  const nextFrame = () =>
    new Promise<number>((resolve) =>
      requestAnimationFrame((t) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(t);
        channel.port2.postMessage(null);
      }),
    );
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
  // Two stalled steps end the pass (the viewer went elsewhere, e.g. nudged by a linked viewport):
  // waiting out every remaining step would only cost minutes.
  steps: for (let i = 0; i < args.steps; i++) {
    if (unchanged >= 2) break steps;
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

/** What the hanging watcher reports: one opening, its first viewport and every viewport. */
export interface HangingTiming {
  /** ms from the click to the first viewport showing its first image */
  firstMs: number;
  /** ms from the click to every viewport of the applied protocol showing its first image */
  allMs: number;
  viewports: number;
  protocolId: string;
}

/**
 * Arms a watcher for the next click: it stops when the hanging protocol is applied (`hp-stage`
 * ready), at least `expectViewports` viewports exist and every one says `data-rendered="true"`
 * with non-blank pixels; it also notes when the first viewport did. Await `awaitHanging`.
 *
 * The pixels are read once every viewport says so, outside the timed span (as the first-image
 * watcher does): reading a viewport's canvas makes the page wait for the GPU process, and done
 * every frame while another viewport is still loading it held that viewport back (up to 600 ms
 * per frame here, where the GPU process composites in software). Should a canvas be blank then,
 * the watch goes on.
 */
export function armHangingWatch(args: { timeoutMs: number; expectViewports: number }): void {
  const w = window as unknown as { __benchHanging?: Promise<HangingTiming> };
  w.__benchHanging = new Promise<HangingTiming>((resolve, reject) => {
    let clickAt: number | null = null;
    let firstAt: number | null = null;
    const probe = document.createElement('canvas');
    probe.width = 64;
    probe.height = 64;
    const ctx = probe.getContext('2d', { willReadFrequently: true });
    const lit = (canvas: HTMLCanvasElement | null): boolean => {
      if (!ctx || !canvas || canvas.width === 0) return false;
      ctx.clearRect(0, 0, 64, 64);
      ctx.drawImage(canvas, 0, 0, 64, 64);
      const data = ctx.getImageData(0, 0, 64, 64).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 8 || data[i + 1]! > 8) n++;
      return n / (data.length / 4) >= 0.01;
    };
    // On a timeout, what each viewport showed (attributes only: no overlay text, which is patient data).
    const state = (): string => {
      const stage = document.querySelector<HTMLElement>('[data-testid="hp-stage"]');
      const viewports = Array.from(
        document.querySelectorAll<HTMLElement>('[data-testid="viewport"]'),
      ).map(
        (v) =>
          `#${v.dataset['viewportIndex']} image ${v.dataset['imageIndex']} rendered ${v.dataset['rendered']}` +
          `${v.dataset['imageError'] ? ' error' : ''} lit ${lit(v.querySelector('canvas'))}`,
      );
      return `stage ${stage?.dataset['state'] ?? 'none'}; ${viewports.join('; ') || 'no viewports'}`;
    };
    const timer = setTimeout(
      () => reject(new Error(`the protocol did not hang within ${args.timeoutMs} ms (${state()})`)),
      args.timeoutMs,
    );
    const poll = () => {
      if (clickAt === null) return;
      const now = performance.now();
      const viewports = Array.from(
        document.querySelectorAll<HTMLElement>('[data-testid="viewport"]'),
      );
      const said = viewports.filter((v) => v.dataset['rendered'] === 'true');
      if (firstAt === null && said.length > 0) firstAt = now;
      const stage = document.querySelector<HTMLElement>('[data-testid="hp-stage"]');
      if (
        stage?.dataset['state'] === 'ready' &&
        viewports.length >= args.expectViewports &&
        said.length === viewports.length &&
        viewports.every((v) => lit(v.querySelector('canvas')))
      ) {
        clearTimeout(timer);
        resolve({
          firstMs: firstAt! - clickAt,
          allMs: now - clickAt,
          viewports: viewports.length,
          protocolId: stage.dataset['protocolId'] ?? '',
        });
        return;
      }
      requestAnimationFrame(poll);
    };
    window.addEventListener(
      'click',
      () => {
        clickAt = performance.now();
        requestAnimationFrame(poll);
      },
      { capture: true, once: true },
    );
  });
}

export function awaitHanging(): Promise<HangingTiming> {
  const w = window as unknown as { __benchHanging?: Promise<HangingTiming> };
  if (!w.__benchHanging) throw new Error('the hanging watcher was not armed');
  return w.__benchHanging;
}

export interface SyncedRun {
  /** per viewport (by index): frames whose pixels changed */
  changed: number[];
  /** per viewport: how many different images it was asked to show (its `data-image-index`) */
  imagesShown: number[];
  ms: number;
  /** per viewport: changed ÷ ms */
  fps: number[];
  /** steps after which the first viewport did not change within the step timeout */
  unchanged: number;
}

/**
 * Scrolls the first viewport as in `steppedRun` (ArrowDown on window, next step once it shows the
 * asked-for image with changed pixels) while every other viewport is read back every animation
 * frame too: each viewport's changed frames are counted by their pixels.
 */
export async function syncedRun(args: {
  steps: number;
  stepTimeoutMs: number;
}): Promise<SyncedRun> {
  const SIZE = 96;
  // Once every animation callback of the next frame has run, the viewer's own included (it draws
  // in one it may have asked for after ours): a task queued from our callback runs after them.
  const nextFrame = () =>
    new Promise<number>((resolve) =>
      requestAnimationFrame((t) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(t);
        channel.port2.postMessage(null);
      }),
    );
  const viewports = Array.from(
    document.querySelectorAll<HTMLElement>('[data-testid="viewport"]'),
  ).sort((a, b) => Number(a.dataset['viewportIndex']) - Number(b.dataset['viewportIndex']));
  if (viewports.length < 2) throw new Error(`${viewports.length} viewport(s): nothing is synced`);
  const canvases = viewports.map((v) => v.querySelector('canvas'));
  if (canvases.some((c) => !c)) throw new Error('a viewport has no canvas');
  const probe = document.createElement('canvas');
  probe.width = SIZE;
  probe.height = SIZE;
  const ctx = probe.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context for the read-back probe');
  const hashOf = (canvas: HTMLCanvasElement): number => {
    ctx.clearRect(0, 0, SIZE, SIZE);
    ctx.drawImage(canvas, 0, 0, SIZE, SIZE);
    const pixels = new Uint32Array(ctx.getImageData(0, 0, SIZE, SIZE).data.buffer);
    let hash = 0x811c9dc5;
    for (let i = 0; i < pixels.length; i++) hash = Math.imul(hash ^ pixels[i]!, 0x01000193);
    return hash >>> 0;
  };
  await nextFrame();
  const previous = canvases.map((c) => hashOf(c!));
  const changed = viewports.map(() => 0);
  const seen = viewports.map((v) => new Set([v.dataset['imageIndex']]));
  const first = viewports[0]!;
  const start = Number(first.dataset['imageIndex']);
  let unchanged = 0;
  let lastChange = 0;
  const sampleAll = (): boolean => {
    let firstChanged = false;
    canvases.forEach((c, i) => {
      seen[i]!.add(viewports[i]!.dataset['imageIndex']);
      const h = hashOf(c!);
      if (h !== previous[i]) {
        previous[i] = h;
        changed[i]!++;
        lastChange = performance.now();
        if (i === 0) firstChanged = true;
      }
    });
    return firstChanged;
  };
  const started = performance.now();
  for (let i = 0; i < args.steps; i++) {
    if (unchanged >= 2) break;
    const stepStarted = performance.now();
    window.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }),
    );
    let firstChanged = false;
    for (;;) {
      await nextFrame();
      const arrived =
        first.dataset['imageIndex'] === String(start + i + 1) &&
        first.dataset['rendered'] === 'true';
      if (sampleAll()) firstChanged = true;
      if (arrived && firstChanged) break;
      if (performance.now() - stepStarted > args.stepTimeoutMs) {
        unchanged++;
        break;
      }
    }
  }
  // The linked viewports follow the first a frame or two later: a few more frames to see them.
  for (let f = 0; f < 3; f++) {
    await nextFrame();
    sampleAll();
  }
  const ms = (lastChange || performance.now()) - started;
  return {
    changed,
    imagesShown: seen.map((s) => s.size - 1),
    ms,
    fps: changed.map((c) => (c / ms) * 1000),
    unchanged,
  };
}

/**
 * Pages through a series faster than it shows: ArrowDown on window whenever fewer than `ahead`
 * steps are outstanding (asked for but not yet shown), so the viewer loads every image it is asked
 * for while it draws what it can. Ends when the first viewport shows the last image, or at the
 * budget. Returns the images asked for and the last one shown.
 */
export async function floodThrough(args: {
  images: number;
  budgetMs: number;
  ahead: number;
  /** stop after this many images past the one shown at the start */
  steps?: number;
}): Promise<{ asked: number; lastShown: number; ms: number }> {
  const viewport = document.querySelector<HTMLElement>(
    '[data-testid="viewport"][data-viewport-index="0"]',
  );
  if (!viewport) throw new Error('no viewport');
  const started = performance.now();
  const shownIndex = () =>
    viewport.dataset['rendered'] === 'true' ? Number(viewport.dataset['imageIndex']) : -1;
  let asked = Number(viewport.dataset['imageIndex']);
  let lastShown = asked;
  const last = Math.min(args.images - 1, args.steps === undefined ? Infinity : asked + args.steps);
  let lastKeyAt = performance.now();
  /** the image the viewport showed when last seen rendered */
  let current = asked;
  while (performance.now() - started < args.budgetMs) {
    const now = performance.now();
    const shown = shownIndex();
    if (shown >= 0) current = shown;
    lastShown = Math.max(lastShown, current);
    if (lastShown >= last) break;
    // Nothing asked for half a second: the viewer is elsewhere than asked (a linked viewport may
    // nudge it back); count on from the image it shows.
    if (now - lastKeyAt > 500) asked = Math.min(asked, current);
    if (asked < last && asked - current < args.ahead) {
      window.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }),
      );
      asked++;
      lastKeyAt = now;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return { asked, lastShown, ms: performance.now() - started };
}

/**
 * Saves the viewer's rendering setting (renderer/viewer/render-mode.ts) straight into the
 * workstation database, as the Settings dialog would; the viewer takes it after a reload.
 */
export function saveRenderingSetting(value: 'auto' | 'gpu' | 'cpu'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const request = indexedDB.open('tandem-workstation');
    request.onerror = () => reject(request.error ?? new Error('cannot open tandem-workstation'));
    request.onsuccess = () => {
      const db = request.result;
      const tx = db.transaction('entries', 'readwrite');
      tx.objectStore('entries').put({ key: 'viewer-rendering', value });
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => {
        db.close();
        reject(tx.error ?? new Error('cannot save the rendering setting'));
      };
    };
  });
}
