import { z } from 'zod';
import { TandemError } from '../api/errors.ts';
import type { WebCryptoKey } from '../report/signing.ts';

/**
 * Patient images at rest (ARCHITECTURE.md, The data path): in Electron every cached Part-10 file
 * is sealed with AES-GCM under the workstation key that main keeps in the OS keychain and hands
 * to the renderer session as a non-extractable `CryptoKey`. A sealed blob is
 * `"TDM1" | 12-byte IV | ciphertext with its 16-byte tag`; a fresh random IV per blob.
 *
 * Verification happens before sealing (the verifier reads the plain file), and the viewer opens
 * a sealed blob just before handing its bytes to the DICOM image loader. Rows say whether their
 * blob is sealed (`InstanceRow.sealed`), so a cache filled before encryption was on still reads.
 *
 * Report drafts, signed reports and outbox items are sealed the same way, as JSON values
 * (`sealValue`): the stored value becomes a `SealedValue` (the same bytes layout over the value's
 * UTF-8 JSON), which says by its shape that it is sealed, so plain rows still read. JSON keeps
 * every string and number as it was, so a signed report opened again verifies over exactly the
 * canonical JSON that was signed.
 */
export interface AtRestCipher {
  /** whether `seal` and `sealValue` really encrypt (new rows); sealed rows open either way with a key */
  readonly encrypts: boolean;
  /**
   * The blob to store; bytes already in memory are encrypted without another copy first. It may
   * take the bytes' buffer (handed to another thread): nothing may use `body`, nor a view of its
   * buffer, once it is called. It rejects with `SEAL_LOST` (`shared/sync/failure.ts`) when the
   * bytes were lost that way.
   */
  seal(body: Blob | Uint8Array<ArrayBuffer>): Promise<Blob>;
  open(blob: Blob, sealed: boolean): Promise<ArrayBuffer>;
  /** Small bytes kept inline in a row (an image's header), sealed as `seal` would; always a copy. */
  sealBytes(plain: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>>;
  /** `sealBytes` undone: the plain bytes, in a buffer of their own. */
  openBytes(stored: Uint8Array<ArrayBuffer>, sealed: boolean): Promise<ArrayBuffer>;
  /** A JSON value as it is to be stored: a `SealedValue` when `encrypts`, else the value itself. */
  sealValue(value: unknown): Promise<unknown>;
  /** A stored value back: a `SealedValue` opened, anything else as it is. */
  openValue(stored: unknown): Promise<unknown>;
}

/** A JSON value sealed at rest: `"TDM1" | IV | AES-GCM ciphertext and tag` of its UTF-8 JSON. */
export const SealedValue = z.object({
  sealed: z.literal('TDM1'),
  bytes: z.custom<Uint8Array<ArrayBuffer>>((v) => v instanceof Uint8Array),
});
export type SealedValue = z.infer<typeof SealedValue>;

export function isSealedValue(value: unknown): value is SealedValue {
  return SealedValue.safeParse(value).success;
}

const MAGIC = new Uint8Array([0x54, 0x44, 0x4d, 0x31]); // "TDM1"
const IV_BYTES = 12;
const HEADER_BYTES = MAGIC.length + IV_BYTES;

export const KEY_UNAVAILABLE =
  'This image is encrypted on this workstation and its key is not available. Sign in again in ' +
  'Tandem on this workstation; if it persists, clear the image cache in Settings.';

export const REPORT_KEY_UNAVAILABLE =
  'This report is encrypted on this workstation and its key is not available. Sign in again in ' +
  'Tandem on this workstation; it is kept until then.';

/** No encryption (browser mode without a workstation key); sealed rows cannot be opened. */
export const PLAIN_CIPHER: AtRestCipher = {
  encrypts: false,
  seal: (body) => Promise.resolve(body instanceof Uint8Array ? new Blob([body]) : body),
  open(blob, sealed) {
    if (sealed) return Promise.reject(new TandemError('cache-key-unavailable', KEY_UNAVAILABLE));
    return blob.arrayBuffer();
  },
  sealBytes: (plain) => Promise.resolve(plain.slice()),
  openBytes(stored, sealed) {
    if (sealed) return Promise.reject(new TandemError('cache-key-unavailable', KEY_UNAVAILABLE));
    return Promise.resolve(stored.slice().buffer);
  },
  sealValue: (value) => Promise.resolve(value),
  openValue(stored) {
    if (isSealedValue(stored)) {
      return Promise.reject(new TandemError('cache-key-unavailable', REPORT_KEY_UNAVAILABLE));
    }
    return Promise.resolve(stored);
  },
};

/** Imports raw key bytes (32) as a non-extractable AES-GCM key, usable only to seal and open. */
export function importCacheKey(raw: Uint8Array<ArrayBuffer>): Promise<WebCryptoKey> {
  if (raw.byteLength !== 32) {
    throw new TandemError(
      'cache-key-invalid',
      'The workstation key for the image cache is invalid.',
    );
  }
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** A fresh non-extractable key (tests, and a browser profile's own key). */
export function generateCacheKey(): Promise<WebCryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function encrypt(
  key: WebCryptoKey,
  plain: ArrayBuffer | Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain));
  const out = new Uint8Array(HEADER_BYTES + sealed.byteLength);
  out.set(MAGIC, 0);
  out.set(iv, MAGIC.length);
  out.set(sealed, HEADER_BYTES);
  return out;
}

/** `"TDM1" | IV | ciphertext` back to the plain bytes; `damaged` and `wrongKey` say what to tell. */
async function decrypt(
  key: WebCryptoKey,
  bytes: Uint8Array<ArrayBuffer>,
  messages: { damaged: TandemError; wrongKey: TandemError },
): Promise<ArrayBuffer> {
  if (bytes.byteLength < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw messages.damaged;
  }
  try {
    return await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(MAGIC.length, HEADER_BYTES) },
      key,
      bytes.subarray(HEADER_BYTES),
    );
  } catch {
    // the tag did not match: another key (another workstation's cache), or altered bytes
    throw messages.wrongKey;
  }
}

