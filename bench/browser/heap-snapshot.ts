// Heap snapshots through the DevTools protocol, summed by constructor, to compare what a page
// keeps between two moments (what the memory figure's growth is made of).
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

export interface ConstructorTotal {
  /** node type and name, e.g. `object:Map`, `native:Detached HTMLDivElement` */
  name: string;
  count: number;
  selfBytes: number;
}

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  strings: string[];
}

/** Sums a V8 heap snapshot's nodes by type and name. */
export function totalsByConstructor(json: SnapshotJson): Map<string, ConstructorTotal> {
  const fields = json.snapshot.meta.node_fields;
  const types = json.snapshot.meta.node_types[0] as string[];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, ConstructorTotal>();
  for (let i = 0; i < json.nodes.length; i += width) {
    const type = types[json.nodes[i + typeAt]!] ?? '?';
    let name = json.strings[json.nodes[i + nameAt]!] ?? '?';
    // strings and code are many small different names: one entry per type
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
      name = '(strings)';
    } else if (type === 'code' || type === 'hidden' || type === 'number') {
      name = `(${type})`;
    } else if (name.length > 60) {
      name = `${name.slice(0, 57)}...`;
    }
    const key = `${type}:${name}`;
    const total = out.get(key) ?? { name: key, count: 0, selfBytes: 0 };
    total.count++;
    total.selfBytes += json.nodes[i + sizeAt]!;
    out.set(key, total);
  }
  return out;
}

/**
 * Heap snapshots of a page through one DevTools session, so a node's id is the same object in
 * every snapshot taken (the raw snapshot, kept with `saveTo`, opens in DevTools).
 */
export async function heapSnapshots(page: Page): Promise<{
  take(saveTo?: string): Promise<Map<string, ConstructorTotal>>;
  close(): Promise<void>;
}> {
  const cdp = await page.context().newCDPSession(page);
  let chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (e: { chunk: string }) => chunks.push(e.chunk));
  await cdp.send('HeapProfiler.enable');
  return {
    async take(saveTo) {
      chunks = [];
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      const text = chunks.join('');
      chunks = [];
      if (saveTo) writeFileSync(saveTo, text);
      return totalsByConstructor(JSON.parse(text) as SnapshotJson);
    },
    close: () => cdp.detach(),
  };
}

/** What grew between two snapshots, largest growth in bytes first. */
export function grownBetween(
  before: Map<string, ConstructorTotal>,
  after: Map<string, ConstructorTotal>,
  top = 25,
): Array<{ name: string; count: number; bytes: number }> {
  const rows = [...after.values()].map((a) => {
    const b = before.get(a.name);
    return {
      name: a.name,
      count: a.count - (b?.count ?? 0),
      bytes: a.selfBytes - (b?.selfBytes ?? 0),
    };
  });
  return rows
    .filter((r) => r.count > 0 || r.bytes > 0)
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, top);
}
