import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { buildDeflatedPart10, buildPart10, TransferSyntax } from './test-support/part10.ts';
import { HEAD_BYTES, verifyPart10 } from './verify-instance.ts';

const SOP = '1.2.826.0.1.3680043.10.999.7.1';

function blobOf(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>]);
}

describe('the hand-built Part-10 test files', () => {
  it('parse completely with dicom-parser in every transfer syntax the tests use', () => {
    for (const ts of Object.values(TransferSyntax)) {
      const ds = dicomParser.parseDicom(
        buildPart10({ sopInstanceUid: SOP, transferSyntaxUid: ts }),
      );
      expect(ds.string('x00080018')).toBe(SOP);
      expect(ds.elements['x7fe00010']).toBeDefined();
    }
  });
});

describe('verifyPart10', () => {
  it('accepts a good file in each transfer syntax and reports its header', async () => {
    for (const ts of Object.values(TransferSyntax)) {
      const bytes = buildPart10({
        sopInstanceUid: SOP,
        transferSyntaxUid: ts,
        instanceNumber: 12,
        rows: 8,
        columns: 6,
      });
      const result = await verifyPart10(blobOf(bytes), { sopInstanceUid: SOP, size: bytes.length });
      expect(result).toMatchObject({
        ok: true,
        transferSyntaxUid: ts,
        instanceNumber: 12,
        rows: 8,
        columns: 6,
      });
      // where the pixel data element begins: everything before it is the header
      const headerLength = (result as { header?: Uint8Array }).header!.byteLength;
      const header = dicomParser.parseDicom(bytes.subarray(0, headerLength));
      expect(header.elements['x7fe00010']).toBeUndefined();
      expect(header.intString('x00200013')).toBe(12);
      expect(dicomParser.parseDicom(bytes).elements['x7fe00010']).toMatchObject({
        dataOffset: headerLength + (ts === TransferSyntax.implicitLittleEndian ? 8 : 12),
      });
    }
  });

  it('refuses a file whose SOP Instance UID is not the one asked for', async () => {
    const result = await verifyPart10(blobOf(buildPart10({ sopInstanceUid: SOP })), {
      sopInstanceUid: '1.2.3.999',
    });
    expect(result).toMatchObject({ ok: false, code: 'wrong-instance' });
  });

  it('refuses a file shorter than its Content-Length', async () => {
    const bytes = buildPart10({ sopInstanceUid: SOP });
    const result = await verifyPart10(blobOf(bytes.slice(0, bytes.length - 10)), {
      sopInstanceUid: SOP,
      size: bytes.length,
    });
    expect(result).toMatchObject({ ok: false, code: 'incomplete' });
    if (!result.ok) expect(result.reason).toMatch(/incomplete/);
  });

  it('finds native pixel data cut short even when no size was announced', async () => {
    const bytes = buildPart10({ sopInstanceUid: SOP, rows: 64, columns: 64 });
    const result = await verifyPart10(blobOf(bytes.slice(0, Math.floor(bytes.length * 0.6))), {
      sopInstanceUid: SOP,
    });
    expect(result).toMatchObject({ ok: false, code: 'incomplete' });
    if (!result.ok) expect(result.reason).toMatch(/pixel data is cut short/);
  });

  it('finds encapsulated pixel data without its sequence delimiter', async () => {
    const bytes = buildPart10({
      sopInstanceUid: SOP,
      transferSyntaxUid: TransferSyntax.jpegLsLossless,
      fragments: [new Uint8Array(100).fill(3), new Uint8Array(50).fill(4)],
    });
    const result = await verifyPart10(blobOf(bytes.slice(0, bytes.length - 40)), {
      sopInstanceUid: SOP,
    });
    expect(result).toMatchObject({ ok: false, code: 'incomplete' });
  });

  it('refuses a header that claims more pixels than the file holds (a billion frames, 65535²)', async () => {
    const claims: { opts: Parameters<typeof buildPart10>[0]; reason: RegExp }[] = [
      {
        opts: { sopInstanceUid: SOP, rows: 8, columns: 8, numberOfFrames: 999_999_999 },
        reason: /999999999 frame\(s\) of 8 × 8 pixels/,
      },
      {
        opts: { sopInstanceUid: SOP, rows: 65535, columns: 65535, pixelBytes: 128 },
        reason: /holds 128 bytes but the header claims 1 frame\(s\) of 65535 × 65535/,
      },
      {
        opts: { sopInstanceUid: SOP, rows: 8, columns: 8, numberOfFrames: 0 },
        reason: /claims 0 frames/,
      },
      {
        opts: {
          sopInstanceUid: SOP,
          transferSyntaxUid: TransferSyntax.jpegLsLossless,
          numberOfFrames: 3,
          fragments: [new Uint8Array(10).fill(1)],
        },
        reason: /claims 3 frames but its compressed pixel data has 1 fragments/,
      },
    ];
    for (const { opts, reason } of claims) {
      const result = await verifyPart10(blobOf(buildPart10(opts)), { sopInstanceUid: SOP });
      expect(result).toMatchObject({ ok: false, code: 'corrupt' });
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
    // as many frames as the pixel data holds is fine, compressed or not
    for (const opts of [
      { sopInstanceUid: SOP, rows: 8, columns: 8, numberOfFrames: 3, pixelBytes: 3 * 128 },
      {
        sopInstanceUid: SOP,
        transferSyntaxUid: TransferSyntax.jpegLsLossless,
        numberOfFrames: 2,
        fragments: [new Uint8Array(10).fill(1), new Uint8Array(12).fill(2)],
      },
    ]) {
      expect(await verifyPart10(blobOf(buildPart10(opts)), { sopInstanceUid: SOP })).toMatchObject({
        ok: true,
      });
    }
  });

  it('refuses bytes that are not DICOM, with a reason a person can read', async () => {
    const result = await verifyPart10(new Blob(['<html>502 Bad Gateway</html>'.padEnd(400, ' ')]), {
      sopInstanceUid: SOP,
    });
    expect(result).toEqual({
      ok: false,
      code: 'corrupt',
      reason: 'the file is not DICOM Part-10 (no DICM prefix)',
    });
  });

  it('refuses a file whose header is damaged', async () => {
    const bytes = buildPart10({ sopInstanceUid: SOP });
    // cut inside the data set, before the pixel data
    const result = await verifyPart10(blobOf(bytes.slice(0, 300)), { sopInstanceUid: SOP });
    expect(result.ok).toBe(false);
  });

  it('checks pixel data that lies beyond its first read of the file', async () => {
    const bytes = buildPart10({ sopInstanceUid: SOP, rows: 512, columns: 512 });
    expect(await verifyPart10(blobOf(bytes), { sopInstanceUid: SOP })).toMatchObject({
      ok: true,
      rows: 512,
    });
    const cut = await verifyPart10(blobOf(bytes.slice(0, bytes.length - 1000)), {
      sopInstanceUid: SOP,
    });
    expect(cut).toMatchObject({ ok: false, code: 'incomplete' });
  });

  it('reads a header larger than its first read', async () => {
    const bytes = buildPart10({
      sopInstanceUid: SOP,
      headerPaddingBytes: 400 * 1024,
      instanceNumber: 5,
    });
    const result = await verifyPart10(blobOf(bytes), { sopInstanceUid: SOP, size: bytes.length });
    expect(result).toMatchObject({ ok: true, instanceNumber: 5 });
  });

  it('reads a Blob from its start through one stream, never slicing it', async () => {
    let slices = 0;
    let streamed = 0;
    const counted = (bytes: Uint8Array): Blob => {
      const blob = blobOf(bytes);
      blob.slice = () => {
        slices++;
        throw new Error('sliced');
      };
      const stream = blob.stream.bind(blob);
      blob.stream = () =>
        stream().pipeThrough(
          new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
            transform(chunk, controller) {
              streamed += chunk.length;
              controller.enqueue(chunk);
            },
          }),
        );
      return blob;
    };
    // a CT-sized image: 512 × 512 × 2 bytes of pixels behind a short header
    const ct = buildPart10({ sopInstanceUid: SOP, rows: 512, columns: 512 });
    expect(await verifyPart10(counted(ct), { sopInstanceUid: SOP })).toMatchObject({ ok: true });
    // (how much one read of the stream brings is the browser's choice: here, all of it)
    expect(streamed).toBeGreaterThanOrEqual(HEAD_BYTES);

    streamed = 0;
    const long = buildPart10({
      sopInstanceUid: SOP,
      rows: 512,
      columns: 512,
      headerPaddingBytes: 100_000,
    });
    expect(await verifyPart10(counted(long), { sopInstanceUid: SOP })).toMatchObject({ ok: true });
    expect(streamed).toBeGreaterThan(100_000);

    // encapsulated pixel data: its items are walked forward in the same stream
    streamed = 0;
    const compressed = buildPart10({
      sopInstanceUid: SOP,
      transferSyntaxUid: TransferSyntax.jpegLsLossless,
      fragments: [new Uint8Array(70_000), new Uint8Array(50_000)],
      numberOfFrames: 2,
    });
    expect(await verifyPart10(counted(compressed), { sopInstanceUid: SOP })).toMatchObject({
      ok: true,
    });
    expect(streamed).toBe(compressed.length);
    expect(slices).toBe(0);
  });

  it('gives the same verdicts for bytes in memory as for the same file as a Blob', async () => {
    const good = buildPart10({ sopInstanceUid: SOP, instanceNumber: 3, rows: 8, columns: 8 });
    const files: Array<[Uint8Array, number | undefined]> = [
      [good, good.length],
      [buildPart10({ sopInstanceUid: SOP, headerPaddingBytes: 200_000 }), undefined],
      [
        buildPart10({ sopInstanceUid: SOP, transferSyntaxUid: TransferSyntax.jpegLsLossless }),
        undefined,
      ],
      [good.slice(0, good.length - 10), good.length],
      [good.slice(0, good.length - 10), undefined],
      [buildPart10({ sopInstanceUid: '1.2.3' }), undefined],
      [await buildDeflatedPart10({ sopInstanceUid: SOP, rows: 32, columns: 32 }), undefined],
    ];
    for (const [bytes, size] of files) {
      const expected = { sopInstanceUid: SOP, size };
      const asBytes = new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
      expect(await verifyPart10(asBytes, expected)).toEqual(
        await verifyPart10(blobOf(bytes), expected),
      );
      // verifying reads the bytes in place: it neither changes nor detaches them
      expect(asBytes).toEqual(bytes);
    }
  });

  it('accepts a deflated file that inflates completely, and refuses one cut short', async () => {
    const bytes = await buildDeflatedPart10({ sopInstanceUid: SOP, rows: 32, columns: 32 });
    const deflated = await verifyPart10(blobOf(bytes), { sopInstanceUid: SOP });
    expect(deflated).toMatchObject({ ok: true, transferSyntaxUid: '1.2.840.10008.1.2.1.99' });
    // a deflated data set cannot be cut before its pixels
    expect((deflated as { header?: Uint8Array }).header).toBeUndefined();
    const cut = await verifyPart10(blobOf(bytes.slice(0, bytes.length - 20)), {
      sopInstanceUid: SOP,
    });
    expect(cut).toMatchObject({ ok: false, code: 'incomplete' });
    const other = await verifyPart10(blobOf(bytes), { sopInstanceUid: '1.2.3' });
    expect(other).toMatchObject({ ok: false, code: 'wrong-instance' });
  });
});
