import {
  cache,
  Enums,
  getRenderingCapabilities,
  getShouldUseCPURendering,
  getWebWorkerManager,
  init as initCore,
  metaData,
  RenderingEngine,
  getRenderingEngine,
  setCanvasCreator,
  setUseCPURendering,
} from '@cornerstonejs/core';
import type { Types as CoreTypes } from '@cornerstonejs/core';
import type { DataSet } from 'dicom-parser';
import {
  addTool,
  AngleTool,
  ArrowAnnotateTool,
  BidirectionalTool,
  CircleROITool,
  CobbAngleTool,
  CrosshairsTool,
  EllipticalROITool,
  Enums as ToolEnums,
  init as initTools,
  LengthTool,
  PanTool,
  ReferenceLinesTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import type { Types as ToolTypes } from '@cornerstonejs/tools';
import { init as initDicomImageLoader, wadouri } from '@cornerstonejs/dicom-image-loader';
import { connectionStore } from '../app/connection-store.ts';
import { cacheCipher, cacheKeyState } from '../app/cache-key.ts';
import { cacheDb } from '../app/local-cache.ts';
import { readStoredHeader, readStoredInstance } from '../../shared/cache/read-instance.ts';
import { renderingSetting } from '../app/workstation-db.ts';
import { sessionStore } from '../app/session-store.ts';
import { CacheReaderClient } from '../workers/cache-reader-client.ts';
import { pageHeaderSets } from './header-sets.ts';
import { syncClient } from '../workers/sync-client.ts';
import { CachedInstances } from './cached-instances.ts';
import { registerTandemImageLoader } from './tandem-image-loader.ts';
import { StackProbeTool } from './probe-tool.ts';
import { installResourceCensus } from './resource-census.ts';
import { headerFileLeases } from './header-files.ts';
import { warmFirstRender } from './warm-render.ts';
import { configureReadAhead } from './read-ahead.ts';
import type { HeaderLabels } from './decoded-headers.ts';
import { keptHeaders } from './kept-headers.ts';
import {
  chooseStackRenderer,
  noteRendererChoice,
  onRenderingSetting,
  type RendererChoice,
  type RenderingSetting,
  type StackRenderer,
} from './render-mode.ts';

export const RENDERING_ENGINE_ID = 'tandem';
export const STACK_TOOL_GROUP_ID = 'tandem-stack';
export const MPR_TOOL_GROUP_ID = 'tandem-mpr';

/** Decoded images kept in memory; the rest is read again from the local cache. */
const IMAGE_CACHE_BYTES = 1024 * 1024 * 1024;
/** Decode workers: Cornerstone's default is half the cores; reading also needs the main thread. */
const MAX_DECODE_WORKERS = 2;

function decodeWorkerCount(): number {
  return Math.max(1, Math.min(MAX_DECODE_WORKERS, navigator.hardwareConcurrency || 1));
}

/**
 * The headers of decoded images whose parsed files were given back (decoded-headers.ts), asked
 * before the DICOM loader's own provider, which reads the parsed files.
 */
const headers = keptHeaders;
const DECODED_HEADERS_PRIORITY = 100;
/** Headers read alone for their metadata (header-sets.ts): after the decoded ones, before the loader's. */
const HEADER_SETS_PRIORITY = 50;

/**
 * The laterality, view and frame count of an image, from its parsed file if it is loaded, else
 * from what was kept of it when it was decoded; null when neither is known yet.
 */
export function headerLabels(imageId: string): HeaderLabels | null {
  const { url } = wadouri.parseImageId(imageId);
  const dataSet = wadouri.dataSetCacheManager.isLoaded(url)
    ? (wadouri.dataSetCacheManager.get(url) as DataSet | undefined)
    : pageHeaderSets.get(imageId);
  if (dataSet) {
    return {
      laterality: dataSet.string('x00200062') ?? dataSet.string('x00200060'),
      viewPosition: dataSet.string('x00185101'),
      numberOfFrames: dataSet.intString('x00280008'),
    };
  }
  return headers.labels(imageId) ?? null;
}

let ready: Promise<void> | undefined;
let instanceSource: CachedInstances | undefined;
let reader: CacheReaderClient | undefined;
/** Files the header reads below loaded, given back when the case is left (header-files.ts). */
const headerLeases = headerFileLeases((url) => wadouri.dataSetCacheManager.unload(url));

/** The case is left: the headers and files read for their headers only go (decoded images keep theirs). */
export function releaseHeaderFiles(): void {
  headerLeases.releaseAll();
  pageHeaderSets.clear();
}

/**
 * Reads (without decoding pixels) the headers of images, so their geometry is known to the
 * metadata provider: slice linking looks up every image's position. A single-frame image's
 * header is read alone (header-sets.ts); a multi-frame file, whose frames the loader reads from
 * its parsed file, and a file that cannot be cut before its pixels, are read whole.
 */
export async function preloadHeaders(
  imageIds: readonly string[],
  /** the reader is waiting (a volume to build): ask the sync worker for missing files first */
  urgent = false,
): Promise<void> {
  await initCornerstone();
  const source = instanceSource;
  if (!source) return;
  const byUrl = new Map<string, { imageId: string; single: boolean }>();
  for (const imageId of imageIds) {
    const { url, pixelDataFrame } = wadouri.parseImageId(imageId);
    if (byUrl.has(url) || pageHeaderSets.has(imageId)) continue;
    const single = pixelDataFrame === undefined;
    // A single-frame image's header is read even when its file or its decoded image answers now:
    // those go when Cornerstone lets the image go (a read ahead given up, the cache over its
    // budget), and a slice link that lost an image's position would send the linked viewport to
    // the wrong end of its series. A multi-frame file read whole stays until the case is left.
    if (!single && (wadouri.dataSetCacheManager.isLoaded(url) || headers.has(imageId))) continue;
    byUrl.set(url, { imageId, single });
  }
  const pending = [...byUrl].map(([url, read]) => ({ url, ...read }));
  const lease = headerLeases.current();
  const generation = pageHeaderSets.generation();
  // a few reads at a time: the cache answers in parallel, and the decoders stay free
  const worker = async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      if (next.single) {
        const header = await source.header(next.url, urgent);
        if (pageHeaderSets.add(next.imageId, header, generation)) continue;
      }
      await wadouri.dataSetCacheManager.load(
        next.url,
        (uid: string) => source.bytes(uid, urgent),
        next.imageId,
      );
      lease.hold(next.url);
    }
  };
  await Promise.all(Array.from({ length: HEADER_READS_AT_ONCE }, worker));
}

