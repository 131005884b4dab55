// First: configures zod before any schema is defined.
import '../app/zod-config.ts';
import {
  PLAIN_CIPHER,
  aesGcmCipher,
  type AtRestCipher,
} from '../../shared/cache/at-rest-cipher.ts';
import { SealCommand, type SealReply } from './seal-channel.ts';
import { onCheckedMessage, replyFailureOf } from './worker-messages.ts';

/**
 * The sync worker's sealing worker (`off-thread-seal.ts`): encrypts each image the sync stores
 * and makes its blob (only the blob, when new images are stored plain), work that would otherwise
 * hold up the sync worker's thread while the next images stream in: in Chromium, making a blob of
 * an image's bytes costs the thread more than encrypting them. It holds the workstation's
 * non-extractable key and nothing else; it never logs what it sealed.
 */

let setCipher: (cipher: AtRestCipher) => void = () => {};
/** Images wait for the key the sync worker sends first. */
const cipher = new Promise<AtRestCipher>((resolve) => (setCipher = resolve));

function reply(message: SealReply): void {
  self.postMessage(message);
}

async function seal(id: number, body: Blob | Uint8Array<ArrayBuffer>): Promise<void> {
  try {
    reply({ type: 'sealed', id, blob: await (await cipher).seal(body) });
  } catch (err) {
    reply({ type: 'failed', id, ...replyFailureOf(err, 'the image could not be encrypted') });
  }
}

onCheckedMessage(
  self,
  SealCommand,
  'sealing worker: ignored a message that is not a command',
  (command) => {
    if (command.type === 'key') {
      setCipher(
        command.key ? aesGcmCipher(command.key, { sealNew: command.sealNew }) : PLAIN_CIPHER,
      );
    } else void seal(command.id, command.body);
  },
);
