import type { ImportFile } from './local-import.ts';

/**
 * The files of a local import, from a file dialog (files, or a whole folder) or a drop (files and
 * folders, walked recursively). Only `File` handles are collected: their bytes stay on disk until
 * each is imported in turn.
 */

export function filesOfInput(list: FileList | null): ImportFile[] {
  return [...(list ?? [])].map((file) => ({
    name: file.webkitRelativePath || file.name,
    file,
  }));
}

export async function filesOfDrop(transfer: DataTransfer): Promise<ImportFile[]> {
  const entries = [...transfer.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (!entries.length) return filesOfInput(transfer.files);
  const out: ImportFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: ImportFile[]): Promise<void> {
  const name = entry.fullPath.replace(/^\//, '');
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ name, file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in chunks (about 100 at a time) until it answers none
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (!chunk.length) break;
    for (const child of chunk) await walk(child, out);
  }
}
