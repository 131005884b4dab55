import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { TandemError } from '../../shared/api/errors.ts';
import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import type { z } from 'zod';
import { hostBridgeIpc } from '../common/host-bridge-ipc.ts';
import { isAppUrl } from './app-origin.ts';
import type { Logger } from './logger.ts';

/** What main reads of the frame that sent an IPC message: its URL and whether it has a parent. */
export type SenderFrame = Pick<WebFrameMain, 'url'> & { readonly parent: object | null };

/** What main reads of an IPC event: the frame that sent it. */
export interface IpcSenderEvent {
  readonly senderFrame: SenderFrame | null;
}

// A real invoke event must keep satisfying the narrow one.
type _EventFits = IpcMainInvokeEvent extends IpcSenderEvent ? true : never;
const _eventFits: _EventFits = true;
void _eventFits;

/** The part of Electron's ipcMain main uses. */
export interface IpcHandlerRegistry {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
}

/** Only the top-level document of app://tandem may call the host; not a frame, not another origin. */
export function isTrustedSender(event: IpcSenderEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/** One request/response IPC method: its channel and the zod schemas of its arguments and result. */
export interface ValidatedMethod {
  readonly channel: string;
  readonly args: z.ZodType<unknown[]>;
  readonly result: z.ZodType;
}

/**
 * Registers one ipcMain handler per method of a contract. Each checks the sender, validates the
 * arguments with the method's zod schema, calls the implementation and validates its result
 * before it leaves main. Refusals reject the renderer's promise with a TandemError.
 */
export function registerValidatedHandlers(
  ipcMain: IpcHandlerRegistry,
  contracts: Readonly<Record<string, ValidatedMethod>>,
  implementation: object,
  log: Logger,
): void {
  for (const [method, contract] of Object.entries(contracts)) {
    ipcMain.handle(contract.channel, async (event, ...rawArgs) => {
      if (!isTrustedSender(event)) {
        log.warn(`refused IPC ${contract.channel} from an untrusted frame`);
        throw new TandemError('ipc-forbidden', 'This page may not talk to Tandem.');
      }
      const args = contract.args.safeParse(rawArgs);
      if (!args.success) {
        log.warn(`refused IPC ${contract.channel}: invalid arguments`);
        throw new TandemError('ipc-bad-request', 'Tandem received an invalid request.');
      }
      const call = (implementation as Record<string, (...a: unknown[]) => Promise<unknown>>)[
        method
      ];
      if (typeof call !== 'function') {
        throw new TandemError('ipc-bad-request', 'Tandem received an invalid request.');
      }
      const result = contract.result.safeParse(await call.apply(implementation, args.data));
      if (!result.success) {
        log.error(`IPC ${contract.channel}: main produced an invalid result`);
        throw new TandemError('ipc-bad-result', 'Tandem could not answer this request.');
      }
      return result.data;
    });
  }
}

/** Registers one ipcMain handler per HostBridge method (see registerValidatedHandlers). */
export function registerHostBridgeHandlers(
  ipcMain: IpcHandlerRegistry,
  implementation: HostBridge,
  log: Logger,
): void {
  registerValidatedHandlers(
    ipcMain,
    hostBridgeIpc as unknown as Record<string, ValidatedMethod>,
    implementation,
    log,
  );
}
