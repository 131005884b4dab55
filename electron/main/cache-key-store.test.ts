import { describe, expect, it } from 'vitest';
import {
  FakeSafeStorage,
  MemorySecretFile,
  RecordingLogger,
} from '../test-support/electron-fakes.ts';
import { CacheKeyStore } from './cache-key-store.ts';

function setup(platform = 'linux') {
  const safeStorage = new FakeSafeStorage();
  const file = new MemorySecretFile();
  const log = new RecordingLogger();
  const open = () => new CacheKeyStore({ safeStorage, file, platform, log });
  return { safeStorage, file, log, open };
}

describe('CacheKeyStore (the key that seals cached images at rest)', () => {
  it('makes a 32-byte key once, keeps it only encrypted by the OS keychain, and hands the same key next run', async () => {
    const t = setup();
    const first = await t.open().keyBytes();
    expect(first).toHaveLength(32);
    expect(t.file.writes).toHaveLength(1);
    const onDisk = t.file.data!.toString();
    expect(onDisk.startsWith(FakeSafeStorage.MARKER)).toBe(true);
    expect(onDisk).not.toContain(Buffer.from(first!).toString('base64'));
    const again = await t.open().keyBytes();
    expect(Buffer.from(again!).equals(Buffer.from(first!))).toBe(true);
    expect(t.file.writes).toHaveLength(1);
  });

  it('hands out copies: wiping one does not change the key', async () => {
    const store = setup().open();
    const a = await store.keyBytes();
    const copy = Buffer.from(a!);
    a!.fill(0);
    expect(Buffer.from((await store.keyBytes())!).equals(copy)).toBe(true);
  });

  it("hands out no key and says so where Linux has no keyring (safeStorage's basic_text)", async () => {
    const t = setup();
    t.safeStorage.backend = 'basic_text';
    expect(await t.open().keyBytes()).toBeNull();
    expect(t.file.writes).toHaveLength(0);
    expect(t.log.lines.join('\n')).toMatch(/stored unencrypted/);
  });

  it('hands out no key when the OS keychain is not available at all', async () => {
    const t = setup('win32');
    t.safeStorage.available = false;
    expect(await t.open().keyBytes()).toBeNull();
  });

  it('makes a new key when the kept one cannot be decrypted (another keychain)', async () => {
    const t = setup();
    t.file.data = Buffer.from('not from this keychain');
    const key = await t.open().keyBytes();
    expect(key).toHaveLength(32);
    expect(t.log.lines.join('\n')).toMatch(/could not be decrypted/);
    expect(t.file.writes).toHaveLength(1);
  });
});
