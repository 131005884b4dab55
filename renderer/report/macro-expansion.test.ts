import { describe, expect, it } from 'vitest';
import type { ReportContent } from '../../shared/report/document.ts';
import type { TemplateMacro } from '../../shared/report/template.ts';
import { applyMacro, macroAtCaret } from './macro-expansion.ts';

const normalChest: TemplateMacro = {
  trigger: '.normalchest',
  label: 'Normal chest',
  values: { lungs: 'The lungs are clear.', pleura: 'No effusion.' },
  impression: 'No acute cardiopulmonary abnormality.',
};
const normal: TemplateMacro = { trigger: '.normal', label: 'Normal', values: { lungs: 'Normal.' } };

const content: ReportContent = {
  templateId: 'cr-chest',
  templateVersion: '1.0',
  caseId: 'c',
  values: { lungs: 'Old scar left apex.' },
  measurements: [],
  impression: '',
  critical: null,
};

describe('report macros', () => {
  it('expands a trigger as soon as it is typed, removing it from the field', () => {
    const text = 'Heart normal. .normalchest';
    const hit = macroAtCaret(text, text.length, [normalChest]);
    expect(hit?.macro.trigger).toBe('.normalchest');
    expect(hit?.text).toBe('Heart normal. ');
    expect(hit?.caret).toBe('Heart normal. '.length);
  });

  it('does not expand inside a word, an unknown trigger, or a trigger away from the caret', () => {
    expect(macroAtCaret('x.normalchest', 13, [normalChest])).toBeNull();
    expect(macroAtCaret('.normalches', 11, [normalChest])).toBeNull();
    expect(macroAtCaret('.normalchest later', 18, [normalChest])).toBeNull();
  });

  it('waits for the end of a trigger that a longer one starts with', () => {
    const macros = [normal, normalChest];
    expect(macroAtCaret('.normal', 7, macros)).toBeNull();
    expect(macroAtCaret('.normal ', 8, macros)?.macro.trigger).toBe('.normal');
    expect(macroAtCaret('.normalchest', 12, macros)?.macro.trigger).toBe('.normalchest');
  });

  it('fills the macro fields, keeping text already written, and appends the impression', () => {
    const out = applyMacro(content, normalChest);
    expect(out.values).toEqual({
      lungs: 'Old scar left apex.\nThe lungs are clear.',
      pleura: 'No effusion.',
    });
    expect(out.impression).toBe('No acute cardiopulmonary abnormality.');
  });
});
