import { randomBytes } from 'node:crypto';
import type { Logger } from './logger.ts';
import type { SafeStoragePort, SecretFile } from './credentials.ts';

export interface CacheKeyStoreOptions {
  safeStorage: SafeStoragePort;
  /** where the key is kept, encrypted by the OS keychain */
  file: SecretFile;
  /** process.platform: the keyring backend is a Linux question */
  platform: string;
  log: Logger;
  /** 32 random bytes (injectable for tests) */
  random?: () => Buffer;
}

const KEY_BYTES = 32;

/**
 * The per-workstation key that seals cached images at rest (`shared/cache/at-rest-cipher.ts`).
 * It is created once, kept only encrypted by the OS keychain (`safeStorage`) in a file readable by
 * the user alone, and handed to the renderer each session, which imports it as a non-extractable
 * key. Without a real keychain (no encryption, or Linux's `basic_text` fallback, whose key is in
 * Chromium's source) there is no safe place for it: main then says so and hands out no key, and
 * images are cached unencrypted, rather than pretending.
 */
export class CacheKeyStore {
  private readonly options: CacheKeyStoreOptions;
  private key: Promise<Buffer | null> | undefined;

  constructor(options: CacheKeyStoreOptions) {
    this.options = options;
  }

  /** A copy of the key's bytes (the caller may wipe it), or null when it cannot be kept safely. */
  async keyBytes(): Promise<Uint8Array<ArrayBuffer> | null> {
    this.key ??= this.load();
    const key = await this.key;
    return key ? new Uint8Array(key) : null;
  }

  private async keychainUsable(): Promise<boolean> {
    const { safeStorage, platform } = this.options;
    try {
      if (!(await safeStorage.isAsyncEncryptionAvailable())) return false;
    } catch {
      return false;
    }
    if (platform !== 'linux') return true;
    const backend = safeStorage.getSelectedStorageBackend();
    return backend !== 'basic_text' && backend !== 'unknown';
  }

  private async load(): Promise<Buffer | null> {
    const { safeStorage, file, log } = this.options;
    if (!(await this.keychainUsable())) {
      log.warn(
        'no OS keychain is available: cached images are stored unencrypted on this workstation',
      );
      return null;
    }
    const stored = await file.read();
    if (stored) {
      try {
        const { result } = await safeStorage.decryptStringAsync(stored);
        const key = Buffer.from(result, 'base64');
        if (key.length === KEY_BYTES) return key;
        log.warn('the image cache key on disk is malformed: a new one is made');
      } catch {
        log.warn(
          'the image cache key could not be decrypted by the OS keychain: a new one is made',
        );
      }
    }
    const key = (this.options.random ?? (() => randomBytes(KEY_BYTES)))();
    await file.write(await safeStorage.encryptStringAsync(key.toString('base64')));
    return key;
  }
}
