import type { WebCryptoKey } from '../../shared/report/signing.ts';
import { Dexie, type EntityTable } from 'dexie';
import { z } from 'zod';
import { User } from '../../shared/api/contract.ts';
import { DisplayQaRecord } from '../../shared/display/qa-record.ts';
import { RenderingSetting } from '../viewer/render-mode.ts';

/**
 * What this workstation remembers about itself, apart from patient data: who was last signed in
 * (the user record, never a token — so Tandem can open offline for them), whose cases the cache
 * holds, and the settings. A database of its own (`tandem-workstation`), so purging the patient
 * cache (`tandem`) never takes the settings with it.
 */
const DB_NAME = 'tandem-workstation';

interface EntryRow {
  key: string;
  value: unknown;
}

class WorkstationDb extends Dexie {
  declare entries: EntityTable<EntryRow, 'key'>;
  constructor() {
    super(DB_NAME);
    this.version(1).stores({ entries: 'key' });
  }
}

let db: WorkstationDb | undefined;
function workstationDb(): WorkstationDb {
  db ??= new WorkstationDb();
  return db;
}

const RememberedUser = z.object({ user: User, at: z.number() });
export type RememberedUser = z.infer<typeof RememberedUser>;

/** Cache limit in bytes; `null`: no limit but the browser's own quota. */
export const CacheBudgetSetting = z.object({
  budgetBytes: z.number().int().nonnegative().nullable(),
});
export type CacheBudgetSetting = z.infer<typeof CacheBudgetSetting>;

const KEYS = {
  user: 'signed-in-user',
  cacheOwner: 'cache-owner',
  budget: 'cache-budget',
  encryptCache: 'encrypt-cache',
  browserCacheKey: 'browser-cache-key',
  idleLock: 'idle-lock-minutes',
  displayQa: 'display-qa-records',
  shortcuts: 'viewer-shortcuts',
  rendering: 'viewer-rendering',
} as const;

async function read<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const row = await workstationDb().entries.get(key);
  if (!row) return undefined;
  const parsed = schema.safeParse(row.value);
  // A record an older or newer version wrote in another shape counts as absent.
  return parsed.success ? parsed.data : undefined;
}

async function write(key: string, value: unknown): Promise<void> {
  await workstationDb().entries.put({ key, value });
}

/** The user the server last confirmed, for opening offline. */
export function rememberedUser(): Promise<RememberedUser | undefined> {
  return read(KEYS.user, RememberedUser);
}

export function rememberUser(user: User): Promise<void> {
  return write(KEYS.user, { user, at: Date.now() });
}

/** After signing out or an expired session: the next offline start asks for a sign-in. */
export async function forgetUser(): Promise<void> {
  await workstationDb().entries.delete(KEYS.user);
}

/** The id of the user whose cases the cache holds. */
export async function cacheOwner(): Promise<string | undefined> {
  return read(KEYS.cacheOwner, z.string());
}

export function setCacheOwner(userId: string): Promise<void> {
  return write(KEYS.cacheOwner, userId);
}

export async function cacheBudget(): Promise<number | null> {
  return (await read(KEYS.budget, CacheBudgetSetting))?.budgetBytes ?? null;
}

export function setCacheBudget(budgetBytes: number | null): Promise<void> {
  return write(KEYS.budget, CacheBudgetSetting.parse({ budgetBytes }));
}

/** Whether new cached images are sealed with the workstation key (on unless turned off). */
export async function encryptCache(): Promise<boolean> {
  return (await read(KEYS.encryptCache, z.boolean())) ?? true;
}

export function setEncryptCache(on: boolean): Promise<void> {
  return write(KEYS.encryptCache, on);
}

/** A plain browser's own cache key: a non-extractable CryptoKey kept in this profile. */
export async function browserCacheKey(): Promise<WebCryptoKey | undefined> {
  return read(
    KEYS.browserCacheKey,
    z.custom<WebCryptoKey>((v) => v instanceof CryptoKey),
  );
}

export function setBrowserCacheKey(key: WebCryptoKey): Promise<void> {
  return write(KEYS.browserCacheKey, key);
}

/**
 * A user's workstation signing key (a non-extractable CryptoKey and its enrollment), kept per
 * user; its shape is the report feature's (`renderer/report/workstation-key.ts`).
 */
export function workstationKeyEntry<T>(
  userId: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  return read(`workstation-key:${userId}`, schema);
}

export function setWorkstationKeyEntry(userId: string, value: unknown): Promise<void> {
  return write(`workstation-key:${userId}`, value);
}

/** Browser mode's idle lock, in minutes without input (0: never); Electron's main has its own. */
export const DEFAULT_IDLE_LOCK_MINUTES = 15;

export async function idleLockMinutes(): Promise<number> {
  return (await read(KEYS.idleLock, z.number().min(0))) ?? DEFAULT_IDLE_LOCK_MINUTES;
}

export function setIdleLockMinutes(minutes: number): Promise<void> {
  return write(KEYS.idleLock, z.number().min(0).parse(minutes));
}

/** Display QA records kept in browser mode (Electron keeps them in main), oldest first. */
export async function displayQaRecords(): Promise<DisplayQaRecord[]> {
  return (await read(KEYS.displayQa, z.array(DisplayQaRecord))) ?? [];
}

export async function addDisplayQaRecord(record: DisplayQaRecord): Promise<void> {
  const db = workstationDb();
  await db.transaction('rw', db.entries, async () => {
    const records = [...(await displayQaRecords()), DisplayQaRecord.parse(record)];
    await write(KEYS.displayQa, records);
  });
}

/** The reader's own viewer shortcuts: action id → keys (actions not named keep their defaults). */
export const ShortcutOverridesSetting = z.record(z.string(), z.array(z.string().min(1)));
export type ShortcutOverridesSetting = z.infer<typeof ShortcutOverridesSetting>;

export async function shortcutOverrides(): Promise<ShortcutOverridesSetting> {
  return (await read(KEYS.shortcuts, ShortcutOverridesSetting)) ?? {};
}

export function setShortcutOverrides(overrides: ShortcutOverridesSetting): Promise<void> {
  return write(KEYS.shortcuts, ShortcutOverridesSetting.parse(overrides));
}

/** How the viewer's stack viewports draw (renderer/viewer/render-mode.ts); auto unless chosen. */
export async function renderingSetting(): Promise<RenderingSetting> {
  return (await read(KEYS.rendering, RenderingSetting)) ?? 'auto';
}

export function setRenderingSetting(setting: RenderingSetting): Promise<void> {
  return write(KEYS.rendering, RenderingSetting.parse(setting));
}
