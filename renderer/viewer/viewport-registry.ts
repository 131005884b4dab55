/**
 * The viewports on screen, by slot index: what the case view's keyboard, the sync manager, the
 * measurements panel and the test hooks act through. A viewport registers once Cornerstone has
 * enabled its element and unregisters when it goes.
 */
export interface ViewportHandle {
  index: number;
  viewportId: string;
  seriesUid: string;
  element: HTMLDivElement;
  /** a stack of acquired images, or a reformat of a volume (MPR) */
  kind: 'stack' | 'volume';
  /** runs a shortcut action on this viewport; false when it is not a viewport action */
  command(action: string): boolean;
  /** keys a viewport takes while it is in a mode (the keyboard length); true when it took it */
  interceptKey(name: string): boolean;
  /** canvas position (CSS pixels) of a patient-space point, for tests and overlays */
  worldToCanvas(point: readonly number[]): [number, number];
  /** shows the image of this SOP instance (and frame); false when the series does not hold it */
  jumpTo(sopInstanceUid: string, frameIndex?: number): boolean;
}

type Listener = () => void;
const handles = new Map<number, ViewportHandle>();
const listeners = new Set<Listener>();
let version = 0;

function emit(): void {
  version++;
  for (const l of [...listeners]) l();
}

export function registerViewport(handle: ViewportHandle): () => void {
  handles.set(handle.index, handle);
  emit();
  return () => {
    if (handles.get(handle.index) === handle) {
      handles.delete(handle.index);
      emit();
    }
  };
}

export function viewportHandle(index: number): ViewportHandle | undefined {
  return handles.get(index);
}

export function allViewportHandles(): ViewportHandle[] {
  return [...handles.values()].sort((a, b) => a.index - b.index);
}

export function subscribeViewports(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function viewportsVersion(): number {
  return version;
}
