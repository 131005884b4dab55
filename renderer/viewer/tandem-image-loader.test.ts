import { describe, expect, it } from 'vitest';
import type { DataSet } from 'dicom-parser';
import type { HeaderLabels } from './decoded-headers.ts';
import { checkedLoad, givingFileBack } from './tandem-image-loader.ts';

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

/** A parsed file as the loader's dataset cache holds it: a header of strings, and a count. */
function fakeFiles(header: Record<string, string>) {
  const dataSet = {
    string: (tag: string) => header[tag],
    intString: (tag: string) => (header[tag] === undefined ? undefined : Number(header[tag])),
  } as unknown as DataSet;
  const files = { counts: new Map<string, number>([['1.2.3', 1]]) } as {
    counts: Map<string, number>;
    get(url: string): DataSet | undefined;
    unload(url: string): void;
  };
  files.get = (url) => ((files.counts.get(url) ?? 0) > 0 ? dataSet : undefined);
  files.unload = (url) => files.counts.set(url, (files.counts.get(url) ?? 0) - 1);
  return files;
}

function fakeHeaders() {
  const kept = new Map<string, HeaderLabels>();
  return {
    kept,
    keep: (imageId: string, labels: HeaderLabels) => void kept.set(imageId, labels),
    forget: (imageId: string) => void kept.delete(imageId),
  };
}

describe('a decoded image’s parsed file', () => {
  it('is given back once the image is decoded, its header kept, and not given back twice', async () => {
    const files = fakeFiles({ x00200062: 'L', x00185101: 'CC' });
    const headers = fakeHeaders();
    const image: { data?: unknown } = { data: 'the parsed file' };
    const loaded = { promise: Promise.resolve(image), decache: () => files.unload('1.2.3') };
    const answer = givingFileBack(loaded, 'tandem:1.2.3', '1.2.3', undefined, headers, files);

    await expect(answer.promise).resolves.toBe(image);
    expect(image.data).toBeUndefined();
    expect(files.counts.get('1.2.3')).toBe(0);
    expect(headers.kept.get('tandem:1.2.3')).toEqual({
      laterality: 'L',
      viewPosition: 'CC',
      numberOfFrames: undefined,
    });

    answer.decache(); // Cornerstone lets the image go: its header goes, the file is not unloaded again
    expect(files.counts.get('1.2.3')).toBe(0);
    expect(headers.kept.size).toBe(0);
  });

  it('stays with a frame of a multi-frame file (the other frames are read from it)', async () => {
    const files = fakeFiles({ x00280008: '12' });
    const headers = fakeHeaders();
    let unloaded = 0;
    const loaded = { promise: Promise.resolve({}), decache: () => unloaded++ };
    const framed = givingFileBack(loaded, 'tandem:1.2.3&frame=0', '1.2.3', 0, headers, files);
    await framed.promise;
    const whole = givingFileBack(loaded, 'tandem:1.2.3', '1.2.3', undefined, headers, files);
    await whole.promise;
    expect(files.counts.get('1.2.3')).toBe(1);
    expect(headers.kept.size).toBe(0);
    framed.decache();
    expect(unloaded).toBe(1); // given back by the loader's own decache, as before
  });

  it('given up before it is decoded goes with the loader’s decache, once', async () => {
    const files = fakeFiles({});
    const headers = fakeHeaders();
    let decode: (image: object) => void = () => {};
    const loaded = {
      promise: new Promise<object>((resolve) => (decode = resolve)),
      decache: () => files.unload('1.2.3'),
    };
    const answer = givingFileBack(loaded, 'tandem:1.2.3', '1.2.3', undefined, headers, files);
    answer.decache();
    decode({});
    await answer.promise;
    expect(files.counts.get('1.2.3')).toBe(0);
    expect(headers.kept.size).toBe(0);
  });
});
