import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Every regular, non-hidden file below `dir`, depth first; a missing or unreadable folder yields nothing. */
export async function* walkFiles(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* walkFiles(full);
    else if (e.isFile() && !e.name.startsWith('.')) yield full;
  }
}
