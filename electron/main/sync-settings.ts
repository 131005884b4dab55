import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BudgetBytes } from '../../shared/ipc/sync-channel.ts';
import type { Logger } from './logger.ts';

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
export async function readSyncSettings(file: string, log: Logger): Promise<SyncSettings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn(`the sync settings could not be read; using the defaults`);
    }
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    log.warn('the sync settings are not JSON; using the defaults');
    return {};
  }
  const parsed = SyncSettings.safeParse(json);
  if (!parsed.success) {
    log.warn(
      `the sync settings are not valid (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}); using the defaults`,
    );
    return {};
  }
  return parsed.data;
}
