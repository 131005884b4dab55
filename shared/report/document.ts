import { z } from 'zod';
import { IsoDateTime } from '../domain/case.ts';
import { Measurement, type MeasuredValue } from '../domain/measurement.ts';
import {
  FieldValue,
  fieldValueProblem,
  isFilled,
  templateFields,
  type ReportTemplate,
  type TemplateField,
} from './template.ts';

/**
 * The report model: what the reader fills in (`ReportContent`), what is signed (`ReportDocument`)
 * and what is delivered (`SignedReport`). The signed bytes are the RFC 8785 canonical JSON of the
 * `ReportDocument` (see signing.ts).
 */

export const CommunicationMethod = z.enum([
  'phone',
  'in-person',
  'secure-message',
  'page',
  'other',
]);
export type CommunicationMethod = z.infer<typeof CommunicationMethod>;

/**
 * A critical / urgent finding and how it was communicated. While drafting the parts may be empty;
 * `validateForSigning` requires all three before signing.
 */
export const CriticalCommunication = z.strictObject({
  /** who was told (name and role), e.g. "Dr. Jones, referring physician" */
  communicatedTo: z.string().max(200),
  /** ISO date-time with offset, '' until given */
  communicatedAt: z.union([IsoDateTime, z.literal('')]),
  method: z.union([CommunicationMethod, z.literal('')]),
});
export type CriticalCommunication = z.infer<typeof CriticalCommunication>;

export const ReportContent = z.strictObject({
  templateId: z.string().min(1).max(64),
  templateVersion: z.string().min(1).max(32),
  caseId: z.string().min(1).max(128),
  /** field id → value (see `FieldValue` for the type per field type) */
  values: z.record(z.string(), FieldValue),
  /** measurements inserted from the viewer; measurement fields reference them by annotationId */
  measurements: z.array(Measurement),
  impression: z.string().max(20_000),
  /** null = no critical finding */
  critical: CriticalCommunication.nullable(),
});
export type ReportContent = z.infer<typeof ReportContent>;

/** lower-case hex SHA-256 */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hash in hex');

export const ReportAuthor = z.strictObject({
  userId: z.string().min(1).max(128),
  displayName: z.string().min(1).max(200),
});
export type ReportAuthor = z.infer<typeof ReportAuthor>;

export const ReportDocument = z.strictObject({
  reportId: z.uuid(),
  caseId: z.string().min(1).max(128),
  author: ReportAuthor,
  signedAt: IsoDateTime,
  content: ReportContent,
  /** the enrolled workstation key that signs (from `POST /api/workstation-keys`) */
  keyId: z.string().min(1).max(128),
  /** for an addendum: the `hash` of the signed report it amends */
  amends: Sha256Hex.optional(),
});
export type ReportDocument = z.infer<typeof ReportDocument>;

export const SignedReport = z.strictObject({
  document: ReportDocument,
  /** SHA-256 (hex) of canonicalJson(document) */
  hash: Sha256Hex,
  /** base64url ECDSA P-256 / SHA-256 signature (IEEE P1363, r‖s) over canonicalJson(document) */
  signature: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'expected a base64url signature'),
});
export type SignedReport = z.infer<typeof SignedReport>;

/** A fresh, empty report for a case and template. */
export function emptyReportContent(caseId: string, template: ReportTemplate): ReportContent {
  return {
    templateId: template.id,
    templateVersion: template.version,
    caseId,
    values: {},
    measurements: [],
    impression: '',
    critical: null,
  };
}

export interface ReportProblem {
  /** a field id, or 'impression', 'critical', 'template', 'measurements' */
  path: string;
  message: string;
}

/** Everything that stops a report from being signed; empty = ready to sign. */
export function validateForSigning(
  content: ReportContent,
  template: ReportTemplate,
): ReportProblem[] {
  const problems: ReportProblem[] = [];
  if (content.templateId !== template.id || content.templateVersion !== template.version) {
    problems.push({
      path: 'template',
      message: `The report was written with template ${content.templateId} ${content.templateVersion}, not ${template.id} ${template.version}.`,
    });
  }
  const fields = templateFields(template);
  const known = new Set(fields.map((f) => f.id));
  for (const id of Object.keys(content.values)) {
    if (!known.has(id)) problems.push({ path: id, message: `The template has no field "${id}".` });
  }
  const measurementIds = new Set(content.measurements.map((m) => m.annotationId));
  for (const f of fields) {
    const value = content.values[f.id];
    const problem = fieldValueProblem(f, value);
    if (problem) {
      problems.push({ path: f.id, message: `${problem}.` });
      continue;
    }
    if (f.required && !isFilled(value)) {
      problems.push({ path: f.id, message: `"${f.label}" is required.` });
    }
    if (f.type === 'measurement' && Array.isArray(value)) {
      for (const ref of value) {
        if (!measurementIds.has(ref)) {
          problems.push({
            path: f.id,
            message: `"${f.label}" refers to a measurement that is no longer in the report.`,
          });
        }
      }
    }
  }
  for (const m of content.measurements) {
    if (m.caseId !== content.caseId) {
      problems.push({
        path: 'measurements',
        message: `Measurement "${m.label || m.kind}" belongs to another case.`,
      });
    }
  }
  if (template.impression.required && content.impression.trim() === '') {
    problems.push({ path: 'impression', message: `"${template.impression.label}" is required.` });
  }
  const c = content.critical;
  if (c) {
    const missing: string[] = [];
    if (c.communicatedTo.trim() === '') missing.push('to whom');
    if (c.communicatedAt === '') missing.push('when');
    if (c.method === '') missing.push('how');
    if (missing.length) {
      problems.push({
        path: 'critical',
        message: `A critical finding needs its communication documented: ${missing.join(', ')}.`,
      });
    }
  }
  return problems;
}

