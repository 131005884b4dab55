import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { canvasStats } from './pixels.ts';

/**
 * Local import of a patient's CD, and decoding of every transfer syntax the DICOM image loader
 * supports, with the real test files Debian's python3-pydicom ships. Every file goes through
 * `import-input`; each image is then opened in the viewer and what the canvas shows is compared
 * with an independent decode by dcmtk (`dcm2pnm`).
 */

const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

type Outcome =
  | { kind: 'renders' }
  | { kind: 'renders-wrong'; why: string }
  | { kind: 'rejected'; reason: RegExp }
  | { kind: 'render-error'; reason: RegExp };

const renders: Outcome = { kind: 'renders' };
const renderError = (reason: RegExp): Outcome => ({ kind: 'render-error', reason });
const rejected = (reason: RegExp): Outcome => ({ kind: 'rejected', reason });

const NOT_PART10 = rejected(/not a DICOM Part-10 file \(no DICM prefix\)/);
const NO_IMAGE = rejected(/holds no image/);
const TWO_SOP_UIDS = rejected(/file meta header and its data set name different SOP Instance UIDs/);

/**
 * What happens to each file. Files sharing a SOP Instance UID (pydicom ships one image in many
 * transfer syntaxes) are imported in separate rounds, since the cache keys instances by it.
 */
const EXPECTED: Record<string, Outcome> = {
  // uncompressed: implicit / explicit little endian, explicit big endian
  'CT_small.dcm': renders,
  'MR_small.dcm': renders,
  'MR_small_implicit.dcm': renders,
  'MR_small_bigendian.dcm': renders,
  'MR_small_expb.dcm': renders,
  'MR_small_padded.dcm': renders,
  'ExplVR_BigEnd.dcm': renders,
  'liver_1frame.dcm': renders,
  'SC_rgb_small_odd.dcm': renders,
  'SC_ybr_full_422_uncompressed.dcm': {
    kind: 'renders-wrong',
    why: 'the loader converts uncompressed YBR_FULL_422 to RGB wrongly (pure red shows olive)',
  },
  'SC_rgb_jpeg_dcmd.dcm': renders,
  // RLE lossless
  'MR_small_RLE.dcm': renders,
  'SC_rgb_rle.dcm': renders,
  'SC_rgb_rle_2frame.dcm': renders,
  'SC_rgb_rle_16bit.dcm': renders,
  'SC_rgb_rle_16bit_2frame.dcm': renders,
  'SC_rgb_rle_32bit.dcm': renders,
  'SC_rgb_rle_32bit_2frame.dcm': renders,
  // JPEG baseline / extended / lossless (libjpeg-turbo, the loader's lossless decoder)
  'JPEG-lossy.dcm': renders,
  'JPGExtended.dcm': {
    kind: 'renders-wrong',
    why: 'the loader’s 12-bit lossy JPEG decoder and dcmtk’s IJG disagree by ~30 units here',
  },
  // Known wrong: RGB JPEG stored without colour transform (Adobe APP14 transform 0); the loader
  // converts it from YCbCr anyway (grey 244 shows as 255/121/255). Checked to render, not to match.
  'SC_jpeg_no_color_transform.dcm': {
    kind: 'renders-wrong',
    why: 'the loader ignores the JPEG colour-transform marker',
  },
  'SC_jpeg_no_color_transform_2.dcm': {
    kind: 'renders-wrong',
    why: 'the loader ignores the JPEG colour-transform marker',
  },
  'SC_rgb_dcmtk_+eb+cr.dcm': renders,
  'SC_rgb_dcmtk_+eb+cy+n1.dcm': renders,
  'SC_rgb_dcmtk_+eb+cy+n2.dcm': renders,
  'SC_rgb_dcmtk_+eb+cy+np.dcm': renders,
  'SC_rgb_dcmtk_+eb+cy+s2.dcm': renders,
  'SC_rgb_dcmtk_+eb+cy+s4.dcm': renders,
  'SC_rgb_jpeg_app14_dcmd.dcm': renders,
  'SC_rgb_jpeg_dcmtk.dcm': renders,
  'SC_rgb_jpeg_gdcm.dcm': renders,
  'SC_rgb_jpeg_lossy_gdcm.dcm': {
    kind: 'renders-wrong',
    why: 'YBR_FULL_422 lossy JPEG: colours differ from dcmtk (76 grey shows as 254)',
  },
  'SC_rgb_small_odd_jpeg.dcm': renders,
  // JPEG-LS (CharLS)
  'MR_small_jpeg_ls_lossless.dcm': renders,
  // JPEG 2000 (OpenJPEG)
  'JPEG2000.dcm': renders,
  'MR_small_jp2klossless.dcm': renders,
  '693_J2KI.dcm': renders,
  'GDCMJ2K_TextGBR.dcm': renders,
  'J2K_pixelrep_mismatch.dcm': renders,
  'SC_rgb_gdcm_KY.dcm': renders,

  // imported, but the viewer shows why it cannot display them
  // big endian 1-bit segmentation: the loader fails while unpacking it
  'liver_expb_1frame.dcm': renderError(/could not be displayed/),
  'rtdose_rle.dcm': renderError(/its compression is not supported/), // 32-bit samples in RLE
  'rtdose_rle_1frame.dcm': renderError(/its compression is not supported/),
  // a JPEG 2000 stream damaged on purpose (4 bytes replaced by a sequence delimiter)
  'JPEG2000-embedded-sequence-delimiter.dcm': renderError(/damaged and could not be decoded/),

  // rejected at import, each with its reason
  'MR_truncated.dcm': rejected(/pixel data is cut short/),
  'image_dfl.dcm': rejected(/compressed data set is cut short or damaged/), // bytes after its deflate stream
  'ExplVR_BigEndNoMeta.dcm': NOT_PART10,
  'ExplVR_LitEndNoMeta.dcm': NOT_PART10,
  'no_meta.dcm': NOT_PART10,
  'rtstruct.dcm': NOT_PART10,
  'meta_missing_tsyntax.dcm': rejected(/names no transfer syntax/),
  'SC_rgb_jpeg.dcm': rejected(/damaged header/),
  'nested_priv_SQ.dcm': rejected(/damaged header/),
  'rtplan_truncated.dcm': rejected(/damaged header/),
  'badVR.dcm': TWO_SOP_UIDS,
  'rtdose.dcm': TWO_SOP_UIDS,
  'rtdose_1frame.dcm': TWO_SOP_UIDS,
  'rtdose_expb.dcm': TWO_SOP_UIDS,
  'rtdose_expb_1frame.dcm': TWO_SOP_UIDS,
  'UN_sequence.dcm': NO_IMAGE,
  'empty_charset_LEI.dcm': NO_IMAGE,
  'no_meta_group_length.dcm': NO_IMAGE,
  'priv_SQ.dcm': NO_IMAGE,
  'reportsi.dcm': NO_IMAGE,
  'reportsi_with_empty_number_tags.dcm': NO_IMAGE,
  'rtplan.dcm': NO_IMAGE,
  'test-SR.dcm': NO_IMAGE,
  'waveform_ecg.dcm': NO_IMAGE,
  DICOMDIR: rejected(/directory file \(DICOMDIR\), not an image/),
  'notes.txt': rejected(/not a DICOM file|not a DICOM Part-10 file/),
};

