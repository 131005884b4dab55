import { describe, expect, it } from 'vitest';
import { renderReportText, validateForSigning } from './document.ts';
import {
  canonicalJson,
  documentHash,
  exportPublicKeyJwk,
  generateWorkstationKey,
  hashFingerprint,
  publicKeyFingerprint,
  signReport,
  verifySignedReport,
} from './signing.ts';
import { ctChestContent, reportDocument } from './test-support/report-fixtures.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTemplate } from './template.ts';

const ctChest = parseTemplate(
  JSON.parse(
    readFileSync(
      path.resolve(import.meta.dirname, '../../resources/report-templates/ct-chest.json'),
      'utf8',
    ),
  ),
  'ct-chest.json',
);

describe('report signing', () => {
  it('writes RFC 8785 canonical JSON (sorted keys, no spaces, ES number form)', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 1e21, 0.5], c: { y: 'é', x: '\u2028' } })).toBe(
      '{"a":[true,null,1e+21,0.5],"b":1,"c":{"x":"\u2028","y":"é"}}',
    );
  });

  it('signs with a non-extractable key and verifies with the exported public key', async () => {
    const keys = await generateWorkstationKey();
    expect(keys.privateKey.extractable).toBe(false);
    const jwk = await exportPublicKeyJwk(keys.publicKey);
    const doc = reportDocument(ctChestContent());
    const signed = await signReport(doc, keys.privateKey);
    expect(signed.hash).toBe(await documentHash(doc));
    expect(hashFingerprint(signed.hash)).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    expect(await publicKeyFingerprint(jwk)).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    expect(await verifySignedReport(signed, jwk)).toEqual({ ok: true });
    // Key order does not matter: the canonical form is what is signed.
    const reordered = JSON.parse(
      JSON.stringify({ signature: signed.signature, hash: signed.hash, document: signed.document }),
    );
    expect(await verifySignedReport(reordered, jwk)).toEqual({ ok: true });
  });

  it('rejects a report with one changed character, and a signature by another key', async () => {
    const keys = await generateWorkstationKey();
    const jwk = await exportPublicKeyJwk(keys.publicKey);
    const signed = await signReport(reportDocument(ctChestContent()), keys.privateKey);
    const tampered = structuredClone(signed);
    tampered.document.content.impression = tampered.document.content.impression.replace(
      '12.4',
      '12.5',
    );
    expect(await verifySignedReport(tampered, jwk)).toMatchObject({
      ok: false,
      reason: 'hash-mismatch',
    });
    const rehashed = { ...tampered, hash: await documentHash(tampered.document) };
    expect(await verifySignedReport(rehashed, jwk)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    const other = await exportPublicKeyJwk((await generateWorkstationKey()).publicKey);
    expect(await verifySignedReport(signed, other)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('requires required fields and a documented communication for a critical finding', () => {
    const content = ctChestContent();
    expect(validateForSigning(content, ctChest)).toEqual([]);
    const incomplete = { ...content, values: { ...content.values, lungs: ' ' }, impression: '' };
    expect(
      validateForSigning(incomplete, ctChest)
        .map((p) => p.path)
        .sort(),
    ).toEqual(['impression', 'lungs']);
    const critical = {
      ...content,
      critical: { communicatedTo: 'Dr. Jones', communicatedAt: '' as const, method: '' as const },
    };
    expect(validateForSigning(critical, ctChest)).toEqual([
      {
        path: 'critical',
        message: 'A critical finding needs its communication documented: when, how.',
      },
    ]);
  });

  it('renders the final text with labels, choices, units and linked measurements, keeping markup literal', () => {
    const content = ctChestContent();
    content.values['bones'] = '<script>alert(1)</script>';
    const text = renderReportText(content, ctChest);
    expect(text).toContain(
      'Recommendation (Fleischner 2017): Consider CT at 3 months, PET/CT or tissue sampling',
    );
    expect(text).toContain('Mean diameter: 12.4 mm');
    expect(text).toContain('Nodule measurements:\n  - Nodule RUL: length 12.4 mm (image 46)');
    expect(text).toContain('MEASUREMENTS\n- Liver dome: area 153.94 mm², mean 48.2 HU (image 81)');
    expect(text).toContain('Bones and soft tissues: <script>alert(1)</script>');
    expect(
      text.endsWith('IMPRESSION\nSolitary solid pulmonary nodule, 12.4 mm, grown since the prior.'),
    ).toBe(true);
  });
});
