import { z } from 'zod';
import { Uid } from './case.ts';

/**
 * A measurement or annotation a reader made on an image: the one shape shared by the viewer (which
 * creates it with Cornerstone3D tools and keeps it in the cache's `annotations` table as the row's
 * `data`), the report editor (which inserts it as a structured value linked back to the image),
 * the DICOM SR writer (TID 1500) and the QA review (both readers' measurements side by side).
 */
export const MeasurementKind = z.enum([
  'length',
  'bidirectional',
  'ellipse',
  'circle',
  'rectangle',
  'probe',
  'angle',
  'cobb',
  'arrow',
]);
export type MeasurementKind = z.infer<typeof MeasurementKind>;

/**
 * One measured quantity. `unit` is a UCUM code, as DICOM SR wants it: `mm`, `mm2`, `[hnsf'U]`
 * (Hounsfield units), `deg`, `1` (unitless, e.g. a raw MR signal).
 */
export const MeasuredValue = z.object({
  name: z.enum([
    'length',
    'long-axis',
    'short-axis',
    'area',
    'mean',
    'sd',
    'min',
    'max',
    'value',
    'angle',
  ]),
  value: z.number().finite(),
  unit: z.string().min(1).max(16),
});
export type MeasuredValue = z.infer<typeof MeasuredValue>;

/** A point in patient coordinates (millimetres, DICOM LPS). */
export const WorldPoint = z.tuple([z.number(), z.number(), z.number()]);
export type WorldPoint = z.infer<typeof WorldPoint>;

export const Measurement = z.object({
  annotationId: z.string().min(1).max(100),
  caseId: z.string().min(1).max(100),
  kind: MeasurementKind,
  /** the reader's label, or the arrow's text; empty when none was given */
  label: z.string().max(500),
  studyInstanceUid: Uid,
  seriesInstanceUid: Uid,
  sopInstanceUid: Uid,
  /** 0 for single-frame images */
  frameIndex: z.number().int().nonnegative(),
  /** the image's position in its series as displayed (`data-image-index`) */
  imageIndex: z.number().int().nonnegative(),
  values: z.array(MeasuredValue),
  points: z.array(WorldPoint),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Measurement = z.infer<typeof Measurement>;
