import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP proxy between the browser and the backend, for tests of what the network does
 * to Tandem: it forwards every request unchanged, counts WADO-URI requests per objectUID, and on
 * request truncates given instances or drops connections. When the backend cannot be reached it
 * answers 502, as a gateway in front of a stopped server does.
 *
 * The browser talks to `proxy.url`; the backend behind it may be stopped, restarted, or replaced
 * (`setUpstream`).
 */
export interface FaultProxy {
  url: string;
  port: number;
  setUpstream(url: string): void;
  /** WADO-URI requests received, per objectUID (whatever became of them) */
  wadoRequests(): Map<string, number>;
  /** WADO-URI responses delivered whole with status 200, per objectUID: downloads */
  wadoDownloads(): Map<string, number>;
  /** serve these instances cut short (a complete HTTP response of `keepFraction` of the file) */
  truncate(objectUids: Iterable<string>, keepFraction?: number): void;
  /** WADO-URI objectUIDs in the order their requests arrived */
  wadoOrder(): string[];
  /** hold every WADO-URI request this long before forwarding it (a slow link); 0 to stop */
  delayImages(ms: number): void;
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

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const pathAndQuery = req.url ?? '/';
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

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    pathAndQuery: string,
    objectUid: string | undefined,
  ): void {
    const headers = { ...req.headers, host: upstream.host };
    const out = http.request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: pathAndQuery,
        headers,
        agent,
      },
      (up) => {
        const status = up.statusCode ?? 502;
        const keep =
          objectUid !== undefined && status === 200 ? truncated.get(objectUid) : undefined;
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
      },
    );
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
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
