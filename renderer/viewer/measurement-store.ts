import { eventTarget, imageLoader, metaData, getRenderingEngine } from '@cornerstonejs/core';
import { annotation as annotationApi, Enums as ToolEnums } from '@cornerstonejs/tools';
import type { Types as ToolTypes } from '@cornerstonejs/tools';
import { Measurement } from '../../shared/domain/measurement.ts';
import type { AnnotationRow } from '../../shared/cache/rows.ts';
import { cacheDb } from '../app/local-cache.ts';
import { initCornerstone, RENDERING_ENGINE_ID } from './cornerstone-setup.ts';
import { afterFirstImages } from './first-images.ts';
import {
  clearMeasurementJournal,
  journalMeasurements,
  readJournal,
} from './measurement-journal.ts';
import {
  kindOfTool,
  toAnnotation,
  toMeasurement,
  type AnnotationLike,
} from './measurement-convert.ts';

/**
 * Keeps the measurements of the open case in the cache's `annotations` table (one row per
 * Cornerstone annotation, `data` = `Measurement`) and puts them back into Cornerstone's annotation
 * state when the case opens again. Cornerstone's annotation state stays the one live copy; this
 * only mirrors it.
 */
interface SeriesContext {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  imageIds: readonly string[];
}

/** The series of each image shown in a viewport now (so a new annotation can be placed). */
const seriesByImageId = new Map<string, SeriesContext>();
/** The series shown now, one entry per viewport showing one, with their images as a set. */
const shown = new Map<SeriesContext, ReadonlySet<string>>();
let caseId: string | null = null;
let stopListening: (() => void) | null = null;
const known = new Map<string, Measurement>();

/**
 * A viewport tells which series its image ids belong to (so a new annotation can be placed);
 * returns what withdraws it, once the viewport shows something else or closes. An image another
 * viewport still shows stays known.
 */
export function registerSeriesImages(context: SeriesContext): () => void {
  const ids = new Set(context.imageIds);
  shown.set(context, ids);
  for (const id of ids) seriesByImageId.set(id, context);
  return () => {
    if (!shown.has(context)) return;
    // a measurement of these images still settling is kept while they are known
    flushPending(false);
    shown.delete(context);
    for (const id of ids) {
      if (seriesByImageId.get(id) !== context) continue;
      const other = [...shown].find(([, otherIds]) => otherIds.has(id))?.[0];
      if (other) seriesByImageId.set(id, other);
      else seriesByImageId.delete(id);
    }
  };
}

/** The cache row of an annotation of the open case (null when it is not a measurement of it). */
function rowOf(annotation: AnnotationLike): AnnotationRow | null {
  if (!caseId) return null;
  const imageId = annotation.metadata.referencedImageId;
  const context = imageId ? seriesByImageId.get(imageId) : undefined;
  if (!context || !annotation.annotationUID) return null;
  const measurement = toMeasurement(annotation, {
    caseId,
    ...context,
    now: Date.now(),
    previous: known.get(annotation.annotationUID),
  });
  if (!measurement) return null;
  known.set(measurement.annotationId, measurement);
  return {
    annotationId: measurement.annotationId,
    caseId: measurement.caseId,
    sopInstanceUid: measurement.sopInstanceUid,
    updatedAt: measurement.updatedAt,
    data: measurement,
  };
}

/** Rows whose IndexedDB write has begun and not yet committed. */
const writing = new Map<string, AnnotationRow>();

function persist(annotation: AnnotationLike): AnnotationRow | null {
  const row = rowOf(annotation);
  if (row) {
    writing.set(row.annotationId, row);
    void cacheDb()
      .annotations.put(row)
      .catch((err: unknown) => console.error('viewer: could not keep a measurement', err))
      .finally(() => {
        if (writing.get(row.annotationId) === row) writing.delete(row.annotationId);
      });
  }
  return row;
}

/**
 * Tools compute their statistics when they render, which follows the event that announced the
 * change: keep the annotation a moment later, with its final values.
 */
const SETTLE_MS = 150;
const pending = new Map<string, ReturnType<typeof setTimeout>>();

function persistSoon(annotationUid: string): void {
  clearTimeout(pending.get(annotationUid));
  pending.set(
    annotationUid,
    setTimeout(() => {
      pending.delete(annotationUid);
      const found = annotationApi.state.getAnnotation(annotationUid) as AnnotationLike | undefined;
      if (found) persist(found);
    }, SETTLE_MS),
  );
}

/**
 * Keeps now whatever is still waiting for its statistics to settle: the case is closing or the
 * page is going away, and a measurement drawn a moment ago must not be lost with the timer. A
 * page going away may not finish an IndexedDB write, so its rows also go to the journal.
 */
function flushPending(pageGoingAway: boolean): void {
  const rows: AnnotationRow[] = [];
  for (const uid of [...pending.keys()]) {
    clearTimeout(pending.get(uid));
    pending.delete(uid);
    const found = annotationApi.state.getAnnotation(uid) as AnnotationLike | undefined;
    const row = found ? persist(found) : null;
    if (row) rows.push(row);
  }
  // with the writes still under way, which the page's teardown may abort
  if (pageGoingAway) journalMeasurements([...writing.values(), ...rows]);
}

if (typeof window !== 'undefined') window.addEventListener('pagehide', () => flushPending(true));

