/**
 * The DICOM Grayscale Standard Display Function (PS3.14, section 7.1): luminance L in cd/m² as a
 * function of the Just-Noticeable Difference index j (1…1023, 0.05…~4000 cd/m²), and the
 * standard's own inverse j(L). Both are the published rational/polynomial fits, in double
 * precision as the standard recommends.
 */

export const JND_MIN = 1;
export const JND_MAX = 1023;

// L(j): log10 L = (a + c·x + e·x² + g·x³ + m·x⁴) / (1 + b·x + d·x² + f·x³ + h·x⁴ + k·x⁵), x = ln j
const a = -1.3011877;
const b = -2.584019e-2;
const c = 8.0242636e-2;
const d = -1.0320229e-1;
const e = 1.3646699e-1;
const f = 2.874562e-2;
const g = -2.5468404e-2;
const h = -3.1978977e-3;
const k = 1.2992634e-4;
const m = 1.3635334e-3;

// j(L) = A + B·y + C·y² + … + I·y⁸, y = log10 L
const INVERSE = [
  71.498068, 94.593053, 41.912053, 9.8247004, 0.28175407, -1.1878455, -0.18014349, 0.14710899,
  -0.017046845,
] as const;

/** Luminance (cd/m²) of JND index j, 1 ≤ j ≤ 1023. */
export function gsdfLuminance(j: number): number {
  if (!(j >= JND_MIN && j <= JND_MAX)) {
    throw new RangeError(`JND index ${j} is outside the GSDF (1 to 1023)`);
  }
  const x = Math.log(j);
  const x2 = x * x;
  const x3 = x2 * x;
  const x4 = x3 * x;
  const x5 = x4 * x;
  const numerator = a + c * x + e * x2 + g * x3 + m * x4;
  const denominator = 1 + b * x + d * x2 + f * x3 + h * x4 + k * x5;
  return 10 ** (numerator / denominator);
}

/** JND index of a luminance (cd/m²) within the GSDF's range, by the standard's inverse fit. */
export function gsdfJndIndex(luminance: number): number {
  if (!(luminance > 0)) throw new RangeError(`luminance ${luminance} must be positive`);
  const y = Math.log10(luminance);
  let result = 0;
  for (let i = INVERSE.length - 1; i >= 0; i--) result = result * y + (INVERSE[i] ?? 0);
  return result;
}
