import { z } from 'zod';
import type { WebCryptoKey } from '../../shared/report/signing.ts';
import { FailedReply } from './worker-messages.ts';

/**
 * The page and its cache-reader worker (`cache-reader.worker.ts`): the page asks for an
 * instance's bytes by SOP Instance UID, the worker reads the row, opens its sealed blob and hands
 * the plain bytes over (transferred, not copied). Every message is checked on arrival.
 */
export const ReaderCommand = z.discriminatedUnion('type', [
  /** the workstation key (null: none, sealed rows cannot be opened); sent once, before reads answer */
  z.object({
    type: z.literal('key'),
    key: z.custom<WebCryptoKey>((v) => v instanceof CryptoKey).nullable(),
  }),
  /** `header`: only what a header read needs (`readStoredHeader`), not the whole file */
  z.object({
    type: z.literal('read'),
    id: z.number().int(),
    sopInstanceUid: z.string().min(1),
    header: z.boolean(),
  }),
]);
export type ReaderCommand = z.infer<typeof ReaderCommand>;

export const ReaderReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bytes'), id: z.number().int(), bytes: z.instanceof(ArrayBuffer) }),
  /** the instance is not in the cache (yet) */
  z.object({ type: z.literal('missing'), id: z.number().int() }),
  /** the read failed */
  FailedReply,
]);
export type ReaderReply = z.infer<typeof ReaderReply>;