/**
 * Seals and opens under `key`. `sealNew: false` (the workstation setting is off) stores new
 * files and values plain but still opens those sealed earlier.
 */
export function aesGcmCipher(key: WebCryptoKey, options: { sealNew?: boolean } = {}): AtRestCipher {
  const sealNew = options.sealNew ?? true;
  /** a sealed image file, or its header, back to plain bytes */
  const openImage = (bytes: Uint8Array<ArrayBuffer>) =>
    decrypt(key, bytes, {
      damaged: new TandemError(
        'cache-damaged',
        'This image is damaged in the cache. It will be fetched again; if it persists, clear the image cache in Settings.',
      ),
      wrongKey: new TandemError('cache-key-unavailable', KEY_UNAVAILABLE),
    });
  return {
    encrypts: sealNew,
    async seal(body) {
      if (!sealNew) return body instanceof Uint8Array ? new Blob([body]) : body;
      // the header and the ciphertext as parts of one Blob: no copy into one buffer first
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const plain = body instanceof Uint8Array ? body : await body.arrayBuffer();
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain);
      return new Blob([MAGIC, iv, sealed]);
    },
    async open(blob, sealed) {
      if (!sealed) return blob.arrayBuffer();
      return openImage(new Uint8Array(await blob.arrayBuffer()));
    },
    async sealBytes(plain) {
      return sealNew ? encrypt(key, plain) : plain.slice();
    },
    async openBytes(stored, sealed) {
      return sealed ? openImage(stored) : stored.slice().buffer;
    },
    async sealValue(value) {
      if (!sealNew) return value;
      const json = JSON.stringify(value);
      if (json === undefined) {
        throw new TandemError('report-not-json', 'The report cannot be written as JSON.');
      }
      const sealed: SealedValue = {
        sealed: 'TDM1',
        bytes: await encrypt(key, new TextEncoder().encode(json)),
      };
      return sealed;
    },
    async openValue(stored) {
      const parsed = SealedValue.safeParse(stored);
      if (!parsed.success) return stored;
      const plain = await decrypt(key, parsed.data.bytes, {
        damaged: new TandemError(
          'cache-damaged',
          'A report kept on this workstation is damaged. Tell your administrator.',
        ),
        wrongKey: new TandemError('cache-key-unavailable', REPORT_KEY_UNAVAILABLE),
      });
      return JSON.parse(new TextDecoder().decode(plain)) as unknown;
    },
  };
}
