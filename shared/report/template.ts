import { z } from 'zod';
import { TandemError } from '../api/errors.ts';

/**
 * A structured report template, modelled on IHE MRRT / RSNA RadReport: sections of typed fields,
 * an impression, and macros that fill several fields at once. Templates are data
 * (`resources/report-templates/*.json`), validated by `parseTemplate` before use.
 */

/** A coded concept, e.g. RadLex `{ scheme: 'RADLEX', value: 'RID28530', meaning: 'Lung nodule' }`. */
export const CodedConcept = z.strictObject({
  /** coding scheme designator as DICOM writes it: RADLEX, DCM, SCT, LN, 99TANDEM */
  scheme: z.string().min(1).max(16),
  value: z.string().min(1).max(64),
  meaning: z.string().min(1).max(64),
});
export type CodedConcept = z.infer<typeof CodedConcept>;

export const FieldType = z.enum([
  'text',
  'choice',
  'multi-choice',
  'number',
  'date',
  'measurement',
]);
export type FieldType = z.infer<typeof FieldType>;

export const FieldOption = z.strictObject({
  /** stored value (stable) */
  value: z.string().min(1).max(64),
  /** what the reader sees and what the report text says */
  label: z.string().min(1).max(200),
  code: CodedConcept.optional(),
});
export type FieldOption = z.infer<typeof FieldOption>;

const FieldId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9-]*$/, 'ids are lower-case letters, digits and dashes');

export const TemplateField = z.strictObject({
  id: FieldId,
  label: z.string().min(1).max(200),
  type: FieldType,
  /** choices of a `choice` / `multi-choice` field */
  options: z.array(FieldOption).min(1).optional(),
  /** UCUM unit of a `number` field, e.g. `mm`, `[hnsf'U]` */
  unit: z.string().min(1).max(16).optional(),
  required: z.boolean(),
  code: CodedConcept.optional(),
  /** a hint shown in an empty field */
  placeholder: z.string().max(200).optional(),
});
export type TemplateField = z.infer<typeof TemplateField>;

export const TemplateSection = z.strictObject({
  id: FieldId,
  title: z.string().min(1).max(200),
  code: CodedConcept.optional(),
  fields: z.array(TemplateField).min(1),
});
export type TemplateSection = z.infer<typeof TemplateSection>;

/**
 * A value as a field holds it: text/choice/date → string (choice: the option's `value`, date:
 * YYYY-MM-DD), multi-choice → option values, number → number, measurement → annotation ids of
 * the report's measurements. `null` = not filled.
 */
export const FieldValue = z.union([
  z.string().max(20_000),
  z.number().finite(),
  z.array(z.string().max(200)),
  z.null(),
]);
export type FieldValue = z.infer<typeof FieldValue>;

export const TemplateMacro = z.strictObject({
  /** what the reader types, e.g. `.normalchest` */
  trigger: z
    .string()
    .regex(
      /^\.[a-z0-9-]+$/,
      'a macro trigger is a dot followed by lower-case letters, digits or dashes',
    ),
  label: z.string().min(1).max(200),
  /** field id → value it sets */
  values: z.record(z.string(), FieldValue),
  /** text it puts into the impression, when given */
  impression: z.string().max(20_000).optional(),
});
export type TemplateMacro = z.infer<typeof TemplateMacro>;

export const TemplateAppliesTo = z.strictObject({
  /** DICOM modalities, e.g. CT, MR, CR, DX, MG; empty = any */
  modalities: z.array(z.string().min(1).max(16)),
  /** DICOM Body Part Examined values, e.g. CHEST; empty = any */
  bodyParts: z.array(z.string().min(1).max(64)),
  /** hanging-protocol / exam protocol ids this template is meant for */
  protocolIds: z.array(z.string().min(1).max(100)),
});
export type TemplateAppliesTo = z.infer<typeof TemplateAppliesTo>;

const ReportTemplateShape = z.strictObject({
  id: FieldId,
  name: z.string().min(1).max(200),
  version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'a template version looks like 1.0 or 1.0.2'),
  /** the procedure the SR names (TID 2000 Procedure Reported), optional */
  procedureCode: CodedConcept.optional(),
  appliesTo: TemplateAppliesTo,
  sections: z.array(TemplateSection).min(1),
  impression: z.strictObject({
    label: z.string().min(1).max(200),
    required: z.boolean(),
  }),
  macros: z.array(TemplateMacro),
});

/** Checks a template's internal consistency beyond its shape (ids, options, units, macros). */
function templateProblems(t: z.infer<typeof ReportTemplateShape>): string[] {
  const problems: string[] = [];
  const fields = new Map<string, TemplateField>();
  const sectionIds = new Set<string>();
  for (const s of t.sections) {
    if (sectionIds.has(s.id)) problems.push(`section id "${s.id}" is used twice`);
    sectionIds.add(s.id);
    for (const f of s.fields) {
      if (fields.has(f.id)) problems.push(`field id "${f.id}" is used twice`);
      fields.set(f.id, f);
      const choice = f.type === 'choice' || f.type === 'multi-choice';
      if (choice && !f.options) problems.push(`field "${f.id}" is a ${f.type} without options`);
      if (!choice && f.options)
        problems.push(`field "${f.id}" has options but is of type ${f.type}`);
      if (f.options) {
        const values = f.options.map((o) => o.value);
        if (new Set(values).size !== values.length)
          problems.push(`field "${f.id}" repeats an option value`);
      }
      if (f.unit && f.type !== 'number')
        problems.push(`field "${f.id}" has a unit but is of type ${f.type}`);
    }
  }
  const triggers = new Set<string>();
  for (const m of t.macros) {
    if (triggers.has(m.trigger)) problems.push(`macro "${m.trigger}" is defined twice`);
    triggers.add(m.trigger);
    for (const [fieldId, value] of Object.entries(m.values)) {
      const f = fields.get(fieldId);
      if (!f) {
        problems.push(`macro "${m.trigger}" sets the unknown field "${fieldId}"`);
        continue;
      }
      const problem = fieldValueProblem(f, value);
      if (problem) problems.push(`macro "${m.trigger}": ${problem}`);
    }
  }
  return problems;
}

