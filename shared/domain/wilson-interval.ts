/**
 * Wilson score interval for a binomial proportion: the confidence interval the QA dashboard
 * shows beside each rate. Unlike the normal approximation it stays inside [0, 1] and is useful
 * for the small counts QA works with (0 of 3 is not "exactly 0 %").
 */
export interface ProportionInterval {
  successes: number;
  total: number;
  /** successes / total, 0 when total is 0 */
  rate: number;
  low: number;
  high: number;
}

/** z for a two-sided 95 % interval */
export const Z_95 = 1.959963984540054;

export function wilsonInterval(successes: number, total: number, z = Z_95): ProportionInterval {
  if (!Number.isInteger(successes) || !Number.isInteger(total) || total < 0)
    throw new RangeError('counts must be non-negative integers');
  if (successes < 0 || successes > total)
    throw new RangeError('successes must lie between 0 and the total');
  if (total === 0) return { successes, total, rate: 0, low: 0, high: 1 };
  const p = successes / total;
  const z2 = z * z;
  const denom = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denom;
  return {
    successes,
    total,
    rate: p,
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === total ? 1 : Math.min(1, centre + half),
  };
}
