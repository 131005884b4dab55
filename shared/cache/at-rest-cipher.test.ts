import { describe, expect, it } from 'vitest';
import { TandemError } from '../api/errors.ts';
import {
  PLAIN_CIPHER,
  aesGcmCipher,
  generateCacheKey,
  importCacheKey,
  isSealedValue,
} from './at-rest-cipher.ts';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);
const text = async (b: Blob) => new Uint8Array(await b.arrayBuffer());

describe('at-rest cipher (AES-GCM sealing of cached Part-10 files)', () => {
  it('seals a file so that its bytes are not on disk as they came, and opens it again exactly', async () => {
    const cipher = aesGcmCipher(await generateCacheKey());
    const plain = bytes(4096);
    const sealed = await cipher.seal(new Blob([plain]));
    const stored = await text(sealed);
    expect(stored.byteLength).toBe(plain.byteLength + 4 + 12 + 16);
    expect(new TextDecoder().decode(stored.slice(0, 4))).toBe('TDM1');
    expect(Buffer.from(stored).includes(Buffer.from(plain.slice(100, 132)))).toBe(false);
    expect(new Uint8Array(await cipher.open(sealed, true))).toEqual(plain);
  });

  it('uses a fresh IV for every file: the same bytes seal differently', async () => {
    const cipher = aesGcmCipher(await generateCacheKey());
    const a = await text(await cipher.seal(new Blob([bytes(64)])));
    const b = await text(await cipher.seal(new Blob([bytes(64)])));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses a file sealed under another key or altered by one bit, with a message that says what to do', async () => {
    const sealed = await aesGcmCipher(await generateCacheKey()).seal(new Blob([bytes(256)]));
    const other = aesGcmCipher(await generateCacheKey());
    await expect(other.open(sealed, true)).rejects.toMatchObject({ code: 'cache-key-unavailable' });
    const flipped = await text(sealed);
    flipped[40]! ^= 1;
    const own = aesGcmCipher(await generateCacheKey());
    await expect(own.open(new Blob([flipped]), true)).rejects.toBeInstanceOf(TandemError);
    await expect(own.open(new Blob([bytes(8)]), true)).rejects.toMatchObject({
      code: 'cache-damaged',
    });
  });

  it('reads files stored plain (a cache filled before encryption was on) with or without a key', async () => {
    const plain = bytes(100);
    const cipher = aesGcmCipher(await generateCacheKey());
    expect(new Uint8Array(await cipher.open(new Blob([plain]), false))).toEqual(plain);
    expect(new Uint8Array(await PLAIN_CIPHER.open(new Blob([plain]), false))).toEqual(plain);
    await expect(PLAIN_CIPHER.open(new Blob([plain]), true)).rejects.toMatchObject({
      code: 'cache-key-unavailable',
    });
  });

  it('imports only 32-byte keys, as non-extractable keys that can only seal and open', async () => {
    const key = await importCacheKey(new Uint8Array(32).fill(7));
    expect(key.extractable).toBe(false);
    expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt']);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    expect(() => importCacheKey(new Uint8Array(16))).toThrow(TandemError);
  });

  it('seals a JSON value so that none of its text is stored, and opens it to an equal value', async () => {
    const cipher = aesGcmCipher(await generateCacheKey());
    const value = {
      findings: 'Nodule in the right upper lobe',
      size: 0.1 + 0.2,
      list: [1e-7, -0, null],
    };
    const sealed = await cipher.sealValue(value);
    expect(isSealedValue(sealed)).toBe(true);
    const bytes = (sealed as { bytes: Uint8Array }).bytes;
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe('TDM1');
    expect(Buffer.from(bytes).toString('latin1')).not.toMatch(/Nodule|findings/);
    expect(await cipher.openValue(sealed)).toEqual({ ...value, list: [1e-7, 0, null] });
    // a fresh IV each time
    const again = (await cipher.sealValue(value)) as { bytes: Uint8Array };
    expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(false);
  });

  it('passes plain values through, stores plain when sealing new rows is off, and refuses sealed values without their key', async () => {
    const key = await generateCacheKey();
    const off = aesGcmCipher(key, { sealNew: false });
    expect(off.encrypts).toBe(false);
    expect(await off.sealValue({ a: 1 })).toEqual({ a: 1 });
    expect(new Uint8Array(await (await off.seal(new Blob([bytes(8)]))).arrayBuffer())).toEqual(
      bytes(8),
    );
    const sealed = await aesGcmCipher(key).sealValue({ a: 'b' });
    expect(await off.openValue(sealed)).toEqual({ a: 'b' });
    expect(await PLAIN_CIPHER.openValue({ a: 1 })).toEqual({ a: 1 });
    await expect(PLAIN_CIPHER.openValue(sealed)).rejects.toMatchObject({
      code: 'cache-key-unavailable',
    });
    await expect(aesGcmCipher(await generateCacheKey()).openValue(sealed)).rejects.toMatchObject({
      code: 'cache-key-unavailable',
    });
    const damaged = { sealed: 'TDM1', bytes: new Uint8Array(8) };
    await expect(aesGcmCipher(key).openValue(damaged)).rejects.toMatchObject({
      code: 'cache-damaged',
    });
  });

  it('seals small bytes kept in a row (an image header) as it seals files, and opens them as a copy', async () => {
    const key = await generateCacheKey();
    const plain = bytes(3000);
    const sealed = await aesGcmCipher(key).sealBytes(plain);
    expect(sealed.byteLength).toBe(plain.byteLength + 32);
    expect(new Uint8Array(await aesGcmCipher(key).openBytes(sealed, true))).toEqual(plain);
    // another key, or no key: a reason, not garbage
    await expect(
      aesGcmCipher(await generateCacheKey()).openBytes(sealed, true),
    ).rejects.toMatchObject({ code: 'cache-key-unavailable' });
    await expect(PLAIN_CIPHER.openBytes(sealed, true)).rejects.toMatchObject({
      code: 'cache-key-unavailable',
    });
    // plain (setting off, or no key): a copy, never a view of the caller's buffer
    const stored = await aesGcmCipher(key, { sealNew: false }).sealBytes(plain.subarray(0, 10));
    expect(stored).toEqual(plain.subarray(0, 10));
    expect(stored.buffer).not.toBe(plain.buffer);
    expect(new Uint8Array(await PLAIN_CIPHER.openBytes(stored, false))).toEqual(stored);
  });
});
