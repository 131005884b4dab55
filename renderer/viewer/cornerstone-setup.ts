import { cache, init as initCore, RenderingEngine, getRenderingEngine } from '@cornerstonejs/core';
import {
  addTool,
  Enums as ToolEnums,
  init as initTools,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import type { Types as ToolTypes } from '@cornerstonejs/tools';
import { init as initDicomImageLoader, wadouri } from '@cornerstonejs/dicom-image-loader';
import { connectionStore } from '../app/connection-store.ts';
import { cacheDb } from '../app/local-cache.ts';
import { sessionStore } from '../app/session-store.ts';
import { syncClient } from '../workers/sync-client.ts';
import { CachedInstances } from './cached-instances.ts';
import { registerTandemImageLoader } from './tandem-image-loader.ts';

export const RENDERING_ENGINE_ID = 'tandem';
export const STACK_TOOL_GROUP_ID = 'tandem-stack';

/** Decoded images kept in memory; the rest is read again from the local cache. */
const IMAGE_CACHE_BYTES = 1024 * 1024 * 1024;
/** Decode workers: Cornerstone's default is half the cores; reading also needs the main thread. */
const MAX_DECODE_WORKERS = 2;

let ready: Promise<void> | undefined;

/**
 * Initialises Cornerstone once per page: core, tools, the DICOM loader and our `tandem:` loader
 * over the local cache, memory budget, tool group.
 */
export function initCornerstone(): Promise<void> {
  ready ??= Promise.resolve().then(setUp);
  return ready;
}

function setUp(): void {
  window.addEventListener('unhandledrejection', ignoreReportedImageLoadFailure);
  initCore();
  initTools();
  initDicomImageLoader({
    maxWebWorkers: Math.max(1, Math.min(MAX_DECODE_WORKERS, navigator.hardwareConcurrency || 1)),
    // The deprecated per-file metadata path reads every transfer syntax the loader decodes,
    // including deflated and 1-bit files that the default path fails on (FIELD-NOTES).
    useLegacyMetadataProvider: true,
    errorInterceptor: (error) => {
      if ((error as { status?: number }).status === 401) sessionStore.expired();
    },
  });
  // Images come from this workstation's cache (`tandem:`), never the network.
  registerTandemImageLoader(
    new CachedInstances(
      cacheDb(),
      () => connectionStore.get() === 'offline',
      (uids) => syncClient.want(uids),
    ),
  );
  cache.setMaxCacheSize(IMAGE_CACHE_BYTES);
  // Decoded images are patient data: drop them from memory when the user signs out.
  sessionStore.subscribe(() => {
    if (sessionStore.get().status !== 'signed-out') return;
    cache.purgeCache();
    wadouri.dataSetCacheManager.purge();
  });

  addTool(WindowLevelTool);
  addTool(StackScrollTool);
  addTool(ZoomTool);
  addTool(PanTool);
  const group = ToolGroupManager.createToolGroup(STACK_TOOL_GROUP_ID);
  if (!group) throw new Error('could not create the stack tool group');
  configureStackTools(group);
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
  group.setToolActive(WindowLevelTool.toolName, {
    bindings: [{ mouseButton: MouseBindings.Primary }],
  });
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

/** The page's one rendering engine (one offscreen WebGL context shared by all viewports). */
export function renderingEngine(): RenderingEngine {
  const existing = getRenderingEngine(RENDERING_ENGINE_ID);
  return (existing as RenderingEngine | undefined) ?? new RenderingEngine(RENDERING_ENGINE_ID);
}

export function stackToolGroup(): ToolTypes.IToolGroup {
  const group = ToolGroupManager.getToolGroup(STACK_TOOL_GROUP_ID);
  if (!group) throw new Error('Cornerstone is not initialised');
  return group;
}
