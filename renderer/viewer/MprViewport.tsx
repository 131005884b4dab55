import { Enums, eventTarget, metaData, utilities, type Types } from '@cornerstonejs/core';
import { useEffect, useRef, useState } from 'react';
import { emptyOverlayRefs, updateCameraOverlay } from './camera-overlay.ts';
import {
  enableVolumeViewport,
  initCornerstone,
  mprToolGroup,
  renderingEngine,
  RENDERING_ENGINE_ID,
  setMprLineColour,
  setMprPrimaryTool,
} from './cornerstone-setup.ts';
import { imageErrorReason } from './image-error.ts';
import { parseTandemImageId } from './measurement-convert.ts';
import type { ViewportOrientation } from './layout-model.ts';
import { nextSlab, ORIENTATION_NAME, slabText } from './mpr-model.ts';
import { seriesVolume } from './mpr-volume.ts';
import { canvasHasContent } from './render-check.ts';
import { useViewerOptions } from './viewer-options.ts';
import { registerViewport } from './viewport-registry.ts';
import { presetByName, presetsFor } from './voi-presets.ts';
import { ViewportOverlay } from './ViewportOverlay.tsx';

interface Props {
  viewportIndex: number;
  seriesUid: string;
  seriesLabel: string;
  label?: string | undefined;
  studyLines: readonly string[];
  modality: string;
  imageIds: readonly string[];
  orientation: Exclude<ViewportOrientation, 'stack'>;
  voiPreset?: string | undefined;
  active: boolean;
}

const AXIS: Record<Props['orientation'], Enums.OrientationAxis> = {
  axial: Enums.OrientationAxis.AXIAL,
  sagittal: Enums.OrientationAxis.SAGITTAL,
  coronal: Enums.OrientationAxis.CORONAL,
};

/** Each plane's colour, as its line shows in the other two. */
const LINE_COLOUR: Record<Props['orientation'], string> = {
  axial: 'rgb(230, 80, 80)',
  sagittal: 'rgb(240, 200, 60)',
  coronal: 'rgb(80, 200, 120)',
};

/** Which patient axis (LPS) a plane's position is read along. */
const NORMAL_AXIS: Record<Props['orientation'], 0 | 1 | 2> = { sagittal: 0, coronal: 1, axial: 2 };

const PAGE = 10;
const ZOOM_STEP = 1.25;
const PAN_STEP = 20;

interface View {
  sliceIndex: number;
  sliceCount: number;
  /** the volume is complete and the canvas shows it (pixels checked) */
  rendered: boolean;
  /** slices in the volume so far, of all */
  progress: number;
  error: string | null;
  voi: { lower: number; upper: number } | null;
  slabMm: number;
  position: number | null;
}

/**
 * One reformat of a series' volume (axial, sagittal or coronal) in a Cornerstone orthographic
 * volume viewport. The three reformats of a series share one streaming volume and the MPR tool
 * group, whose crosshairs tie them together; a key turns the plane into a MIP slab.
 */
