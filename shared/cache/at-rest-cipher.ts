import { TandemError } from '../api/errors.ts';

/**
 * Patient images at rest (ARCHITECTURE.md, The data path): in Electron every cached Part-10 file
 * is sealed with AES-GCM under the workstation key that main keeps in the OS keychain and hands
 * to the renderer session as a non-extractable `CryptoKey`. A sealed blob is
 * `"TDM1" | 12-byte IV | ciphertext with its 16-byte tag`; a fresh random IV per blob.
 *
 * Verification happens before sealing (the verifier reads the plain file), and the viewer opens
 * a sealed blob just before handing its bytes to the DICOM image loader. Rows say whether their
 * blob is sealed (`InstanceRow.sealed`), so a cache filled before encryption was on still reads.
 */
export interface AtRestCipher {
  /** whether `seal` really encrypts */
  readonly encrypts: boolean;
  /** The blob to store; bytes already in memory are encrypted without another copy first. */
  seal(body: Blob | Uint8Array<ArrayBuffer>): Promise<Blob>;
  open(blob: Blob, sealed: boolean): Promise<ArrayBuffer>;
}

/** WebCrypto's CryptoKey, named without the DOM lib (Node-only projects compile this file too). */
export type CacheKey = Parameters<typeof crypto.subtle.encrypt>[1];

const MAGIC = new Uint8Array([0x54, 0x44, 0x4d, 0x31]); // "TDM1"
const IV_BYTES = 12;
const HEADER_BYTES = MAGIC.length + IV_BYTES;

export const KEY_UNAVAILABLE =
  'This image is encrypted on this workstation and its key is not available. Sign in again in ' +
  'Tandem on this workstation; if it persists, clear the image cache in Settings.';

/** No encryption (browser mode without a workstation key); sealed rows cannot be opened. */
export const PLAIN_CIPHER: AtRestCipher = {
  encrypts: false,
  seal: (body) => Promise.resolve(body instanceof Uint8Array ? new Blob([body]) : body),
  open(blob, sealed) {
    if (sealed) return Promise.reject(new TandemError('cache-key-unavailable', KEY_UNAVAILABLE));
    return blob.arrayBuffer();
  },
};

/** Imports raw key bytes (32) as a non-extractable AES-GCM key, usable only to seal and open. */
export function importCacheKey(raw: Uint8Array<ArrayBuffer>): Promise<CacheKey> {
  if (raw.byteLength !== 32) {
    throw new TandemError(
      'cache-key-invalid',
      'The workstation key for the image cache is invalid.',
    );
  }
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** A fresh non-extractable key (tests, and a browser profile's own key). */
export function generateCacheKey(): Promise<CacheKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export function aesGcmCipher(key: CacheKey): AtRestCipher {
  return {
    encrypts: true,
    async seal(body) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const plain = body instanceof Uint8Array ? body : await body.arrayBuffer();
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain);
      return new Blob([MAGIC, iv, sealed]);
    },
    async open(blob, sealed) {
      if (!sealed) return blob.arrayBuffer();
      const bytes = await blob.arrayBuffer();
      const head = new Uint8Array(bytes, 0, Math.min(HEADER_BYTES, bytes.byteLength));
      if (head.byteLength < HEADER_BYTES || MAGIC.some((b, i) => head[i] !== b)) {
        throw new TandemError(
          'cache-damaged',
          'This image is damaged in the cache. It will be fetched again; if it persists, clear the image cache in Settings.',
        );
      }
      try {
        return await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: new Uint8Array(bytes, MAGIC.length, IV_BYTES) },
          key,
          new Uint8Array(bytes, HEADER_BYTES),
        );
      } catch {
        // the tag did not match: another key (another workstation's cache), or altered bytes
        throw new TandemError('cache-key-unavailable', KEY_UNAVAILABLE);
      }
    },
  };
}
