import { z } from 'zod';
import { gsdfJndIndex, gsdfLuminance, JND_MAX, JND_MIN } from './gsdf.ts';

/**
 * AAPM TG18 luminance response check from the 18 TG18-LN patterns (digital driving levels
 * equally spaced from black to white). For a display calibrated to the DICOM GSDF, equal DDL
 * steps are equal steps in JND index between the JND indices of Lmin and Lmax, so each step's
 * contrast per JND should follow the GSDF. Criteria (TG18, acceptance and annual tests):
 * contrast response within ±10 % of the GSDF for primary (diagnostic) displays, ±20 % for
 * secondary; luminance ratio Lmax/Lmin ≥ 250 (primary) or ≥ 100 (secondary); Lmax ≥ 170 cd/m²
 * (primary) or ≥ 100 cd/m² (secondary). Ambient light adds to every reading.
 */

export const TG18_LN_LEVELS = 18;

/** The DDL of TG18-LN level i (0…17) on an 8-bit display: 0, 15, …, 255. */
export function tg18LnDdl(level: number): number {
  return Math.round((level * 255) / (TG18_LN_LEVELS - 1));
}

export const DisplayClass = z.enum(['primary', 'secondary']);
export type DisplayClass = z.infer<typeof DisplayClass>;

export const TG18_CRITERIA = {
  primary: { maxContrastDeviation: 0.1, minLuminanceRatio: 250, minLmax: 170 },
  secondary: { maxContrastDeviation: 0.2, minLuminanceRatio: 100, minLmax: 100 },
} as const satisfies Record<DisplayClass, object>;

/** Photometer readings, cd/m², black to white: one per TG18-LN level. */
export const LuminanceReadings = z.array(z.number().positive().max(10_000)).length(TG18_LN_LEVELS);

export interface ContrastStep {
  /** from level i to i+1 */
  level: number;
  measured: number;
  expected: number;
  /** (measured − expected) / expected */
  deviation: number;
}

export interface Tg18Result {
  displayClass: DisplayClass;
  lmin: number;
  lmax: number;
  luminanceRatio: number;
  steps: ContrastStep[];
  /** the largest |deviation| */
  maxDeviation: number;
  pass: boolean;
  /** what failed, in words a physicist or administrator can act on (empty when it passes) */
  failures: string[];
}

/** Contrast per JND of a step between luminances l1 < l2 spanning `jnds` JNDs. */
function contrastPerJnd(l1: number, l2: number, jnds: number): number {
  return (2 * (l2 - l1)) / ((l2 + l1) * jnds);
}

function clampJnd(j: number): number {
  return Math.min(JND_MAX, Math.max(JND_MIN, j));
}

/** Evaluates 18 TG18-LN readings against the GSDF and the TG18 criteria. */
export function evaluateTg18Ln(
  readings: readonly number[],
  displayClass: DisplayClass,
  ambient = 0,
): Tg18Result {
  const values = LuminanceReadings.parse(readings).map((l) => l + ambient);
  const lmin = values[0] ?? 0;
  const lmax = values[values.length - 1] ?? 0;
  const criteria = TG18_CRITERIA[displayClass];
  const failures: string[] = [];

  const jMin = clampJnd(gsdfJndIndex(lmin));
  const jMax = clampJnd(gsdfJndIndex(lmax));
  const jndPerStep = (jMax - jMin) / (TG18_LN_LEVELS - 1);
  const steps: ContrastStep[] = [];
  if (jndPerStep <= 0) {
    failures.push('The readings do not rise from black to white: check the order of the readings.');
  } else {
    for (let i = 0; i < TG18_LN_LEVELS - 1; i++) {
      const l1 = values[i] ?? 0;
      const l2 = values[i + 1] ?? 0;
      const measured = contrastPerJnd(l1, l2, jndPerStep);
      const e1 = gsdfLuminance(clampJnd(jMin + i * jndPerStep));
      const e2 = gsdfLuminance(clampJnd(jMin + (i + 1) * jndPerStep));
      const expected = contrastPerJnd(e1, e2, jndPerStep);
      steps.push({ level: i, measured, expected, deviation: (measured - expected) / expected });
    }
  }
  const maxDeviation = steps.reduce((worst, s) => Math.max(worst, Math.abs(s.deviation)), 0);
  const luminanceRatio = lmax / lmin;

  if (steps.length > 0 && maxDeviation > criteria.maxContrastDeviation) {
    const worst = steps.reduce((w, s) => (Math.abs(s.deviation) > Math.abs(w.deviation) ? s : w));
    failures.push(
      `Contrast response deviates ${(maxDeviation * 100).toFixed(1)} % from the GSDF (between levels ${worst.level + 1} and ${worst.level + 2}); at most ${criteria.maxContrastDeviation * 100} % is allowed. Recalibrate the display.`,
    );
  }
  if (luminanceRatio < criteria.minLuminanceRatio) {
    failures.push(
      `Luminance ratio Lmax/Lmin is ${luminanceRatio.toFixed(0)}; at least ${criteria.minLuminanceRatio} is needed.`,
    );
  }
  if (lmax < criteria.minLmax) {
    failures.push(
      `Maximum luminance is ${lmax.toFixed(0)} cd/m²; at least ${criteria.minLmax} cd/m² is needed.`,
    );
  }
  return {
    displayClass,
    lmin,
    lmax,
    luminanceRatio,
    steps,
    maxDeviation,
    pass: failures.length === 0,
    failures,
  };
}

/** Readings a display exactly on the GSDF between lmin and lmax would give (for checks and tests). */
export function gsdfConformingReadings(lmin: number, lmax: number): number[] {
  const jMin = gsdfJndIndex(lmin);
  const jMax = gsdfJndIndex(lmax);
  return Array.from({ length: TG18_LN_LEVELS }, (_, i) =>
    gsdfLuminance(jMin + (i * (jMax - jMin)) / (TG18_LN_LEVELS - 1)),
  );
}
