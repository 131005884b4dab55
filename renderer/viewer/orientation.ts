/**
 * Orientation markers: which patient direction lies at each edge of the viewport, from the
 * camera (DICOM LPS: +x left, +y posterior, +z head).
 */
export interface EdgeLabels {
  top: string;
  right: string;
  bottom: string;
  left: string;
}

type Vec = readonly number[];

/** The patient direction(s) of a vector, strongest first, e.g. "L", "AH" (oblique). */
export function directionLabel(v: Vec): string {
  const names: [string, string][] = [
    ['L', 'R'],
    ['P', 'A'],
    ['H', 'F'],
  ];
  const parts = [0, 1, 2]
    .map((axis) => ({ axis, value: v[axis] ?? 0 }))
    .filter((p) => Math.abs(p.value) > 0.3)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  return parts.map((p) => (names[p.axis] ?? ['', ''])[p.value > 0 ? 0 : 1]).join('');
}

export function orientationLabels(viewUp: Vec, viewPlaneNormal: Vec): EdgeLabels {
  const [u0 = 0, u1 = 0, u2 = 0] = viewUp;
  const [n0 = 0, n1 = 0, n2 = 0] = viewPlaneNormal;
  const right = [u1 * n2 - u2 * n1, u2 * n0 - u0 * n2, u0 * n1 - u1 * n0];
  const neg = (v: Vec) => v.map((x) => -x);
  return {
    top: directionLabel(viewUp),
    bottom: directionLabel(neg(viewUp)),
    right: directionLabel(right),
    left: directionLabel(neg(right)),
  };
}