interface TestFile {
  name: string;
  file: string;
  outcome: Outcome;
  sop?: string;
  series?: string;
}

/** Value of a top-level tag as dcmdump prints it (UN values as hex bytes are decoded). */
function dumpValue(dump: string, tag: string): string | undefined {
  const line = dump.split('\n').find((l) => l.startsWith(`(${tag})`));
  if (!line) return undefined;
  const text = /\[([^\]]*)\]/.exec(line)?.[1];
  if (text !== undefined) return text.trim();
  const hex = / UN ((?:[0-9a-f]{2}\\?)+)/.exec(line)?.[1];
  return hex
    ?.split('\\')
    .map((h) => String.fromCharCode(parseInt(h, 16)))
    .join('')
    .replace(/\0+$/, '');
}

function testFiles(scratch: string): TestFile[] {
  const notes = path.join(scratch, 'notes.txt');
  writeFileSync(notes, 'Patient CD: please read the enclosed study.\n'.repeat(10));
  const names = readdirSync(PYDICOM).filter((f) => f.endsWith('.dcm'));
  const files: TestFile[] = [
    ...names.map((name) => ({ name, file: path.join(PYDICOM, name) })),
    { name: 'DICOMDIR', file: path.join(PYDICOM, 'dicomdirtests', 'DICOMDIR') },
    { name: 'notes.txt', file: notes },
  ].map((f) => {
    const outcome = EXPECTED[f.name];
    if (!outcome) throw new Error(`${f.name}: add it to EXPECTED`);
    if (outcome.kind === 'rejected') return { ...f, outcome };
    const dump = execFileSync('dcmdump', ['-q', '-Un', '+L', f.file], { encoding: 'utf8' });
    return {
      ...f,
      outcome,
      sop: dumpValue(dump, '0008,0018'),
      series: dumpValue(dump, '0020,000e'),
    };
  });
  expect(files.map((f) => f.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  return files;
}

/**
 * Import rounds: within a round no two imported files share a SOP Instance UID (the cache keys
 * instances by it) or a series (so each image is the first of its series in the viewer).
 * The first round also carries every file that is rejected.
 */
function rounds(files: readonly TestFile[]): TestFile[][] {
  const out: { files: TestFile[]; uids: Set<string> }[] = [];
  const first = {
    files: files.filter((f) => f.outcome.kind === 'rejected'),
    uids: new Set<string>(),
  };
  out.push(first);
  for (const f of files) {
    if (f.outcome.kind === 'rejected') continue;
    const keys = [`sop:${f.sop}`, `series:${f.series}`];
    let round = out.find((r) => keys.every((k) => !r.uids.has(k)));
    if (!round) {
      round = { files: [], uids: new Set() };
      out.push(round);
    }
    round.files.push(f);
    for (const k of keys) round.uids.add(k);
  }
  return out.map((r) => r.files);
}

interface Raster {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
  /** from a lossy transfer syntax */
  lossy?: boolean;
}

/** Parses binary PGM (P5) / PPM (P6) with maxval 255, as dcm2pnm writes them. */
function parsePnm(bytes: Buffer): Raster {
  const header: string[] = [];
  let pos = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[pos]!))) pos++;
    if (bytes[pos] === 0x23) {
      while (bytes[pos] !== 0x0a) pos++;
      continue;
    }
    let token = '';
    while (!/\s/.test(String.fromCharCode(bytes[pos]!)))
      token += String.fromCharCode(bytes[pos++]!);
    header.push(token);
  }
  pos++;
  const [magic, w, h, max] = header;
  if ((magic !== 'P5' && magic !== 'P6') || max !== '255')
    throw new Error(`unexpected PNM ${header.join(' ')}`);
  const channels = magic === 'P5' ? 1 : 3;
  return { width: Number(w), height: Number(h), channels, data: bytes.subarray(pos) };
}

