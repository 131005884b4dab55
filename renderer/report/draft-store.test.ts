import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TandemDb } from '../../shared/cache/db.ts';
import { draftIdOf, loadDraft, saveDraft } from './draft-store.ts';

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
