import type {
  MeasuredValue,
  Measurement,
  MeasurementKind,
  WorldPoint,
} from '../../shared/domain/measurement.ts';

/**
 * Conversion between a Cornerstone3D annotation (what its tools draw, with the statistics they
 * compute) and our `Measurement` (what the cache, the report and the SR writer keep). Pure: the
 * annotation is described structurally, so this is tested without a browser.
 */
export interface AnnotationLike {
  annotationUID?: string | undefined;
  invalidated?: boolean;
  highlighted?: boolean;
  isLocked?: boolean;
  isVisible?: boolean;
  metadata: {
    toolName: string;
    referencedImageId?: string | undefined;
    FrameOfReferenceUID?: string | undefined;
    viewPlaneNormal?: number[] | undefined;
    viewUp?: number[] | undefined;
  };
  data: {
    handles: { points: number[][]; textBox?: unknown; activeHandleIndex?: number | null };
    cachedStats?: Record<string, Record<string, unknown>> | undefined;
    label?: string | undefined;
    text?: string | undefined;
  };
}

const KIND_BY_TOOL: Readonly<Record<string, MeasurementKind>> = {
  Length: 'length',
  Bidirectional: 'bidirectional',
  EllipticalROI: 'ellipse',
  CircleROI: 'circle',
  RectangleROI: 'rectangle',
  Probe: 'probe',
  Angle: 'angle',
  CobbAngle: 'cobb',
  ArrowAnnotate: 'arrow',
};

export function kindOfTool(toolName: string): MeasurementKind | undefined {
  return KIND_BY_TOOL[toolName];
}

export function toolOfKind(kind: MeasurementKind): string {
  const entry = Object.entries(KIND_BY_TOOL).find(([, k]) => k === kind);
  return entry ? entry[0] : 'Length';
}

/** UCUM code for a unit as Cornerstone writes it. */
export function ucum(unit: unknown): string {
  switch (unit) {
    case 'mm':
      return 'mm';
    case 'mm²':
    case 'mm2':
      return 'mm2';
    case 'HU':
      return "[hnsf'U]";
    case 'px':
      return '{pixel}';
    case 'px²':
      return '{pixel2}';
    case 'deg':
    case '°':
      return 'deg';
    default:
      return '1';
  }
}

