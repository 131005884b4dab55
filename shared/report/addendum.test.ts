import { describe, expect, it } from 'vitest';
import { addendumProblems, addendumStart, reportHistory } from './addendum.ts';
import type { SignedReport } from './document.ts';
import {
  exportPublicKeyJwk,
  generateWorkstationKey,
  signReport,
  verifySignedReport,
} from './signing.ts';
import { ctChestContent, reportDocument } from './test-support/report-fixtures.ts';

async function signedVersions() {
  const keys = await generateWorkstationKey();
  const store = async (
    signedAt: string,
    content = ctChestContent(),
    amends?: string,
  ): Promise<{ signed: SignedReport; text: string }> => ({
    signed: await signReport(
      reportDocument(content, { signedAt, ...(amends ? { amends } : {}) }),
      keys.privateKey,
    ),
    text: content.impression,
  });
  const original = await store('2026-12-01T10:00:00.000Z');
  const first = await store(
    '2026-12-01T11:00:00.000Z',
    { ...ctChestContent(), impression: 'Nodule in the right upper lobe, not the middle lobe.' },
    original.signed.hash,
  );
  const second = await store(
    '2026-12-01T12:00:00.000Z',
    { ...ctChestContent(), impression: 'Also: small hiatal hernia.' },
    first.signed.hash,
  );
  return { keys, original, first, second };
}

describe('report addenda', () => {
  it('shows the original first and its addenda in signing order, whatever order the cache gives', async () => {
    const { original, first, second } = await signedVersions();
    const history = reportHistory([second, original, first]);
    expect(history.original).toBe(original);
    expect(history.addenda).toEqual([first, second]);
    expect(history.latest).toBe(second);
    expect(reportHistory([])).toEqual({ original: null, addenda: [], latest: null });
  });

  it('signs an addendum as a report of its own, linked to the hash of the version it amends', async () => {
    const { keys, original, first } = await signedVersions();
    const jwk = await exportPublicKeyJwk(keys.publicKey);
    expect(first.signed.document.amends).toBe(original.signed.hash);
    expect(first.signed.hash).not.toBe(original.signed.hash);
    expect(await verifySignedReport(first.signed, jwk)).toEqual({ ok: true });
    // the amended report is untouched by the addendum
    expect(await verifySignedReport(original.signed, jwk)).toEqual({ ok: true });
  });

  it('starts an addendum from a copy of the amended content and refuses one that changes nothing', async () => {
    const { original } = await signedVersions();
    const start = addendumStart(original);
    expect(start).toEqual(original.signed.document.content);
    start.values['lungs'] = 'Edited in the addendum.';
    // a copy: editing it leaves the signed report as it was
    expect(original.signed.document.content.values['lungs']).toBe(
      'Solid nodule in the right upper lobe.',
    );
    expect(addendumProblems(start, original)).toEqual([]);
    expect(addendumProblems(addendumStart(original), original)).toEqual([
      expect.objectContaining({ path: 'addendum' }),
    ]);
    expect(addendumProblems({ ...start, caseId: 'case-2' }, original)).toEqual([
      expect.objectContaining({ message: 'The addendum belongs to another case.' }),
    ]);
  });
});
