import { z } from 'zod';
import type { WebCryptoKey } from '../../shared/report/signing.ts';
import { FailedReply } from './worker-messages.ts';

/**
 * The sync worker and its sealing worker (`seal.worker.ts`): the sync worker hands over each
 * verified image's bytes (transferred, not copied) and gets back the blob to store, sealed at rest
 * as `AtRestCipher.seal` seals it (or only made a blob, when new images are stored plain). Every
 * message is checked on arrival.
 */
export const SealCommand = z.discriminatedUnion('type', [
  /** the workstation key (null: none) and its setting; sent once, before the first image */
  z.object({
    type: z.literal('key'),
    key: z.custom<WebCryptoKey>((v) => v instanceof CryptoKey).nullable(),
    sealNew: z.boolean(),
  }),
  z.object({
    type: z.literal('seal'),
    id: z.number().int(),
    body: z.union([
      z.custom<Uint8Array<ArrayBuffer>>((v) => v instanceof Uint8Array),
      z.instanceof(Blob),
    ]),
  }),
]);
export type SealCommand = z.infer<typeof SealCommand>;

export const SealReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sealed'), id: z.number().int(), blob: z.instanceof(Blob) }),
  /** sealing failed */
  FailedReply,
]);
export type SealReply = z.infer<typeof SealReply>;
