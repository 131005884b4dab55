import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  PLAIN_CIPHER,
  aesGcmCipher,
  generateCacheKey,
  type AtRestCipher,
} from '../../shared/cache/at-rest-cipher.ts';
import { TandemDb } from '../../shared/cache/db.ts';
import {
  draftIdOf,
  loadDraft as load,
  saveDraft as save,
  type DraftContent,
} from './draft-store.ts';

// the session's cipher, as the editor has it: drafts are sealed with the workstation key
const cipher = aesGcmCipher(await generateCacheKey());
const loadDraft = (db: TandemDb, caseId: string) => load(db, caseId, cipher);
const saveDraft = (db: TandemDb, caseId: string, content: DraftContent) =>
  save(db, caseId, content, cipher);

/** Every string and byte of a stored value as text, to look for words in it. */
function storedText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.values(value as Record<string, unknown>)
      .map(storedText)
      .join(' ');
  }
  return String(value);
}

describe('report drafts in the cache', () => {
  it('keeps the last text written, per case', async () => {
    const db = new TandemDb('drafts-1');
    await saveDraft(db, 'case-a', { text: 'Find' });
    await saveDraft(db, 'case-a', { text: 'Findings: none.' });
    await saveDraft(db, 'case-b', { text: 'Other case.' });
    expect(await loadDraft(db, 'case-a')).toEqual({ text: 'Findings: none.' });
    expect(await loadDraft(db, 'case-b')).toEqual({ text: 'Other case.' });
    expect(await loadDraft(db, 'case-c')).toBeUndefined();
    // the row carries its case, which is what keeps the case from being evicted
    expect((await db.drafts.get(draftIdOf('case-a')))?.caseId).toBe('case-a');
  });

  it('removes a draft emptied by the user, so an empty draft does not pin its case in the cache', async () => {
    const db = new TandemDb('drafts-2');
    await saveDraft(db, 'case-a', { text: 'x' });
    await saveDraft(db, 'case-a', { text: '  ' });
    expect(await db.drafts.count()).toBe(0);
  });

  it('ignores a draft in a shape it does not know', async () => {
    const db = new TandemDb('drafts-3');
    await db.drafts.put({
      draftId: draftIdOf('case-a'),
      caseId: 'case-a',
      updatedAt: 1,
      content: 42,
    });
    expect(await loadDraft(db, 'case-a')).toBeUndefined();
  });
});

describe('structured report drafts', () => {
  const report = {
    templateId: 'generic',
    templateVersion: '1.0',
    caseId: 'case-a',
    values: { findings: 'Clear lungs.' },
    measurements: [],
    impression: '',
    critical: null,
  };

  it('keeps the structured content as written, and drops a draft with nothing filled in', async () => {
    const db = new TandemDb('drafts-4');
    await saveDraft(db, 'case-a', { report });
    expect(await loadDraft(db, 'case-a')).toEqual({ report });
    await saveDraft(db, 'case-a', { report: { ...report, values: { findings: '   ' } } });
    expect(await db.drafts.count()).toBe(0);
  });

  it('keeps a draft whose only content is a critical-finding flag', async () => {
    const db = new TandemDb('drafts-5');
    const critical = { communicatedTo: '', communicatedAt: '', method: '' } as const;
    await saveDraft(db, 'case-a', { report: { ...report, values: {}, critical } });
    expect(await db.drafts.count()).toBe(1);
  });
});

describe('report drafts at rest', () => {
  const report = {
    templateId: 'generic',
    templateVersion: '1.0',
    caseId: 'case-a',
    values: { findings: 'Spiculated nodule, right upper lobe.' },
    measurements: [],
    impression: 'Suspicious for malignancy.',
    critical: null,
  };

  it('keeps no word of the draft in clear in the cache, and reads it back as written', async () => {
    const db = new TandemDb('drafts-sealed-1');
    await saveDraft(db, 'case-a', { report });
    const row = await db.drafts.get(draftIdOf('case-a'));
    expect(row?.caseId).toBe('case-a');
    const stored = storedText(row?.content);
    expect(stored).toContain('TDM1');
    for (const word of ['Spiculated', 'nodule', 'malignancy', 'generic']) {
      expect(stored).not.toContain(word);
    }
    expect(await loadDraft(db, 'case-a')).toEqual({ report });
  });

  it('still reads a draft stored plain before encryption was on, and stores plain when the setting is off', async () => {
    const db = new TandemDb('drafts-sealed-2');
    await save(db, 'case-a', { report }, PLAIN_CIPHER);
    expect((await db.drafts.get(draftIdOf('case-a')))?.content).toEqual({ report });
    expect(await loadDraft(db, 'case-a')).toEqual({ report });
    const key = await generateCacheKey();
    const off: AtRestCipher = aesGcmCipher(key, { sealNew: false });
    await save(db, 'case-b', { text: 'Plain on purpose.' }, off);
    expect((await db.drafts.get(draftIdOf('case-b')))?.content).toEqual({
      text: 'Plain on purpose.',
    });
  });

  it('refuses to read a draft sealed under another workstation key, with a message that says what to do', async () => {
    const db = new TandemDb('drafts-sealed-3');
    await saveDraft(db, 'case-a', { report });
    const other = aesGcmCipher(await generateCacheKey());
    await expect(load(db, 'case-a', other)).rejects.toMatchObject({
      code: 'cache-key-unavailable',
      message: expect.stringMatching(/Sign in again/),
    });
    await expect(load(db, 'case-a', PLAIN_CIPHER)).rejects.toMatchObject({
      code: 'cache-key-unavailable',
    });
  });
});
