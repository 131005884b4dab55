import {
  PLAIN_CIPHER,
  aesGcmCipher,
  generateCacheKey,
  importCacheKey,
  type AtRestCipher,
} from '../../shared/cache/at-rest-cipher.ts';
import type { WebCryptoKey } from '../../shared/report/signing.ts';
import { getHost } from '../host/get-host.ts';
import { browserCacheKey, encryptCache, setBrowserCacheKey } from './workstation-db.ts';

/**
 * The key that seals cached images, report drafts and signed reports at rest (`shared/cache/at-rest-cipher.ts`). In Electron main
 * keeps it in the OS keychain and hands its bytes over once per session; they are imported at
 * once as a non-extractable key and wiped. A plain browser has no keychain: it keeps a
 * non-extractable key in this profile's `tandem-workstation` database, so the same code path runs
 * (and is tested) there, though its protection is only that of the browser profile.
 *
 * `sealNew` follows the workstation setting (on unless turned off); images and reports sealed
 * earlier are opened with the key either way.
 */
export interface CacheKeyState {
  key: WebCryptoKey | null;
  sealNew: boolean;
}

let pending: Promise<CacheKeyState> | undefined;

async function resolveKey(): Promise<CacheKeyState> {
  const sealNew = await encryptCache();
  const host = getHost();
  if (host.cacheKey) {
    const raw = await host.cacheKey();
    if (!raw) return { key: null, sealNew: false };
    try {
      return { key: await importCacheKey(raw), sealNew };
    } finally {
      raw.fill(0);
    }
  }
  let key = await browserCacheKey();
  if (!key) {
    key = await generateCacheKey();
    await setBrowserCacheKey(key);
  }
  return { key, sealNew };
}

export function cacheKeyState(): Promise<CacheKeyState> {
  // Resolved from a timer, outside whatever live query asked first: it may write the browser's
  // key, and a live query only reads.
  pending ??= new Promise<CacheKeyState>((resolve, reject) => {
    setTimeout(() => resolveKey().then(resolve, reject), 0);
  }).catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

/**
 * The cipher of this session: the viewer opens cached images with it, the report editor seals
 * and opens drafts and signed reports with it (sealing new ones as the setting says).
 */
export async function cacheCipher(): Promise<AtRestCipher> {
  const { key, sealNew } = await cacheKeyState();
  return key ? aesGcmCipher(key, { sealNew }) : PLAIN_CIPHER;
}
