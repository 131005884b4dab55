import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES } from './make-icons.mjs';
import { DEEP_LINK_SCHEME } from '../main/deep-link.ts';

const root = path.resolve(import.meta.dirname, '../..');

async function loadConfig(): Promise<Configuration> {
  // electron-builder's own loader and JSON-schema validator: what `electron-builder` would read.
  const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

function targetNames(target: unknown): string[] {
  const list = Array.isArray(target) ? target : [target];
  return list.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('is a valid electron-builder configuration for Tandem', async () => {
    const config = await loadConfig();
    expect(config.appId).toBe('org.tandem.workstation');
    expect(config.productName).toBe('Tandem');
    expect(config.asar).toBe(true);
  });

  it('registers the tandem:// scheme that main takes deep links from', async () => {
    const config = await loadConfig();
    const protocols = Array.isArray(config.protocols) ? config.protocols : [config.protocols];
    expect(protocols.flatMap((p) => p?.schemes ?? [])).toEqual([DEEP_LINK_SCHEME]);
  });

  it('builds AppImage and deb, NSIS and dmg', async () => {
    const config = await loadConfig();
    expect(targetNames(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targetNames(config.win?.target)).toEqual(['nsis']);
    expect(targetNames(config.mac?.target)).toEqual(['dmg']);
  });

  it('packs the built app, the embedded backend and package.json', async () => {
    const config = await loadConfig();
    // The loader normalises `files` into file sets; collect their patterns.
    const sets = (Array.isArray(config.files) ? config.files : [config.files]) as (
      string | { filter?: string | string[] }
    )[];
    const files = sets.flatMap((s) => (typeof s === 'string' ? [s] : [s.filter ?? []].flat()));
    expect(files).toEqual(expect.arrayContaining(['out/**', 'backend/dist/**', 'package.json']));
    // Demo studies ship outside app.asar, where main looks for them (demo-data-env.ts).
    expect(config.extraResources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: '.cache/demo-data', to: 'demo-data' }),
      ]),
    );
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      main: string;
    };
    expect(pkg.main).toBe('out/main/index.js');
  });

  it('flips the fuses in an afterPack hook that exists and exports a function', async () => {
    const config = await loadConfig();
    expect(config.afterPack).toBe('./electron/build/after-pack.mjs');
    const hook = path.resolve(root, config.afterPack as string);
    expect(existsSync(hook)).toBe(true);
    const mod = (await import(hook)) as { default: unknown };
    expect(typeof mod.default).toBe('function');
    // Not also through electron-builder's own fuse option: one place flips them.
    expect(config.electronFuses ?? null).toBeNull();
  });

  it('has its icons: a PNG of every Linux size and a 1024 px PNG for Windows and macOS', async () => {
    const config = await loadConfig();
    const linuxIcons = path.resolve(root, config.linux?.icon as string);
    for (const size of ICON_SIZES) {
      expect(pngSize(path.join(linuxIcons, `${size}x${size}.png`))).toEqual({
        width: size,
        height: size,
      });
    }
    for (const icon of [config.win?.icon, config.mac?.icon]) {
      expect(pngSize(path.resolve(root, icon as string))).toEqual({ width: 1024, height: 1024 });
    }
  });
});