const HEADER_READS_AT_ONCE = 6;

/**
 * Initialises Cornerstone once per page: core, tools, the DICOM loader and our `tandem:` loader
 * over the local cache, memory budget, tool group.
 */
export function initCornerstone(): Promise<void> {
  ready ??= renderingSetting()
    .catch((err: unknown) => {
      console.warn('viewer: could not read the rendering setting; using auto', err);
      return 'auto' as const;
    })
    .then(setUp);
  return ready;
}

function setUp(setting: RenderingSetting): void {
  window.addEventListener('unhandledrejection', ignoreReportedImageLoadFailure);
  initCore();
  setCanvasCreator(createViewerCanvas);
  wantedRenderer = chooseRenderer(setting);
  applyWantedRenderer();
  onRenderingSetting((next) => {
    wantedRenderer = chooseRenderer(next);
    applyWantedRenderer();
  });
  initTools();
  initDicomImageLoader({
    maxWebWorkers: decodeWorkerCount(),
    // The deprecated per-file metadata path reads every transfer syntax the loader decodes,
    // including deflated and 1-bit files that the default path fails on (FIELD-NOTES).
    useLegacyMetadataProvider: true,
    errorInterceptor: (error) => {
      if ((error as { status?: number }).status === 401) sessionStore.expired();
    },
  });
  // Images come from this workstation's cache (`tandem:`), never the network: read and
  // unsealed in the cache-reader worker, off the thread that draws them.
  const db = cacheDb();
  reader = new CacheReaderClient(cacheKeyState, {
    read: (uid) => readStoredInstance(db, cacheCipher, uid),
    readHeader: (uid) => readStoredHeader(db, cacheCipher, uid),
  });
  instanceSource = new CachedInstances(
    db,
    () => connectionStore.get() === 'offline',
    (uids) => syncClient.want(uids),
    cacheCipher,
    reader,
  );
  metaData.addProvider((type, imageId) => headers.get(type, imageId), DECODED_HEADERS_PRIORITY);
  metaData.addProvider((type, imageId) => {
    const dataSet = pageHeaderSets.get(imageId);
    return dataSet ? wadouri.metaData.metadataForDataset(type, imageId, dataSet) : undefined;
  }, HEADER_SETS_PRIORITY);
  registerTandemImageLoader(instanceSource, headers);
  cache.setMaxCacheSize(IMAGE_CACHE_BYTES);
  configureReadAhead();
  // Decoded images are patient data: drop them from memory when the user signs out.
  sessionStore.subscribe(() => {
    if (sessionStore.get().status !== 'signed-out') return;
    cache.purgeCache();
    wadouri.dataSetCacheManager.purge();
    headers.clear();
    pageHeaderSets.clear();
  });

  addTool(WindowLevelTool);
  addTool(StackScrollTool);
  addTool(ZoomTool);
  addTool(PanTool);
  addTool(CrosshairsTool);
  addTool(ReferenceLinesTool);
  for (const tool of MEASUREMENT_TOOLS) addTool(tool);
  const group = ToolGroupManager.createToolGroup(STACK_TOOL_GROUP_ID);
  if (!group) throw new Error('could not create the stack tool group');
  configureStackTools(group);
  const mpr = ToolGroupManager.createToolGroup(MPR_TOOL_GROUP_ID);
  if (!mpr) throw new Error('could not create the MPR tool group');
  configureMprTools(mpr);
  installResourceCensus();
}

