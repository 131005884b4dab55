import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from '../app/route.ts';
import { imagesRouteHash, parseImagesRoute, parseStandbyRoute } from './images-route.ts';

describe('images window routes', () => {
  it('opens a case on display n, and round-trips', () => {
    expect(parseImagesRoute('#/cases/case-1/display/1')).toEqual({ caseId: 'case-1', display: 1 });
    expect(imagesRouteHash({ caseId: 'case-1', display: 2 })).toBe('#/cases/case-1/display/2');
    expect(parseImagesRoute('#/cases/case-1/display/0')).toBeNull();
    expect(parseImagesRoute('#/cases/../display/1')).toBeNull();
  });

  it('waits on display n for a case when restored at start-up, not a second worklist', () => {
    expect(parseStandbyRoute('#/display/1')).toBe(1);
    expect(parseStandbyRoute('#/display/0')).toBeNull();
    expect(parseStandbyRoute('#/display/16')).toBeNull();
    expect(parseRoute('#/display/2')).toEqual({ name: 'images-standby', display: 2 });
    expect(routeHash({ name: 'images-standby', display: 2 })).toBe('#/display/2');
    expect(parseRoute('#/nothing')).toEqual({ name: 'worklist' });
  });
});
