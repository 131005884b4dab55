import 'fake-indexeddb/auto';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import {
  aesGcmCipher,
  generateCacheKey,
  PLAIN_CIPHER,
  type AtRestCipher,
} from './at-rest-cipher.ts';
import { TandemDb } from './db.ts';
import { headerOf, readStoredHeader, readStoredInstance } from './read-instance.ts';
import { DexieSyncStore } from './sync-store.ts';
import { buildPart10 } from '../sync/test-support/part10.ts';

const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG_LS = '1.2.840.10008.1.2.4.80';

function fileOf(transferSyntaxUid: string): ArrayBuffer {
  const bytes = buildPart10({
    sopInstanceUid: '1.2.3.4',
    transferSyntaxUid,
    rows: 64,
    columns: 64,
    instanceNumber: 7,
  });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

describe('headerOf (the bytes of a file before its pixels)', () => {
  for (const syntax of [EXPLICIT, IMPLICIT, JPEG_LS]) {
    it(`cuts a ${syntax} file just before its Pixel Data element, and the cut parses`, () => {
      const file = fileOf(syntax);
      const header = headerOf(file);
      expect(header).not.toBeNull();
      expect(header!.byteLength).toBeLessThan(file.byteLength);
      const whole = dicomParser.parseDicom(new Uint8Array(file));
      const cut = dicomParser.parseDicom(new Uint8Array(header!));
      // everything but the pixels, with the same values
      expect(cut.elements['x7fe00010']).toBeUndefined();
      expect(cut.string('x00080018')).toBe(whole.string('x00080018'));
      expect(cut.uint16('x00280010')).toBe(64);
      expect(cut.intString('x00200013')).toBe(7);
      expect(Object.keys(cut.elements).length).toBe(Object.keys(whole.elements).length - 1);
    });
  }

  it('gives null for what cannot be cut: no pixel data, or not DICOM', () => {
    const file = new Uint8Array(fileOf(EXPLICIT));
    const at = [...file.keys()].find(
      (i) =>
        file[i] === 0xe0 && file[i + 1] === 0x7f && file[i + 2] === 0x10 && file[i + 3] === 0x00,
    )!;
    expect(headerOf(file.slice(0, at).buffer)).toBeNull();
    expect(headerOf(new TextEncoder().encode('not a DICOM file at all').buffer)).toBeNull();
  });
});

describe('readStoredInstance / readStoredHeader', () => {
  it('read a sealed row whole, or only its header; null when it is not stored', async () => {
    const db = new TandemDb('read-instance-1');
    const cipher = aesGcmCipher(await generateCacheKey());
    const file = fileOf(EXPLICIT);
    await db.instances.put({
      sopInstanceUid: '1.2.3.4',
      studyInstanceUid: '1.2',
      seriesInstanceUid: '1.2.1',
      transferSyntaxUid: EXPLICIT,
      size: file.byteLength,
      blob: await cipher.seal(new Uint8Array(file)),
      sealed: true,
      caseIds: ['case-a'],
      storedAt: 1,
      lastAccessedAt: 1,
    });
    const open = () => Promise.resolve(cipher);
    expect(new Uint8Array((await readStoredInstance(db, open, '1.2.3.4'))!)).toEqual(
      new Uint8Array(file),
    );
    expect((await readStoredHeader(db, open, '1.2.3.4'))!.byteLength).toBe(
      headerOf(file)!.byteLength,
    );
    expect(await readStoredHeader(db, open, '9.9')).toBeNull();
    // without the key, the reason: not garbage
    await expect(
      readStoredHeader(db, () => Promise.resolve(PLAIN_CIPHER), '1.2.3.4'),
    ).rejects.toMatchObject({ code: 'cache-key-unavailable' });
  });

  it('reads the header the sync stored beside the file, without opening the file', async () => {
    const db = new TandemDb('read-instance-2');
    const cipher = aesGcmCipher(await generateCacheKey());
    const store = new DexieSyncStore(db, { cipher });
    const file = new Uint8Array(fileOf(EXPLICIT));
    const headerLength = headerOf(file.buffer)!.byteLength;
    const prepared = await store.prepareBlob(file, file.subarray(0, headerLength));
    expect(prepared.header).toBeDefined();
    await db.instances.put({
      sopInstanceUid: '1.2.3.4',
      studyInstanceUid: '1.2',
      seriesInstanceUid: '1.2.1',
      transferSyntaxUid: EXPLICIT,
      size: file.byteLength,
      // a file that would not open: the header read must not need it
      blob: new Blob([new Uint8Array(64)]),
      sealed: true,
      header: prepared.header!,
      caseIds: ['case-a'],
      storedAt: 1,
      lastAccessedAt: 1,
    });
    const header = await readStoredHeader(db, () => Promise.resolve(cipher), '1.2.3.4');
    expect(new Uint8Array(header!)).toEqual(file.subarray(0, headerLength));
  });

  it('seals the header before a cipher that hands the file to another thread takes it', async () => {
    const inThread = aesGcmCipher(await generateCacheKey());
    // as `sealOffThread` does: the file's buffer goes elsewhere (detached here), a view of it with it
    const taking: AtRestCipher = {
      ...inThread,
      seal(body) {
        if (body instanceof Blob) return inThread.seal(body);
        return inThread.seal(structuredClone(body, { transfer: [body.buffer] }));
      },
    };
    const store = new DexieSyncStore(new TandemDb('read-instance-3'), { cipher: taking });
    const file = new Uint8Array(fileOf(EXPLICIT));
    const copy = file.slice();
    const headerLength = headerOf(file.buffer)!.byteLength;
    const prepared = await store.prepareBlob(file, file.subarray(0, headerLength));
    expect(file.byteLength).toBe(0);
    expect(new Uint8Array(await inThread.openBytes(prepared.header!, true))).toEqual(
      copy.subarray(0, headerLength),
    );
    expect(new Uint8Array(await inThread.open(prepared.blob, true))).toEqual(copy);
  });
});
