import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { boundaryOf, readMultipart } from '../../shared/dicomweb/multipart-reader.ts';

/**
 * A loopback HTTP proxy between the browser and the backend, for tests of what the network does
 * to Tandem: it forwards every request unchanged, counts image requests per SOP Instance UID (a
 * WADO-URI request asks for one, the sync's batched retrieval for each it lists), and on request
 * truncates given instances (alone, or as a part of a batched answer) or drops connections. When
 * the backend cannot be reached it answers 502, as a gateway in front of a stopped server does.
 *
 * The browser talks to `proxy.url`; the backend behind it may be stopped, restarted, or replaced
 * (`setUpstream`).
 */
export interface FaultProxy {
  url: string;
  port: number;
  setUpstream(url: string): void;
  /** images asked for, per SOP Instance UID (whatever became of the requests) */
  wadoRequests(): Map<string, number>;
  /**
   * images delivered whole with status 200, per SOP Instance UID: downloads (a WADO-URI response
   * sent whole, or a part of a batched answer sent whole)
   */
  wadoDownloads(): Map<string, number>;
  /** serve these instances cut short (a complete HTTP response of `keepFraction` of the file) */
  truncate(objectUids: Iterable<string>, keepFraction?: number): void;
  /** SOP Instance UIDs in the order they were asked for */
  wadoOrder(): string[];
  /**
   * a slow link: an image requested alone is held this long before it is forwarded, and each
   * part of a batched answer this long after the one before it; 0 to stop
   */
  delayImages(ms: number): void;
  /**
   * the next `count` batched retrievals send their headers and first part, then nothing more:
   * the connection stays open and silent (a server stuck mid-answer, a half-open connection)
   */
  stallBatches(count: number): void;
  /** batched retrievals stalled so far, with the SOP Instance UIDs each asked for */
  stalled(): string[][];
  /** reset the connection of every request whose path and query match, until called with null */
  dropConnections(match: ((pathAndQuery: string) => boolean) | null): void;
  stop(): Promise<void>;
}

const WADO_PATH = '/dicom-web/wado';

function objectUidOf(pathAndQuery: string): string | undefined {
  const q = pathAndQuery.indexOf('?');
  if (q < 0 || pathAndQuery.slice(0, q) !== WADO_PATH) return undefined;
  return new URLSearchParams(pathAndQuery.slice(q + 1)).get('objectUID') ?? undefined;
}

const BATCH_PATH = /^\/dicom-web\/studies\/[0-9.]+\/instances\/retrieve$/;

function isBatch(method: string | undefined, pathAndQuery: string): boolean {
  return method === 'POST' && BATCH_PATH.test(pathAndQuery.split('?')[0]!);
}