/** The SOP instance and zero-based frame of a `tandem:` image id. */
export function parseTandemImageId(imageId: string): {
  sopInstanceUid: string;
  frameIndex: number;
} {
  const body = imageId.replace(/^[a-z]+:/, '');
  const [sop = '', ...rest] = body.split('&');
  const frameParam = rest.find((r) => r.startsWith('frame='));
  const frame = frameParam ? Number(frameParam.slice(6)) : NaN;
  return { sopInstanceUid: sop, frameIndex: Number.isInteger(frame) && frame > 0 ? frame - 1 : 0 };
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** The first target's statistics (a stack viewport has one: the image the annotation is on). */
function statsOf(annotation: AnnotationLike): Record<string, unknown> | undefined {
  const stats = annotation.data.cachedStats;
  if (!stats) return undefined;
  const first = Object.values(stats)[0];
  return first && typeof first === 'object' ? first : undefined;
}

function distance(a: number[] | undefined, b: number[] | undefined): number | undefined {
  if (!a || !b) return undefined;
  return Math.hypot(
    (a[0] ?? 0) - (b[0] ?? 0),
    (a[1] ?? 0) - (b[1] ?? 0),
    (a[2] ?? 0) - (b[2] ?? 0),
  );
}

export function measuredValues(annotation: AnnotationLike, kind: MeasurementKind): MeasuredValue[] {
  const s = statsOf(annotation) ?? {};
  const values: MeasuredValue[] = [];
  const push = (name: MeasuredValue['name'], value: unknown, unit: string) => {
    const v = num(value);
    if (v !== undefined) values.push({ name, value: v, unit });
  };
  const points = annotation.data.handles.points;
  switch (kind) {
    case 'length':
      push('length', s.length ?? distance(points[0], points[1]), ucum(s.unit ?? 'mm'));
      break;
    case 'bidirectional':
      push('long-axis', s.length, ucum(s.unit ?? 'mm'));
      push('short-axis', s.width, ucum(s.unit ?? 'mm'));
      break;
    case 'ellipse':
    case 'circle':
    case 'rectangle': {
      const unit = ucum(s.modalityUnit);
      push('area', s.area, ucum(s.areaUnit));
      push('mean', s.mean, unit);
      push('sd', s.stdDev, unit);
      push('min', s.min, unit);
      push('max', s.max, unit);
      break;
    }
    case 'probe':
      push('value', s.value, ucum(s.modalityUnit));
      break;
    case 'angle':
    case 'cobb':
      push('angle', s.angle, 'deg');
      break;
    case 'arrow':
      break;
  }
  return values;
}

export interface MeasurementContext {
  caseId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** the series' image ids in display order, for `imageIndex` */
  imageIds: readonly string[];
  now: number;
  /** the stored measurement this annotation was made from, if any (keeps createdAt, label) */
  previous?: Measurement | undefined;
}

/** Our measurement for a Cornerstone annotation, or null for tools we do not keep. */
export function toMeasurement(
  annotation: AnnotationLike,
  ctx: MeasurementContext,
): Measurement | null {
  const kind = kindOfTool(annotation.metadata.toolName);
  const imageId = annotation.metadata.referencedImageId;
  if (!kind || !imageId || !annotation.annotationUID) return null;
  const { sopInstanceUid, frameIndex } = parseTandemImageId(imageId);
  const points: WorldPoint[] = annotation.data.handles.points.map((p) => [
    p[0] ?? 0,
    p[1] ?? 0,
    p[2] ?? 0,
  ]);
  const label =
    kind === 'arrow'
      ? (annotation.data.text ?? ctx.previous?.label ?? '')
      : (annotation.data.label ?? ctx.previous?.label ?? '');
  return {
    annotationId: annotation.annotationUID,
    caseId: ctx.caseId,
    kind,
    label,
    studyInstanceUid: ctx.studyInstanceUid,
    seriesInstanceUid: ctx.seriesInstanceUid,
    sopInstanceUid,
    frameIndex,
    imageIndex: Math.max(0, ctx.imageIds.indexOf(imageId)),
    values: measuredValues(annotation, kind),
    points,
    createdAt: ctx.previous?.createdAt ?? ctx.now,
    updatedAt: ctx.now,
  };
}

export interface PlaneContext {
  referencedImageId: string;
  frameOfReferenceUID: string;
  viewPlaneNormal: number[];
  viewUp: number[];
}

/** A Cornerstone annotation restored from a stored measurement (statistics recomputed on render). */
export function toAnnotation(measurement: Measurement, plane: PlaneContext): AnnotationLike {
  const toolName = toolOfKind(measurement.kind);
  const data: AnnotationLike['data'] = {
    handles: {
      points: measurement.points.map((p) => [...p]),
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
    cachedStats: {},
    label: measurement.label,
  };
  if (measurement.kind === 'arrow') data.text = measurement.label;
  return {
    annotationUID: measurement.annotationId,
    invalidated: true,
    highlighted: false,
    isLocked: false,
    isVisible: true,
    metadata: {
      toolName,
      referencedImageId: plane.referencedImageId,
      FrameOfReferenceUID: plane.frameOfReferenceUID,
      viewPlaneNormal: plane.viewPlaneNormal,
      viewUp: plane.viewUp,
    },
    data,
  };
}

/** One line for the measurements panel, e.g. "12.3 mm" or "mean 101 HU, SD 3, 707 mm²". */
export function formatValues(values: readonly MeasuredValue[]): string {
  const unit = (u: string) =>
    u === "[hnsf'U]" ? ' HU' : u === 'mm2' ? ' mm²' : u === 'deg' ? '°' : u === '1' ? '' : ` ${u}`;
  const round = (v: number, name: string) =>
    name === 'area' ? v.toFixed(0) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
  const pick = values.filter((v) => v.name !== 'min' && v.name !== 'max');
  return pick
    .map((v) => {
      const prefix = ['length', 'value', 'angle'].includes(v.name) ? '' : `${v.name} `;
      return `${prefix}${round(v.value, v.name)}${unit(v.unit)}`;
    })
    .join(', ');
}