export function MprViewport({
  viewportIndex,
  seriesUid,
  seriesLabel,
  label,
  studyLines,
  modality,
  imageIds,
  orientation,
  voiPreset,
  active,
}: Props) {
  const elementRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<Types.IVolumeViewport | null>(null);
  const overlayRefs = useRef(emptyOverlayRefs());
  const spacingRef = useRef<number | null>(null);
  const headerVoi = useRef<Types.VOIRange | null>(null);
  const [ready, setReady] = useState(false);
  const [volumeReady, setVolumeReady] = useState(false);
  const [view, setView] = useState<View>({
    sliceIndex: 0,
    sliceCount: 0,
    rendered: false,
    progress: 0,
    error: null,
    voi: null,
    slabMm: 0,
    position: null,
  });
  const options = useViewerOptions();
  const viewportId = `viewport-${viewportIndex}`;

  // Enable the element as an orthographic volume viewport in the MPR tool group.
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    let disposed = false;
    let enabled = false;
    initCornerstone()
      .then(() => {
        if (disposed) return;
        const engine = renderingEngine();
        enableVolumeViewport({
          viewportId,
          type: Enums.ViewportType.ORTHOGRAPHIC,
          element,
          defaultOptions: { orientation: AXIS[orientation], background: [0, 0, 0] },
        });
        enabled = true;
        setMprLineColour(viewportId, LINE_COLOUR[orientation]);
        viewportRef.current = engine.getViewport(viewportId) as Types.IVolumeViewport;
        setReady(true);
      })
      .catch((err: unknown) => {
        console.error('viewer: Cornerstone setup failed', err);
        if (!disposed) setView((v) => ({ ...v, error: 'The image viewer could not start.' }));
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
      setVolumeReady(false);
      if (enabled) {
        mprToolGroup().removeViewports(RENDERING_ENGINE_ID, viewportId);
        renderingEngine().disableElement(viewportId);
      }
    };
  }, [viewportId, orientation]);

  // Build (or share) the series' volume and show it in this plane.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!ready || !viewport || imageIds.length === 0) return;
    let cancelled = false;
    const onProgress = (evt: Event) => {
      const detail = (
        evt as CustomEvent<{ volumeId: string; framesProcessed: number; numberOfFrames: number }>
      ).detail;
      if (!detail.volumeId.includes(seriesUid) || !detail.numberOfFrames) return;
      const progress = detail.framesProcessed / detail.numberOfFrames;
      setView((v) => (progress - v.progress >= 0.05 || progress === 1 ? { ...v, progress } : v));
    };
    eventTarget.addEventListener(Enums.Events.IMAGE_VOLUME_MODIFIED, onProgress);
    seriesVolume(seriesUid, imageIds)
      .then(async (volume) => {
        if (cancelled) return;
        await viewport.setVolumes([{ volumeId: volume.volumeId }]);
        if (cancelled) return;
        // FIELD-NOTES: a fresh volume viewport needs its camera reset before the first render
        viewport.resetCamera();
        headerVoi.current = viewport.getProperties()?.voiRange ?? null;
        const preset = voiPreset ? presetByName(modality, voiPreset) : undefined;
        if (preset) {
          viewport.setProperties({
            voiRange: utilities.windowLevel.toLowHighRange(preset.windowWidth, preset.windowCenter),
          });
        }
        const image = viewport.getImageData();
        spacingRef.current = image?.spacing[0] ?? null;
        viewport.render();
        // the crosshairs follow the viewports of their tool group as they get their volume
        mprToolGroup().addViewport(viewportId, RENDERING_ENGINE_ID);
        setVolumeReady(true);
        await volume.loaded;
        if (cancelled) return;
        setView((v) => ({ ...v, progress: 1 }));
        viewport.render();
      })
      .catch((err: unknown) => {
        if (!cancelled) setView((v) => ({ ...v, error: imageErrorReason(err) }));
      });
    return () => {
      cancelled = true;
      eventTarget.removeEventListener(Enums.Events.IMAGE_VOLUME_MODIFIED, onProgress);
    };
    // the hanging applies when the volume is first shown, not when the props change afterwards
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, imageIds, seriesUid]);

  // Follow what the viewport shows: slice, window, slab, whether the pixels are on screen.
  useEffect(() => {
    const element = elementRef.current;
    const viewport = viewportRef.current;
    if (!volumeReady || !element || !viewport) return;
    const sync = () => {
      const camera = viewport.getCamera();
      const position = camera.focalPoint?.[NORMAL_AXIS[orientation]] ?? null;
      const voi = viewport.getProperties()?.voiRange ?? null;
      const slab = viewport.getSlabThickness();
      setView((v) => {
        const next: View = {
          ...v,
          sliceIndex: viewport.getSliceIndex(),
          sliceCount: viewport.getNumberOfSlices(),
          voi: voi ? { lower: voi.lower, upper: voi.upper } : v.voi,
          slabMm: slab >= 0.5 ? Math.round(slab) : 0,
          position,
          rendered: v.rendered || (v.progress === 1 && canvasHasContent(viewport.getCanvas())),
        };
        const same = (Object.keys(next) as (keyof View)[]).every((k) => next[k] === v[k]);
        return same ? v : next;
      });
      updateCameraOverlay(viewport, overlayRefs.current, spacingRef.current);
    };
    const onNewImage = () => setView((v) => ({ ...v, rendered: false }));
    element.addEventListener(Enums.Events.IMAGE_RENDERED, sync);
    element.addEventListener(Enums.Events.VOLUME_NEW_IMAGE, onNewImage);
    element.addEventListener(Enums.Events.CAMERA_MODIFIED, sync);
    element.addEventListener(Enums.Events.VOI_MODIFIED, sync);
    sync();
    return () => {
      element.removeEventListener(Enums.Events.IMAGE_RENDERED, sync);
      element.removeEventListener(Enums.Events.VOLUME_NEW_IMAGE, onNewImage);
      element.removeEventListener(Enums.Events.CAMERA_MODIFIED, sync);
      element.removeEventListener(Enums.Events.VOI_MODIFIED, sync);
    };
  }, [volumeReady, orientation]);

  // Once the volume is complete, draw again so the pixel check sees the whole plane.
  useEffect(() => {
    if (view.progress === 1 && volumeReady) viewportRef.current?.render();
  }, [view.progress, volumeReady]);

  // The overlay's scale bar is drawn from the camera: draw it when it (re)appears.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (volumeReady && viewport) {
      updateCameraOverlay(viewport, overlayRefs.current, spacingRef.current);
    }
  }, [volumeReady, options.scaleBar]);

  // The viewport's keyboard actions.
  useEffect(() => {
    const element = elementRef.current;
    const viewport = viewportRef.current;
    if (!volumeReady || !element || !viewport) return;
    const render = () => viewport.render();
    const scroll = (delta: number) =>
      utilities.scroll(viewport as unknown as Types.IViewport, { delta });
    const setVoi = (width: number, centre: number) => {
      viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(width, centre) });
      render();
    };
    const pan = (dx: number, dy: number) => {
      const [x, y] = viewport.getPan();
      viewport.setPan([x + dx, y + dy]);
      render();
    };
    const commands: Record<string, () => void> = {
      'next-image': () => scroll(1),
      'prev-image': () => scroll(-1),
      'page-down': () => scroll(PAGE),
      'page-up': () => scroll(-PAGE),
      'first-image': () => scroll(-viewport.getSliceIndex()),
      'last-image': () => scroll(viewport.getNumberOfSlices() - 1 - viewport.getSliceIndex()),
      reset: () => {
        viewport.resetCamera();
        viewport.resetProperties();
        render();
      },
      'preset-auto': () => {
        if (headerVoi.current) viewport.setProperties({ voiRange: headerVoi.current });
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
        viewport.resetCamera({ resetPan: true, resetZoom: true, resetToCenter: false });
        render();
      },
      'pan-left': () => pan(-PAN_STEP, 0),
      'pan-right': () => pan(PAN_STEP, 0),
      'pan-up': () => pan(0, -PAN_STEP),
      'pan-down': () => pan(0, PAN_STEP),
      invert: () => {
        viewport.setProperties({ invert: !viewport.getProperties()?.invert });
        render();
      },
      'mip-slab': () => {
        const current = viewport.getSlabThickness();
        const mm = nextSlab(current >= 0.5 ? current : 0);
        if (mm > 0) {
          viewport.setBlendMode(Enums.BlendModes.MAXIMUM_INTENSITY_BLEND);
          viewport.setSlabThickness(mm);
        } else {
          viewport.setBlendMode(Enums.BlendModes.COMPOSITE);
          viewport.resetSlabThickness();
        }
        render();
      },
      'tool-crosshairs': () => setMprPrimaryTool('crosshairs'),
      'tool-wl': () => setMprPrimaryTool('window-level'),
    };
    for (let n = 1; n <= 9; n++) {
      commands[`preset-${n}`] = () => {
        const preset = presetsFor(modality).find((p) => p.key === String(n));
        if (preset) setVoi(preset.windowWidth, preset.windowCenter);
      };
    }
    return registerViewport({
      index: viewportIndex,
      viewportId,
      seriesUid,
      element,
      kind: 'volume',
      command(action) {
        const run = commands[action];
        if (!run) return false;
        run();
        return true;
      },
      interceptKey: () => false,
      // to the plane through the centre of that acquired image
      jumpTo(sopInstanceUid, frameIndex = 0) {
        const imageId = imageIds.find((id) => {
          const parsed = parseTandemImageId(id);
          return parsed.sopInstanceUid === sopInstanceUid && parsed.frameIndex === frameIndex;
        });
        const centre = imageId ? imageCentre(imageId) : null;
        return centre ? viewport.jumpToWorld(centre) : false;
      },
      worldToCanvas(point) {
        const [x, y] = viewport.worldToCanvas(point as Types.Point3);
        return [x, y];
      },
    });
  }, [volumeReady, viewportIndex, viewportId, seriesUid, modality, imageIds]);

  const plane = [ORIENTATION_NAME[orientation], slabText(view.slabMm)].filter(Boolean).join(' · ');
  const loading = view.error === null && view.progress < 1;
  return (
    <div
      className={`viewport${active ? ' active' : ''}`}
      data-testid="viewport"
      data-viewport-index={viewportIndex}
      data-series-uid={seriesUid}
      data-orientation={orientation}
      data-image-index={view.sliceIndex}
      data-rendered={view.rendered && !loading ? 'true' : 'false'}
      data-image-error={view.error !== null ? 'true' : undefined}
      data-slab-mm={view.slabMm}
      data-active={active ? 'true' : 'false'}
    >
      <div
        className="viewport-element"
        ref={elementRef}
        onContextMenu={(e) => e.preventDefault()}
      />
      {view.error !== null && (
        <div className="viewport-message image-error" role="alert">
          The {ORIENTATION_NAME[orientation].toLowerCase()} reformat could not be displayed:{' '}
          {view.error}
        </div>
      )}
      {loading && (
        <div className="viewport-loading muted" data-testid="volume-progress">
          Building the volume… {Math.round(view.progress * 100)}%
        </div>
      )}
      <ViewportOverlay
        refs={overlayRefs.current}
        seriesLabel={seriesLabel}
        label={label}
        studyLines={studyLines}
        imageNumber={view.sliceIndex + 1}
        imageCount={view.sliceCount}
        sliceText={view.position !== null ? `Pos ${view.position.toFixed(1)} mm` : ''}
        planeText={plane}
        voi={view.voi}
        scaleBar={options.scaleBar}
      />
    </div>
  );
}

/** The patient-space centre of an acquired image, from its header. */
function imageCentre(imageId: string): Types.Point3 | null {
  const plane = metaData.get('imagePlaneModule', imageId) as
    | {
        imagePositionPatient?: number[];
        rowCosines?: number[];
        columnCosines?: number[];
        rowPixelSpacing?: number;
        columnPixelSpacing?: number;
        rows?: number;
        columns?: number;
      }
    | undefined;
  const origin = plane?.imagePositionPatient;
  const row = plane?.rowCosines;
  const col = plane?.columnCosines;
  if (!origin || !row || !col) return null;
  // along a row the columns advance, along a column the rows
  const across = ((plane.columns ?? 0) / 2) * (plane.columnPixelSpacing ?? 1);
  const down = ((plane.rows ?? 0) / 2) * (plane.rowPixelSpacing ?? 1);
  const at = (axis: number) =>
    (origin[axis] ?? 0) + (row[axis] ?? 0) * across + (col[axis] ?? 0) * down;
  return [at(0), at(1), at(2)];
}
