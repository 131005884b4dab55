import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingLogger } from '../test-support/electron-fakes.ts';
import { readSyncSettings } from './sync-settings.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tandem-sync-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("the workstation's sync settings", () => {
  it('reads the budget and the lock-screen choice', async () => {
    const log = new RecordingLogger();
    const file = fileWith('ok.json', '{"budgetBytes": 2000000000, "pauseOnLockScreen": true}');
    await expect(readSyncSettings(file, log)).resolves.toEqual({
      budgetBytes: 2_000_000_000,
      pauseOnLockScreen: true,
    });
    await expect(
      readSyncSettings(fileWith('none.json', '{"budgetBytes": null}'), log),
    ).resolves.toEqual({ budgetBytes: null });
    expect(log.lines).toEqual([]);
  });

  it('uses the defaults, quietly, when there is no file', async () => {
    const log = new RecordingLogger();
    await expect(readSyncSettings(path.join(dir, 'missing.json'), log)).resolves.toEqual({});
    expect(log.lines).toEqual([]);
  });

  it('uses the defaults, with a warning, when the file is broken', async () => {
    const log = new RecordingLogger();
    await expect(readSyncSettings(fileWith('bad.json', '{budget'), log)).resolves.toEqual({});
    await expect(
      readSyncSettings(fileWith('wrong.json', '{"budgetBytes": -1, "colour": "red"}'), log),
    ).resolves.toEqual({});
    expect(log.lines).toHaveLength(2);
    expect(log.lines.every((l) => l.startsWith('warn the sync settings are not'))).toBe(true);
  });
});
