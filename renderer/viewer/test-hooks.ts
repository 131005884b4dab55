import { viewportHandle } from './viewport-registry.ts';

/**
 * A read-only hook for end-to-end tests, which must place mouse drags at known patient
 * positions: `window.tandemViewer.worldToCanvas(viewportIndex, [x, y, z])` gives CSS pixels
 * relative to the viewport's canvas. It exposes geometry only, never patient data.
 */
export function installTestHooks(): () => void {
  const hooks = {
    worldToCanvas(index: number, point: readonly number[]): [number, number] | null {
      return viewportHandle(index)?.worldToCanvas(point) ?? null;
    },
  };
  (window as unknown as { tandemViewer?: typeof hooks }).tandemViewer = hooks;
  return () => {
    delete (window as unknown as { tandemViewer?: typeof hooks }).tandemViewer;
  };
}
