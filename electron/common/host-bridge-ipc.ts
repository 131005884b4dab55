import { z } from 'zod';
import { AppInfo, IpcChannel, type HostBridge } from '../../shared/ipc/host-bridge.ts';

/** The HostBridge members that are request/response calls (the sync and shell links have their own wires). */
export type HostBridgeMethod = Exclude<keyof HostBridge, 'sync' | 'shell' | 'displayQa'>;
export type HostBridgeMethods = Pick<HostBridge, HostBridgeMethod>;

/**
 * The wire contract of each HostBridge method between preload and main: its channel, the schema
 * of its arguments (as a tuple) and of its result. Main validates arguments and its own result;
 * the preload validates arguments before sending and the result on receipt. Adding a method to
 * HostBridge without an entry here fails to compile.
 */
export interface IpcMethodContract<K extends HostBridgeMethod> {
  readonly channel: (typeof IpcChannel)[K];
  readonly args: z.ZodType<Parameters<NonNullable<HostBridge[K]>>>;
  readonly result: z.ZodType<Awaited<ReturnType<NonNullable<HostBridge[K]>>>>;
}

export type HostBridgeIpcContract = { readonly [K in HostBridgeMethod]: IpcMethodContract<K> };

export const hostBridgeIpc: HostBridgeIpcContract = {
  appInfo: {
    channel: IpcChannel.appInfo,
    args: z.tuple([]),
    result: AppInfo,
  },
  backendBaseUrl: {
    channel: IpcChannel.backendBaseUrl,
    args: z.tuple([]),
    // '' (same origin) or an absolute http(s) URL; anything else is not a base URL.
    result: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
  },
  cacheKey: {
    channel: IpcChannel.cacheKey,
    args: z.tuple([]),
    // 32 bytes of an AES-256 key, or null where main has no safe place for one
    result: z
      .custom<Uint8Array<ArrayBuffer>>((v) => v instanceof Uint8Array && v.byteLength === 32)
      .nullable(),
  },
};

export const hostBridgeMethods = Object.keys(hostBridgeIpc) as HostBridgeMethod[];
