import { Enums, eventTarget, utilities, type Types } from '@cornerstonejs/core';
import { useEffect, useReducer, useRef, useState } from 'react';
import { ctPresetForKey } from './voi-presets.ts';
import {
  initCornerstone,
  renderingEngine,
  RENDERING_ENGINE_ID,
  stackToolGroup,
} from './cornerstone-setup.ts';
import { imageErrorReason } from './image-error.ts';
import { viewportShowsImage } from './render-check.ts';
import { ViewportOverlay } from './ViewportOverlay.tsx';
import { initialViewState, viewStateReducer } from './view-state.ts';

interface Props {
  viewportIndex: number;
  seriesUid: string;
  seriesLabel: string;
  modality: string;
  imageIds: readonly string[];
  /** Only the active viewport answers the keyboard. */
  active: boolean;
}

const PAGE = 10;

/** One Cornerstone3D stack viewport showing a series, with scroll, window/level and an overlay. */
export function StackViewport({
  viewportIndex,
  seriesUid,
  seriesLabel,
  modality,
  imageIds,
  active,
}: Props) {
  const elementRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<Types.IStackViewport | null>(null);
  const [ready, setReady] = useState(false);
  const [setupError, setSetupError] = useState<string | null>(null);
  const [view, dispatch] = useReducer(viewStateReducer, initialViewState);
  const viewportId = `viewport-${viewportIndex}`;

  // Enable the element in the shared rendering engine and the stack tool group.
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    let disposed = false;
    let enabled = false;
    initCornerstone()
      .then(() => {
        if (disposed) return;
        const engine = renderingEngine();
        engine.enableElement({
          viewportId,
          type: Enums.ViewportType.STACK,
          element,
          defaultOptions: { background: [0, 0, 0] },
        });
        enabled = true;
        stackToolGroup().addViewport(viewportId, RENDERING_ENGINE_ID);
        viewportRef.current = engine.getViewport(viewportId) as Types.IStackViewport;
        setReady(true);
      })
      .catch((err: unknown) => {
        console.error('viewer: Cornerstone setup failed', err);
        if (!disposed)
          setSetupError('The image viewer could not start on this computer (WebGL unavailable?).');
      });

    const resize = new ResizeObserver(() => {
      if (enabled) renderingEngine().resize(true, false);
    });
    resize.observe(element);
    return () => {
      disposed = true;
      resize.disconnect();
      viewportRef.current = null;
      setReady(false);
      if (enabled) {
        stackToolGroup().removeViewports(RENDERING_ENGINE_ID, viewportId);
        renderingEngine().disableElement(viewportId);
      }
    };
  }, [viewportId]);

  // Follow what the viewport shows: which image, whether it is really on screen, its window.
  useEffect(() => {
    const element = elementRef.current;
    const viewport = viewportRef.current;
    if (!ready || !element || !viewport) return;
    // The image whose pixels were last checked: later renders of it (window/level, zoom) need no new check.
    let checkedImageId: string | null = null;

    // The image asked for: a scroll moves the target at once (its load may be debounced or
    // pending); any other way of changing image announces itself when its load starts.
    const onScroll = (evt: Event) => {
      const { newImageIdIndex } = (evt as CustomEvent<{ newImageIdIndex: number }>).detail;
      dispatch({ type: 'image-requested', index: newImageIdIndex });
    };
    const onPreNewImage = (evt: Event) => {
      const { imageIdIndex } = (evt as CustomEvent<{ imageIdIndex: number }>).detail;
      checkedImageId = null;
      dispatch({ type: 'image-requested', index: imageIdIndex });
    };
    const onRendered = () => {
      const image = viewport.getCornerstoneImage();
      if (!image) return;
      // Which image is on screen; the reducer ignores it unless it is the one asked for.
      const index = viewport.getImageIds().indexOf(image.imageId);
      if (index < 0) return;
      const voiRange = viewport.getProperties().voiRange;
      if (voiRange) dispatch({ type: 'voi', range: voiRange });
      if (
        checkedImageId !== image.imageId &&
        viewportShowsImage(viewport.getCanvas(), image, voiRange)
      ) {
        checkedImageId = image.imageId;
        dispatch({ type: 'image-rendered', index });
      }
    };
    const onVoi = (evt: Event) => {
      const { range } = (evt as CustomEvent<{ range: { lower: number; upper: number } }>).detail;
      dispatch({ type: 'voi', range });
    };
    const onLoadError = (evt: Event) => {
      const detail = (evt as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
      if (!detail?.imageId) return;
      const index = viewport.getImageIds().indexOf(detail.imageId);
      if (index < 0 || index !== viewport.getCurrentImageIdIndex()) return;
      dispatch({ type: 'image-failed', index, reason: imageErrorReason(detail.error) });
    };

    element.addEventListener(Enums.Events.STACK_VIEWPORT_SCROLL, onScroll);
    element.addEventListener(Enums.Events.PRE_STACK_NEW_IMAGE, onPreNewImage);
    element.addEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
    element.addEventListener(Enums.Events.VOI_MODIFIED, onVoi);
    eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
    return () => {
      element.removeEventListener(Enums.Events.STACK_VIEWPORT_SCROLL, onScroll);
      element.removeEventListener(Enums.Events.PRE_STACK_NEW_IMAGE, onPreNewImage);
      element.removeEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
      element.removeEventListener(Enums.Events.VOI_MODIFIED, onVoi);
      eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
    };
  }, [ready]);

  // Show the series.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!ready || !viewport) return;
    dispatch({ type: 'stack-set', count: imageIds.length });
    if (imageIds.length === 0) return;
    viewport.setStack([...imageIds], 0).then(
      () => viewport.render(),
      (err: unknown) => {
        dispatch({ type: 'image-failed', index: 0, reason: imageErrorReason(err) });
      },
    );
  }, [ready, imageIds]);

  // Keyboard: scroll, presets, reset.
  useEffect(() => {
    if (!active || !ready) return;
    const onKey = (event: KeyboardEvent) => {
      const viewport = viewportRef.current;
      if (!viewport || event.altKey || event.ctrlKey || event.metaKey) return;
      if (isTyping(event.target)) return;
      const count = viewport.getImageIds().length;
      const steps: Record<string, number> = {
        ArrowDown: 1,
        ArrowRight: 1,
        ArrowUp: -1,
        ArrowLeft: -1,
        PageDown: PAGE,
        PageUp: -PAGE,
        Home: -count,
        End: count,
      };
      const step = steps[event.key];
      if (step !== undefined) {
        event.preventDefault();
        utilities.scroll(viewport, { delta: step, debounceLoading: true });
        return;
      }
      if (event.key === 'r' || event.key === 'R') {
        event.preventDefault();
        viewport.resetCamera();
        viewport.resetProperties();
        viewport.render();
        return;
      }
      const preset = modality === 'CT' ? ctPresetForKey(event.key) : undefined;
      if (preset) {
        event.preventDefault();
        viewport.setProperties({
          voiRange: utilities.windowLevel.toLowHighRange(preset.windowWidth, preset.windowCenter),
        });
        viewport.render();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, ready, modality]);

  const imageNumber = view.imageIndex + 1;
  return (
    <div
      className="viewport"
      data-testid="viewport"
      data-viewport-index={viewportIndex}
      data-series-uid={seriesUid}
      data-image-index={view.imageIndex}
      data-rendered={view.rendered ? 'true' : 'false'}
      data-image-error={view.error !== null ? 'true' : undefined}
    >
      <div
        className="viewport-element"
        ref={elementRef}
        onContextMenu={(e) => e.preventDefault()}
      />
      {view.error !== null && (
        // Opaque: the canvas still holds the previous image, which must not pass for this one.
        <div className="viewport-message image-error" role="alert">
          Image {imageNumber} could not be displayed: {view.error}
        </div>
      )}
      <ViewportOverlay
        seriesLabel={seriesLabel}
        imageNumber={imageNumber}
        imageCount={view.count}
        voi={view.voi}
      />
      {setupError && (
        <div className="viewport-message" role="alert">
          {setupError}
        </div>
      )}
    </div>
  );
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}
