import type { Measurement, MeasuredValue, WorldPoint } from '../domain/measurement.ts';
import { intervalText } from './priors.ts';

/**
 * Pairs measurements made on the current study with those made on a prior (the same nodule
 * measured on both) and says how each changed.
 *
 * Pairing: same kind, centres within `maxDistanceMm` once the prior is registered to the current
 * by table position (`priorToCurrentMm`, a translation; zero when both share the table's patient
 * coordinates); the closest pairs first, each measurement in at most one pair.
 */
export interface MeasurementChange {
  current: Measurement;
  prior: Measurement;
  /** the value compared: a length's length, a bidirectional's long axis, an ROI's area… */
  quantity: MeasuredValue['name'];
  unit: string;
  currentValue: number;
  priorValue: number;
  /** current − prior, in `unit` */
  absolute: number;
  /** change relative to the prior, in %; null when the prior measured 0 */
  percent: number | null;
  /** "14 months earlier" — how long before the current the prior was taken */
  interval: string;
  /** distance between the registered centres, mm */
  distanceMm: number;
}

export interface PairingOptions {
  currentStudyDate: string;
  priorStudyDate: string;
  priorToCurrentMm?: WorldPoint;
  maxDistanceMm?: number;
}

/** The value that stands for a measurement of each kind, in order of preference. */
const PRIMARY: Record<Measurement['kind'], readonly MeasuredValue['name'][]> = {
  length: ['length'],
  bidirectional: ['long-axis', 'length'],
  ellipse: ['area', 'mean'],
  circle: ['area', 'mean'],
  rectangle: ['area', 'mean'],
  probe: ['value', 'mean'],
  angle: ['angle'],
  cobb: ['angle'],
  arrow: [],
};

export function primaryValue(m: Measurement): MeasuredValue | undefined {
  for (const name of PRIMARY[m.kind]) {
    const found = m.values.find((v) => v.name === name);
    if (found) return found;
  }
  return undefined;
}

export function centre(points: readonly WorldPoint[]): WorldPoint | null {
  if (points.length === 0) return null;
  const sum = points.reduce<WorldPoint>(
    (s, p) => [s[0] + p[0], s[1] + p[1], s[2] + p[2]],
    [0, 0, 0],
  );
  return [sum[0] / points.length, sum[1] / points.length, sum[2] / points.length];
}

export function compareMeasurements(
  current: readonly Measurement[],
  prior: readonly Measurement[],
  options: PairingOptions,
): MeasurementChange[] {
  const shift = options.priorToCurrentMm ?? [0, 0, 0];
  const maxDistance = options.maxDistanceMm ?? 15;
  const candidates: { c: Measurement; p: Measurement; d: number }[] = [];
  for (const c of current) {
    const cc = centre(c.points);
    if (!cc || !primaryValue(c)) continue;
    for (const p of prior) {
      if (p.kind !== c.kind) continue;
      const pc = centre(p.points);
      const pv = primaryValue(p);
      if (!pc || !pv || pv.unit !== primaryValue(c)?.unit) continue;
      const d = Math.hypot(
        cc[0] - (pc[0] + shift[0]),
        cc[1] - (pc[1] + shift[1]),
        cc[2] - (pc[2] + shift[2]),
      );
      if (d <= maxDistance) candidates.push({ c, p, d });
    }
  }
  candidates.sort((a, b) => a.d - b.d);
  const used = new Set<string>();
  const changes: MeasurementChange[] = [];
  const interval = intervalText(options.currentStudyDate, options.priorStudyDate);
  for (const { c, p, d } of candidates) {
    if (used.has(c.annotationId) || used.has(p.annotationId)) continue;
    used.add(c.annotationId);
    used.add(p.annotationId);
    const cv = primaryValue(c)!;
    const pv = primaryValue(p)!;
    changes.push({
      current: c,
      prior: p,
      quantity: cv.name,
      unit: cv.unit,
      currentValue: cv.value,
      priorValue: pv.value,
      absolute: cv.value - pv.value,
      percent: pv.value === 0 ? null : ((cv.value - pv.value) / Math.abs(pv.value)) * 100,
      interval,
      distanceMm: d,
    });
  }
  // Reading order: as the current's measurements were made.
  return changes.sort((a, b) => a.current.createdAt - b.current.createdAt);
}

/** "10.0 mm (prior 6.0 mm): +4.0 mm, +66.7 %, prior 14 months earlier" */
export function describeChange(change: MeasurementChange): string {
  const unit = change.unit === '1' ? '' : ` ${change.unit}`;
  const sign = (n: number) => (n > 0 ? '+' : n < 0 ? '−' : '±');
  const abs = `${sign(change.absolute)}${Math.abs(change.absolute).toFixed(1)}${unit}`;
  const pct =
    change.percent === null
      ? ''
      : `, ${sign(change.percent)}${Math.abs(change.percent).toFixed(1)} %`;
  return `${change.currentValue.toFixed(1)}${unit} (prior ${change.priorValue.toFixed(1)}${unit}): ${abs}${pct}, prior ${change.interval}`;
}
