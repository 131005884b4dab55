import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Arch } from 'builder-util';
import type { AfterPackContext } from 'electron-builder';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import afterPack, {
  TANDEM_FUSES,
  electronExecutablePath,
  type FuseHookContext,
} from './after-pack.mjs';

// A real electron-builder context must keep satisfying what the hook reads.
type _ContextFits = AfterPackContext extends FuseHookContext ? true : never;
const _contextFits: _ContextFits = true;
void _contextFits;

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const workDir = mkdtempSync(path.join(tmpdir(), 'tandem-after-pack-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A stand-in Electron binary: padding, the fuse sentinel, a V1 wire with Electron's defaults. */
function fakeElectronBinary(file: string): void {
  const E = FuseState.ENABLE;
  const D = FuseState.DISABLE;
  // RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity, only asar,
  // browser V8 snapshot, file:// privileges, wasm trap handlers
  const wire = [E, D, E, E, D, D, D, E, E];
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.alloc(4096, 0x2a),
      Buffer.from(SENTINEL, 'ascii'),
      Buffer.from([1, wire.length, ...wire]),
      Buffer.alloc(4096, 0x2a),
    ]),
  );
}

function context(platform: string, appOutDir: string): FuseHookContext {
  return {
    appOutDir,
    electronPlatformName: platform,
    arch: Arch.x64,
    packager: { executableName: 'tandem', appInfo: { productFilename: 'Tandem' } },
  };
}

describe('afterPack fuses hook', () => {
  it('flips the fuses of the packed Linux executable', async () => {
    const appOutDir = path.join(workDir, 'linux-unpacked');
    fakeElectronBinary(path.join(appOutDir, 'tandem'));
    await afterPack(context('linux', appOutDir));
    const wire = await getCurrentFuseWire(path.join(appOutDir, 'tandem'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
    // Fuses Tandem does not set keep Electron's default.
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.WasmTrapHandlers]).toBe(FuseState.ENABLE);
  });

  it('sets the six fuses the security checklist asks for', () => {
    expect(TANDEM_FUSES).toMatchObject({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
  });

  it('finds the executable on each platform', () => {
    const dir = path.join(workDir, 'out');
    expect(electronExecutablePath(context('linux', dir))).toBe(path.join(dir, 'tandem'));
    expect(electronExecutablePath(context('win32', dir))).toBe(path.join(dir, 'Tandem.exe'));
    expect(electronExecutablePath(context('darwin', dir))).toBe(path.join(dir, 'Tandem.app'));
    expect(electronExecutablePath(context('mas', dir))).toBe(path.join(dir, 'Tandem.app'));
    expect(() => electronExecutablePath(context('beos', dir))).toThrow(/beos/);
  });

  it('fails the build when the executable has no fuse wire', async () => {
    const appOutDir = path.join(workDir, 'broken');
    mkdirSync(appOutDir, { recursive: true });
    writeFileSync(path.join(appOutDir, 'tandem'), Buffer.alloc(1024));
    await expect(afterPack(context('linux', appOutDir))).rejects.toThrow(/sentinel/);
  });
});
