import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { httpError } from '../http/api-errors.ts';

/**
 * Minimal HTTP client for the upstream PACS on node:http, so bodies stream both ways and request
 * bodies carry an exact Content-Length (some PACS refuse chunked uploads).
 */
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: Readable | Buffer;
  timeoutMs?: number;
}

export function upstream(req: UpstreamRequest): Promise<IncomingMessage> {
  const url = new URL(req.url);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const r = lib.request(
      url,
      {
        method: req.method,
        headers: req.headers,
        agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
      },
      resolve,
    );
    r.setTimeout(req.timeoutMs ?? 120_000, () => r.destroy(new Error('upstream timeout')));
    r.on('error', () =>
      reject(
        httpError(
          502,
          'pacs-unreachable',
          'The image archive (PACS) cannot be reached. Try again shortly; if it persists, tell your administrator.',
        ),
      ),
    );
    if (req.body === undefined) r.end();
    else if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      req.body.on('error', (err) => r.destroy(err));
      req.body.pipe(r);
    }
  });
}

export async function readBody(res: IncomingMessage, limit = 256 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      res.destroy();
      throw httpError(
        502,
        'pacs-bad-response',
        'The image archive (PACS) sent a response too large to handle.',
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(res: IncomingMessage): Promise<unknown> {
  const body = await readBody(res);
  if (body.length === 0) return null;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw httpError(
      502,
      'pacs-bad-response',
      'The image archive (PACS) sent a response Tandem does not understand.',
    );
  }
}

export function drain(res: IncomingMessage): void {
  res.resume();
}