/**
 * JPEG-LS, 2×2 pixels of 16 bits (1, 2, 3, 4): made with CharLS's encoder for warming the codec.
 * No patient data.
 */
const TINY_JPEG_LS = '/9j/9wALEAACAAIBAREA//gADQH//wASAEMBFABA/9oACAEBAAAAAEAYAwEgEP/Z';
const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';

/** Starts the cache-reader worker, so the first image of the first case does not wait for it to load. */
export async function prepareCacheReader(): Promise<void> {
  await initCornerstone();
  reader?.prepare();
}

/**
 * Readies the decode workers for the first images: each worker decodes a tiny JPEG-LS image, so
 * the codec's WebAssembly is compiled and instantiated now rather than at the first compressed
 * image of an opening (there it added ~40 ms to the image). JPEG-LS is the lossless codec of the
 * archives we read (our priors); the uncompressed path needs no codec. Resolves when every worker
 * is done; a failure is only logged (the first real image would show it).
 */
export async function warmDecoders(): Promise<void> {
  await initCornerstone();
  const bytes = Uint8Array.from(atob(TINY_JPEG_LS), (c) => c.charCodeAt(0));
  const workers = decodeWorkerCount();
  const manager = getWebWorkerManager();
  const tasks = Array.from({ length: workers }, () =>
    manager.executeTask('dicomImageLoader', 'decodeTask', {
      imageFrame: {
        rows: 2,
        columns: 2,
        bitsAllocated: 16,
        bitsStored: 16,
        pixelRepresentation: 0,
        samplesPerPixel: 1,
        photometricInterpretation: 'MONOCHROME2',
      },
      transferSyntax: JPEG_LS_LOSSLESS,
      pixelData: bytes.slice(),
      options: { preScale: { enabled: false } },
      decodeConfig: {},
    }),
  );
  const results = await Promise.allSettled(tasks);
  for (const r of results) {
    if (r.status === 'rejected') console.warn('viewer: warming a decoder failed', r.reason);
  }
}