export const ReportTemplate = ReportTemplateShape.superRefine((t, ctx) => {
  for (const message of templateProblems(t)) ctx.addIssue({ code: 'custom', message });
});
export type ReportTemplate = z.infer<typeof ReportTemplate>;

/** Why `value` does not fit `field` (wrong type, unknown option, bad date), or null when it fits. Empty values fit. */
export function fieldValueProblem(
  field: TemplateField,
  value: FieldValue | undefined,
): string | null {
  if (value === null || value === undefined) return null;
  const name = `"${field.label}"`;
  switch (field.type) {
    case 'text':
      return typeof value === 'string' ? null : `${name} expects text`;
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? null
        : `${name} expects a date as YYYY-MM-DD`;
    case 'number':
      return typeof value === 'number' ? null : `${name} expects a number`;
    case 'choice':
      if (typeof value !== 'string') return `${name} expects one of its choices`;
      return field.options?.some((o) => o.value === value)
        ? null
        : `${name} has no choice "${value}"`;
    case 'multi-choice': {
      if (!Array.isArray(value)) return `${name} expects a list of its choices`;
      const unknown = value.find((v) => !field.options?.some((o) => o.value === v));
      return unknown === undefined ? null : `${name} has no choice "${unknown}"`;
    }
    case 'measurement':
      return Array.isArray(value) ? null : `${name} expects measurement references`;
  }
}

/** True when a value counts as filled in (for required fields). */
export function isFilled(value: FieldValue | undefined): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * Validates template JSON. `source` names it in the error (e.g. the file name).
 * Throws `TandemError('report-template-invalid')` naming the first problems found.
 */
export function parseTemplate(json: unknown, source: string): ReportTemplate {
  const parsed = ReportTemplate.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new TandemError(
    'report-template-invalid',
    `The report template ${source} cannot be used: ${problems.join('; ')}.`,
  );
}

/** All fields of a template in reading order. */
export function templateFields(t: ReportTemplate): TemplateField[] {
  return t.sections.flatMap((s) => s.fields);
}

export function findField(t: ReportTemplate, fieldId: string): TemplateField | undefined {
  return templateFields(t).find((f) => f.id === fieldId);
}

export function findMacro(t: ReportTemplate, trigger: string): TemplateMacro | undefined {
  return t.macros.find((m) => m.trigger === trigger);
}

export interface TemplateChoiceInput {
  /** the study's modalities (e.g. ['CT']) */
  modalities: readonly string[];
  bodyPart?: string | undefined;
  protocolId?: string | undefined;
}

/**
 * The best template for a case: a protocol-id match wins, then modality + body part, then
 * modality alone, then a template that applies to anything (the generic one). Ties keep the
 * given order. Throws when `templates` is empty.
 */
export function chooseTemplate(
  templates: readonly ReportTemplate[],
  input: TemplateChoiceInput,
): ReportTemplate {
  const modalities = input.modalities.map((m) => m.toUpperCase());
  const bodyPart = input.bodyPart?.toUpperCase();
  let best: ReportTemplate | undefined;
  let bestScore = -1;
  for (const t of templates) {
    const a = t.appliesTo;
    let score = 0;
    if (input.protocolId && a.protocolIds.includes(input.protocolId)) score += 100;
    const modalityOk =
      a.modalities.length === 0 || a.modalities.some((m) => modalities.includes(m.toUpperCase()));
    const bodyOk =
      a.bodyParts.length === 0 ||
      (bodyPart !== undefined && a.bodyParts.some((b) => b.toUpperCase() === bodyPart));
    if (score === 0 && (!modalityOk || !bodyOk)) continue;
    if (a.modalities.length > 0 && modalityOk) score += 10;
    if (a.bodyParts.length > 0 && bodyOk) score += 5;
    if (score > bestScore) {
      best = t;
      bestScore = score;
    }
  }
  if (!best) {
    const fallback = templates[0];
    if (!fallback)
      throw new TandemError('report-template-missing', 'No report templates are installed.');
    return fallback;
  }
  return best;
}

/**
 * Validates a set of templates (e.g. every file of `resources/report-templates/`; the renderer
 * gets them with Vite's `import.meta.glob`, the backend reads them from disk). Throws on the
 * first invalid template or on two templates with the same id.
 */
export function loadTemplates(
  files: ReadonlyArray<{ source: string; json: unknown }>,
): ReportTemplate[] {
  const out: ReportTemplate[] = [];
  for (const f of files) {
    const t = parseTemplate(f.json, f.source);
    if (out.some((o) => o.id === t.id)) {
      throw new TandemError(
        'report-template-invalid',
        `The report template ${f.source} cannot be used: another template already has the id "${t.id}".`,
      );
    }
    out.push(t);
  }
  return out;
}
