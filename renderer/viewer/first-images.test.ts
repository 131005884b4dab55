import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  afterFirstImages,
  beginFirstImages,
  endFirstImages,
  expectFirstImage,
  firstImageDone,
} from './first-images.ts';

/** Whether the promise has settled by the time pending callbacks have run. */
async function isSettled(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await Promise.resolve();
  await Promise.resolve();
  return settled;
}

describe('what waits for the first images of a case', () => {
  afterEach(() => {
    endFirstImages();
    vi.useRealTimers();
  });

  it('goes at once when no case is opening (another window, a case already shown)', async () => {
    expect(await isSettled(afterFirstImages())).toBe(true);
  });

  it('waits until every viewport of the opening has shown its first image', async () => {
    beginFirstImages();
    expectFirstImage('viewport-0');
    expectFirstImage('viewport-1');
    const waiting = afterFirstImages();
    firstImageDone('viewport-0');
    expect(await isSettled(waiting)).toBe(false);
    firstImageDone('viewport-1');
    expect(await isSettled(waiting)).toBe(true);
  });

  it('does not wait for a viewport that went away, nor before any viewport is hung', async () => {
    beginFirstImages();
    const waiting = afterFirstImages();
    expect(await isSettled(waiting)).toBe(false);
    const withdraw = expectFirstImage('viewport-0');
    expectFirstImage('viewport-1');
    firstImageDone('viewport-1');
    expect(await isSettled(waiting)).toBe(false);
    withdraw();
    expect(await isSettled(waiting)).toBe(true);
  });

  it('never waits long: a viewport that cannot show its image releases the rest', async () => {
    vi.useFakeTimers();
    beginFirstImages();
    expectFirstImage('viewport-0');
    const waiting = afterFirstImages();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await isSettled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(await isSettled(waiting)).toBe(true);
  });

  it('lets everything go when the case is left', async () => {
    beginFirstImages();
    expectFirstImage('viewport-0');
    const waiting = afterFirstImages();
    endFirstImages();
    expect(await isSettled(waiting)).toBe(true);
  });
});
