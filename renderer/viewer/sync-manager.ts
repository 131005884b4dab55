import { getRenderingEngine, type Types } from '@cornerstonejs/core';
import { synchronizers, SynchronizerManager } from '@cornerstonejs/tools';
import { preloadHeaders, RENDERING_ENGINE_ID } from './cornerstone-setup.ts';
import { registerByTablePosition } from '../hanging/table-registration.ts';
import type { SyncGroup } from './layout-model.ts';
import type { ViewportHandle } from './viewport-registry.ts';

let generation = 0;

/**
 * Links viewports with Cornerstone's own synchronizers: slice position (nearest image position,
 * so studies of different slice spacing follow each other), zoom/pan (camera) and VOI. A viewport
 * joins a slice group once the headers of all its images are read (the synchronizer looks up
 * every image's position). Returns what undoes it.
 */
export function linkViewports(
  groups: readonly SyncGroup[],
  handles: readonly ViewportHandle[],
): () => void {
  const gen = ++generation;
  const ids: string[] = [];
  let cancelled = false;
  const marked: HTMLElement[] = [];
  for (const group of groups) {
    const members = handles.filter((h) => group.viewportIndexes.includes(h.index));
    if (members.length < 2) continue;
    for (const kind of group.kinds) {
      const id = `tandem-${gen}-${group.id}-${kind}`;
      ids.push(id);
      if (kind === 'slice') registerByTablePosition(members.map((m) => m.viewportId));
      const sync =
        kind === 'slice'
          ? synchronizers.createImageSliceSynchronizer(id)
          : kind === 'zoompan'
            ? synchronizers.createZoomPanSynchronizer(id)
            : synchronizers.createVOISynchronizer(id, {
                syncInvertState: true,
                syncColormap: false,
              });
      for (const member of members) {
        const ref = { renderingEngineId: RENDERING_ENGINE_ID, viewportId: member.viewportId };
        if (kind !== 'slice') {
          sync.add(ref);
          continue;
        }
        const viewport = getRenderingEngine(RENDERING_ENGINE_ID)?.getViewport(member.viewportId) as
          Types.IStackViewport | undefined;
        const imageIds = viewport?.getImageIds() ?? [];
        preloadHeaders(imageIds).then(
          () => {
            if (cancelled) return;
            sync.add(ref);
            // shown on the viewport (and to tests): it now follows the others' slice position
            const shown = member.element.parentElement;
            if (shown) shown.dataset.sliceLinked = 'true';
            marked.push(member.element);
          },
          (err: unknown) => console.warn('viewer: slice link unavailable for a viewport', err),
        );
      }
    }
  }
  return () => {
    cancelled = true;
    for (const element of marked) delete element.parentElement?.dataset.sliceLinked;
    for (const id of ids) SynchronizerManager.destroySynchronizer(id);
  };
}
