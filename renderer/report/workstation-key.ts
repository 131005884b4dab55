import { z } from 'zod';
import type { User } from '../../shared/api/contract.ts';
import type { ApiClient } from '../../shared/api/client.ts';
import { TandemError } from '../../shared/api/errors.ts';
import {
  exportPublicKeyJwk,
  generateWorkstationKey,
  PublicKeyJwk,
  type WebCryptoKey,
} from '../../shared/report/signing.ts';
import { setWorkstationKeyEntry, workstationKeyEntry } from '../app/workstation-db.ts';

/**
 * The key this workstation signs a user's reports with (ARCHITECTURE.md, Reports): ECDSA P-256,
 * generated here the first time the user signs in on this workstation, its private half a
 * non-extractable CryptoKey kept in IndexedDB (`tandem-workstation`, per user) — it can sign,
 * nobody can read it. The public half is enrolled with the backend at every online sign-in
 * (which also re-enrolls it if the backend lost it); signing offline uses the enrolled key.
 */

const WorkstationKeyRecord = z.object({
  privateKey: z.custom<WebCryptoKey>(
    (v) => typeof CryptoKey !== 'undefined' && v instanceof CryptoKey,
    'expected a CryptoKey',
  ),
  publicKeyJwk: PublicKeyJwk,
  /** the backend's id for the key once enrolled */
  keyId: z.string().nullable(),
  createdAt: z.number(),
});
export type WorkstationKeyRecord = z.infer<typeof WorkstationKeyRecord>;

const inFlight = new Map<string, Promise<WorkstationKeyRecord>>();

function workstationLabel(): string {
  const platform = typeof navigator !== 'undefined' ? navigator.platform : '';
  return `Tandem workstation${platform ? ` (${platform})` : ''}`.slice(0, 100);
}

async function createKey(userId: string): Promise<WorkstationKeyRecord> {
  const pair = await generateWorkstationKey();
  const record: WorkstationKeyRecord = {
    privateKey: pair.privateKey,
    publicKeyJwk: await exportPublicKeyJwk(pair.publicKey),
    keyId: null,
    createdAt: Date.now(),
  };
  await setWorkstationKeyEntry(userId, record);
  return record;
}

/**
 * Makes sure the user has a key on this workstation and that the backend knows it: creates it if
 * missing and enrolls it. Call while online (at sign-in); concurrent calls share one run.
 */
export function ensureWorkstationKey(api: ApiClient, user: User): Promise<WorkstationKeyRecord> {
  const running = inFlight.get(user.id);
  if (running) return running;
  const run = (async () => {
    const record =
      (await workstationKeyEntry(user.id, WorkstationKeyRecord)) ?? (await createKey(user.id));
    const { keyId } = await api.enrollWorkstationKey({
      publicKeyJwk: record.publicKeyJwk,
      label: workstationLabel(),
    });
    if (keyId === record.keyId) return record;
    const enrolled = { ...record, keyId };
    await setWorkstationKeyEntry(user.id, enrolled);
    return enrolled;
  })();
  inFlight.set(user.id, run);
  return run.finally(() => inFlight.delete(user.id));
}

/**
 * The enrolled key to sign with. Offline it must already be enrolled; online a missing or
 * unenrolled key is enrolled first.
 */
export async function signingKey(
  api: ApiClient,
  user: User,
): Promise<{ privateKey: WebCryptoKey; keyId: string }> {
  const record = await workstationKeyEntry(user.id, WorkstationKeyRecord);
  if (record?.keyId) return { privateKey: record.privateKey, keyId: record.keyId };
  try {
    const enrolled = await ensureWorkstationKey(api, user);
    if (enrolled.keyId) return { privateKey: enrolled.privateKey, keyId: enrolled.keyId };
  } catch (err) {
    if (!(err instanceof TandemError) || err.code !== 'offline') throw err;
  }
  throw new TandemError(
    'no-signing-key',
    'This workstation has no signing key enrolled for you yet, and the server cannot be reached. The draft is kept: sign once the connection is back.',
  );
}
