import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import {
  HostileTally,
  mutate,
  mutations,
  sopInstanceUidOf,
  UNKNOWN_SOP,
  verifyHostile,
  MUTATION_KINDS,
} from './test-support/hostile-dicom.ts';
import { buildPart10, TransferSyntax } from './test-support/part10.ts';
import { verifyPart10 } from './verify-instance.ts';

/**
 * Hostile DICOM through the sync verifier: every file Debian's python3-pydicom ships (its odd and
 * deliberately invalid ones included) and 1,200 seeded mutations. Each is accepted or rejected
 * with a code and a readable message; none throws anything else, none hangs, the heap stays bounded.
 */
const PYDICOM_TEST_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const CAP_MS = 2_000;
const SEED = 20261201;
const MUTATIONS = 1_000;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const sopOf = sopInstanceUidOf;

const files = walk(PYDICOM_TEST_FILES).sort();

describe('hostile DICOM through the sync verifier', () => {
  it('rejects a file meta element whose length runs past the end as corrupt, without throwing', async () => {
    const sop = '1.2.3.4.5.6';
    const base = buildPart10({
      sopInstanceUid: sop,
      transferSyntaxUid: TransferSyntax.implicitLittleEndian,
    });
    // Seed 8 gives a file meta element a length past the end of the file (dicom-parser throws a string).
    const broken = mutate(base, 'wrong-length', 8);
    const result = await verifyPart10(new Blob([broken.bytes as Uint8Array<ArrayBuffer>]), {
      sopInstanceUid: sop,
    });
    expect(result).toMatchObject({ ok: false, code: 'corrupt' });
    if (!result.ok) expect(result.reason).toMatch(/damaged header/);
  });

  it('refuses an image cut on an element boundary early in its header, before Rows', async () => {
    const sop = '1.2.3.4.5.6';
    const bytes = buildPart10({ sopInstanceUid: sop, rows: 8, columns: 8 });
    // Just before (0028,0010) Rows: every element so far is whole, the SOP Instance UID is there.
    const rowsAt = bytes.findIndex(
      (_, i) =>
        i > 132 &&
        bytes[i] === 0x28 &&
        bytes[i + 1] === 0 &&
        bytes[i + 2] === 0x10 &&
        bytes[i + 3] === 0,
    );
    const cut = bytes.slice(0, rowsAt);
    const result = await verifyPart10(new Blob([cut]), { sopInstanceUid: sop, size: cut.length });
    expect(result).toMatchObject({ ok: false, code: 'incomplete' });
  });

  it('refuses an image cut off on the element boundary just before its pixel data', async () => {
    const sop = '1.2.3.4.5.6';
    const cut = mutate(
      buildPart10({ sopInstanceUid: sop, rows: 8, columns: 8 }),
      'missing-pixel-data',
      1,
    );
    const result = await verifyPart10(new Blob([cut.bytes as Uint8Array<ArrayBuffer>]), {
      sopInstanceUid: sop,
    });
    expect(result).toMatchObject({ ok: false, code: 'incomplete' });
    if (!result.ok) expect(result.reason).toMatch(/no pixel data/);
  });

  it('finds the pydicom test files (python3-pydicom is installed)', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('accepts or readably rejects every pydicom test file, within the time cap', async () => {
    const tally = new HostileTally();
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      const outcome = await verifyHostile(bytes, { sopInstanceUid: sopOf(bytes) }, CAP_MS);
      tally.add(path.relative(PYDICOM_TEST_FILES, file), outcome);
    }
    console.log(tally.table(`pydicom test files (${PYDICOM_TEST_FILES})`));
    expect(tally.failures).toEqual([]);
    // The set has many valid images: most must be accepted, not rejected wholesale.
    expect(tally.count('accepted')).toBeGreaterThan(50);
    expect(tally.count('rejected')).toBeGreaterThan(10);
  });

  it(`accepts or readably rejects ${MUTATIONS} seeded mutations, with the heap bounded`, async () => {
    const bases: Uint8Array[] = files
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => new Uint8Array(readFileSync(f)))
      .filter((b) => b.length < 600_000 && sopOf(b) !== UNKNOWN_SOP);
    for (const ts of Object.values(TransferSyntax))
      bases.push(
        buildPart10({
          sopInstanceUid: '1.2.3.4.5.6',
          transferSyntaxUid: ts,
          rows: 16,
          columns: 16,
        }),
      );
    expect(bases.length).toBeGreaterThan(40);

    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const isImage = bases.map((b) => {
      try {
        const ds = dicomParser.parseDicom(b);
        return Boolean(ds.elements['x00280010'] && ds.elements['x7fe00010']);
      } catch {
        return false;
      }
    });
    let imagesWithoutPixelDataAccepted = 0;
    const tally = new HostileTally();
    const byKind = new Map<string, HostileTally>(
      MUTATION_KINDS.map((k) => [k, new HostileTally()]),
    );
    for (const m of mutations(bases, MUTATIONS, SEED)) {
      const outcome = await verifyHostile(
        m.bytes,
        { sopInstanceUid: sopOf(bases[m.base]!) },
        CAP_MS,
      );
      const label = `${m.kind} seed ${m.seed} of base ${m.base}`;
      tally.add(label, outcome);
      byKind.get(m.kind)!.add(label, outcome);
      if (m.kind === 'missing-pixel-data' && isImage[m.base] && outcome.verdict === 'accepted')
        imagesWithoutPixelDataAccepted++;
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    console.log(tally.table(`${MUTATIONS} mutations, seed ${SEED}`));
    console.log(
      [...byKind]
        .map(
          ([k, t]) =>
            `  ${k.padEnd(20)} tried ${t.tried}, accepted ${t.count('accepted')}, rejected ${t.count('rejected')}`,
        )
        .join('\n'),
    );
    console.log(`  heap peak ${((heapPeak - heapBefore) / 2 ** 20).toFixed(1)} MB above the start`);
    expect(tally.failures).toEqual([]);
    expect(tally.tried).toBe(MUTATIONS);
    expect(heapPeak - heapBefore).toBeLessThan(512 * 2 ** 20);
    // An image cut off just before its pixel data is incomplete, not a valid instance.
    expect(imagesWithoutPixelDataAccepted).toBe(0);
  }, 60_000);
});
