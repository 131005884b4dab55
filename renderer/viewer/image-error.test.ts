import { describe, expect, it } from 'vitest';
import { imageErrorReason } from './image-error.ts';

describe('imageErrorReason', () => {
  it('explains a truncated file from the parser rejection', () => {
    expect(
      imageErrorReason({
        error: { exception: 'dicomParser:parseDicomDataSetExplicit: buffer overrun', dataSet: {} },
      }),
    ).toBe('the file is truncated or damaged');
  });

  it('explains a file that is not DICOM', () => {
    expect(
      imageErrorReason(
        new Error('dicomParser.readPart10Header: DICM prefix not found at location 132'),
      ),
    ).toBe('the file is not a valid DICOM file');
  });

  it('keeps an unknown message short and without the module prefix', () => {
    const reason = imageErrorReason(new Error(`decodeSomething: ${'x'.repeat(300)}`));
    expect(reason.startsWith('x')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(118);
  });

  it('never shows an object', () => {
    expect(imageErrorReason({})).toBe('the file could not be decoded');
  });
});
