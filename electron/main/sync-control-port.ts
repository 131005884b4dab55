import type { SyncCommand, SyncEvent } from '../../shared/ipc/sync-channel.ts';

/**
 * The sync worker as main drives it. The worker runs in the renderer (a dedicated worker of
 * app://tandem, next to IndexedDB); main reaches it through the page, over validated IPC
 * (`sync-ipc.ts`). Main's decisions (`sync-controller.ts`) are written against this port only,
 * so they are tested without IPC. Commands and events are the worker's own protocol
 * (`shared/ipc/sync-channel.ts`): the page passes them through unchanged.
 */

export interface SyncControlPort {
  /** Delivered to the worker if one is attached, else dropped (main replays on attach). */
  send(command: SyncCommand): void;
  /** A page has attached its sync worker (a first load or a reload): it knows nothing yet. */
  onAttach(listener: () => void): void;
  /** Status and progress from the worker. */
  onEvent(listener: (event: SyncEvent) => void): void;
  /** The radiologist opened a case (null: back to the worklist). */
  onCaseOpened(listener: (caseId: string | null) => void): void;
}