const UNIT_TEXT: Record<string, string> = {
  mm: 'mm',
  mm2: 'mm²',
  cm: 'cm',
  cm2: 'cm²',
  "[hnsf'U]": 'HU',
  deg: '°',
  '1': '',
};

/** A UCUM unit as a reader writes it (mm2 → mm², [hnsf'U] → HU). */
export function unitText(ucum: string): string {
  return UNIT_TEXT[ucum] ?? ucum;
}

/** A number as report text and SR write it: at most two decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

const VALUE_NAME: Record<MeasuredValue['name'], string> = {
  length: 'length',
  'long-axis': 'long axis',
  'short-axis': 'short axis',
  area: 'area',
  mean: 'mean',
  sd: 'SD',
  min: 'min',
  max: 'max',
  value: 'value',
  angle: 'angle',
};

function valueText(v: MeasuredValue): string {
  const unit = unitText(v.unit);
  const sep = unit === '' || unit === '°' ? '' : ' ';
  return `${VALUE_NAME[v.name]} ${formatNumber(v.value)}${sep}${unit}`;
}

/** One measurement as a line of report text, e.g. `Nodule RUL: long axis 12.4 mm, short axis 8 mm (image 46)`. */
export function measurementText(m: Measurement): string {
  const name = m.label.trim() || m.kind;
  const values = m.values.map(valueText).join(', ');
  return `${name}: ${values || 'no values'} (image ${m.imageIndex + 1})`;
}

function fieldValueText(
  f: TemplateField,
  value: FieldValue | undefined,
  measurements: Map<string, Measurement>,
): string | null {
  if (!isFilled(value) || value === undefined || value === null) return null;
  switch (f.type) {
    case 'choice':
      return f.options?.find((o) => o.value === value)?.label ?? String(value);
    case 'multi-choice':
      return (value as string[])
        .map((v) => f.options?.find((o) => o.value === v)?.label ?? v)
        .join('; ');
    case 'number': {
      const unit = f.unit ? unitText(f.unit) : '';
      return `${formatNumber(value as number)}${unit ? ` ${unit}` : ''}`;
    }
    case 'measurement':
      return (value as string[])
        .map((id) => measurements.get(id))
        .filter((m): m is Measurement => m !== undefined)
        .map((m) => `\n  - ${measurementText(m)}`)
        .join('');
    default:
      return String(value);
  }
}

const METHOD_TEXT: Record<CommunicationMethod, string> = {
  phone: 'by phone',
  'in-person': 'in person',
  'secure-message': 'by secure message',
  page: 'by page',
  other: 'by other means',
};

/**
 * The report's final plain text: the preview before signing, the text the backend stores, the
 * text of the DICOM SR. Plain text only: whatever the reader typed (HTML included) stays literal.
 */
export function renderReportText(content: ReportContent, template: ReportTemplate): string {
  const measurements = new Map(content.measurements.map((m) => [m.annotationId, m]));
  const referenced = new Set<string>();
  const lines: string[] = [template.name.toUpperCase(), ''];
  for (const section of template.sections) {
    const sectionLines: string[] = [];
    for (const f of section.fields) {
      const value = content.values[f.id];
      if (f.type === 'measurement' && Array.isArray(value))
        value.forEach((id) => referenced.add(id));
      const text = fieldValueText(f, value, measurements);
      if (text === null || text === '') continue;
      sectionLines.push(f.type === 'measurement' ? `${f.label}:${text}` : `${f.label}: ${text}`);
    }
    if (sectionLines.length === 0) continue;
    lines.push(section.title.toUpperCase(), ...sectionLines, '');
  }
  const unreferenced = content.measurements.filter((m) => !referenced.has(m.annotationId));
  if (unreferenced.length) {
    lines.push('MEASUREMENTS', ...unreferenced.map((m) => `- ${measurementText(m)}`), '');
  }
  lines.push(template.impression.label.toUpperCase(), content.impression.trim() || '(none)');
  const c = content.critical;
  if (c) {
    lines.push('');
    const how = c.method === '' ? '' : ` ${METHOD_TEXT[c.method]}`;
    const when = c.communicatedAt === '' ? '' : ` at ${c.communicatedAt}`;
    lines.push(
      `CRITICAL FINDING: communicated to ${c.communicatedTo.trim() || '(not documented)'}${how}${when}.`,
    );
  }
  return lines.join('\n');
}
