// Property-based fuzzing of the backend's HTTP surface with fast-check: schema-violating paths,
// query strings, headers and bodies against every declared route. Shared by
// backend/test/api-fuzz.test.ts and the soak runner. No test framework imports.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import type { FixtureDemoCache } from './dicom-fixtures.ts';
import { multipartBody } from './http-client.ts';
import { declaredRoutes } from './route-access.ts';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string | undefined;
  /** for the report: the route template it came from */
  route: string;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Sends a request as written (node:http, so odd paths reach the server); null if the client refused it. */
export function sendRaw(
  baseUrl: string,
  req: FuzzRequest,
  timeoutMs = 15_000,
): Promise<FuzzResponse | null | Error> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    let r: http.ClientRequest;
    try {
      r = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.path,
          headers: req.headers,
          agent: false,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', (err) => resolve(err));
        },
      );
    } catch {
      resolve(null); // the client itself refuses (e.g. a header value with a newline)
      return;
    }
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', (err) => resolve(err));
    if (req.body !== undefined) {
      // Node sends a DELETE or OPTIONS body without framing unless told its length.
      if (!Object.keys(req.headers).some((h) => h.toLowerCase() === 'content-length'))
        r.setHeader('content-length', Buffer.byteLength(req.body));
      r.end(req.body);
    } else r.end();
  });
}

/** Rows per table, except the audit log (which records refusals by design). */
export function rowCounts(dataDir: string): Record<string, number> {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'), { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all()
      .map((r) => String((r as { name: string }).name))
      .filter((t) => t !== 'audit_log');
    const out: Record<string, number> = {};
    for (const t of tables)
      out[t] = Number((db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n);
    return out;
  } finally {
    db.close();
  }
}

const NASTY_STRINGS = [
  '',
  ' ',
  '..',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%00',
  '%zz',
  '%',
  "' OR 1=1 --",
  '"; DROP TABLE cases; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  '-1',
  '1e309',
  'NaN',
  '0x7fffffff',
  '9'.repeat(400),
  'A'.repeat(5000),
  '1.2.3',
  '1..2',
  '.1.2',
  '1.2.840.10008.1.2.1',
  '\u202e\u0000\uffff',
  '😀'.repeat(50),
  '*',
  '?',
  '#',
  '&&&',
  '==',
];

/** Valid-looking ids mixed in, so requests also get past the first checks. */
function idPool(fx: FixtureDemoCache): string[] {
  const out = ['case-ct-chest-stat', 'case-mr-brain-urgent', 'case-cr-chest-second', 'case-nope'];
  for (const s of Object.values(fx.studies)) {
    const i = s.instances[0]!;
    out.push(i.studyUid, i.seriesUid, i.sopUid);
  }
  return out;
}

function segment(fx: FixtureDemoCache): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...idPool(fx)) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 80 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  );
}

const QUERY_KEYS = [
  'PatientID',
  'PatientName',
  'StudyDate',
  'StudyInstanceUID',
  'SeriesInstanceUID',
  'SOPInstanceUID',
  'AccessionNumber',
  'ModalitiesInStudy',
  'Modality',
  'limit',
  'offset',
  'includefield',
  'fuzzymatching',
  'requestType',
  'studyUID',
  'seriesUID',
  'objectUID',
  'contentType',
  'transferSyntax',
  'accept',
  '__proto__',
  '00100020',
];

