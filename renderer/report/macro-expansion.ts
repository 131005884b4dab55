import type { ReportContent } from '../../shared/report/document.ts';
import type { TemplateMacro } from '../../shared/report/template.ts';

/**
 * Macros (snippets) such as `.normalchest` expand as they are typed in any text field of the
 * report: the trigger disappears from that field and the macro fills its fields (and the
 * impression). A trigger expands as soon as it is complete, unless a longer trigger starts with
 * it — then it waits for the space or line break that ends it.
 */

export interface MacroHit {
  macro: TemplateMacro;
  /** the text with the trigger (and the space that ended it) removed */
  text: string;
  /** where the caret goes in `text` */
  caret: number;
}

const TRIGGER_BEFORE_CARET = /(^|\s)(\.[a-z0-9-]+)(\s?)$/;

export function macroAtCaret(
  text: string,
  caret: number,
  macros: readonly TemplateMacro[],
): MacroHit | null {
  const before = text.slice(0, caret);
  const match = TRIGGER_BEFORE_CARET.exec(before);
  if (!match) return null;
  const trigger = match[2]!;
  const ended = match[3] !== '';
  const macro = macros.find((m) => m.trigger === trigger);
  if (!macro) return null;
  const longer = macros.some((m) => m.trigger !== trigger && m.trigger.startsWith(trigger));
  if (longer && !ended) return null;
  const start = caret - trigger.length - match[3]!.length;
  return { macro, text: text.slice(0, start) + text.slice(caret), caret: start };
}

/**
 * The content after a macro: its field values set (a text field that already holds text keeps
 * it, the macro's text following on a new line), its impression appended.
 */
export function applyMacro(content: ReportContent, macro: TemplateMacro): ReportContent {
  const values = { ...content.values };
  for (const [fieldId, value] of Object.entries(macro.values)) {
    const current = values[fieldId];
    values[fieldId] =
      typeof value === 'string' && typeof current === 'string' && current.trim() !== ''
        ? `${current.trimEnd()}\n${value}`
        : value;
  }
  let impression = content.impression;
  if (macro.impression) {
    impression = impression.trim()
      ? `${impression.trimEnd()}\n${macro.impression}`
      : macro.impression;
  }
  return { ...content, values, impression };
}