/**
 * Canvases Cornerstone makes. While stack viewports draw on the CPU, the CPU path's canvas of the
 * image at its own size is kept in memory rather than on the GPU (`willReadFrequently`): the path
 * reads it back (`getImageData`) when a viewport shows its first image, and reading a GPU canvas
 * back makes the page wait for the GPU process to finish everything queued before it — where
 * WebGL is emulated (the reason the CPU path was chosen), whole frames of compositing, 60–80 ms
 * per viewport here. The viewports' on-screen canvases stay as the browser makes them (they are
 * scaled onto the screen, and look the same whichever renderer drew them).
 */
let makingViewportCanvas = false;

function createViewerCanvas(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  // the first call fixes the context's attributes: Cornerstone's later `getContext('2d')` gets this one
  if (!makingViewportCanvas && getShouldUseCPURendering()) {
    canvas.getContext('2d', { willReadFrequently: true });
  }
  return canvas;
}

/** Enables a stack viewport (its on-screen canvas made as the browser does by default). */
export function enableStackViewport(input: CoreTypes.PublicViewportInput): void {
  makingViewportCanvas = true;
  try {
    renderingEngine().enableElement(input);
  } finally {
    makingViewportCanvas = false;
  }
}

/**
 * The reformats' tools: crosshairs on the left button (a click places the other two planes
 * through that point; dragging a line moves or turns its plane), scroll, zoom and pan as on a
 * stack; window/level on the left button when chosen.
 */
function configureMprTools(group: ToolTypes.IToolGroup): void {
  const { MouseBindings } = ToolEnums;
  group.addTool(CrosshairsTool.toolName, {
    getReferenceLineColor: (viewportId: string) =>
      MPR_LINE_COLOURS[viewportId] ?? 'rgb(200, 200, 200)',
  });
  group.addTool(WindowLevelTool.toolName);
  group.addTool(StackScrollTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(PanTool.toolName);
  group.addTool(ReferenceLinesTool.toolName);
  group.setToolActive(CrosshairsTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Primary }],
  });
  bindNavigation(group);
}

/** Each reformat's colour, which its line has in the other two (viewport ids by slot). */
const MPR_LINE_COLOURS: Record<string, string> = {};
export function setMprLineColour(viewportId: string, colour: string): void {
  MPR_LINE_COLOURS[viewportId] = colour;
}

/** What the left button does on the reformats: crosshairs (default) or window/level. */
export function setMprPrimaryTool(tool: 'crosshairs' | 'window-level'): void {
  const group = mprToolGroup();
  const on = tool === 'crosshairs' ? CrosshairsTool.toolName : WindowLevelTool.toolName;
  const off = tool === 'crosshairs' ? WindowLevelTool.toolName : CrosshairsTool.toolName;
  // the crosshairs stay drawn (passive) while window/level has the button
  if (off === CrosshairsTool.toolName) group.setToolPassive(off);
  else group.setToolDisabled(off);
  group.setToolActive(on, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
}

export function mprToolGroup(): ToolTypes.IToolGroup {
  const group = ToolGroupManager.getToolGroup(MPR_TOOL_GROUP_ID);
  if (!group) throw new Error('Cornerstone is not initialised');
  return group;
}

/**
 * Reference lines: where the source viewport's plane cuts every other viewport of the same frame
 * of reference (Cornerstone's ReferenceLinesTool). A reformat's plane is already drawn in the
 * other reformats by the crosshairs, so from a reformat the lines go to the stacks only. Null
 * hides them. Returns what stops following the source.
 */
export function showReferenceLines(
  source: { viewportId: string; element: HTMLElement; kind: 'stack' | 'volume' } | null,
): () => void {
  const groups = [STACK_TOOL_GROUP_ID, MPR_TOOL_GROUP_ID].flatMap((id) => {
    const group = ToolGroupManager.getToolGroup(id);
    return group ? [{ id, group }] : [];
  });
  const shown = groups.filter(
    ({ id }) => source && (source.kind === 'stack' || id === STACK_TOOL_GROUP_ID),
  );
  let hidden = false;
  for (const { group } of groups) {
    if (shown.some((g) => g.group === group)) continue;
    group.setToolDisabled(ReferenceLinesTool.toolName);
    hidden = true;
  }
  // lines already drawn go at the next render of their viewports
  if (hidden) getRenderingEngine(RENDERING_ENGINE_ID)?.render();
  if (!source) return () => {};
  const place = () => {
    for (const { group } of shown) {
      group.setToolConfiguration(ReferenceLinesTool.toolName, {
        sourceViewportId: source.viewportId,
      });
    }
  };
  for (const { group } of shown) group.setToolEnabled(ReferenceLinesTool.toolName);
  place();
  // each tool group's own copy of the tool hears only its own viewports move: tell the others
  const events = [Enums.Events.CAMERA_MODIFIED, Enums.Events.IMAGE_RENDERED];
  let queued = false;
  const follow = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      place();
    });
  };
  for (const e of events) source.element.addEventListener(e, follow);
  return () => {
    for (const e of events) source.element.removeEventListener(e, follow);
  };
}

