import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorkstationKey, signReport } from './signing.ts';
import { buildStructuredReport, COMPREHENSIVE_SR, type SrStudy } from './sr.ts';
import { parseTemplate } from './template.ts';
import { ctChestContent, reportDocument } from './test-support/report-fixtures.ts';

const ctChest = parseTemplate(
  JSON.parse(
    readFileSync(
      path.resolve(import.meta.dirname, '../../resources/report-templates/ct-chest.json'),
      'utf8',
    ),
  ),
  'ct-chest.json',
);
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const study: SrStudy = {
  studyInstanceUid: '1.2.3',
  patientName: 'Doe^Jane',
  patientId: 'P-1',
  patientBirthDate: '19600101',
  patientSex: 'F',
  accessionNumber: 'ACC1',
  studyDate: '20261201',
  studyTime: '101500',
  studyId: '1',
  referringPhysicianName: 'Jones^Ann',
};
const dir = mkdtempSync(path.join(tmpdir(), 'tandem-sr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function srFile(content = ctChestContent()) {
  const keys = await generateWorkstationKey();
  const signed = await signReport(reportDocument(content), keys.privateKey);
  const sr = await buildStructuredReport({
    signed,
    template: ctChest,
    study,
    sopClassOf: new Map([
      ['1.2.3.4.5', CT_IMAGE],
      ['1.2.3.4.6', CT_IMAGE],
    ]),
    softwareVersion: 'test',
  });
  const file = path.join(dir, `${sr.sopInstanceUid}.dcm`);
  writeFileSync(file, sr.bytes);
  return { file, sr, signed };
}

function dsrdump(file: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('dsrdump', ['-ll', 'warn', '+Pl', '+Pc', '+Pu', '+U8', file], {
    encoding: 'utf8',
  });
  // dcmtk 3.6.7's VR checker cannot check UTF-8 values and says so; every other warning counts.
  const stderr = r.stderr
    .split('\n')
    .filter(
      (l) =>
        l !== '' &&
        l !== 'W: The VR checker does not support this Specific Character Set: ISO_IR 192',
    )
    .join('\n');
  return { status: r.status, stdout: r.stdout, stderr };
}

describe('DICOM SR of a signed report', () => {
  it('passes dsrdump without errors or warnings and carries the text and the measurement values', async () => {
    const { file, sr } = await srFile();
    const out = dsrdump(file);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('Comprehensive SR Document');
    expect(out.stdout).toContain('Lungs and airways: Solid nodule in the right upper lobe.');
    expect(out.stdout).toContain(
      'Recommendation (Fleischner 2017): Consider CT at 3 months, PET/CT or tissue sampling',
    );
    expect(out.stdout).toContain(
      'Solitary solid pulmonary nodule, 12.4 mm, grown since the prior.',
    );
    expect(out.stdout).toMatch(/"12\.4" \(mm,UCUM,"mm"\)/);
    expect(out.stdout).toMatch(/"153\.94" \(mm2,UCUM,"mm²"\)/);
    expect(out.stdout).toMatch(/"48\.2" \(\[hnsf'U\],UCUM,"HU"\)/);
    expect(out.stdout).toContain('=(CT image,"1.2.3.4.5")>');
    expect(out.stdout).toContain('=(CT image,"1.2.3.4.6")>');
    expect(out.stdout).toContain('Lovelace^Ada^^Dr.');
    const header = execFileSync('dcmdump', ['-Un', '+P', '0008,0016', '+P', '0020,000d', file], {
      encoding: 'utf8',
    });
    expect(header).toContain(COMPREHENSIVE_SR);
    expect(header).toContain('1.2.3');
    expect(sr.sopInstanceUid).toMatch(/^2\.25\.\d+$/);
  });

  it('writes HTML and script from the report as plain text', async () => {
    const content = ctChestContent();
    content.values['bones'] = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    content.impression = 'Nodule & <b>growth</b>';
    const { file } = await srFile(content);
    const out = dsrdump(file);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain(
      'Bones and soft tissues: <script>alert("x")</script><img src=x onerror=alert(1)>',
    );
    expect(out.stdout).toContain('Nodule & <b>growth</b>');
  });
});
