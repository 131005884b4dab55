import canonicalize from 'canonicalize';
import { z } from 'zod';
import { TandemError } from '../api/errors.ts';
import { ReportDocument, SignedReport } from './document.ts';

/**
 * Canonical JSON, hashing, signing and verification of reports, with WebCrypto only, so the same
 * code runs in the browser, the sync worker and the Node backend.
 */

type Subtle = typeof globalThis.crypto.subtle;
/** WebCrypto's CryptoKey, named without relying on the DOM lib (the backend compiles without it). */
export type WebCryptoKey = Parameters<Subtle['sign']>[1];
export interface WebCryptoKeyPair {
  publicKey: WebCryptoKey;
  privateKey: WebCryptoKey;
}

/** The public half of a workstation key as JWK (what the backend enrolls). */
export const PublicKeyJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a base64url P-256 coordinate'),
  y: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a base64url P-256 coordinate'),
  ext: z.boolean().optional(),
  key_ops: z.array(z.string()).optional(),
});
export type PublicKeyJwk = z.infer<typeof PublicKeyJwk>;

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** RFC 8785 (JCS) canonical JSON of a JSON value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) {
    throw new TandemError('report-not-json', 'The report cannot be written as JSON.');
  }
  return text;
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return toHex(new Uint8Array(digest));
}

/** The SHA-256 (hex) of a report document's canonical JSON: what `SignedReport.hash` must be. */
export function documentHash(document: ReportDocument): Promise<string> {
  return sha256Hex(canonicalJson(document));
}

/**
 * A new workstation key: ECDSA P-256 whose private key cannot be exported (it can be stored in
 * IndexedDB as a CryptoKey, never read as bytes). The public key is always exportable.
 */
export async function generateWorkstationKey(): Promise<WebCryptoKeyPair> {
  const pair = (await crypto.subtle.generateKey(ECDSA_P256, false, [
    'sign',
    'verify',
  ])) as WebCryptoKeyPair;
  return pair;
}

export async function exportPublicKeyJwk(publicKey: WebCryptoKey): Promise<PublicKeyJwk> {
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  return PublicKeyJwk.parse(jwk);
}

/**
 * Signs a report document: hash and signature over its RFC 8785 canonical JSON. The document is
 * validated first; an invalid one throws `TandemError('report-invalid')`.
 */
export async function signReport(
  document: ReportDocument,
  privateKey: WebCryptoKey,
): Promise<SignedReport> {
  const parsed = ReportDocument.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TandemError(
      'report-invalid',
      `The report cannot be signed: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'it is malformed'}.`,
    );
  }
  const canonical = canonicalJson(document);
  const bytes = new TextEncoder().encode(canonical);
  const [digest, signature] = await Promise.all([
    crypto.subtle.digest('SHA-256', bytes),
    crypto.subtle.sign(ECDSA_SHA256, privateKey, bytes),
  ]);
  return {
    document,
    hash: toHex(new Uint8Array(digest)),
    signature: base64UrlEncode(new Uint8Array(signature)),
  };
}

export type VerifyFailure = 'malformed' | 'hash-mismatch' | 'bad-key' | 'bad-signature';
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure; message: string };

/**
 * Checks a signed report: its shape, that `hash` is the hash of the canonical document, and that
 * `signature` is a valid signature over the canonical document by the key `publicKeyJwk`.
 */
export async function verifySignedReport(
  signed: unknown,
  publicKeyJwk: unknown,
): Promise<VerifyResult> {
  const parsed = SignedReport.safeParse(signed);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: 'malformed',
      message: `The signed report is malformed${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}.`,
    };
  }
  const jwk = PublicKeyJwk.safeParse(publicKeyJwk);
  if (!jwk.success)
    return {
      ok: false,
      reason: 'bad-key',
      message: 'The workstation key is not a P-256 public key.',
    };
  // The signature covers what was sent, not what zod made of it.
  const canonical = canonicalJson((signed as { document: unknown }).document);
  const bytes = new TextEncoder().encode(canonical);
  const hash = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
  if (hash !== parsed.data.hash) {
    return {
      ok: false,
      reason: 'hash-mismatch',
      message: 'The report does not match its hash: it was changed after signing.',
    };
  }
  let key: WebCryptoKey;
  try {
    key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: jwk.data.x, y: jwk.data.y },
      ECDSA_P256,
      false,
      ['verify'],
    );
  } catch {
    return {
      ok: false,
      reason: 'bad-key',
      message: 'The workstation key cannot be used to verify.',
    };
  }
  let valid: boolean;
  try {
    valid = await crypto.subtle.verify(
      ECDSA_SHA256,
      key,
      base64UrlDecode(parsed.data.signature),
      bytes,
    );
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true }
    : {
        ok: false,
        reason: 'bad-signature',
        message: 'The signature does not match the report and the workstation key.',
      };
}

/** A readable fingerprint of a hash for print-outs: the first 128 bits as 8 groups of 4 hex digits. */
export function hashFingerprint(hash: string): string {
  return (hash.slice(0, 32).match(/.{1,4}/g) ?? []).join(' ').toUpperCase();
}

/** The fingerprint of a workstation public key (SHA-256 of its RFC 7638 thumbprint input). */
export async function publicKeyFingerprint(jwk: PublicKeyJwk): Promise<string> {
  return hashFingerprint(
    await sha256Hex(canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })),
  );
}
