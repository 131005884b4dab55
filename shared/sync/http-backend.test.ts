import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TandemError } from '../api/errors.ts';
import type { FetchLike } from '../api/client.ts';
import { classifyFailure } from './failure.ts';
import { HttpSyncBackend } from './http-backend.ts';
import { caseDetail, worklistItem, type CaseSpec } from './test-support/fixtures.ts';

const spec: CaseSpec = {
  caseId: 'case-a',
  study: { uid: '1.2.3', series: [{ uid: '1.2.3.1', count: 2 }] },
};

interface Seen {
  url: string;
  init: RequestInit | undefined;
}

/** A fetch answering from a table of `path → Response`, recording what was asked. */
function fakeFetch(answer: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (url, init) => {
    seen.push({ url, init });
    if (init?.signal?.aborted) throw init.signal.reason;
    return answer(url, init);
  };
  return { fetch, seen };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const signal = () => new AbortController().signal;

describe('HttpSyncBackend', () => {
  it('reads the worklist and a case detail through the API, with the abort signal on the request', async () => {
    const { fetch, seen } = fakeFetch((url) =>
      url.endsWith('/api/worklist')
        ? json({ items: [worklistItem(spec)] })
        : json(caseDetail(spec)),
    );
    const backend = new HttpSyncBackend({ baseUrl: 'http://b', fetch });
    const s = signal();
    expect((await backend.worklist(s)).map((i) => i.caseId)).toEqual(['case-a']);
    expect((await backend.caseDetail('case-a', s)).study.studyInstanceUid).toBe('1.2.3');
    expect(seen.map((r) => r.url)).toEqual(['http://b/api/worklist', 'http://b/api/cases/case-a']);
    // the request's signal follows the caller's (and a watchdog's: a stalled answer)
    expect(seen[0]!.init?.signal?.aborted).toBe(false);
  });

  it('lists a study with QIDO-RS, keeping what ordering needs and skipping instances without UIDs', async () => {
    const { fetch, seen } = fakeFetch(() =>
      json([
        {
          '00080018': { vr: 'UI', Value: ['1.2.3.1.2'] },
          '0020000E': { vr: 'UI', Value: ['1.2.3.1'] },
          '00200013': { vr: 'IS', Value: [2] },
          '00200032': { vr: 'DS', Value: ['0', '0', '-5'] },
        },
        { '00080018': { vr: 'UI', Value: ['1.2.3.1.9'] } },
        {
          '0020000e': { vr: 'UI', Value: ['1.2.3.1'] },
          '00080018': { vr: 'UI', Value: ['1.2.3.1.1'] },
        },
      ]),
    );
    const backend = new HttpSyncBackend({ baseUrl: '', fetch, token: 't' });
    const listed = await backend.listInstances('1.2.3', signal());
    expect(listed).toEqual([
      expect.objectContaining({
        studyInstanceUid: '1.2.3',
        seriesInstanceUid: '1.2.3.1',
        sopInstanceUid: '1.2.3.1.2',
        instanceNumber: 2,
        imagePositionPatient: [0, 0, -5],
      }),
      expect.objectContaining({ sopInstanceUid: '1.2.3.1.1', seriesInstanceUid: '1.2.3.1' }),
    ]);
    expect(seen[0]!.url).toMatch(/^\/dicom-web\/studies\/1\.2\.3\/instances\?includefield=/);
    expect((seen[0]!.init?.headers as Record<string, string>)['authorization']).toBe('Bearer t');
  });

  it('treats an empty QIDO answer (204) as no instances', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    const backend = new HttpSyncBackend({ baseUrl: '', fetch });
    expect(await backend.listInstances('1.2.3', signal())).toEqual([]);
  });

  it('fetches an instance with WADO-URI as a Blob, with its Content-Length', async () => {
    const bytes = new Uint8Array(300).fill(7);
    const { fetch, seen } = fakeFetch(
      () =>
        new Response(bytes, {
          headers: { 'content-type': 'application/dicom', 'content-length': '300' },
        }),
    );
    const backend = new HttpSyncBackend({ baseUrl: 'http://b', fetch });
    const got = await backend.fetchInstance(
      { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.1', sopInstanceUid: '1.2.3.1.1' },
      signal(),
    );
    expect(got.blob?.size).toBe(300);
    expect(got.bytes).toBeUndefined();
    expect(got.contentLength).toBe(300);
    // never a second, unsealed copy in the browser's HTTP cache
    expect(seen[0]!.init?.cache).toBe('no-store');
    const url = new URL(seen[0]!.url);
    expect(url.pathname).toBe('/dicom-web/wado');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      requestType: 'WADO',
      studyUID: '1.2.3',
      seriesUID: '1.2.3.1',
      objectUID: '1.2.3.1.1',
      contentType: 'application/dicom',
    });
  });

  it('reads an instance into memory when asked for bytes (a store that seals them at rest)', async () => {
    const bytes = new Uint8Array(300).map((_, i) => i % 251);
    const { fetch } = fakeFetch(
      () =>
        new Response(bytes, {
          headers: { 'content-type': 'application/dicom', 'content-length': '300' },
        }),
    );
    const backend = new HttpSyncBackend({ baseUrl: 'http://b', fetch });
    const got = await backend.fetchInstance(
      { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.1', sopInstanceUid: '1.2.3.1.1' },
      signal(),
      'bytes',
    );
    expect(got.blob).toBeUndefined();
    expect(got.bytes).toEqual(bytes);
    expect(got.contentLength).toBe(300);
  });

  it('does not trust Content-Length of a compressed transfer', async () => {
    const { fetch } = fakeFetch(
      () =>
        new Response(new Uint8Array(10), {
          headers: { 'content-encoding': 'gzip', 'content-length': '4' },
        }),
    );
    const backend = new HttpSyncBackend({ baseUrl: '', fetch });
    const got = await backend.fetchInstance(
      { studyInstanceUid: '1.2', seriesInstanceUid: '1.2.1', sopInstanceUid: '1.2.1.1' },
      signal(),
    );
    expect(got.contentLength).toBeUndefined();
  });

  it('says offline when the server cannot be reached, and gives HTTP errors their status and message', async () => {
    const down = new HttpSyncBackend({
      baseUrl: '',
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    const inst = { studyInstanceUid: '1.2', seriesInstanceUid: '1.2.1', sopInstanceUid: '1.2.1.1' };
    for (const call of [
      () => down.worklist(signal()),
      () => down.listInstances('1.2', signal()),
      () => down.fetchInstance(inst, signal()),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TandemError);
      expect(classifyFailure(err)).toBe('network');
    }

    const { fetch } = fakeFetch((url) =>
      url.includes('wado')
        ? json({ error: { code: 'forbidden', message: 'Not your case.' } }, 403)
        : new Response('<html>bad gateway</html>', { status: 502 }),
    );
    const refusing = new HttpSyncBackend({ baseUrl: '', fetch });
    const forbidden = (await refusing
      .fetchInstance(inst, signal())
      .catch((e: unknown) => e)) as TandemError;
    expect(forbidden).toMatchObject({ code: 'forbidden', status: 403, message: 'Not your case.' });
    expect(classifyFailure(forbidden)).toBe('rejected');
    const gateway = (await refusing
      .listInstances('1.2', signal())
      .catch((e: unknown) => e)) as TandemError;
    expect(gateway).toMatchObject({ code: 'http-502', status: 502 });
    expect(classifyFailure(gateway)).toBe('network');
  });

  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController();
    const { fetch } = fakeFetch(() => {
      controller.abort(new Error('paused'));
      throw new TypeError('aborted');
    });
    const backend = new HttpSyncBackend({ baseUrl: '', fetch });
    await expect(backend.worklist(controller.signal)).rejects.toThrow('paused');
  });

  it('a session the server refuses (401) stops sync rather than failing the item', async () => {
    const { fetch } = fakeFetch(() =>
      json({ error: { code: 'session-expired', message: 'Your session has expired.' } }, 401),
    );
    const backend = new HttpSyncBackend({ baseUrl: '', fetch });
    const err = await backend.caseDetail('case-a', signal()).catch((e: unknown) => e);
    expect(classifyFailure(err)).toBe('unauthorized');
  });

  describe('batched retrieval', () => {
    const inst = (sop: string) => ({
      studyInstanceUid: '1.2',
      seriesInstanceUid: '1.2.1',
      sopInstanceUid: sop,
    });
    const enc = new TextEncoder();
    /**
     * A multipart answer whose parts carry their length and address; `cutAt` ends it early.
     * `stream`: `bytes` a byte stream (as fetch's bodies are: read into the reader's buffers),
     * `chunks` a stream of chunks (read chunk by chunk).
     */
    function multipart(
      parts: Array<[string, Uint8Array]>,
      cutAt?: number,
      stream: 'bytes' | 'chunks' = 'chunks',
    ): Response {
      const pieces: Uint8Array[] = [];
      for (const [sop, bytes] of parts) {
        pieces.push(
          enc.encode(
            `--bnd\r\nContent-Type: application/dicom\r\nContent-Length: ${bytes.length}\r\n` +
              `Content-Location: http://b/dicom-web/studies/1.2/series/1.2.1/instances/${sop}\r\n\r\n`,
          ),
          bytes,
          enc.encode('\r\n'),
        );
      }
      pieces.push(enc.encode('--bnd--\r\n'));
      const whole = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of pieces) {
        whole.set(p, at);
        at += p.length;
      }
      const sent = whole.subarray(0, cutAt ?? whole.length);
      let i = 0;
      const pull = (
        c: ReadableStreamDefaultController<Uint8Array> | ReadableByteStreamController,
      ) => {
        if (i < sent.length) {
          c.enqueue(sent.slice(i, i + 100));
          i += 100;
        } else if (cutAt === undefined) {
          c.close();
          // a byte stream closed under a read into a buffer answers that read with the end
          if ('byobRequest' in c) c.byobRequest?.respond(0);
        } else c.error(new TypeError('network error'));
      };
      const body =
        stream === 'bytes'
          ? new ReadableStream({ type: 'bytes', pull })
          : new ReadableStream<Uint8Array>({ pull });
      return new Response(body, {
        headers: { 'content-type': 'multipart/related; type="application/dicom"; boundary=bnd' },
      });
    }

    // fetch's bodies are byte streams (read into the reader's buffers); others come in chunks
    for (const stream of ['chunks', 'bytes'] as const) {
      it(`asks for the instances as JSON and hands over each part as it arrives, by its address (a stream of ${stream})`, async () => {
        const a = Uint8Array.from({ length: 700 }, (_, i) => i % 251);
        const b = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
        const { fetch, seen } = fakeFetch(() =>
          multipart(
            [
              ['1.2.1.2', b],
              ['9.9.9', a], // not asked for: ignored
              ['1.2.1.1', a],
            ],
            undefined,
            stream,
          ),
        );
        const backend = new HttpSyncBackend({ baseUrl: 'http://b', fetch, workstationId: 'ws-1' });
        const got: Array<[string, number[]]> = [];
        await backend.fetchInstances(
          '1.2',
          [inst('1.2.1.1'), inst('1.2.1.2')],
          signal(),
          (uid, f) => got.push([uid, [...f.bytes!]]),
        );
        expect(got).toEqual([
          ['1.2.1.2', [...b]],
          ['1.2.1.1', [...a]],
        ]);
        expect(seen[0]!.url).toBe('http://b/dicom-web/studies/1.2/instances/retrieve');
        expect(seen[0]!.init?.method).toBe('POST');
        expect(JSON.parse(String(seen[0]!.init?.body))).toEqual({
          instances: [
            { seriesInstanceUid: '1.2.1', sopInstanceUid: '1.2.1.1' },
            { seriesInstanceUid: '1.2.1', sopInstanceUid: '1.2.1.2' },
          ],
        });
        expect((seen[0]!.init?.headers as Record<string, string>)['x-tandem-workstation']).toBe(
          'ws-1',
        );
      });

      it(`keeps the parts that came whole when the connection drops, then fails as unreachable (a stream of ${stream})`, async () => {
        const a = new Uint8Array(500).fill(3);
        const { fetch } = fakeFetch(() =>
          multipart(
            [
              ['1.2.1.1', a],
              ['1.2.1.2', a],
            ],
            800,
            stream,
          ),
        );
        const backend = new HttpSyncBackend({ baseUrl: '', fetch });
        const got: string[] = [];
        const err = await backend
          .fetchInstances('1.2', [inst('1.2.1.1'), inst('1.2.1.2')], signal(), (uid) =>
            got.push(uid),
          )
          .catch((e: unknown) => e);
        expect(got).toEqual(['1.2.1.1']);
        expect(classifyFailure(err)).toBe('network');
      });
    }

    it('stops asking a server that has no batched retrieval (404), handing over nothing', async () => {
      const { fetch, seen } = fakeFetch(() =>
        json({ error: { code: 'not-found', message: 'x' } }, 404),
      );
      const backend = new HttpSyncBackend({ baseUrl: '', fetch });
      const got: string[] = [];
      await backend.fetchInstances('1.2', [inst('1.2.1.1')], signal(), (uid) => got.push(uid));
      await backend.fetchInstances('1.2', [inst('1.2.1.2')], signal(), (uid) => got.push(uid));
      expect(got).toEqual([]);
      expect(seen).toHaveLength(1);
    });
  });
});

