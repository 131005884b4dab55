import { TandemError } from '../../shared/api/errors.ts';
import type { DisplayQaHost } from '../../shared/display/display-qa-host.ts';
import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import { displayQaIpc } from '../common/display-qa-ipc.ts';
import type { ShellHostLink } from '../../shared/ipc/shell-link.ts';
import type { SyncHostLink } from '../../shared/ipc/sync-host-link.ts';
import { hostBridgeIpc, type HostBridgeMethod } from '../common/host-bridge-ipc.ts';

/** `ipcRenderer.invoke` as the preload uses it. */
export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;

async function call<K extends HostBridgeMethod>(
  invoke: Invoke,
  method: K,
  ...args: Parameters<NonNullable<HostBridge[K]>>
): Promise<Awaited<ReturnType<NonNullable<HostBridge[K]>>>> {
  const contract = hostBridgeIpc[method];
  const request = contract.args.safeParse(args);
  if (!request.success) {
    throw new TandemError('ipc-bad-request', `Invalid arguments for ${method}.`);
  }
  const response = contract.result.safeParse(await invoke(contract.channel, ...request.data));
  if (!response.success) {
    throw new TandemError('ipc-bad-response', `Tandem's host sent an invalid answer to ${method}.`);
  }
  return response.data;
}

/**
 * The HostBridge the preload exposes: each method is one validated `invoke` on its channel, and
 * the sync and shell links (when given) their one-way messages. Plain functions and data only, so
 * contextBridge can copy it into the page.
 */
export function createHostBridge(
  invoke: Invoke,
  sync?: SyncHostLink,
  shell?: ShellHostLink,
  displayQa?: DisplayQaHost,
): HostBridge {
  return {
    appInfo: () => call(invoke, 'appInfo'),
    backendBaseUrl: () => call(invoke, 'backendBaseUrl'),
    cacheKey: () => call(invoke, 'cacheKey'),
    ...(sync ? { sync } : {}),
    ...(shell ? { shell } : {}),
    ...(displayQa ? { displayQa } : {}),
  };
}

/** The DisplayQaHost the preload exposes: each method one validated `invoke` (display-qa-ipc.ts). */
export function createDisplayQaClient(invoke: Invoke): DisplayQaHost {
  const call =
    <K extends keyof DisplayQaHost>(method: K) =>
    async (...args: unknown[]): Promise<Awaited<ReturnType<DisplayQaHost[K]>>> => {
      const contract = displayQaIpc[method];
      const request = contract.args.safeParse(args);
      if (!request.success) {
        throw new TandemError('ipc-bad-request', `Invalid arguments for ${method}.`);
      }
      const response = contract.result.safeParse(await invoke(contract.channel, ...request.data));
      if (!response.success) {
        throw new TandemError(
          'ipc-bad-response',
          `Tandem's host sent an invalid answer to ${method}.`,
        );
      }
      return response.data as Awaited<ReturnType<DisplayQaHost[K]>>;
    };
  return {
    displays: call('displays'),
    records: call('records'),
    saveRecord: call('saveRecord'),
    showTestPattern: call('showTestPattern'),
  };
}