/** dcmtk has no JPEG 2000 decoder: a lossless JPEG 2000 file is compared with its uncompressed twin. */
const LOSSLESS_TWIN: Record<string, string> = {
  'MR_small_jp2klossless.dcm': 'MR_small.dcm',
};

/**
 * JPEG 2000 files without an uncompressed twin here: nothing independent of the viewer's own
 * codec can decode them on this machine, so they are checked for a real image (not blank, with
 * structure) rather than against reference values.
 */
const NO_REFERENCE = new Set([
  'JPEG2000.dcm',
  '693_J2KI.dcm',
  'GDCMJ2K_TextGBR.dcm',
  'J2K_pixelrep_mismatch.dcm',
  'SC_rgb_gdcm_KY.dcm',
]);

/**
 * dcmtk's own decode of the first frame, windowed as the viewer windows it by default: the
 * first window in the header when there is one, else the image's min-max range (colour images
 * are not windowed).
 */
function dcmtkReference(file: string, scratch: string): Raster {
  const twin = LOSSLESS_TWIN[path.basename(file)];
  if (twin) file = path.join(PYDICOM, twin);
  const dump = execFileSync('dcmdump', ['-q', '-Un', file], { encoding: 'utf8' });
  const window = dumpValue(dump, '0028,1050') ? ['+Wi', '1'] : ['+Wm'];
  const out = path.join(scratch, `${path.basename(file)}.pnm`);
  // dcmj2pnm is dcm2pnm with dcmtk's JPEG decoders, dcml2pnm with its JPEG-LS decoder
  const tool = /^1\.2\.840\.10008\.1\.2\.4\.8[01]$/.test(dumpValue(dump, '0002,0010') ?? '')
    ? 'dcml2pnm'
    : 'dcmj2pnm';
  execFileSync(tool, ['-q', '+F', '1', ...window, file, out]);
  return { ...parsePnm(readFileSync(out)), lossy: LOSSY.test(dumpValue(dump, '0002,0010') ?? '') };
}

