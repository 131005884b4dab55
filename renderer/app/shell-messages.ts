import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import { shortcutById } from '../../shared/ipc/reading-shortcuts.ts';
import { navigate, parseRoute } from './route.ts';

/**
 * What the desktop shell asks of the page, besides locking (renderer/lock): open a case (a deep
 * link, or an images window given its case), and replay a reading shortcut chosen in the native
 * menu as the key it stands for, where the keyboard focus is.
 */
export function followShellMessages(host: HostBridge): () => void {
  if (!host.shell) return () => undefined;
  const stop = host.shell.listen((message) => {
    if (message.type === 'show-viewports') {
      // an images window stays one, now for this case (it follows the reading window's stage)
      const here = parseRoute(window.location.hash);
      const display = here.name === 'images' || here.name === 'images-standby' ? here.display : 1;
      navigate({ name: 'images', caseId: message.caseId, display });
    } else if (message.type === 'open-case') {
      navigate({ name: 'case', caseId: message.caseId });
    } else if (message.type === 'shortcut') {
      const shortcut = shortcutById(message.id);
      if (!shortcut) return;
      const target = document.activeElement ?? document.body;
      target.dispatchEvent(
        new KeyboardEvent('keydown', { key: shortcut.key, bubbles: true, cancelable: true }),
      );
    }
  });
  host.shell.tell({ type: 'ready' });
  return stop;
}
