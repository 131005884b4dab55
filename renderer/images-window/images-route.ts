/**
 * The route of an images window: `#/cases/<caseId>/display/<n>`, the case's viewports that the
 * current hanging-protocol stage puts on display n (1: the second display, in the shell's order).
 * Electron opens it in a window on that display; in a browser it is a page of its own.
 */
export interface ImagesRoute {
  caseId: string;
  display: number;
}

const PATTERN = /^#\/cases\/([A-Za-z0-9-]{1,128})\/display\/([1-9]|1[0-5])$/;

export function parseImagesRoute(hash: string): ImagesRoute | null {
  const match = PATTERN.exec(hash);
  if (!match?.[1] || !match[2]) return null;
  return { caseId: match[1], display: Number(match[2]) };
}

export function imagesRouteHash(route: ImagesRoute): string {
  return `#/cases/${route.caseId}/display/${route.display}`;
}

/**
 * An images window waiting on display n for a case (`#/display/<n>`): how one restored at start-up
 * opens, before a hanging-protocol stage puts a case's viewports there.
 */
const STANDBY = /^#\/display\/([1-9]|1[0-5])$/;

export function parseStandbyRoute(hash: string): number | null {
  const match = STANDBY.exec(hash);
  return match?.[1] ? Number(match[1]) : null;
}
