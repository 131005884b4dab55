import { describe, expect, it } from 'vitest';
import { decodedHeaders, HEADER_MODULES } from './decoded-headers.ts';

const labels = { laterality: undefined, viewPosition: undefined, numberOfFrames: undefined };

describe('decoded images’ headers', () => {
  it('answer every module the parsed file answered, once the file is gone', () => {
    let parsed = true;
    const asked: string[] = [];
    const headers = decodedHeaders((type, imageId) => {
      asked.push(type);
      if (!parsed) return undefined;
      return type === 'imagePlaneModule' ? { imageId, rows: 512 } : undefined;
    });
    headers.keep('tandem:1', labels);
    parsed = false;
    expect(asked).toEqual([...HEADER_MODULES]);
    expect(headers.get('imagePlaneModule', 'tandem:1')).toEqual({ imageId: 'tandem:1', rows: 512 });
    // what the file did not answer is left to the next provider
    expect(headers.get('voiLutModule', 'tandem:1')).toBeUndefined();
    expect(headers.get('imagePlaneModule', 'tandem:2')).toBeUndefined();
    expect(headers.has('tandem:1')).toBe(true);
  });

  it('keep the overlay’s labels apart from the modules', () => {
    const headers = decodedHeaders(() => undefined);
    headers.keep('tandem:1', { laterality: 'R', viewPosition: 'MLO', numberOfFrames: 1 });
    expect(headers.labels('tandem:1')).toEqual({
      laterality: 'R',
      viewPosition: 'MLO',
      numberOfFrames: 1,
    });
    expect(headers.get('tandemHeaderLabels', 'tandem:1')).toBeUndefined();
  });

  it('a module the provider fails to read is not kept', () => {
    const headers = decodedHeaders((type) => {
      if (type === 'overlayPlaneModule') throw new Error('damaged overlay');
      return { type };
    });
    headers.keep('tandem:1', labels);
    expect(headers.get('overlayPlaneModule', 'tandem:1')).toBeUndefined();
    expect(headers.get('sopCommonModule', 'tandem:1')).toEqual({ type: 'sopCommonModule' });
  });

  it('go with their images, and all of them at sign-out', () => {
    const headers = decodedHeaders(() => ({}));
    headers.keep('tandem:1', labels);
    headers.keep('tandem:2', labels);
    headers.forget('tandem:1');
    expect(headers.has('tandem:1')).toBe(false);
    expect(headers.size).toBe(1);
    headers.clear();
    expect(headers.size).toBe(0);
  });
});
