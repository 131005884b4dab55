import { metaData, type Types } from '@cornerstonejs/core';
import { registerByTablePosition } from '../hanging/table-registration.ts';
import { describe, expect, it } from 'vitest';
import { followByPosition, transformPoint } from './follow-position.ts';

// Positions by image id, answered as Cornerstone's metadata: the current at 1 mm from z = -10
// downwards, the prior at 2 mm from z = -9.5.
const z = new Map<string, number>();
for (let i = 0; i < 320; i++) z.set(`cur:${i}`, -10 - i);
for (let i = 0; i < 160; i++) z.set(`pri:${i}`, -9.5 - 2 * i);
metaData.addProvider((type: string, imageId: string) => {
  const at = z.get(imageId);
  return type === 'imagePlaneModule' && at !== undefined
    ? { imagePositionPatient: [0, 0, at] }
    : undefined;
}, 1000);

/** A stack viewport as the follower reads it: one that shows an image and may be asked for another. */
function stack(id: string, prefix: string, count: number, shown: number) {
  let target = shown;
  const asked: number[] = [];
  const viewport = {
    id,
    getImageIds: () => Array.from({ length: count }, (_, i) => `${prefix}:${i}`),
    getCurrentImageId: () => `${prefix}:${shown}`,
    getTargetImageIdIndex: () => target,
    getFrameOfReferenceUID: () => `for-${id}`,
    setImageIdIndex: (index: number) => {
      target = index;
      asked.push(index);
      return Promise.resolve('');
    },
  };
  return { viewport: viewport as unknown as Types.IStackViewport, asked };
}

describe('a linked stack follows the driver by position', () => {
  it('asks outright for its nearest image, however far it still is from the one it shows', () => {
    // the prior still shows its first image (its others load): steps of the current must not add up
    registerByTablePosition(['current', 'prior']);
    const prior = stack('prior', 'pri', 160, 0);
    for (const shown of [18, 19, 20, 21]) {
      followByPosition(stack('current', 'cur', 320, shown).viewport, prior.viewport);
    }
    expect(prior.asked).toEqual([9, 10, 11]);
    const far = stack('current', 'cur', 320, 60);
    followByPosition(far.viewport, prior.viewport);
    expect(prior.asked.at(-1)).toBe(30); // z -70 → the prior's -69.5
  });

  it('goes nowhere across frames of reference without a registration, or without positions', () => {
    const prior = stack('prior2', 'pri', 160, 0);
    followByPosition(stack('current2', 'cur', 320, 40).viewport, prior.viewport);
    expect(prior.asked).toEqual([]);
    const unknown = stack('x', 'none', 10, 3);
    followByPosition(unknown.viewport, prior.viewport);
    expect(prior.asked).toEqual([]);
  });

  it('moves points through a column-major affine registration', () => {
    const shift = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 5, -2, 30, 1];
    expect(transformPoint(shift, [1, 2, 3])).toEqual([6, 0, 33]);
  });
});
