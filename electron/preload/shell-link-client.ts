import { TandemError } from '../../shared/api/errors.ts';
import type { ShellHostLink, ShellToPage } from '../../shared/ipc/shell-link.ts';
import { ShellIpcChannel, shellIpcPayload } from '../common/shell-ipc.ts';
import type { SyncLinkTransport } from './sync-link-client.ts';

type MessageListener = Parameters<SyncLinkTransport['on']>[1];

/** The page's end of the shell link: main's messages validated on arrival, the page's before they leave. */
export function createShellLink(transport: SyncLinkTransport): ShellHostLink {
  return {
    listen(listener: (message: ShellToPage) => void): () => void {
      if (typeof listener !== 'function') {
        throw new TandemError('ipc-bad-request', 'Invalid arguments for shell.listen.');
      }
      const onMessage: MessageListener = (_event, ...args) => {
        const message = shellIpcPayload.toPage.safeParse(args);
        if (!message.success) {
          console.warn('[tandem] dropped an invalid message from the host');
          return;
        }
        listener(message.data[0]);
      };
      transport.on(ShellIpcChannel.toPage, onMessage);
      return () => void transport.removeListener(ShellIpcChannel.toPage, onMessage);
    },
    tell(message) {
      const payload = shellIpcPayload.toShell.safeParse([message]);
      if (!payload.success) {
        throw new TandemError('ipc-bad-request', 'Invalid message for the host.');
      }
      transport.send(ShellIpcChannel.toShell, ...payload.data);
    },
  };
}