describe('HttpSyncBackend against a server that stops sending (real sockets)', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  /** A loopback server whose handler writes what it likes, then may fall silent for good. */
  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const backendAt = (baseUrl: string, stallTimeoutMs: number, answerTimeoutMs = stallTimeoutMs) =>
    new HttpSyncBackend({
      baseUrl,
      fetch: (u, i) => fetch(u, i),
      stallTimeoutMs,
      answerTimeoutMs,
    });

  const instance = {
    studyInstanceUid: '1.2.3',
    seriesInstanceUid: '1.2.3.1',
    sopInstanceUid: '1.2.3.1.1',
  };

  async function failure(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => expect.fail('expected a failure'),
      (err: unknown) => err,
    );
  }

  it('gives up a batched answer that stops in the middle, after handing over what came whole', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'multipart/related; type="application/dicom"; boundary=b',
      });
      const part = (uid: string, body: string) =>
        `--b\r\nContent-Type: application/dicom\r\nContent-Length: ${body.length}\r\n` +
        `Content-Location: /dicom-web/studies/1.2.3/series/1.2.3.1/instances/${uid}\r\n\r\n${body}\r\n`;
      // the first part whole, the second begun, then nothing more: the socket stays open
      res.write(part('1.2.3.1.1', 'first') + '--b\r\nContent-Length: 100\r\n\r\nsec');
    });
    const got: string[] = [];
    const started = Date.now();
    const err = await failure(
      backendAt(url, 300).fetchInstances(
        '1.2.3',
        [instance, { ...instance, sopInstanceUid: '1.2.3.1.2' }],
        new AbortController().signal,
        (uid) => got.push(uid),
      ),
    );
    expect(got).toEqual(['1.2.3.1.1']);
    expect(err).toBeInstanceOf(TandemError);
    expect((err as TandemError).code).toBe('offline');
    expect((err as TandemError).message).toMatch(/stopped sending/);
    expect(classifyFailure(err)).toBe('network');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps a batched answer that is slow but never silent for as long as the stall limit', async () => {
    const body = 'x'.repeat(200);
    const url = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'multipart/related; type="application/dicom"; boundary=b',
      });
      const whole =
        `--b\r\nContent-Length: ${body.length}\r\n` +
        `Content-Location: /dicom-web/studies/1.2.3/series/1.2.3.1/instances/1.2.3.1.1\r\n\r\n${body}\r\n--b--\r\n`;
      // 20 bytes every 60 ms: longer in all than the stall limit of 400 ms, never silent that long
      let at = 0;
      const tick = setInterval(() => {
        if (at >= whole.length) {
          clearInterval(tick);
          res.end();
          return;
        }
        res.write(whole.slice(at, at + 20));
        at += 20;
      }, 60);
      res.on('close', () => clearInterval(tick));
    });
    const got: string[] = [];
    await backendAt(url, 400).fetchInstances(
      '1.2.3',
      [instance],
      new AbortController().signal,
      (uid) => got.push(uid),
    );
    expect(got).toEqual(['1.2.3.1.1']);
  });

  it('gives up an image whose body stops arriving, and a worklist that never answers', async () => {
    const url = await serve((req, res) => {
      if (req.url?.startsWith('/api/worklist')) return; // headers never come
      res.writeHead(200, { 'content-type': 'application/dicom', 'content-length': '1000' });
      res.write('DICM');
    });
    const backend = backendAt(url, 300);
    const errors = await Promise.all(
      [
        backend.fetchInstance(instance, new AbortController().signal),
        backend.fetchInstance(instance, new AbortController().signal, 'bytes'),
        backend.worklist(new AbortController().signal),
      ].map(failure),
    );
    for (const err of errors) {
      expect((err as TandemError).code).toBe('offline');
      expect(classifyFailure(err)).toBe('network');
    }
    expect((errors[0] as TandemError).message).toMatch(/stopped sending/);
    expect((errors[2] as TandemError).message).toMatch(/did not answer in time/);
  });

  it('gives an image of unsaid length, read whole, the time a large file needs at a slow pace', async () => {
    const url = await serve((_req, res) => {
      // no Content-Length: chunked, a piece every 100 ms, twice the stall limit in all
      res.writeHead(200, { 'content-type': 'application/dicom' });
      let n = 0;
      const tick = setInterval(() => {
        res.write('DICM');
        if (++n === 5) {
          clearInterval(tick);
          res.end();
        }
      }, 100);
      res.on('close', () => clearInterval(tick));
    });
    const got = await backendAt(url, 250).fetchInstance(instance, new AbortController().signal);
    expect(got.blob?.size).toBe(20);
    expect(got.contentLength).toBeUndefined();
  });

  it('waits longer for an answer to begin than for one that has begun to go on', async () => {
    const whole =
      '--b\r\nContent-Length: 5\r\n' +
      'Content-Location: /dicom-web/studies/1.2.3/series/1.2.3.1/instances/1.2.3.1.1\r\n\r\nfirst\r\n--b--\r\n';
    const url = await serve((_req, res) => {
      // thinks for 600 ms before answering (a PACS listing a large study), then answers at once
      setTimeout(() => {
        res.writeHead(200, {
          'content-type': 'multipart/related; type="application/dicom"; boundary=b',
        });
        res.end(whole);
      }, 600);
    });
    const got: string[] = [];
    await backendAt(url, 200, 5_000).fetchInstances(
      '1.2.3',
      [instance],
      new AbortController().signal,
      (uid) => got.push(uid),
    );
    expect(got).toEqual(['1.2.3.1.1']);
  });

  it('an abort by the engine still rejects with its own reason, not as a stall', async () => {
    const url = await serve(() => {});
    const controller = new AbortController();
    const pending = backendAt(url, 10_000).worklist(controller.signal);
    const reason = new Error('paused');
    setTimeout(() => controller.abort(reason), 50);
    expect(await failure(pending)).toBe(reason);
  });
});
