import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { verifyPart10 } from '../../shared/sync/verify-instance.ts';
import { WARM_SLICE_SIZE, warmSlice } from './warm-slice.ts';

describe('the warm-up’s slice', () => {
  it('is a whole Part-10 CT image the sync verifier accepts, with a ramp of pixels and no patient', async () => {
    const bytes = new Uint8Array(warmSlice());
    const ds = dicomParser.parseDicom(bytes);
    const sop = ds.string('x00080018') ?? '';
    const verified = await verifyPart10(bytes, { sopInstanceUid: sop, size: bytes.length });
    expect(verified.ok).toBe(true);
    expect(ds.string('x00080060')).toBe('CT');
    expect(ds.uint16('x00280010')).toBe(WARM_SLICE_SIZE);
    expect(ds.uint16('x00280011')).toBe(WARM_SLICE_SIZE);
    expect(ds.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    const pixels = ds.elements['x7fe00010']!;
    expect(pixels.length).toBe(WARM_SLICE_SIZE * WARM_SLICE_SIZE * 2);
    const first = new DataView(bytes.buffer, pixels.dataOffset, pixels.length);
    expect(first.getUint16(0, true)).toBe(0);
    expect(first.getUint16(pixels.length - 2, true)).toBeGreaterThan(0);
    // nothing about a person
    for (const tag of ['x00100010', 'x00100020', 'x00100030'])
      expect(ds.elements[tag]).toBeUndefined();
  });
});