/** The SOP Instance UIDs a batched retrieval's JSON body lists. */
function batchUids(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      instances?: Array<{ sopInstanceUid?: unknown }>;
    };
    return (parsed.instances ?? []).flatMap((i) =>
      typeof i.sopInstanceUid === 'string' ? [i.sopInstanceUid] : [],
    );
  } catch {
    return [];
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  let upstream = new URL(upstreamUrl);
  const requests = new Map<string, number>();
  const downloads = new Map<string, number>();
  const truncated = new Map<string, number>();
  let drop: ((pathAndQuery: string) => boolean) | null = null;
  const order: string[] = [];
  let imageDelayMs = 0;
  let toStall = 0;
  /** ends the silence of the stalled answers */
  const silent: Array<() => void> = [];
  const stalledBatches: string[][] = [];
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  function badGateway(res: ServerResponse): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({
      error: { code: 'bad-gateway', message: 'The server cannot be reached.' },
    });
    res.writeHead(502, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  /** A request to the backend behind the proxy, as the browser sent it (its host aside). */
  function toUpstream(
    method: string | undefined,
    pathAndQuery: string,
    headers: http.OutgoingHttpHeaders,
    onResponse: (up: IncomingMessage) => void,
  ): http.ClientRequest {
    return http.request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method,
        path: pathAndQuery,
        headers: { ...headers, host: upstream.host },
        agent,
      },
      onResponse,
    );
  }

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const pathAndQuery = req.url ?? '/';
    if (isBatch(req.method, pathAndQuery)) {
      // the list is small: read it first, to count and watch what it asks for
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const uids = batchUids(body);
        for (const uid of uids) {
          bump(requests, uid);
          order.push(uid);
        }
        if (drop?.(pathAndQuery)) {
          req.socket.destroy();
          return;
        }
        const stall = toStall > 0;
        if (stall) {
          toStall--;
          stalledBatches.push(uids);
        }
        // (a slow link delays each part of the answer: `sendBatch`)
        sendBatch(req, res, pathAndQuery, body, stall);
      });
      return;
    }
    const objectUid = objectUidOf(pathAndQuery);
    if (objectUid) {
      bump(requests, objectUid);
      order.push(objectUid);
    }
    if (drop?.(pathAndQuery)) {
      req.socket.destroy();
      return;
    }
    if (objectUid && imageDelayMs > 0) {
      req.pause();
      setTimeout(() => send(req, res, pathAndQuery, objectUid), imageDelayMs);
      return;
    }
    send(req, res, pathAndQuery, objectUid);
  }

  /**
   * A batched retrieval: its multipart answer is read part by part and written on as it comes,
   * each part counted as a download once written whole, a part to truncate cut short (its
   * Content-Length says so, as a complete answer of fewer bytes would).
   */
  function sendBatch(
    req: IncomingMessage,
    res: ServerResponse,
    pathAndQuery: string,
    body: Buffer,
    stall: boolean,
  ): void {
    const headers = { ...req.headers, 'content-length': String(body.length) };
    const out = toUpstream(req.method, pathAndQuery, headers, (up) => {
      const status = up.statusCode ?? 502;
      up.on('aborted', () => res.destroy());
      up.on('error', () => res.destroy());
      const boundary = boundaryOf(
        typeof up.headers['content-type'] === 'string' ? up.headers['content-type'] : null,
      );
      if (status !== 200 || !boundary) {
        res.writeHead(status, up.headers);
        up.pipe(res);
        return;
      }
      const h = { ...up.headers };
      delete h['content-length'];
      res.writeHead(status, h);
      void (async () => {
        try {
          for await (const part of readMultipart(
            up as AsyncIterable<Uint8Array<ArrayBuffer>>,
            boundary,
          )) {
            const uid = /\/instances\/([0-9.]+)$/.exec(
              part.headers.get('content-location') ?? '',
            )?.[1];
            const keep = uid !== undefined ? truncated.get(uid) : undefined;
            const bytes =
              keep === undefined
                ? part.body
                : part.body.subarray(0, Math.floor(part.body.length * keep));
            const lines = [...part.headers].map(([k, v]) =>
              k === 'content-length' ? `Content-Length: ${bytes.length}` : `${k}: ${v}`,
            );
            // a slow link: each part comes its image's time after the one before it, as the
            // bytes of a real answer come one after another
            if (imageDelayMs > 0) await new Promise((r) => setTimeout(r, imageDelayMs));
            res.write(`--${boundary}\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1');
            res.write(bytes);
            if (stall) {
              // the first part sent but for its closing line, then silence: the answer is never
              // finished, the connection never closed, until the proxy stops
              await new Promise<void>((resolve) => silent.push(resolve));
              res.destroy();
              return;
            }
            res.write('\r\n', 'latin1');
            if (uid !== undefined && keep === undefined) bump(downloads, uid);
          }
          res.end(`--${boundary}--\r\n`, 'latin1');
        } catch {
          // the backend went away mid-answer: so does this one
          res.destroy();
        }
      })();
    });
    out.on('error', () => badGateway(res));
    out.end(body);
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    pathAndQuery: string,
    objectUid: string | undefined,
  ): void {
    const out = toUpstream(req.method, pathAndQuery, req.headers, (up) => {
      const status = up.statusCode ?? 502;
      const keep = objectUid !== undefined && status === 200 ? truncated.get(objectUid) : undefined;
      // the backend went away mid-body: so does this response
      up.on('aborted', () => res.destroy());
      up.on('error', () => res.destroy());
      if (keep !== undefined) {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const whole = Buffer.concat(chunks);
          const part = whole.subarray(0, Math.floor(whole.length * keep));
          const h = { ...up.headers, 'content-length': String(part.length) };
          delete h['transfer-encoding'];
          res.writeHead(status, h);
          res.end(part);
        });
        return;
      }
      res.writeHead(status, up.headers);
      up.pipe(res);
      if (objectUid !== undefined && status === 200) {
        res.on('finish', () => bump(downloads, objectUid));
      }
    });
    out.on('error', () => badGateway(res));
    req.pipe(out);
  }

  const server = http.createServer(forward);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setUpstream(url) {
      upstream = new URL(url);
    },
    wadoRequests: () => new Map(requests),
    wadoDownloads: () => new Map(downloads),
    wadoOrder: () => [...order],
    stallBatches(count) {
      toStall = count;
    },
    stalled: () => stalledBatches.map((b) => [...b]),
    delayImages(ms) {
      imageDelayMs = ms;
    },
    truncate(objectUids, keepFraction = 0.6) {
      for (const uid of objectUids) truncated.set(uid, keepFraction);
    },
    dropConnections(match) {
      drop = match;
    },
    async stop() {
      for (const release of silent.splice(0)) release();
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
