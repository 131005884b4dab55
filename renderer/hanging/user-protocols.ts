import { useLiveQuery } from 'dexie-react-hooks';
import { parseProtocolText } from '../../shared/hanging/parse-protocol.ts';
import { HangingProtocol } from '../../shared/hanging/protocol.ts';
import { cacheDb } from '../app/local-cache.ts';
import { markOpening } from '../viewer/open-marks.ts';

async function readUserProtocols(): Promise<HangingProtocol[]> {
  markOpening('protocols-read:start');
  const rows = await cacheDb().protocols.orderBy('updatedAt').reverse().toArray();
  return rows.flatMap((row) => {
    const parsed = HangingProtocol.safeParse(row.protocol);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The protocols read ahead for the case being opened (`prefetchUserProtocols`). */
let prefetched: { value: HangingProtocol[] | undefined } | null = null;

/**
 * A case is opening: read the reader's protocols now, beside the case itself, rather than once
 * the case is read and the hanging bar mounts. The live query below still follows the table; the
 * read ahead only stands in for its first answer.
 */
export function prefetchUserProtocols(): void {
  const entry: { value: HangingProtocol[] | undefined } = { value: undefined };
  prefetched = entry;
  readUserProtocols().then(
    (value) => void (entry.value = value),
    () => {
      if (prefetched === entry) prefetched = null;
    },
  );
}

/**
 * The reader's own protocols, kept in the cache's `protocols` table (shared/cache/db.ts v3),
 * newest first. A row that no longer fits the model (written by another version) is left out.
 * `undefined` while reading.
 */
export function useUserProtocols(): HangingProtocol[] | undefined {
  return useLiveQuery(readUserProtocols, [], prefetched?.value);
}

export async function saveUserProtocol(protocol: HangingProtocol): Promise<void> {
  const saved: HangingProtocol = { ...protocol, source: 'user' };
  // what was read ahead is out of date now
  prefetched = null;
  await cacheDb().protocols.put({
    protocolId: saved.id,
    name: saved.name,
    updatedAt: Date.now(),
    protocol: saved,
  });
}

/** Reads a protocol file the reader picked; a bad file throws a TandemError naming the error. */
export async function importProtocolFile(file: Blob): Promise<HangingProtocol> {
  const protocol = parseProtocolText(await file.text());
  await saveUserProtocol(protocol);
  return protocol;
}

/** Offers the protocol as a JSON file download (`<id>.json`). */
export function exportProtocol(protocol: HangingProtocol): void {
  const { $schema: _schema, ...rest } = protocol;
  const blob = new Blob([JSON.stringify(rest, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${protocol.id}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
