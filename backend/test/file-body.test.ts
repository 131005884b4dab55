import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  READ_CHUNK,
  fileBody,
  pooledBuffers,
  writeFileBody,
  type BodyPiece,
} from '../src/http/file-body.ts';
import { makeTempDir, removeDir } from '../test-support/processes.ts';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  dirs.splice(0).forEach(removeDir);
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server answering every request with the pieces `route` gives for its path. */
async function serve(
  route: (url: string) => BodyPiece[],
  outcomes: Array<Promise<void>> = [],
): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const done = writeFileBody(res, fileBody(route(req.url ?? '/')));
    outcomes.push(done);
    done.catch(() => res.destroy());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function tempFile(dir: string, name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe('file bodies written through reused buffers', () => {
  it('sends files and in-memory pieces byte for byte, many answers at once sharing the buffers', async () => {
    const dir = makeTempDir('file-body');
    dirs.push(dir);
    // sizes around the read chunk: empty, smaller, exactly one, one and a bit, several
    const sizes = [0, 1000, READ_CHUNK, READ_CHUNK + 1, 3 * READ_CHUNK + 17];
    const files = sizes.map((size, i) => ({
      bytes: randomBytes(size),
      path: '',
      i,
    }));
    for (const f of files) f.path = tempFile(dir, `f${f.i}`, f.bytes);
    // answer n: its own head, then the files rotated by n, a line between them
    const pieces = (n: number): BodyPiece[] => [
      Buffer.from(`answer ${n}\r\n`),
      ...files.flatMap((_, k) => {
        const f = files[(k + n) % files.length]!;
        return [{ path: f.path }, Buffer.from('\r\n')];
      }),
    ];
    const expected = (n: number) =>
      Buffer.concat(
        pieces(n).map((p) =>
          Buffer.isBuffer(p) ? p : files.find((f) => f.path === p.path)!.bytes,
        ),
      );
    const base = await serve((url) => pieces(Number(url.slice(1))));
    const answers = await Promise.all(
      Array.from({ length: 24 }, async (_, n) => {
        const res = await fetch(`${base}/${n}`);
        return { n, bytes: Buffer.from(await res.arrayBuffer()) };
      }),
    );
    for (const { n, bytes } of answers) expect(bytes.equals(expected(n))).toBe(true);
    // buffers went back to the pool, and the pool stays small
    expect(pooledBuffers()).toBeGreaterThan(0);
    expect(pooledBuffers()).toBeLessThanOrEqual(32);
  });

  it('gives up when the client goes away in the middle, without hanging', async () => {
    const dir = makeTempDir('file-body');
    dirs.push(dir);
    const big = tempFile(dir, 'big', randomBytes(8 * 1024 * 1024));
    const outcomes: Array<Promise<void>> = [];
    const base = await serve(() => Array.from({ length: 8 }, () => ({ path: big })), outcomes);
    await new Promise<void>((resolve, reject) => {
      const req = request(`${base}/`, (res) => {
        let got = 0;
        res.on('data', (chunk: Buffer) => {
          got += chunk.length;
          if (got > 1024 * 1024) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', () => undefined);
      req.setTimeout(10_000, () => reject(new Error('no answer')));
      req.end();
    });
    await expect(outcomes[0]).rejects.toThrow();
  });

  it('rejects when a file is missing, after what came before it', async () => {
    const dir = makeTempDir('file-body');
    dirs.push(dir);
    const outcomes: Array<Promise<void>> = [];
    const base = await serve(
      () => [Buffer.from('head'), { path: path.join(dir, 'gone') }],
      outcomes,
    );
    const res = await fetch(`${base}/`);
    await expect(res.arrayBuffer()).rejects.toThrow();
    await expect(outcomes[0]).rejects.toThrow(/ENOENT/);
  });
});
