import { useSyncExternalStore } from 'react';
import {
  imagesRouteHash,
  parseImagesRoute,
  parseStandbyRoute,
} from '../images-window/images-route.ts';

export type Route =
  | { name: 'worklist' }
  | { name: 'case'; caseId: string }
  /** an images window: the case's viewports for another display (images-window/) */
  | { name: 'images'; caseId: string; display: number }
  /** an images window with no case yet (restored at start-up), waiting for a stage */
  | { name: 'images-standby'; display: number }
  | { name: 'display-qa' }
  | { name: 'display-qa-pattern' }
  | { name: 'qa' };

/** Routes live in the hash so a reload keeps the open case and app://tandem needs no server routes. */
export function parseRoute(hash: string): Route {
  const match = /^#\/cases\/([A-Za-z0-9-]+)$/.exec(hash);
  if (match?.[1]) return { name: 'case', caseId: match[1] };
  const images = parseImagesRoute(hash);
  if (images) return { name: 'images', ...images };
  const standby = parseStandbyRoute(hash);
  if (standby !== null) return { name: 'images-standby', display: standby };
  if (hash === '#/display-qa') return { name: 'display-qa' };
  if (hash === '#/display-qa/pattern') return { name: 'display-qa-pattern' };
  if (hash === '#/qa') return { name: 'qa' };
  return { name: 'worklist' };
}

export function routeHash(route: Route): string {
  if (route.name === 'case') return `#/cases/${route.caseId}`;
  if (route.name === 'images') return imagesRouteHash(route);
  if (route.name === 'images-standby') return `#/display/${route.display}`;
  if (route.name === 'display-qa') return '#/display-qa';
  if (route.name === 'display-qa-pattern') return '#/display-qa/pattern';
  if (route.name === 'qa') return '#/qa';
  return '#/worklist';
}

export function navigate(route: Route): void {
  const hash = routeHash(route);
  if (window.location.hash !== hash) window.location.hash = hash;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