/** Puts measurements a page could not finish writing into the cache (newest wins), once. */
async function replayJournal(): Promise<void> {
  const rows = readJournal();
  if (rows.length === 0) return;
  const db = cacheDb();
  await db.transaction('rw', db.annotations, async () => {
    const stored = await db.annotations.bulkGet(rows.map((r) => r.annotationId));
    const newer = rows.filter((r, i) => (stored[i]?.updatedAt ?? -Infinity) < r.updatedAt);
    await db.annotations.bulkPut(newer);
  });
  clearMeasurementJournal();
}

function remove(annotationUid: string): void {
  clearTimeout(pending.get(annotationUid));
  pending.delete(annotationUid);
  known.delete(annotationUid);
  void cacheDb().annotations.delete(annotationUid);
}

/** Saves one annotation (after a keyboard edit), once its statistics are computed. */
export function saveAnnotation(annotationUid: string): void {
  persistSoon(annotationUid);
}

/** Starts mirroring for a case and restores its stored measurements; returns the stop. */
export function openMeasurementSession(forCase: string): () => void {
  closeSession();
  caseId = forCase;
  const onChange = (evt: Event) => {
    const detail = (evt as CustomEvent<{ annotation?: AnnotationLike }>).detail;
    const a = detail.annotation;
    if (a?.annotationUID && kindOfTool(a.metadata.toolName)) persistSoon(a.annotationUID);
  };
  const onRemoved = (evt: Event) => {
    const detail = (evt as CustomEvent<{ annotation?: AnnotationLike }>).detail;
    if (detail.annotation?.annotationUID) remove(detail.annotation.annotationUID);
  };
  const { Events } = ToolEnums;
  eventTarget.addEventListener(Events.ANNOTATION_COMPLETED, onChange);
  eventTarget.addEventListener(Events.ANNOTATION_MODIFIED, onChange);
  eventTarget.addEventListener(Events.ANNOTATION_REMOVED, onRemoved);
  stopListening = () => {
    eventTarget.removeEventListener(Events.ANNOTATION_COMPLETED, onChange);
    eventTarget.removeEventListener(Events.ANNOTATION_MODIFIED, onChange);
    eventTarget.removeEventListener(Events.ANNOTATION_REMOVED, onRemoved);
  };
  void restore(forCase);
  return () => {
    if (caseId === forCase) closeSession();
  };
}

function closeSession(): void {
  flushPending(false);
  stopListening?.();
  stopListening = null;
  caseId = null;
  known.clear();
  // Another case's marks must not show on this one.
  annotationApi.state.removeAllAnnotations();
}

async function restore(forCase: string): Promise<void> {
  // after the case's first images (each measurement reads its image); and the `tandem:` loader
  // must be registered before a stored image can be read
  await afterFirstImages();
  if (caseId !== forCase) return;
  await initCornerstone();
  await replayJournal().catch((err: unknown) =>
    console.error('viewer: could not restore unsaved measurements', err),
  );
  const rows = await cacheDb().annotations.where('caseId').equals(forCase).toArray();
  for (const row of rows) {
    const parsed = Measurement.safeParse(row.data);
    if (!parsed.success || caseId !== forCase) continue;
    const m = parsed.data;
    known.set(m.annotationId, m);
    if (annotationApi.state.getAnnotation(m.annotationId)) continue;
    const a = await annotationOfMeasurement(m);
    if (!a) continue;
    if (caseId !== forCase) return;
    annotationApi.state.addAnnotation(
      a as unknown as ToolTypes.Annotation,
      a.metadata.FrameOfReferenceUID ?? '',
    );
  }
  getRenderingEngine(RENDERING_ENGINE_ID)?.render();
}

/**
 * A stored measurement as a Cornerstone annotation on its image, read from the cache (null when
 * the image cannot be read). Also for showing other readers' measurements (QA).
 */
export async function annotationOfMeasurement(m: Measurement): Promise<AnnotationLike | null> {
  const imageId =
    m.frameIndex > 0
      ? `tandem:${m.sopInstanceUid}&frame=${m.frameIndex + 1}`
      : `tandem:${m.sopInstanceUid}`;
  try {
    // the header gives the plane; the image comes from the local cache
    await imageLoader.loadAndCacheImage(imageId);
  } catch {
    return null;
  }
  const plane = metaData.get('imagePlaneModule', imageId) as
    { frameOfReferenceUID?: string; rowCosines?: number[]; columnCosines?: number[] } | undefined;
  const row3 = plane?.rowCosines ?? [1, 0, 0];
  const col3 = plane?.columnCosines ?? [0, 1, 0];
  return toAnnotation(m, {
    referencedImageId: imageId,
    frameOfReferenceUID: plane?.frameOfReferenceUID ?? '',
    viewPlaneNormal: cross(col3, row3),
    viewUp: col3.map((v) => -v),
  });
}

function cross(a: number[], b: number[]): number[] {
  const [a0 = 0, a1 = 0, a2 = 0] = a;
  const [b0 = 0, b1 = 0, b2 = 0] = b;
  return [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0];
}

/** Renames a measurement (the panel's editable label). */
export function relabel(annotationUid: string, label: string): void {
  const a = annotationApi.state.getAnnotation(annotationUid) as AnnotationLike | undefined;
  if (!a) return;
  a.data.label = label;
  if (a.metadata.toolName === 'ArrowAnnotate') a.data.text = label;
  persist(a);
  getRenderingEngine(RENDERING_ENGINE_ID)?.render();
}

export function deleteMeasurement(annotationUid: string): void {
  if (annotationApi.state.getAnnotation(annotationUid)) {
    annotationApi.state.removeAnnotation(annotationUid);
  }
  remove(annotationUid);
  getRenderingEngine(RENDERING_ENGINE_ID)?.render();
}