/**
 * Cornerstone's image cache re-throws a failed load from a promise nobody awaits
 * (`cache.putImageLoadObject`), so every corrupt image also surfaces as an unhandled rejection.
 * The failure already reaches the viewport through IMAGE_LOAD_ERROR and is shown there; keep
 * one short line in the console instead of an "Uncaught (in promise) Object".
 */
function ignoreReportedImageLoadFailure(event: PromiseRejectionEvent): void {
  const reason: unknown = event.reason;
  const isLoaderRejection =
    reason instanceof XMLHttpRequest ||
    (typeof reason === 'object' &&
      reason !== null &&
      !(reason instanceof Error) &&
      'error' in reason);
  if (!isLoaderRejection) return;
  event.preventDefault();
  console.warn('viewer: an image failed to load; the viewport shows why');
}

function configureStackTools(group: ToolTypes.IToolGroup): void {
  const { MouseBindings } = ToolEnums;
  group.addTool(WindowLevelTool.toolName);
  group.addTool(StackScrollTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(PanTool.toolName);
  group.addTool(ReferenceLinesTool.toolName);
  for (const tool of MEASUREMENT_TOOLS) {
    group.addTool(
      tool.toolName,
      tool === ArrowAnnotateTool
        ? { getTextCallback: askArrowText, changeTextCallback: askArrowText }
        : {},
    );
    // passive: what was drawn stays visible and editable while another tool is on the mouse
    group.setToolPassive(tool.toolName);
  }
  group.setToolActive(WindowLevelTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Primary }],
  });
  bindNavigation(group);
}

/** The measurement tools, by the shortcut action that puts each on the left mouse button. */
const MEASUREMENT_TOOLS = [
  LengthTool,
  BidirectionalTool,
  EllipticalROITool,
  CircleROITool,
  StackProbeTool,
  AngleTool,
  CobbAngleTool,
  ArrowAnnotateTool,
] as const;

export const PRIMARY_TOOLS: Readonly<Record<string, string>> = {
  'tool-wl': WindowLevelTool.toolName,
  'tool-length': LengthTool.toolName,
  'tool-bidirectional': BidirectionalTool.toolName,
  'tool-ellipse': EllipticalROITool.toolName,
  'tool-circle': CircleROITool.toolName,
  'tool-probe': StackProbeTool.toolName,
  'tool-angle': AngleTool.toolName,
  'tool-cobb': CobbAngleTool.toolName,
  'tool-arrow': ArrowAnnotateTool.toolName,
};

function askArrowText(done: (text: string) => void): void {
  done(window.prompt('Arrow text') ?? '');
}