function encodeLoosely(s: string, raw: boolean): string {
  return raw ? s.replace(/[\s#?/]/g, (c) => encodeURIComponent(c)) : encodeURIComponent(s);
}

function queryString(fx: FixtureDemoCache): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 20 }));
  const value = fc.oneof(segment(fx), fc.integer().map(String), fc.constant(''));
  return fc
    .tuple(fc.array(fc.tuple(key, value), { maxLength: 6 }), fc.boolean())
    .map(([pairs, raw]) =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([k, v]) => `${encodeLoosely(k, raw)}=${encodeLoosely(v, raw)}`).join('&')}`,
    );
}

/** A fixture file, cut or with flipped bytes, as a hostile STOW part. */
function hostileDicom(fx: FixtureDemoCache): fc.Arbitrary<Buffer> {
  const files = Object.values(fx.studies).flatMap((s) => s.instances.map((i) => i.file));
  return fc
    .record({
      file: fc.constantFrom(...files),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 12 }),
    })
    .map(({ file, cut, flips }) => {
      const bytes = Buffer.from(readFileSync(file));
      for (const [at, mask] of flips) {
        const i = 128 + (at % Math.max(1, Math.min(bytes.length - 128, 1500)));
        bytes[i] = bytes[i]! ^ mask;
      }
      return cut > 0.5 ? bytes : bytes.subarray(0, Math.floor(bytes.length * cut * 2));
    });
}

type Body = { body?: Uint8Array | string; contentType?: string };

function bodyArbitrary(fx: FixtureDemoCache): fc.Arbitrary<Body> {
  const json = (v: unknown): Body => ({ body: JSON.stringify(v), contentType: 'application/json' });
  return fc.oneof(
    fc.constant<Body>({}),
    fc.jsonValue({ maxDepth: 4 }).map(json),
    fc
      .record(
        {
          username: fc.oneof(fc.string(), fc.jsonValue()),
          password: fc.oneof(fc.string(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      )
      .map(json),
    fc.string({ maxLength: 300 }).map((s): Body => ({ body: s, contentType: 'application/json' })),
    fc.uint8Array({ maxLength: 2000 }).map((b): Body => ({ body: b })),
    fc.array(hostileDicom(fx), { minLength: 1, maxLength: 3 }).map((parts): Body => {
      const m = multipartBody(parts.map((p) => ({ body: p })));
      return { body: m.body, contentType: m.contentType };
    }),
    // Broken multipart: no closing boundary, or a boundary that never appears.
    hostileDicom(fx).map((p): Body => {
      const m = multipartBody([{ body: p }]);
      return { body: m.body.subarray(0, m.body.length - 20), contentType: m.contentType };
    }),
    fc.constant<Body>({
      body: 'x',
      contentType: 'multipart/related; type="application/dicom"; boundary=nope',
    }),
  );
}

export interface FuzzTokens {
  radiologist1: string;
  admin1: string;
}

function headersArbitrary(
  tokens: FuzzTokens,
  allowValidToken: boolean,
): fc.Arbitrary<Record<string, string>> {
  const valid = allowValidToken ? [`Bearer ${tokens.radiologist1}`, `Bearer ${tokens.admin1}`] : [];
  const junk = [
    'Bearer ',
    'Bearer x',
    `Bearer ${'a'.repeat(3000)}`,
    'Basic cmFkaW9sb2dpc3QxOnRhbmRlbS1kZW1v',
    'bearer',
  ];
  // Mostly signed in, so requests get past authentication into each route's own validation.
  const authorization = fc.oneof(
    { weight: valid.length ? 5 : 0, arbitrary: fc.constantFrom(...(valid.length ? valid : junk)) },
    { weight: 1, arbitrary: fc.constantFrom(...junk) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  return fc
    .tuple(
      authorization,
      fc.record(
        {
          cookie: fc.oneof(
            fc.string({ maxLength: 60 }).map((s) => `tandem_session=${s}`),
            fc.string({ maxLength: 60 }),
          ),
          accept: fc.oneof(
            fc.constantFrom(
              '*/*',
              'application/dicom+json',
              'multipart/related; type="application/dicom"',
              'multipart/related; type="image/jpeg"',
              'text/html',
              ';;;,,,',
              'multipart/related; type=',
            ),
            fc.string({ maxLength: 60 }),
          ),
          'x-tandem-workstation': fc.oneof(
            fc.string({ maxLength: 100 }),
            fc.constant('w'.repeat(2000)),
          ),
          'idempotency-key': fc.string({ maxLength: 80 }),
          'x-forwarded-for': fc.constantFrom('1.2.3.4', 'garbage', '::1, 10.0.0.1'),
          host: fc.constantFrom('127.0.0.1', 'evil.example', 'a'.repeat(300), ''),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([auth, rest]) => {
      const h: Record<string, string> = { ...rest };
      if (auth !== null) h['authorization'] = auth;
      // A cookie only sometimes, so a junk cookie does not hide a valid bearer token's effect.
      if (auth !== null && valid.includes(auth)) delete h['cookie'];
      return h;
    });
}

/** Requests against every declared route, with hostile parts. */
export function fuzzRequestArbitrary(
  fx: FixtureDemoCache,
  tokens: FuzzTokens,
): fc.Arbitrary<FuzzRequest> {
  const routes = declaredRoutes();
  const methods = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'];
  return fc
    .record({
      route: fc.constantFrom(...routes),
      otherMethod: fc.oneof(
        { weight: 5, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...methods) },
      ),
      params: fc.array(segment(fx), { minLength: 4, maxLength: 4 }),
      rawPath: fc.boolean(),
      query: queryString(fx),
      body: bodyArbitrary(fx),
      contentType: fc.oneof(
        fc.constant<string | null>(null),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'multipart/related',
          'multipart/related; boundary=',
          'application/dicom',
          'application/x-www-form-urlencoded',
          'garbage/;;',
        ),
      ),
    })
    .chain((r) => {
      const [declaredMethod, template] = r.route.split(' ') as [string, string];
      const method = r.otherMethod ?? declaredMethod;
      let i = 0;
      const p = template
        .replace(/:[a-z]+|\*/g, () => encodeLoosely(r.params[i++ % 4]!, r.rawPath))
        .concat(r.query);
      // A valid session would be revoked by a sign-out: fuzz DELETE /api/session without one.
      return headersArbitrary(tokens, method !== 'DELETE').map((headers): FuzzRequest => {
        const h: Record<string, string> = { ...headers };
        const ct = r.contentType ?? r.body.contentType;
        if (ct) h['content-type'] = ct;
        return {
          method,
          path: p,
          headers: h,
          body: method === 'GET' || method === 'HEAD' ? undefined : r.body.body,
          route: r.route,
        };
      });
    });
}

export interface FuzzTally {
  tried: number;
  /** answered with a status below 500, in the error shape when refused, writing nothing when refused */
  handled: number;
  /** refused by the HTTP client before sending (not counted as tried) */
  unsendable: number;
  crashed: Array<{ request: FuzzRequest; problem: string }>;
  byStatus: Map<number, number>;
}

export function newFuzzTally(): FuzzTally {
  return { tried: 0, handled: 0, unsendable: 0, crashed: [], byStatus: new Map() };
}

/** Sends one request and judges the answer: under 500, error-shaped when refused, no write when refused. */
export async function judge(
  baseUrl: string,
  dataDir: string,
  req: FuzzRequest,
  tally: FuzzTally,
): Promise<void> {
  const before = rowCounts(dataDir);
  const res = await sendRaw(baseUrl, req);
  if (res === null) {
    tally.unsendable++;
    return;
  }
  tally.tried++;
  if (res instanceof Error) {
    tally.crashed.push({ request: req, problem: `no answer: ${res.message}` });
    return;
  }
  tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
  let problem: string | null = null;
  if (res.status >= 500) problem = `status ${res.status}: ${res.body.slice(0, 300)}`;
  else if (res.status >= 400) {
    if (req.method !== 'HEAD' && res.contentType.startsWith('application/json')) {
      try {
        const e = (JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } }).error;
        if (typeof e?.code !== 'string' || typeof e.message !== 'string' || e.message.length === 0)
          problem = `refusal not in the error shape: ${res.body.slice(0, 200)}`;
      } catch {
        problem = `refusal body is not JSON: ${res.body.slice(0, 200)}`;
      }
    }
    const after = rowCounts(dataDir);
    if (JSON.stringify(after) !== JSON.stringify(before))
      problem = `refused (${res.status}) but wrote: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`;
  }
  if (problem) tally.crashed.push({ request: req, problem });
  else tally.handled++;
}

/** Runs `numRuns` fuzzed requests from `seed`, sequentially. */
export async function runApiFuzz(options: {
  baseUrl: string;
  dataDir: string;
  fixture: FixtureDemoCache;
  tokens: FuzzTokens;
  seed: number;
  numRuns: number;
  tally?: FuzzTally;
}): Promise<FuzzTally> {
  const tally = options.tally ?? newFuzzTally();
  await fc.assert(
    fc.asyncProperty(fuzzRequestArbitrary(options.fixture, options.tokens), async (req) => {
      await judge(options.baseUrl, options.dataDir, req, tally);
    }),
    { seed: options.seed, numRuns: options.numRuns, endOnFailure: false },
  );
  return tally;
}

export function fuzzSummary(t: FuzzTally): string {
  const statuses = [...t.byStatus]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  return `tried ${t.tried}, handled ${t.handled}, crashed ${t.crashed.length} (client refused ${t.unsendable}); statuses ${statuses}`;
}
