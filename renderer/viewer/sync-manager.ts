import { Enums, getRenderingEngine, StackViewport, type Types } from '@cornerstonejs/core';
import { synchronizers, SynchronizerManager, type Synchronizer } from '@cornerstonejs/tools';
import { preloadHeaders, RENDERING_ENGINE_ID } from './cornerstone-setup.ts';
import { registerByTablePosition } from '../hanging/table-registration.ts';
import type { SyncGroup } from './layout-model.ts';
import type { ViewportHandle } from './viewport-registry.ts';
import { afterFirstImages } from './first-images.ts';
import { followByPosition } from './follow-position.ts';

let generation = 0;

/**
 * The viewport the reader is scrolling (the active one, or the one last wheeled or clicked): only
 * its new images move the others of its slice groups. Were every linked viewport a source,
 * studies of different slice spacing would nudge each other (1 mm → nearest 2 mm slice → nearest
 * 1 mm slice, a tie broken the other way) and the reader's slice would move under them.
 */
let driver: string | null = null;

/** The reader now scrolls this viewport: the others of its slice groups follow it. */
export function setSliceDriver(viewportId: string | null): void {
  driver = viewportId;
}

/**
 * A Cornerstone slice synchronizer driven by the driver. A stack follows by `followByPosition`;
 * anything else by Cornerstone's own callback.
 */
function createDrivenSliceSynchronizer(id: string): Synchronizer {
  return SynchronizerManager.createSynchronizer(
    id,
    Enums.Events.STACK_NEW_IMAGE,
    (sync, source, target) => {
      if (source.viewportId !== driver) return undefined;
      const engine = getRenderingEngine(target.renderingEngineId);
      const from = engine?.getViewport(source.viewportId);
      const to = engine?.getViewport(target.viewportId);
      if (from instanceof StackViewport && to instanceof StackViewport) {
        followByPosition(from, to);
        return undefined;
      }
      return synchronizers.imageSliceSyncCallback(sync, source, target);
    },
    { auxiliaryEvents: [{ name: Enums.Events.VOLUME_NEW_IMAGE }] },
  );
}

/**
 * Links viewports with Cornerstone's own synchronizers: slice position (nearest image position,
 * so studies of different slice spacing follow each other), zoom/pan (camera) and VOI. A viewport
 * joins a slice group once the headers of all its images are read (the synchronizer looks up
 * every image's position), which starts when the case's first images are shown. Returns what
 * undoes it.
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
          ? createDrivenSliceSynchronizer(id)
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
        // every header of both series: read once the first images are on screen, not before them
        afterFirstImages()
          .then(() => (cancelled ? undefined : preloadHeaders(imageIds)))
          .then(
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
  // Wheeling or clicking a linked viewport makes it the one that drives.
  const takeOver = (event: Event) => {
    const member = handles.find((h) => h.element.contains(event.target as Node));
    if (member) setSliceDriver(member.viewportId);
  };
  const elements = [...new Set(handles.map((h) => h.element))];
  for (const element of elements) {
    element.addEventListener('wheel', takeOver, { capture: true, passive: true });
    element.addEventListener('pointerdown', takeOver, { capture: true });
  }
  return () => {
    cancelled = true;
    for (const element of elements) {
      element.removeEventListener('wheel', takeOver, { capture: true });
      element.removeEventListener('pointerdown', takeOver, { capture: true });
    }
    for (const element of marked) delete element.parentElement?.dataset.sliceLinked;
    for (const id of ids) SynchronizerManager.destroySynchronizer(id);
  };
}
