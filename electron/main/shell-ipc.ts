import type { PageToShell, ShellToPage } from '../../shared/ipc/shell-link.ts';
import { ShellIpcChannel, shellIpcPayload } from '../common/shell-ipc.ts';
import { isTrustedSender } from './host-bridge-handlers.ts';
import type { Logger } from './logger.ts';
import type { IpcMessageRegistry, SyncIpcTarget } from './sync-ipc.ts';

/** Main's end of the shell link. */
export interface ShellPort {
  /** Sends to one page (validated first; a destroyed page is skipped). */
  send(target: SyncIpcTarget, message: ShellToPage): void;
  /** Each valid message from a trusted page, with the page it came from. */
  onMessage(listener: (message: PageToShell, from: SyncIpcTarget) => void): void;
}

export function connectShellIpc(ipcMain: IpcMessageRegistry, log: Logger): ShellPort {
  const listeners: ((message: PageToShell, from: SyncIpcTarget) => void)[] = [];
  ipcMain.on(ShellIpcChannel.toShell, (event, ...args) => {
    if (!isTrustedSender(event)) {
      log.warn(`refused IPC ${ShellIpcChannel.toShell} from an untrusted frame`);
      return;
    }
    const payload = shellIpcPayload.toShell.safeParse(args);
    if (!payload.success) {
      log.warn(`refused IPC ${ShellIpcChannel.toShell}: invalid payload`);
      return;
    }
    for (const listener of listeners) listener(payload.data[0], event.sender);
  });
  return {
    send(target, message) {
      const payload = shellIpcPayload.toPage.safeParse([message]);
      if (!payload.success) {
        log.error(`main made an invalid shell message (${message.type}); not sent`);
        return;
      }
      if (target.isDestroyed()) return;
      target.send(ShellIpcChannel.toPage, ...payload.data);
    },
    onMessage(listener) {
      listeners.push(listener);
    },
  };
}
