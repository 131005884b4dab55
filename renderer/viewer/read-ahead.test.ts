import { Enums } from '@cornerstonejs/core';
import { describe, expect, it } from 'vitest';
import { isReadAheadOf, readsImageByImage } from './read-ahead.ts';

describe('read-ahead requests', () => {
  const ids = new Set(['tandem:1.2.3', 'tandem:1.2.4']);

  it('are the prefetch requests of the images named', () => {
    expect(isReadAheadOf(ids, Enums.RequestType.Prefetch, { imageId: 'tandem:1.2.3' })).toBe(true);
  });

  it('leave other images, and the viewport’s own requests, alone', () => {
    expect(isReadAheadOf(ids, Enums.RequestType.Prefetch, { imageId: 'tandem:9.9' })).toBe(false);
    expect(isReadAheadOf(ids, Enums.RequestType.Interaction, { imageId: 'tandem:1.2.3' })).toBe(
      false,
    );
    expect(isReadAheadOf(ids, Enums.RequestType.Thumbnail, { imageId: 'tandem:1.2.4' })).toBe(
      false,
    );
  });

  it('leave requests that name no image alone', () => {
    expect(isReadAheadOf(ids, Enums.RequestType.Prefetch, undefined)).toBe(false);
    expect(isReadAheadOf(ids, Enums.RequestType.Prefetch, { volumeId: 'v' })).toBe(false);
  });
});

describe('reading image by image', () => {
  it('is asking for the next or previous image, or the one shown', () => {
    expect(readsImageByImage(4, 5)).toBe(true);
    expect(readsImageByImage(5, 4)).toBe(true);
    expect(readsImageByImage(5, 5)).toBe(true);
  });

  it('is not asking for images ahead of the viewport, nor jumping to the first or last', () => {
    expect(readsImageByImage(4, 7)).toBe(false);
    expect(readsImageByImage(40, 0)).toBe(false);
  });
});
