import { Dexie, type EntityTable } from 'dexie';
import { z } from 'zod';
import { User } from '../../shared/api/contract.ts';

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
  shortcuts: 'viewer-shortcuts',
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

/** The reader's own viewer shortcuts: action id → keys (actions not named keep their defaults). */
export const ShortcutOverridesSetting = z.record(z.string(), z.array(z.string().min(1)));
export type ShortcutOverridesSetting = z.infer<typeof ShortcutOverridesSetting>;

export async function shortcutOverrides(): Promise<ShortcutOverridesSetting> {
  return (await read(KEYS.shortcuts, ShortcutOverridesSetting)) ?? {};
}

export function setShortcutOverrides(overrides: ShortcutOverridesSetting): Promise<void> {
  return write(KEYS.shortcuts, ShortcutOverridesSetting.parse(overrides));
}
