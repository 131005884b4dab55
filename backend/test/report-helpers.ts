// Signing and submitting reports against a real backend in the backend's report suites.
// No test framework imports.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiClient } from '../../shared/api/client.ts';
import type { User } from '../../shared/api/contract.ts';
import type { ReportContent, ReportDocument, SignedReport } from '../../shared/report/document.ts';
import {
  exportPublicKeyJwk,
  generateWorkstationKey,
  signReport,
  type WebCryptoKeyPair,
} from '../../shared/report/signing.ts';
import { loadTemplates, type ReportTemplate } from '../../shared/report/template.ts';
import { DEMO_PASSWORD } from '../test-support/http-client.ts';
import { REPO_ROOT } from '../test-support/processes.ts';

export function shippedTemplates(): Map<string, ReportTemplate> {
  const dir = path.join(REPO_ROOT, 'resources', 'report-templates');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      source: f,
      json: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown,
    }));
  return new Map(loadTemplates(files).map((t) => [t.id, t]));
}

/** A signed-in radiologist with an enrolled workstation key. */
export interface Reader {
  user: User;
  token: string;
  client: ApiClient;
  keys: WebCryptoKeyPair;
  keyId: string;
}

export async function readerAt(baseUrl: string, username: string): Promise<Reader> {
  const anonymous = new ApiClient({ baseUrl, fetch: (u, i) => fetch(u, i) });
  const { token, user } = await anonymous.login({ username, password: DEMO_PASSWORD });
  const client = new ApiClient({
    baseUrl,
    fetch: (u, i) => fetch(u, i),
    token,
    workstationId: 'test-ws',
  });
  const keys = await generateWorkstationKey();
  const { keyId } = await client.enrollWorkstationKey({
    publicKeyJwk: await exportPublicKeyJwk(keys.publicKey),
    label: `test workstation of ${username}`,
  });
  return { user, token, client, keys, keyId };
}

export async function signAs(
  reader: Reader,
  content: ReportContent,
  over: Partial<ReportDocument> = {},
): Promise<SignedReport> {
  const document: ReportDocument = {
    reportId: crypto.randomUUID(),
    caseId: content.caseId,
    author: { userId: reader.user.id, displayName: reader.user.displayName },
    signedAt: new Date().toISOString(),
    content,
    keyId: reader.keyId,
    ...over,
  };
  return signReport(document, reader.keys.privateKey);
}

/** POSTs a body as-is (tests send tampered JSON the typed client would not build). */
export async function postReport(
  baseUrl: string,
  token: string,
  body: unknown,
  idempotencyKey: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/api/reports`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Runs dcmtk's dsrdump; `problems` are its W:/E: lines except dcmtk's own UTF-8 checker notice. */
export function dsrdump(file: string): { status: number | null; text: string; problems: string[] } {
  const r = spawnSync('dsrdump', ['-ll', 'warn', '+Pl', '+Pc', '+Pu', '+U8', file], {
    encoding: 'utf8',
  });
  const problems = r.stderr
    .split('\n')
    .filter(
      (l) =>
        l !== '' &&
        l !== 'W: The VR checker does not support this Specific Character Set: ISO_IR 192',
    );
  return { status: r.status, text: r.stdout, problems };
}
