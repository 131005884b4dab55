import { Enums, eventTarget, metaData, utilities, type Types } from '@cornerstonejs/core';
import {
  annotation as annotationApi,
  utilities as toolUtilities,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import { useEffect, useReducer, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { presetByName, presetsFor } from './voi-presets.ts';
import {
  enableStackViewport,
  headerLabels,
  initCornerstone,
  prepareStackRendering,
  PRIMARY_TOOLS,
  renderingEngine,
  RENDERING_ENGINE_ID,
  setPrimaryTool,
  stackRenderer,
  stackToolGroup,
} from './cornerstone-setup.ts';
import type { StackRenderer } from './render-mode.ts';
import { imageErrorReason } from './image-error.ts';
import { parseTandemImageId } from './measurement-convert.ts';
import { registerSeriesImages, saveAnnotation } from './measurement-store.ts';
import { readAhead } from './read-ahead.ts';
import { drawnCanvas, viewportShowsImage } from './render-check.ts';
import { registerViewport } from './viewport-registry.ts';
import { ViewportOverlay } from './ViewportOverlay.tsx';
import { initialViewState, viewStateReducer } from './view-state.ts';
import { emptyOverlayRefs, updateCameraOverlay } from './camera-overlay.ts';
import { frameLabel, projectionLabel } from './image-labels.ts';
import { useViewerOptions } from './viewer-options.ts';
import { markOpening } from './open-marks.ts';
import { expectFirstImage, firstImageDone } from './first-images.ts';

interface Props {
  viewportIndex: number;
  studyUid: string;
  seriesUid: string;
  seriesLabel: string;
  /** extra line, e.g. "prior: 2025-03-02, 14 months earlier" */
  label?: string | undefined;
  /** patient and study lines for the top-right corner */
  studyLines: readonly string[];
  modality: string;
  imageIds: readonly string[];
  voiPreset?: string | undefined;
  flipHorizontal?: boolean | undefined;
  /** Only the active viewport answers the keyboard. */
  active: boolean;
}

const PAGE = 10;
const ZOOM_STEP = 1.25;
const PAN_STEP = 20;
const MIN_FPS = 1;
const MAX_FPS = 60;

/** A length drawn with the keyboard: its end moves with the arrows until Enter keeps it. */
interface KeyMeasure {
  annotationUid: string;
}

/** One Cornerstone3D stack viewport showing a series, with scroll, window/level and an overlay. */
export function StackViewport({
  viewportIndex,
  studyUid,
  seriesUid,
  seriesLabel,
  label,
  studyLines,
  modality,
  imageIds,
  voiPreset,
  flipHorizontal,
  active,
}: Props) {
  const elementRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<Types.IStackViewport | null>(null);
  const overlayRefs = useRef(emptyOverlayRefs());
  const options = useViewerOptions();
  const [ready, setReady] = useState(false);
  const [stackReady, setStackReady] = useState(false);
  const [setupError, setSetupError] = useState<string | null>(null);
  const [drawnBy, setDrawnBy] = useState<StackRenderer | null>(null);
  const [view, dispatch] = useReducer(viewStateReducer, initialViewState);
  const cine = useRef({ playing: false, fps: 15 });
  const keyMeasure = useRef<KeyMeasure | null>(null);
  const headerVoi = useRef<Types.VOIRange | null>(null);
  const viewportId = `viewport-${viewportIndex}`;

  // Enable the element in the shared rendering engine and the stack tool group.
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    let disposed = false;
    let enabled = false;
    markOpening(`${viewportId}:mount`);
    const withdrawFirstImage = expectFirstImage(viewportId);
    initCornerstone()
      .then(() => {
        if (disposed) return;
        markOpening(`${viewportId}:cornerstone`);
        prepareStackRendering();
        enableStackViewport({
          viewportId,
          type: Enums.ViewportType.STACK,
          element,
          defaultOptions: { background: [0, 0, 0] },
        });
        const engine = renderingEngine();
        enabled = true;
        stackToolGroup().addViewport(viewportId, RENDERING_ENGINE_ID);
        viewportRef.current = engine.getViewport(viewportId) as Types.IStackViewport;
        setDrawnBy(stackRenderer());
        markOpening(`${viewportId}:enabled`);
        setReady(true);
      })
      .catch((err: unknown) => {
        console.error('viewer: Cornerstone setup failed', err);
        firstImageDone(viewportId);
        if (!disposed)
          setSetupError('The image viewer could not start on this computer (WebGL unavailable?).');
      });

    const resize = new ResizeObserver(() => {
      if (enabled) renderingEngine().resize(true, false);
    });
    resize.observe(element);
    return () => {
      disposed = true;
      withdrawFirstImage();
      resize.disconnect();
      if (viewportRef.current) toolUtilities.cine.stopClip(element);
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
      // a resize re-renders without moving the camera: the zoom on screen changes all the same
      updateCameraOverlay(viewport, overlayRefs.current, spacingOf(viewport), () =>
        screenPixelsPerImagePixel(viewport),
      );
      const index = viewport.getImageIds().indexOf(image.imageId);
      if (index < 0) return;
      const voiRange = viewport.getProperties().voiRange;
      const shown =
        checkedImageId !== image.imageId &&
        viewportShowsImage(
          drawnCanvas(viewport, image, stackRenderer() === 'cpu'),
          image,
          voiRange,
        );
      if (shown) {
        checkedImageId = image.imageId;
        markOpening(`${viewportId}:rendered`);
        firstImageDone(viewportId);
      }
      // Cornerstone draws in an animation frame: the overlay (the image's labels, its window) is
      // committed in that same frame, so it never lags the pixels by a frame while scrolling.
      flushSync(() => {
        if (voiRange) dispatch({ type: 'voi', range: voiRange });
        if (shown) dispatch({ type: 'image-rendered', index });
      });
    };
    const onVoi = (evt: Event) => {
      const { range } = (evt as CustomEvent<{ range: { lower: number; upper: number } }>).detail;
      dispatch({ type: 'voi', range });
    };
    // Zoom and orientation markers change with the camera: written straight into the overlay.
    const onCamera = () =>
      updateCameraOverlay(viewport, overlayRefs.current, spacingOf(viewport), () =>
        screenPixelsPerImagePixel(viewport),
      );
    const onLoadError = (evt: Event) => {
      const detail = (evt as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
      if (!detail?.imageId) return;
      const index = viewport.getImageIds().indexOf(detail.imageId);
      if (index < 0 || index !== viewport.getCurrentImageIdIndex()) return;
      firstImageDone(viewportId);
      dispatch({ type: 'image-failed', index, reason: imageErrorReason(detail.error) });
    };

    element.addEventListener(Enums.Events.STACK_VIEWPORT_SCROLL, onScroll);
    element.addEventListener(Enums.Events.PRE_STACK_NEW_IMAGE, onPreNewImage);
    element.addEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
    element.addEventListener(Enums.Events.VOI_MODIFIED, onVoi);
    element.addEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
    eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
    return () => {
      element.removeEventListener(Enums.Events.STACK_VIEWPORT_SCROLL, onScroll);
      element.removeEventListener(Enums.Events.PRE_STACK_NEW_IMAGE, onPreNewImage);
      element.removeEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
      element.removeEventListener(Enums.Events.VOI_MODIFIED, onVoi);
      element.removeEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
      eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
    };
  }, [ready, viewportId]);

  // Show the series, then its hanging: preset, flip.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!ready || !viewport) return;
    dispatch({ type: 'stack-set', count: imageIds.length });
    setStackReady(false);
    if (imageIds.length === 0) return;
    const withdrawSeries = registerSeriesImages({
      studyInstanceUid: studyUid,
      seriesInstanceUid: seriesUid,
      imageIds,
    });
    markOpening(`${viewportId}:set-stack`);
    viewport.setStack([...imageIds], 0).then(
      () => {
        markOpening(`${viewportId}:stack-shown`);
        headerVoi.current = viewport.getProperties().voiRange ?? null;
        const preset = voiPreset ? presetByName(modality, voiPreset) : undefined;
        if (preset) {
          viewport.setProperties({
            voiRange: utilities.windowLevel.toLowHighRange(preset.windowWidth, preset.windowCenter),
          });
        }
        if (flipHorizontal) viewport.setCamera({ flipHorizontal: true });
        viewport.render();
        updateCameraOverlay(viewport, overlayRefs.current, spacingOf(viewport), () =>
          screenPixelsPerImagePixel(viewport),
        );
        setStackReady(true);
      },
      (err: unknown) => {
        firstImageDone(viewportId);
        dispatch({ type: 'image-failed', index: 0, reason: imageErrorReason(err) });
      },
    );
    return withdrawSeries;
    // the hanging applies when the series is shown, not when the props change afterwards
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, imageIds]);

  // Once the series is shown, its images are read ahead of the reader.
  useEffect(() => {
    const element = elementRef.current;
    if (!stackReady || !element || imageIds.length === 0) return;
    return readAhead(element, imageIds);
  }, [stackReady, imageIds]);

  // The scale bar is drawn from the camera: draw it when it (re)appears.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (stackReady && viewport) {
      updateCameraOverlay(viewport, overlayRefs.current, spacingOf(viewport), () =>
        screenPixelsPerImagePixel(viewport),
      );
    }
  }, [stackReady, options.scaleBar]);

  // Register the viewport's actions for the case view's keyboard and the measurements panel.
  useEffect(() => {
    const element = elementRef.current;
    const viewport = viewportRef.current;
    if (!ready || !stackReady || !element || !viewport) return;
    const render = () => viewport.render();

    const setCine = (playing: boolean) => {
      cine.current.playing = playing;
      if (playing) toolUtilities.cine.playClip(element, { framesPerSecond: cine.current.fps });
      else toolUtilities.cine.stopClip(element);
      const node = overlayRefs.current.cine;
      if (node) node.textContent = playing ? `▶ ${cine.current.fps} fps` : '';
    };

    const commands: Record<string, () => void> = {
      'next-image': () => utilities.scroll(viewport, { delta: 1, debounceLoading: true }),
      'prev-image': () => utilities.scroll(viewport, { delta: -1, debounceLoading: true }),
      'page-down': () => utilities.scroll(viewport, { delta: PAGE, debounceLoading: true }),
      'page-up': () => utilities.scroll(viewport, { delta: -PAGE, debounceLoading: true }),
      'first-image': () => void viewport.setImageIdIndex(0),
      'last-image': () => void viewport.setImageIdIndex(viewport.getImageIds().length - 1),
      cine: () => setCine(!cine.current.playing),
      'cine-faster': () => {
        cine.current.fps = Math.min(MAX_FPS, cine.current.fps + 5);
        if (cine.current.playing) setCine(true);
      },
      'cine-slower': () => {
        cine.current.fps = Math.max(MIN_FPS, cine.current.fps - 5);
        if (cine.current.playing) setCine(true);
      },
      reset: () => {
        viewport.resetCamera();
        viewport.resetProperties();
        render();
      },
      'preset-auto': () => {
        if (headerVoi.current) viewport.setProperties({ voiRange: headerVoi.current });
        else viewport.resetProperties();
        render();
      },
      'zoom-in': () => {
        viewport.setZoom(viewport.getZoom() * ZOOM_STEP);
        render();
      },
      'zoom-out': () => {
        viewport.setZoom(viewport.getZoom() / ZOOM_STEP);
        render();
      },
      fit: () => {
        viewport.resetCamera({ resetPan: true, resetZoom: true });
        render();
      },
      'actual-size': () => {
        const scale = screenPixelsPerImagePixel(viewport);
        if (scale) {
          viewport.setZoom(viewport.getZoom() / scale);
          render();
        }
      },
      'pan-left': () => pan(viewport, -PAN_STEP, 0),
      'pan-right': () => pan(viewport, PAN_STEP, 0),
      'pan-up': () => pan(viewport, 0, -PAN_STEP),
      'pan-down': () => pan(viewport, 0, PAN_STEP),
      'flip-h': () => {
        viewport.setCamera({ flipHorizontal: !viewport.getCamera().flipHorizontal });
        render();
      },
      'flip-v': () => {
        viewport.setCamera({ flipVertical: !viewport.getCamera().flipVertical });
        render();
      },
      rotate: () => {
        const rotation = viewport.getViewPresentation().rotation ?? 0;
        viewport.setViewPresentation({ rotation: (rotation + 90) % 360 });
        render();
      },
      invert: () => {
        viewport.setProperties({ invert: !viewport.getProperties().invert });
        render();
      },
      'key-measure': () => startKeyMeasure(),
    };
    for (const [action, tool] of Object.entries(PRIMARY_TOOLS)) {
      commands[action] = () => setPrimaryTool(tool);
    }
    for (let n = 1; n <= 9; n++) {
      commands[`preset-${n}`] = () => {
        const preset = presetsFor(modality).find((p) => p.key === String(n));
        if (preset) {
          viewport.setProperties({
            voiRange: utilities.windowLevel.toLowHighRange(preset.windowWidth, preset.windowCenter),
          });
          render();
        } else if (n === 1) {
          commands['preset-auto']?.();
        }
      };
    }

    const startKeyMeasure = () => {
      const imageId = viewport.getCurrentImageId();
      if (!imageId || keyMeasure.current) return;
      const canvas = viewport.getCanvas();
      const w = canvas.clientWidth;
      const h = canvas.clientHeight;
      const start = viewport.canvasToWorld([w / 2, h / 2]);
      const end = viewport.canvasToWorld([w / 2 + 40, h / 2]);
      const camera = viewport.getCamera();
      const annotation = {
        annotationUID: utilities.uuidv4(),
        invalidated: true,
        highlighted: true,
        isLocked: false,
        isVisible: true,
        metadata: {
          toolName: 'Length',
          referencedImageId: imageId,
          FrameOfReferenceUID: viewport.getFrameOfReferenceUID(),
          viewPlaneNormal: camera.viewPlaneNormal,
          viewUp: camera.viewUp,
        },
        data: {
          handles: {
            points: [start, end],
            activeHandleIndex: null,
            textBox: {
              hasMoved: false,
              worldPosition: [0, 0, 0],
              worldBoundingBox: {
                topLeft: [0, 0, 0],
                topRight: [0, 0, 0],
                bottomLeft: [0, 0, 0],
                bottomRight: [0, 0, 0],
              },
            },
          },
          label: '',
          cachedStats: {},
        },
      };
      annotationApi.state.addAnnotation(annotation as unknown as ToolTypes.Annotation, element);
      keyMeasure.current = { annotationUid: annotation.annotationUID };
      element.dataset.keyMeasure = 'true';
      toolUtilities.triggerAnnotationRenderForViewportIds([viewportId]);
    };

    const moveKeyMeasure = (dx: number, dy: number) => {
      const m = keyMeasure.current;
      const a = m && annotationApi.state.getAnnotation(m.annotationUid);
      if (!a) return;
      const points = a.data.handles?.points;
      const end = points?.[1];
      if (!points || !end) return;
      const [x, y] = viewport.worldToCanvas(end);
      points[1] = viewport.canvasToWorld([x + dx, y + dy]);
      a.invalidated = true;
      toolUtilities.triggerAnnotationRenderForViewportIds([viewportId]);
    };

    const endKeyMeasure = (keep: boolean) => {
      const m = keyMeasure.current;
      keyMeasure.current = null;
      delete element.dataset.keyMeasure;
      if (!m) return;
      if (!keep) {
        annotationApi.state.removeAnnotation(m.annotationUid);
      } else {
        const a = annotationApi.state.getAnnotation(m.annotationUid);
        if (a) a.highlighted = false;
        saveAnnotation(m.annotationUid);
      }
      toolUtilities.triggerAnnotationRenderForViewportIds([viewportId]);
    };

    return registerViewport({
      index: viewportIndex,
      viewportId,
      seriesUid,
      element,
      kind: 'stack',
      command(action) {
        const run = commands[action];
        if (!run) return false;
        run();
        return true;
      },
      interceptKey(name) {
        if (!keyMeasure.current) return false;
        const step = name.startsWith('Shift+') ? 10 : 1;
        const bare = name.replace(/^Shift\+/, '');
        const moves: Record<string, [number, number]> = {
          ArrowLeft: [-step, 0],
          ArrowRight: [step, 0],
          ArrowUp: [0, -step],
          ArrowDown: [0, step],
        };
        const move = moves[bare];
        if (move) moveKeyMeasure(move[0], move[1]);
        else if (name === 'Enter') endKeyMeasure(true);
        else if (name === 'Escape') endKeyMeasure(false);
        else return false;
        return true;
      },
      jumpTo(sopInstanceUid, frameIndex = 0) {
        const ids = viewport.getImageIds();
        const index = ids.findIndex((id) => {
          const parsed = parseTandemImageId(id);
          return parsed.sopInstanceUid === sopInstanceUid && parsed.frameIndex === frameIndex;
        });
        if (index < 0) return false;
        void viewport.setImageIdIndex(index);
        return true;
      },
      worldToCanvas(point) {
        const [x, y] = viewport.worldToCanvas(point as Types.Point3);
        return [x, y];
      },
    });
  }, [ready, stackReady, viewportIndex, viewportId, seriesUid, modality]);

  const imageNumber = view.imageIndex + 1;
  const imageId = imageIds[view.imageIndex];
  const plane = imageId
    ? (metaData.get('imagePlaneModule', imageId) as
        | { sliceLocation?: number; sliceThickness?: number; imagePositionPatient?: number[] }
        | undefined)
    : undefined;
  const location = plane?.sliceLocation ?? plane?.imagePositionPatient?.[2];
  const header = imageId && view.rendered ? headerLabelsOf(imageId) : null;
  const sliceText =
    location !== undefined
      ? `Loc ${location.toFixed(1)} mm${plane?.sliceThickness ? ` · Th ${plane.sliceThickness} mm` : ''}`
      : '';
  return (
    <div
      className={`viewport${active ? ' active' : ''}`}
      data-testid="viewport"
      data-viewport-index={viewportIndex}
      data-series-uid={seriesUid}
      data-image-index={view.imageIndex}
      data-rendered={view.rendered ? 'true' : 'false'}
      data-image-error={view.error !== null ? 'true' : undefined}
      data-active={active ? 'true' : 'false'}
      data-renderer={drawnBy ?? undefined}
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
        refs={overlayRefs.current}
        seriesLabel={seriesLabel}
        label={label}
        projection={header?.projection}
        studyLines={studyLines}
        imageNumber={imageNumber}
        imageCount={view.count}
        frameText={header?.frame}
        sliceText={sliceText}
        voi={view.voi}
        scaleBar={options.scaleBar}
      />
      {setupError && (
        <div className="viewport-message" role="alert">
          {setupError}
        </div>
      )}
    </div>
  );
}

