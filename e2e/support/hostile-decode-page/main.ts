// The viewer's decode path on a page of its own, for hostile-input tests (built with the renderer's
// Vite settings by `../hostile-decode.ts`, so the DICOM image loader's decode workers and WASM
// codecs are bundled as in the app). Each file goes the way an image of the cache goes to a
// viewport: the sync verifier, the sync's Dexie store (the real `tandem` database), the `tandem:`
// loader over `CachedInstances` (with a stack viewport's load options), Cornerstone's image cache
// and the loader's decode workers; what decodes is then drawn in a real stack viewport. Outcomes:
// shown, rejected (with the message the viewport would show, `imageErrorReason`), hung or crashed.
import {
  cache,
  Enums,
  imageLoader,
  init as initCore,
  metaData,
  RenderingEngine,
  type Types,
} from '@cornerstonejs/core';
import { init as initDicomImageLoader, wadouri } from '@cornerstonejs/dicom-image-loader';
import { TandemDb } from '../../../shared/cache/db.ts';
import { DexieSyncStore } from '../../../shared/cache/sync-store.ts';
import {
  mutate,
  sopInstanceUidOf,
  type MutationKind,
} from '../../../shared/sync/test-support/hostile-dicom.ts';
import { verifyPart10 } from '../../../shared/sync/verify-instance.ts';
import { CachedInstances } from '../../../renderer/viewer/cached-instances.ts';
import { imageErrorReason } from '../../../renderer/viewer/image-error.ts';
import {
  registerTandemImageLoader,
  tandemImageId,
} from '../../../renderer/viewer/tandem-image-loader.ts';
import type { DecodeJob, DecodeOutcome } from '../hostile-decode.ts';

const CASE_ID = 'hostile-decode';
const STUDY_UID = '1.2.826.0.1.3680043.10.1139.77.9';
const SERIES_UID = '1.2.826.0.1.3680043.10.1139.77.9.1';

const db = new TandemDb();
const store = new DexieSyncStore(db);
let bases: Uint8Array[] = [];
let viewport: Types.IStackViewport | undefined;
/** Uncaught errors and unhandled rejections since the current file started. */
let stray: unknown[] = [];

window.addEventListener('error', (e) => stray.push(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => {
  // Cornerstone's image cache re-throws every failed load from a promise nobody awaits (the app
  // keeps one console line for it, cornerstone-setup.ts); the load's own rejection is checked below.
  e.preventDefault();
  stray.push(e.reason);
});

async function init(baseUrls: string[]): Promise<{ bases: number }> {
  initCore();
  // As the viewer does (cornerstone-setup.ts): two decode workers, the legacy metadata path.
  initDicomImageLoader({ maxWebWorkers: 2, useLegacyMetadataProvider: true });
  registerTandemImageLoader(new CachedInstances(db, () => true));
  cache.setMaxCacheSize(1024 * 1024 * 1024);
  bases = await Promise.all(
    baseUrls.map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())),
  );
  await db.studies.put({
    studyInstanceUid: STUDY_UID,
    accessionNumber: 'HOSTILE',
    studyDate: '2024-01-01',
    description: 'hostile decode',
    modalities: ['OT'],
    bodyPart: '',
    patientId: 'HOSTILE',
    patientName: 'Hostile^Decode',
    numberOfInstances: 0,
    caseIds: [CASE_ID],
    report: null,
  });
  const element = document.getElementById('viewport') as HTMLDivElement;
  const engine = new RenderingEngine('hostile');
  engine.enableElement({
    viewportId: 'stack',
    type: Enums.ViewportType.STACK,
    element,
  });
  viewport = engine.getViewport('stack') as Types.IStackViewport;
  return { bases: bases.length };
}

