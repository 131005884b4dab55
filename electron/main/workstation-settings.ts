import { z } from 'zod';
import type { Logger } from './logger.ts';
import { readSettingsFile } from './settings-file.ts';

/**
 * What the site administrator sets for this workstation in `<userData>/workstation.json`, e.g.
 * `{ "backendUrl": "https://tele.example.org", "idleLockMinutes": 10,
 *    "updateFeedUrl": "https://updates.example.org/tandem" }`. All optional: without a backend
 * URL Tandem runs its embedded backend; the idle lock defaults to 15 minutes (0 turns it off);
 * without a feed there are no automatic updates.
 */
export const WorkstationSettings = z.strictObject({
  /** the teleradiology backend (https://, or http:// to this machine only; see backend-url.ts) */
  backendUrl: z.string().optional(),
  /** lock the screen after this many minutes without input (0: never) */
  idleLockMinutes: z
    .number()
    .min(0)
    .max(24 * 60)
    .optional(),
  /** generic electron-updater feed (https://); absent: no automatic updates */
  updateFeedUrl: z.url({ protocol: /^https$/ }).optional(),
});
export type WorkstationSettings = z.infer<typeof WorkstationSettings>;

export const DEFAULT_IDLE_LOCK_MINUTES = 15;

export function readWorkstationSettings(file: string, log: Logger): Promise<WorkstationSettings> {
  return readSettingsFile(file, WorkstationSettings, 'workstation settings', log);
}
