import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP proxy that injects network faults on a seeded schedule: delays, dropped
 * connections, connections reset mid-body, 5xx answers, and responses cut short but framed as
 * complete (so only the verifier can tell). Every injected fault is counted by kind.
 */
export const FAULT_KINDS = [
  'delay',
  'drop',
  'reset-mid-body',
  'server-error',
  'truncate-framed',
] as const;
/** Faults the soak injects itself, beside the proxy's: a backend restart, a page killed. */
export const OTHER_FAULT_KINDS = ['backend-restart', 'page-kill'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number] | (typeof OTHER_FAULT_KINDS)[number];

export interface ChaosProxyOptions {
  /** which requests may get a fault (default: all but sign-in, `/api/session`) */
  eligible?: (req: IncomingMessage) => boolean;
  /** a tally shared with other proxies (default: a new one) */
  faults?: Map<FaultKind, number>;
}

const notSignIn = (req: IncomingMessage) => !req.url?.startsWith('/api/session');

export interface ChaosProxy {
  url: string;
  /** probability that a request gets a fault (0 turns faults off) */
  setFaultRate(rate: number): void;
  faults: Map<FaultKind, number>;
  count(kind: FaultKind): void;
  stop(): Promise<void>;
}

export async function startChaosProxy(
  upstreamUrl: string,
  random: () => number,
  options: ChaosProxyOptions = {},
): Promise<ChaosProxy> {
  const upstream = new URL(upstreamUrl);
  const faults = options.faults ?? new Map<FaultKind, number>();
  const eligibleFor = options.eligible ?? notSignIn;
  const count = (k: FaultKind) => faults.set(k, (faults.get(k) ?? 0) + 1);
  let rate = 0;
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  function fail(res: ServerResponse, status: number): void {
    if (res.headersSent) return void res.destroy();
    const body = JSON.stringify({
      error: { code: 'bad-gateway', message: 'The server cannot be reached.' },
    });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  function forward(req: IncomingMessage, res: ServerResponse, fault: FaultKind | null): void {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (up) => {
        up.on('error', () => res.destroy());
        if (fault !== 'reset-mid-body' && fault !== 'truncate-framed') {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          const keep = Math.floor(body.length * random());
          if (fault === 'reset-mid-body') {
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.write(body.subarray(0, keep));
            setTimeout(() => res.destroy(), 5);
            return;
          }
          // A complete HTTP response whose body is cut: the length header agrees with the cut.
          const headers = { ...up.headers, 'content-length': String(keep) };
          res.writeHead(up.statusCode ?? 502, headers);
          res.end(body.subarray(0, keep));
        });
      },
    );
    out.on('error', () => fail(res, 502));
    req.pipe(out);
  }

  const server = http.createServer((req, res) => {
    // Faults only on data requests; sign-in stays reliable so the scenario can start.
    const eligible = eligibleFor(req);
    const roll = random();
    if (!eligible || roll >= rate) return forward(req, res, null);
    // image downloads: one image (WADO-URI), or the sync's batched retrieval of several
    const isInstance =
      (req.url?.startsWith('/dicom-web/wado') ?? false) ||
      (req.method === 'POST' && /\/instances\/retrieve$/.test(req.url ?? ''));
    const kinds = isInstance ? FAULT_KINDS : FAULT_KINDS.filter((k) => k !== 'truncate-framed');
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    count(kind);
    switch (kind) {
      case 'delay':
        setTimeout(() => forward(req, res, null), 20 + Math.floor(random() * 400));
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'server-error':
        req.resume();
        fail(res, random() < 0.5 ? 503 : 500);
        return;
      default:
        forward(req, res, kind);
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFaultRate: (r) => (rate = r),
    faults,
    count,
    async stop() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
