import { z } from 'zod';
import { BudgetBytes } from '../../shared/ipc/sync-channel.ts';
import type { Logger } from './logger.ts';
import { readSettingsFile } from './settings-file.ts';

/**
 * The workstation's sync settings, kept by the site administrator in `<userData>/sync.json`:
 * `{ "budgetBytes": 200000000000, "pauseOnLockScreen": false }`. Both are optional; without
 * the file main uses its defaults and the worker its own cache limit.
 */
export const SyncSettings = z.strictObject({
  /** how much the case cache may hold, in bytes (null: no limit but the browser's quota) */
  budgetBytes: BudgetBytes.optional(),
  /** pause syncing while the screen is locked */
  pauseOnLockScreen: z.boolean().optional(),
});
export type SyncSettings = z.infer<typeof SyncSettings>;

/** Reads the settings; a missing file means defaults, a broken one too (with a warning). */
export function readSyncSettings(file: string, log: Logger): Promise<SyncSettings> {
  return readSettingsFile(file, SyncSettings, 'sync settings', log);
}