let primaryTool: string = WindowLevelTool.toolName;
const primaryListeners = new Set<() => void>();

/** Puts a tool on the left mouse button of every stack viewport; the last one goes passive. */
export function setPrimaryTool(toolName: string): void {
  const group = stackToolGroup();
  if (toolName === primaryTool) return;
  if (primaryTool === WindowLevelTool.toolName) group.setToolDisabled(primaryTool);
  else group.setToolPassive(primaryTool);
  group.setToolActive(toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
  primaryTool = toolName;
  for (const l of [...primaryListeners]) l();
}

export function getPrimaryTool(): string {
  return primaryTool;
}

export function subscribePrimaryTool(listener: () => void): () => void {
  primaryListeners.add(listener);
  return () => primaryListeners.delete(listener);
}

let wantedRenderer: RendererChoice | undefined;

function chooseRenderer(setting: RenderingSetting): RendererChoice {
  const { webgl, softwareRasterizer, renderer } = getRenderingCapabilities();
  return chooseStackRenderer(setting, { webgl, softwareRasterizer, renderer });
}

/**
 * Cornerstone decides CPU or WebGL for every stack viewport from one page-wide flag, read again
 * at each render: it may change only while no viewport is on screen, so a new setting waits for
 * the next opening (`prepareStackRendering`).
 */
function applyWantedRenderer(): void {
  if (!wantedRenderer) return;
  const engine = getRenderingEngine(RENDERING_ENGINE_ID);
  if (engine && engine.getViewports().length > 0) return;
  setUseCPURendering(wantedRenderer.renderer === 'cpu', false);
  noteRendererChoice(wantedRenderer);
}

/** Before a stack viewport is enabled: the renderer the setting asks for, if it may change now. */
export function prepareStackRendering(): void {
  applyWantedRenderer();
}

/** How stack viewports draw in this page now. */
export function stackRenderer(): StackRenderer {
  return getShouldUseCPURendering() ? 'cpu' : 'gpu';
}

/**
 * Enables a reformat (volume viewport), which has only a WebGL path: while stack viewports draw
 * on the CPU, the flag says WebGL just long enough for Cornerstone to build this viewport. A
 * volume viewport never reads the flag again, and the stacks' renders never see it changed.
 */
export function enableVolumeViewport(input: CoreTypes.PublicViewportInput): void {
  const engine = renderingEngine();
  const cpu = getShouldUseCPURendering();
  if (cpu) setUseCPURendering(false, false);
  makingViewportCanvas = true;
  try {
    engine.enableElement(input);
  } finally {
    makingViewportCanvas = false;
    if (cpu) setUseCPURendering(true, false);
  }
}

/**
 * The page's one rendering engine. Created while stack viewports draw on the CPU it makes no
 * WebGL context until a reformat needs one (Cornerstone's context pool).
 */
/** Draws a made-up slice once off screen, so the first case's image runs warm code (warm-render.ts). */
export function warmStackRender(): Promise<void> {
  return warmFirstRender(renderingEngine(), enableStackViewport, () => stackRenderer() === 'cpu');
}

export function renderingEngine(): RenderingEngine {
  const existing = getRenderingEngine(RENDERING_ENGINE_ID);
  return (existing as RenderingEngine | undefined) ?? new RenderingEngine(RENDERING_ENGINE_ID);
}

export function stackToolGroup(): ToolTypes.IToolGroup {
  const group = ToolGroupManager.getToolGroup(STACK_TOOL_GROUP_ID);
  if (!group) throw new Error('Cornerstone is not initialised');
  return group;
}

/** The mouse bindings every viewport shares: wheel scrolls, right button zooms, middle pans. */
function bindNavigation(group: ToolTypes.IToolGroup): void {
  const { MouseBindings } = ToolEnums;
  group.setToolActive(StackScrollTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Wheel }],
  });
  group.setToolActive(ZoomTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Secondary }],
  });
  group.setToolActive(PanTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Auxiliary }],
  });
}
