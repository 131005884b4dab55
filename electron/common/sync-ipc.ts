import { z } from 'zod';
import { SyncCommand, SyncEvent } from '../../shared/ipc/sync-channel.ts';
import { OpenedCaseId } from '../../shared/ipc/sync-host-link.ts';

/**
 * The wire of the sync link (`SyncHostLink`) between preload and main. Unlike HostBridge calls
 * these are one-way messages: main pushes commands (`webContents.send`), the page sends events
 * (`ipcRenderer.send`). Each channel's payload, as the tuple of its arguments, is validated by
 * the sender and again by the receiver.
 */
export const SyncIpcChannel = {
  /** page → main: its sync worker is ready; main answers with everything it wants */
  attach: 'tandem:sync-attach',
  /** page → main: the worker is going away */
  detach: 'tandem:sync-detach',
  /** main → page: one command for the worker */
  command: 'tandem:sync-command',
  /** page → main: one status or progress event of the worker */
  event: 'tandem:sync-event',
  /** page → main: the case the radiologist opened */
  caseOpened: 'tandem:sync-case-opened',
} as const;

export const syncIpcPayload = {
  attach: z.tuple([]),
  detach: z.tuple([]),
  command: z.tuple([SyncCommand]),
  event: z.tuple([SyncEvent]),
  caseOpened: z.tuple([OpenedCaseId]),
} satisfies Record<keyof typeof SyncIpcChannel, z.ZodType<unknown[]>>;