/** One line a radiologist can act on (the rules of e2e/hostile-decode.spec.ts). */
function readable(text: string): boolean {
  const t = text.trim();
  return (
    t.length > 10 && t.length <= 400 && !/\n\s+at |at \w+ \(|Error:|undefined|\[object /.test(t)
  );
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'object' && err !== null) {
    try {
      return JSON.stringify(err).slice(0, 300);
    } catch {
      return Object.prototype.toString.call(err);
    }
  }
  return String(err);
}

function withCap<T>(p: Promise<T>, ms: number): Promise<T | 'hung'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** The stack viewport draws the image: resolves when Cornerstone says it rendered it. */
function drawInViewport(imageId: string): Promise<boolean> {
  const vp = viewport!;
  return new Promise<boolean>((resolve, reject) => {
    const done = () => {
      vp.element.removeEventListener(Enums.Events.IMAGE_RENDERED, done);
      resolve(true);
    };
    vp.element.addEventListener(Enums.Events.IMAGE_RENDERED, done);
    vp.setStack([imageId]).then(() => vp.render(), reject);
  });
}

/** The options a stack viewport loads its images with (StackViewport.getLoaderImageOptions). */
function stackLoadOptions(imageId: string): Parameters<typeof imageLoader.loadAndCacheImage>[1] {
  const ts = metaData.get(Enums.MetadataModules.TRANSFER_SYNTAX, imageId) as
    { transferSyntaxUID?: string } | undefined;
  const options = {
    useRGBA: false,
    transferSyntaxUID: ts?.transferSyntaxUID,
    priority: 5,
    requestType: Enums.RequestType.Interaction,
  };
  return options;
}

function forget(sopInstanceUid: string): void {
  cache.purgeCache();
  if (wadouri.dataSetCacheManager.isLoaded(sopInstanceUid))
    wadouri.dataSetCacheManager.unload(sopInstanceUid);
}

async function decodeOne(job: DecodeJob): Promise<DecodeOutcome> {
  const started = performance.now();
  stray = [];
  const base = bases[job.base]!;
  const bytes =
    job.kind === 'original' ? base : mutate(base, job.kind as MutationKind, job.seed).bytes;
  const sopInstanceUid = sopInstanceUidOf(base);
  const ms = () => Math.round(performance.now() - started);
  const outcome = (
    o: Omit<DecodeOutcome, 'ms' | 'stage' | 'size'> & { stage: DecodeOutcome['stage'] },
  ) => ({
    ...o,
    ms: ms(),
    size: bytes.length,
  });

  // 1. The sync verifier, as on a download.
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  const verified = await withCap(verifyPart10(blob, { sopInstanceUid }), job.capMs);
  if (verified === 'hung') return outcome({ verdict: 'hung', stage: 'verifier', message: '' });
  if (!verified.ok) {
    return readable(verified.reason)
      ? outcome({ verdict: 'rejected', stage: 'verifier', message: verified.reason })
      : outcome({ verdict: 'unreadable', stage: 'verifier', message: verified.reason });
  }

  // 2. Stored by the sync's Dexie store, replacing the previous file under that SOP Instance UID.
  forget(sopInstanceUid);
  const { ok: _, ...header } = verified;
  await store.putInstances([
    {
      ...header,
      sopInstanceUid,
      studyInstanceUid: STUDY_UID,
      seriesInstanceUid: SERIES_UID,
      size: bytes.length,
      blob,
    },
  ]);

  // 3. What a stack viewport asks for: the image of the `tandem:` id, decoded in the workers.
  // (as use-series-image-ids.ts names them: a frame number only for multi-frame instances)
  const imageId =
    (verified.numberOfFrames ?? 1) > 1
      ? tandemImageId(sopInstanceUid, 1)
      : tandemImageId(sopInstanceUid);
  let failure: unknown;
  const loaded = await withCap(
    imageLoader.loadAndCacheImage(imageId, stackLoadOptions(imageId)).catch((err: unknown) => {
      failure = err ?? 'rejected without a reason';
      return undefined;
    }),
    job.capMs,
  );
  // Let the cache's re-thrown rejection of a failed load arrive, then keep only other strays.
  await new Promise((r) => setTimeout(r, 0));
  const others = stray.filter(
    (s) =>
      s !== failure && !(failure instanceof Object && s === (failure as { error?: unknown }).error),
  );
  try {
    if (loaded === 'hung') return outcome({ verdict: 'hung', stage: 'decode', message: '' });
    if (others.length > 0)
      return outcome({
        verdict: 'crashed',
        stage: 'decode',
        message: `uncaught: ${describe(others[0])}`,
      });
    if (failure !== undefined || !loaded) {
      const reason = imageErrorReason(failure);
      return readable(reason)
        ? outcome({ verdict: 'rejected', stage: 'decode', message: reason })
        : outcome({
            verdict: 'unreadable',
            stage: 'decode',
            message: `${reason} (from ${describe(failure)})`,
          });
    }
    // 4. Shown: sane dimensions and as many pixel values as it says.
    // (colour may stay in its stored form, YBR 4:2:2 with two values a pixel, until drawn)
    const pixels = loaded.getPixelData();
    const sane =
      loaded.rows >= 1 &&
      loaded.columns >= 1 &&
      loaded.rows <= 65535 &&
      loaded.columns <= 65535 &&
      pixels.length >= loaded.rows * loaded.columns &&
      Number.isFinite(loaded.minPixelValue) &&
      Number.isFinite(loaded.maxPixelValue);
    if (!sane) {
      return outcome({
        verdict: 'crashed',
        stage: 'decode',
        message: `an image without sane pixels: ${loaded.rows}×${loaded.columns}, ${pixels.length} values, min ${loaded.minPixelValue} max ${loaded.maxPixelValue}`,
      });
    }
    let painted: boolean | undefined;
    if (job.draw) {
      const drawn = await withCap(
        drawInViewport(imageId).catch(() => false),
        job.capMs,
      );
      painted = drawn === true;
      if (!painted)
        return outcome({
          verdict: drawn === 'hung' ? 'hung' : 'crashed',
          stage: 'viewport',
          message: 'decoded, but the stack viewport did not draw it',
        });
    }
    return outcome({
      verdict: 'shown',
      stage: 'decode',
      message: `${loaded.columns}×${loaded.rows}${loaded.color ? ' colour' : ''}`,
      ...(painted === undefined ? {} : { painted }),
    });
  } finally {
    forget(sopInstanceUid);
  }
}

(window as unknown as { tandemHostileDecode: unknown }).tandemHostileDecode = { init, decodeOne };
