import { z } from 'zod';
import { WorklistItem } from '../api/contract.ts';
import type { WebCryptoKey } from '../report/signing.ts';
import type { EngineStatus } from '../sync/engine.ts';
import { CaseProgress } from '../sync/records.ts';

/**
 * The sync worker's message protocol (ARCHITECTURE.md, The data path). Whoever controls the
 * worker — the page in browser mode, Electron's main process later — sends `SyncCommand`s and
 * receives `SyncEvent`s; both sides validate every message with these schemas. Image bytes never
 * travel on this channel: they go from the socket into IndexedDB inside the worker.
 */

/** Bytes of instances the cache may hold; `null` removes the limit (the browser's quota remains). */
export const BudgetBytes = z.number().int().nonnegative().nullable();

export const SyncCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    /** base URL of `/api` and `/dicom-web`: '' for the worker's own origin */
    backendBaseUrl: z.string(),
    /** the cache limit to start with; when absent the worker reads the workstation setting */
    budgetBytes: BudgetBytes.optional(),
  }),
  z.object({ type: z.literal('pause') }),
  /** also "the network is back": resumes at once after offline, storage-full or failed */
  z.object({ type: z.literal('resume') }),
  /** the case the radiologist opened (`null`: none) goes first, its priors right behind */
  z.object({ type: z.literal('focus'), caseId: z.string().min(1).max(128).nullable() }),
  /**
   * the viewer needs these images now (not in the cache yet): they go before everything else.
   * The page sends it straight to its worker in both modes; it is about reading, not about when to sync.
   */
  z.object({
    type: z.literal('want'),
    sopInstanceUids: z.array(z.string().min(1).max(64)).min(1).max(256),
  }),
  /**
   * the key that seals cached images (null: none), sent by the page before the worker starts
   * syncing; `sealNew` false stores new images plain while sealed ones stay readable. Page to
   * worker only: a CryptoKey never crosses IPC.
   */
  z.object({
    type: z.literal('cacheKey'),
    key: z.custom<WebCryptoKey>((v) => v instanceof CryptoKey).nullable(),
    sealNew: z.boolean(),
  }),
  z.object({ type: z.literal('stop') }),
  /** a new cache limit: finished cases are evicted at once until the cache fits */
  z.object({ type: z.literal('setBudget'), budgetBytes: BudgetBytes }),
]);
export type SyncCommand = z.infer<typeof SyncCommand>;

export const EngineStatusSchema = z.object({
  state: z.enum(['idle', 'running', 'paused', 'offline', 'storage-full', 'failed', 'stopped']),
  message: z.string().optional(),
  code: z.string().optional(),
  retryAt: z.number().optional(),
});

export const SyncEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: EngineStatusSchema }),
  z.object({ type: z.literal('progress'), progress: CaseProgress }),
  /**
   * the worklist was received from the backend (so an empty cache means an empty worklist);
   * `items` (to the page only, when they changed) lets the worklist show before it is stored
   */
  z.object({
    type: z.literal('worklist'),
    count: z.number().int().nonnegative(),
    at: z.number(),
    items: z.array(WorklistItem).optional(),
  }),
]);
export type SyncEvent = z.infer<typeof SyncEvent>;

// The engine's status type and this schema describe the same thing: keep them in step.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusSchemaMatchesEngine: Same<z.infer<typeof EngineStatusSchema>, EngineStatus> = true;
void statusSchemaMatchesEngine;
