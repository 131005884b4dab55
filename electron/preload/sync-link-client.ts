import type { IpcRenderer } from 'electron';
import { TandemError } from '../../shared/api/errors.ts';
import type { SyncCommand } from '../../shared/ipc/sync-channel.ts';
import type { SyncHostLink } from '../../shared/ipc/sync-host-link.ts';
import { SyncIpcChannel, syncIpcPayload } from '../common/sync-ipc.ts';

type MessageListener = (event: unknown, ...args: unknown[]) => void;

/** The part of ipcRenderer the sync link uses. */
export interface SyncLinkTransport {
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: MessageListener): unknown;
  removeListener(channel: string, listener: MessageListener): unknown;
}
type _IpcRendererFits = IpcRenderer extends SyncLinkTransport ? true : never;
const _ipcRendererFits: _IpcRendererFits = true;
void _ipcRendererFits;

/**
 * The page's end of the sync link. Main's commands are validated before they reach the page;
 * the page's events and opened cases are validated before they leave. One worker per page: a
 * second `attach` replaces the first.
 */
export function createSyncLink(transport: SyncLinkTransport): SyncHostLink {
  let listening: MessageListener | null = null;

  const stopListening = (): void => {
    if (listening === null) return;
    transport.removeListener(SyncIpcChannel.command, listening);
    listening = null;
  };

  return {
    attach(onCommand: (command: SyncCommand) => void): () => void {
      if (typeof onCommand !== 'function') {
        throw new TandemError('ipc-bad-request', 'Invalid arguments for sync.attach.');
      }
      stopListening();
      const listener: MessageListener = (_event, ...args) => {
        const command = syncIpcPayload.command.safeParse(args);
        if (!command.success) {
          console.warn('[tandem] dropped an invalid sync command from the host');
          return;
        }
        onCommand(command.data[0]);
      };
      transport.on(SyncIpcChannel.command, listener);
      listening = listener;
      transport.send(SyncIpcChannel.attach);
      return () => {
        if (listening !== listener) return;
        stopListening();
        transport.send(SyncIpcChannel.detach);
      };
    },
    report(event) {
      const payload = syncIpcPayload.event.safeParse([event]);
      if (!payload.success) {
        throw new TandemError('ipc-bad-request', 'Invalid sync event for the host.');
      }
      transport.send(SyncIpcChannel.event, ...payload.data);
    },
    caseOpened(caseId) {
      const payload = syncIpcPayload.caseOpened.safeParse([caseId]);
      if (!payload.success) {
        throw new TandemError('ipc-bad-request', 'Invalid case id for the host.');
      }
      transport.send(SyncIpcChannel.caseOpened, ...payload.data);
    },
  };
}