function pan(viewport: Types.IStackViewport, dx: number, dy: number): void {
  const [x, y] = viewport.getPan();
  viewport.setPan([x + dx, y + dy]);
  viewport.render();
}

/** How many screen (CSS) pixels one image pixel covers now. */
function screenPixelsPerImagePixel(viewport: Types.IStackViewport): number | null {
  const image = viewport.getCornerstoneImage();
  if (!image) return null;
  const canvas = viewport.getCanvas();
  const centre = viewport.canvasToWorld([canvas.clientWidth / 2, canvas.clientHeight / 2]);
  const { viewUp, viewPlaneNormal } = viewport.getCamera();
  if (!viewUp || !viewPlaneNormal) return null;
  const right = crossVec(viewUp, viewPlaneNormal);
  const spacing = image.columnPixelSpacing || 1;
  const a = viewport.worldToCanvas(centre);
  const b = viewport.worldToCanvas([
    centre[0] + right[0] * spacing,
    centre[1] + right[1] * spacing,
    centre[2] + right[2] * spacing,
  ]);
  const d = Math.hypot(b[0] - a[0], b[1] - a[1]);
  return d > 0 ? d : null;
}

function crossVec(a: readonly number[], b: readonly number[]): [number, number, number] {
  const [a0 = 0, a1 = 0, a2 = 0] = a;
  const [b0 = 0, b1 = 0, b2 = 0] = b;
  return [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0];
}

/**
 * Labels read from the image's header, once it is loaded: laterality and view of a projection
 * image, the frame of a multi-frame instance.
 */
function headerLabelsOf(imageId: string): { projection: string; frame: string } | null {
  const header = headerLabels(imageId);
  if (!header) return null;
  const projection = projectionLabel({
    laterality: header.laterality,
    viewPosition: header.viewPosition,
  });
  return { projection, frame: frameLabel(imageId, header.numberOfFrames) };
}

/** The image's pixel spacing across (mm), for the zoom figure. */
function spacingOf(viewport: Types.IStackViewport): number | null {
  const image = viewport.getCornerstoneImage();
  return image ? image.columnPixelSpacing || 1 : null;
}
