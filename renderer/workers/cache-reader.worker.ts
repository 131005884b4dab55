// First: configures zod before any schema is defined.
import '../app/zod-config.ts';
import {
  PLAIN_CIPHER,
  aesGcmCipher,
  type AtRestCipher,
} from '../../shared/cache/at-rest-cipher.ts';
import { TandemDb } from '../../shared/cache/db.ts';
import { readStoredHeader, readStoredInstance } from '../../shared/cache/read-instance.ts';
import { ReaderCommand, type ReaderReply } from './cache-reader-channel.ts';
import { onCheckedMessage, replyFailureOf } from './worker-messages.ts';

/**
 * The viewer's cache reader: a dedicated worker of the renderer's origin that reads an
 * instance's row from the cache and opens its sealed blob, so that the page's main thread, which
 * draws every image the reader scrolls to, does neither. The plain bytes are transferred to the
 * page (no copy); for a header read, only the bytes before the pixels. It reads only; it never
 * logs what it read.
 */

const db = new TandemDb();
let setKey: (cipher: AtRestCipher) => void = () => {};
/** Reads wait for the key the page sends first: a sealed row cannot be opened before. */
const cipher = new Promise<AtRestCipher>((resolve) => (setKey = resolve));

function reply(message: ReaderReply, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

async function read(id: number, sopInstanceUid: string, header: boolean): Promise<void> {
  try {
    const bytes = await (header ? readStoredHeader : readStoredInstance)(
      db,
      () => cipher,
      sopInstanceUid,
    );
    if (bytes === null) reply({ type: 'missing', id });
    else reply({ type: 'bytes', id, bytes }, [bytes]);
  } catch (err) {
    reply({
      type: 'failed',
      id,
      ...replyFailureOf(err, 'the image could not be read from the cache'),
    });
  }
}

onCheckedMessage(
  self,
  ReaderCommand,
  'cache reader: ignored a message that is not a command',
  (command) => {
    if (command.type === 'key') {
      // with a key, rows sealed earlier open whatever the setting for new rows says
      setKey(command.key ? aesGcmCipher(command.key) : PLAIN_CIPHER);
    } else {
      void read(command.id, command.sopInstanceUid, command.header);
    }
  },
);
