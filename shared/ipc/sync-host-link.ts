import { z } from 'zod';
import type { SyncCommand, SyncEvent } from './sync-channel.ts';

/**
 * How a host that drives syncing itself (Electron's main process) reaches the sync worker: the
 * page attaches its worker, passes main's commands to it and the worker's events back, unchanged
 * (both are the worker's own protocol, `sync-channel.ts`), and says which case is open. Where the
 * host has no link (browser mode) the page drives the worker itself.
 */
export interface SyncHostLink {
  /**
   * The page's worker is ready for commands: from now on each of main's commands goes to
   * `onCommand`, beginning with all main wants at once (start, pause, focus, budget). Call it on
   * every page load. Returns the function that detaches.
   */
  attach(onCommand: (command: SyncCommand) => void): () => void;
  /** A status or progress event from the worker, for main's tray, taskbar and title. */
  report(event: SyncEvent): void;
  /** The radiologist opened a case (`null`: none open); main tells the worker to put it first. */
  caseOpened(caseId: string | null): void;
}

/** The id of an opened case as it crosses to main (as long as the worker's `focus` accepts). */
export const OpenedCaseId = z.string().min(1).max(128).nullable();