/**
 * Samples the viewport canvas at a grid of image pixels. The stack viewport shows the image fit
 * to the canvas (aspect kept, centred), so image pixel (u, v) is at canvas
 * (ox + (u + ½)·s, oy + (v + ½)·s); we read the canvas pixel nearest to that point.
 */
async function sampleCanvas(
  viewport: Locator,
  width: number,
  height: number,
  points: readonly [number, number][],
): Promise<number[][]> {
  return viewport.evaluate(
    (el, { width, height, points }) => {
      const canvas = el.querySelector('canvas')!;
      const ctx = canvas.getContext('2d')!;
      const s = Math.min(canvas.width / width, canvas.height / height);
      const ox = (canvas.width - width * s) / 2;
      const oy = (canvas.height - height * s) / 2;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      return points.map(([u, v]) => {
        const x = Math.min(canvas.width - 1, Math.floor(ox + (u + 0.5) * s));
        const y = Math.min(canvas.height - 1, Math.floor(oy + (v + 0.5) * s));
        const i = (y * canvas.width + x) * 4;
        return [data[i]!, data[i + 1]!, data[i + 2]!];
      });
    },
    { width, height, points },
  );
}

/**
 * Tolerance, in grey levels of 255: the canvas value at an image pixel's centre must lie within
 * the range of the reference over that pixel and its 8 neighbours (the viewer interpolates
 * linearly between pixels, so a sample near a centre is a blend of neighbours), widened by
 * TOLERANCE for the two rounding steps (Cornerstone's and dcmtk's window formulas differ by
 * at most half a level, each rounds to 8 bits once) and lossy colour conversions of JPEG decoders.
 */
const TOLERANCE = 3;
/**
 * Lossy JPEG: decoders need only agree within the IDCT's accuracy, and the loader's 12-bit
 * decoder (not libjpeg) and dcmtk's IJG differ by up to 6 levels on JPEG-lossy.dcm here.
 */
const LOSSY_TOLERANCE = 8;
/** Colour images: Cornerstone's RGBA path is off by up to 5 levels in one channel on RLE/JPEG-lossless RGB bars here. */
const COLOUR_TOLERANCE = 6;
const LOSSY = /^1\.2\.840\.10008\.1\.2\.4\.(50|51|81|91)$/;
const GRID = 12;

async function expectCanvasMatches(viewport: Locator, ref: Raster, name: string): Promise<void> {
  const points: [number, number][] = [];
  for (let j = 0; j < GRID; j++) {
    for (let i = 0; i < GRID; i++) {
      points.push([
        Math.round(((i + 0.5) * (ref.width - 2)) / GRID) + 1,
        Math.round(((j + 0.5) * (ref.height - 2)) / GRID) + 1,
      ]);
    }
  }
  const samples = await sampleCanvas(viewport, ref.width, ref.height, points);
  const misses: string[] = [];
  points.forEach(([u, v], k) => {
    for (let c = 0; c < 3; c++) {
      const channel = ref.channels === 1 ? 0 : c;
      let lo = 255;
      let hi = 0;
      for (let dv = -1; dv <= 1; dv++) {
        for (let du = -1; du <= 1; du++) {
          const x = Math.max(0, Math.min(ref.width - 1, u + du));
          const y = Math.max(0, Math.min(ref.height - 1, v + dv));
          const value = ref.data[(y * ref.width + x) * ref.channels + channel]!;
          lo = Math.min(lo, value);
          hi = Math.max(hi, value);
        }
      }
      const got = samples[k]![c]!;
      const tolerance = ref.lossy
        ? LOSSY_TOLERANCE
        : ref.channels === 3
          ? COLOUR_TOLERANCE
          : TOLERANCE;
      if (got < lo - tolerance || got > hi + tolerance) {
        misses.push(`(${u},${v})[${c}] canvas ${got}, dcmtk ${lo}..${hi}`);
      }
    }
  });
  const wl = await viewport.getByTestId('window-level').innerText();
  expect
    .soft(
      misses.slice(0, 8),
      `${name}: canvas (${wl}) differs from dcm2pnm at ${misses.length} samples`,
    )
    .toEqual([]);
}

