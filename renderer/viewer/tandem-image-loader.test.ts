import { describe, expect, it } from 'vitest';
import { checkedLoad } from './tandem-image-loader.ts';

const pixels = (rows: number, columns: number, values: number) => ({
  rows,
  columns,
  getPixelData: () => new Uint16Array(values),
});

describe('the tandem image loader', () => {
  it('gives the parsed file back when Cornerstone drops the image, though the loader names how only once the file is parsed', async () => {
    const image = { minPixelValue: 0, maxPixelValue: 100, ...pixels(2, 2, 4) };
    const loaded: { promise: Promise<typeof image>; decache?: () => void } = {
      promise: Promise.resolve(image),
    };
    const answer = checkedLoad(loaded);
    let given = 0;
    // the DICOM loader sets `decache` on its own object after the file is parsed
    loaded.decache = () => given++;

    await expect(answer.promise).resolves.toBe(image);
    answer.decache();
    expect(given).toBe(1);
  });

  it('fails an image whose pixels decoded to no values', async () => {
    const answer = checkedLoad({
      promise: Promise.resolve({ minPixelValue: NaN, maxPixelValue: NaN, ...pixels(2, 2, 4) }),
    });
    await expect(answer.promise).rejects.toThrow('damaged');
  });

  it('fails an image that decoded into fewer pixels than its header says', async () => {
    const answer = checkedLoad({
      promise: Promise.resolve({ minPixelValue: 0, maxPixelValue: 9, ...pixels(1, 32768, 10_000) }),
    });
    await expect(answer.promise).rejects.toThrow('smaller than its header');
  });
});
