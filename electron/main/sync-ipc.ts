import type { IpcMainEvent, WebContents } from 'electron';
import type { z } from 'zod';
import type { SyncCommand, SyncEvent } from '../../shared/ipc/sync-channel.ts';
import { SyncIpcChannel, syncIpcPayload } from '../common/sync-ipc.ts';
import { isTrustedSender, type IpcSenderEvent } from './host-bridge-handlers.ts';
import type { Logger } from './logger.ts';
import type { SyncControlPort } from './sync-control-port.ts';

/** The page main sends sync commands to (a real WebContents satisfies it). */
export type SyncIpcTarget = Pick<WebContents, 'id' | 'send' | 'isDestroyed'>;

/** What main reads of a one-way IPC message: the frame that sent it and its page. */
export interface SyncIpcEvent extends IpcSenderEvent {
  readonly sender: SyncIpcTarget;
}
type _EventFits = IpcMainEvent extends SyncIpcEvent ? true : never;
const _eventFits: _EventFits = true;
void _eventFits;

/** The part of Electron's ipcMain the sync link uses. */
export interface IpcMessageRegistry {
  on(channel: string, listener: (event: SyncIpcEvent, ...args: unknown[]) => void): unknown;
}

/**
 * Main's end of the sync link: a SyncControlPort over IPC. One page at a time hosts the sync
 * worker, the last that attached; commands go to it alone, and only its events are taken.
 * Every message is checked like a HostBridge call: the top-level app://tandem document only,
 * payloads validated with the worker protocol's schemas (main validates its own commands too).
 */
export function connectSyncIpc(ipcMain: IpcMessageRegistry, log: Logger): SyncControlPort {
  let target: SyncIpcTarget | null = null;
  const attachListeners: (() => void)[] = [];
  const eventListeners: ((event: SyncEvent) => void)[] = [];
  const caseListeners: ((caseId: string | null) => void)[] = [];

  /** The payload of a message from a trusted page, or null (logged) for anything else. */
  function accept<T>(
    channel: string,
    schema: z.ZodType<T>,
    event: SyncIpcEvent,
    args: unknown[],
  ): T | null {
    if (!isTrustedSender(event)) {
      log.warn(`refused IPC ${channel} from an untrusted frame`);
      return null;
    }
    const payload = schema.safeParse(args);
    if (!payload.success) {
      log.warn(`refused IPC ${channel}: invalid payload`);
      return null;
    }
    return payload.data;
  }

  const isTarget = (sender: SyncIpcTarget): boolean => target !== null && target.id === sender.id;

  ipcMain.on(SyncIpcChannel.attach, (event, ...args) => {
    if (accept(SyncIpcChannel.attach, syncIpcPayload.attach, event, args) === null) return;
    target = event.sender;
    for (const listener of attachListeners) listener();
  });
  ipcMain.on(SyncIpcChannel.detach, (event, ...args) => {
    if (accept(SyncIpcChannel.detach, syncIpcPayload.detach, event, args) === null) return;
    if (isTarget(event.sender)) target = null;
  });
  ipcMain.on(SyncIpcChannel.event, (event, ...args) => {
    const payload = accept(SyncIpcChannel.event, syncIpcPayload.event, event, args);
    if (payload === null) return;
    // A page whose worker is not the attached one has nothing to report.
    if (!isTarget(event.sender)) return;
    for (const listener of eventListeners) listener(payload[0]);
  });
  ipcMain.on(SyncIpcChannel.caseOpened, (event, ...args) => {
    const payload = accept(SyncIpcChannel.caseOpened, syncIpcPayload.caseOpened, event, args);
    if (payload === null) return;
    for (const listener of caseListeners) listener(payload[0]);
  });

  return {
    send(command: SyncCommand): void {
      const payload = syncIpcPayload.command.safeParse([command]);
      if (!payload.success) {
        log.error(`main made an invalid sync command (${command.type}); not sent`);
        return;
      }
      if (target === null) return;
      if (target.isDestroyed()) {
        target = null;
        return;
      }
      target.send(SyncIpcChannel.command, ...payload.data);
    },
    onAttach(listener) {
      attachListeners.push(listener);
    },
    onEvent(listener) {
      eventListeners.push(listener);
    },
    onCaseOpened(listener) {
      caseListeners.push(listener);
    },
  };
}