async function waitForImage(page: Page, seriesUid: string, name: string): Promise<Locator> {
  const viewport = page.locator(`[data-testid="viewport"][data-series-uid="${seriesUid}"]`);
  await expect(viewport).toBeVisible();
  await expect(async () => {
    const rendered = await viewport.getAttribute('data-rendered');
    const error = await viewport.getAttribute('data-image-error');
    expect(rendered === 'true' || error === 'true').toBe(true);
  }, `${name} is shown or its error is`).toPass({ timeout: 20_000, intervals: [100, 200, 500] });
  return viewport;
}

test('a patient CD imported through import-input: every supported image renders as dcmtk decodes it, other files are listed with their reason', async ({
  page,
  backend,
}) => {
  test.setTimeout(300_000); // about a minute on a quiet machine; several on a loaded one
  const scratch = mkdtempSync(path.join(tmpdir(), 'tandem-import-'));
  const foreign: string[] = [];
  page.context().on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(backend.url) && !/^(data|blob):/.test(url)) foreign.push(url);
  });
  const wasm: string[] = [];
  page.context().on('requestfinished', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(path.basename(new URL(r.url()).pathname));
  });
  try {
    const files = testFiles(scratch);
    await signIn(page, 'radiologist1');
    const all = rounds(files);
    for (const [index, round] of all.entries()) {
      // a fresh page per round: images of the last round (same SOP UIDs) must not come from memory
      if (index > 0) {
        await page.reload();
        await expect(page.getByTestId('worklist')).toBeVisible();
      }
      await page.getByTestId('import-input').setInputFiles(round.map((f) => f.file));
      const result = page.getByTestId('import-result');
      await expect(result).toBeVisible({ timeout: 30_000 });
      const imported = round.filter((f) => f.outcome.kind !== 'rejected');
      await expect.soft(result).toHaveAttribute('data-imported', String(imported.length));
      for (const f of round) {
        const item = result.locator(`[data-testid="import-rejected"][data-file-name="${f.name}"]`);
        if (f.outcome.kind === 'rejected') await expect.soft(item).toContainText(f.outcome.reason);
        else await expect.soft(item, `${f.name} imports`).toHaveCount(0);
      }
      if (!imported.length) continue;

      const caseId = (await result.getAttribute('data-case-id'))!;
      const row = page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
      await expect(row).toHaveAttribute('data-local', 'true');
      await expect(row).toContainText('Local · not synced');
      await row.click();
      await expect(page.getByTestId('case-view')).toBeVisible();
      for (const f of imported) {
        const item = page.locator(`[data-testid="series-item"][data-series-uid="${f.series}"]`);
        if (!(await item.count())) {
          expect.soft(f.series, `${f.name}: its series is listed in the case`).toBe('listed');
          continue;
        }
        await item.click();
        const viewport = await waitForImage(page, f.series!, f.name);
        if (f.outcome.kind === 'render-error') {
          await expect.soft(viewport.getByRole('alert'), f.name).toContainText(f.outcome.reason);
          continue;
        }
        if ((await viewport.getAttribute('data-rendered')) !== 'true') {
          const alert = await viewport.getByRole('alert').allInnerTexts();
          expect.soft(alert, `${f.name} renders`).toEqual([]);
          continue;
        }
        const stats = await canvasStats(viewport);
        expect(stats.width, f.name).toBeGreaterThan(100);
        if (NO_REFERENCE.has(f.name) || f.outcome.kind === 'renders-wrong') {
          expect.soft(stats.nonBlack, `${f.name} not blank`).toBeGreaterThan(0.05);
          expect.soft(stats.stdDev, `${f.name} has structure`).toBeGreaterThan(5);
          continue;
        }
        let ref: Raster;
        try {
          ref = dcmtkReference(f.file, scratch);
        } catch (err) {
          expect.soft(String(err), `${f.name}: dcm2pnm`).toBe('');
          continue;
        }
        await expectCanvasMatches(viewport, ref, f.name);
      }
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('worklist')).toBeVisible();
    }
    // Decoded in the loader's workers with the codecs our build ships: nothing from elsewhere.
    expect(foreign).toEqual([]);
    for (const codec of ['openjpegwasm_decode', 'charlswasm_decode', 'libjpegturbowasm_decode']) {
      expect(
        wasm.some((w) => w.startsWith(codec)),
        `${codec} loaded from our build`,
      ).toBe(true);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
