import { z } from 'zod';
import { Uid } from '../../../shared/domain/case.ts';
import { describeIssues, httpError } from '../http/api-errors.ts';
import { TAG, tagOf } from './dicom-json.ts';

/** A validated QIDO-RS search: attribute matches plus paging and the fields to include. */
export interface QidoQuery {
  filters: QidoFilter[];
  limit: number | null;
  offset: number;
  includeAll: boolean;
  /** tags asked for with includefield */
  includeFields: string[];
}

export interface QidoFilter {
  tag: string;
  /** how the value matches: a UID list, single value with * and ? wildcards, a date range, or an integer */
  kind: 'uid-list' | 'wildcard' | 'date-range' | 'integer' | 'code-list';
  value: string;
}

export type QidoLevel = 'studies' | 'series' | 'instances';

const MATCH_KEYS: Record<string, QidoFilter['kind']> = {
  [TAG.StudyInstanceUID]: 'uid-list',
  [TAG.SeriesInstanceUID]: 'uid-list',
  [TAG.SOPInstanceUID]: 'uid-list',
  [TAG.SOPClassUID]: 'uid-list',
  [TAG.PatientID]: 'wildcard',
  [TAG.PatientName]: 'wildcard',
  [TAG.AccessionNumber]: 'wildcard',
  [TAG.StudyDescription]: 'wildcard',
  [TAG.SeriesDescription]: 'wildcard',
  [TAG.ReferringPhysicianName]: 'wildcard',
  [TAG.StudyID]: 'wildcard',
  [TAG.StudyDate]: 'date-range',
  [TAG.ModalitiesInStudy]: 'code-list',
  [TAG.Modality]: 'code-list',
  [TAG.SeriesNumber]: 'integer',
  [TAG.InstanceNumber]: 'integer',
};

const RawQuery = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const Limit = z.coerce
  .number()
  .int('limit must be a whole number')
  .min(1, 'limit must be at least 1')
  .max(100_000);
const Offset = z.coerce
  .number()
  .int('offset must be a whole number')
  .min(0, 'offset cannot be negative');
const DateRange = z
  .string()
  .regex(
    /^(\d{8})?(-(\d{8})?)?$/,
    'StudyDate must be YYYYMMDD, YYYYMMDD-YYYYMMDD, YYYYMMDD- or -YYYYMMDD',
  )
  .refine((v) => v !== '' && v !== '-', 'StudyDate needs at least one date');

export function parseQidoQuery(raw: unknown): QidoQuery {
  const record = RawQuery.safeParse(raw ?? {});
  if (!record.success) throw badQuery(describeIssues(record.error));
  const query: QidoQuery = {
    filters: [],
    limit: null,
    offset: 0,
    includeAll: false,
    includeFields: [],
  };
  for (const [key, rawValue] of Object.entries(record.data)) {
    const values = Array.isArray(rawValue) ? rawValue : [rawValue];
    if (key === 'limit' || key === 'offset') {
      if (values.length !== 1) throw badQuery(`${key} may be given once`);
      const parsed = (key === 'limit' ? Limit : Offset).safeParse(values[0]);
      if (!parsed.success) throw badQuery(describeIssues(parsed.error));
      if (key === 'limit') query.limit = parsed.data;
      else query.offset = parsed.data;
      continue;
    }
    if (key === 'includefield') {
      for (const field of values.flatMap((v) => v.split(','))) {
        const name = field.trim();
        if (name === '') continue;
        if (name === 'all') {
          query.includeAll = true;
          continue;
        }
        const tag = tagOf(name);
        if (!tag)
          throw badQuery(
            `includefield names an unknown attribute ${JSON.stringify(name.slice(0, 64))}`,
          );
        query.includeFields.push(tag);
      }
      continue;
    }
    if (key === 'fuzzymatching') {
      if (!values.every((v) => v === 'true' || v === 'false'))
        throw badQuery('fuzzymatching must be true or false');
      continue; // accepted; matching is never fuzzy here
    }
    const tag = tagOf(key);
    const kind = tag ? MATCH_KEYS[tag] : undefined;
    if (!tag || !kind) {
      throw badQuery(`searching by ${JSON.stringify(key.slice(0, 64))} is not supported`);
    }
    if (values.length !== 1) throw badQuery(`${key} may be given once`);
    const value = values[0]!.trim();
    if (value === '') continue; // an empty match key only asks for the attribute to be returned
    validateValue(key, kind, value);
    query.filters.push({ tag, kind, value });
  }
  return query;
}

function validateValue(key: string, kind: QidoFilter['kind'], value: string): void {
  if (value.length > 1024) throw badQuery(`${key} is too long`);
  if (kind === 'uid-list') {
    for (const uid of splitList(value)) {
      const ok = Uid.safeParse(uid);
      if (!ok.success) throw badQuery(`${key} must be a DICOM UID or a list of UIDs`);
    }
  } else if (kind === 'date-range') {
    const ok = DateRange.safeParse(value);
    if (!ok.success) throw badQuery(describeIssues(ok.error));
  } else if (kind === 'integer') {
    if (!/^-?\d{1,9}$/.test(value)) throw badQuery(`${key} must be a whole number`);
  } else if (kind === 'code-list') {
    if (!splitList(value).every((c) => /^[A-Z0-9_ ]{1,16}$/.test(c))) {
      throw badQuery(`${key} must be one or more codes such as CT or MR`);
    }
  }
}

/** Multiple values are separated by backslash (the DICOM way) or comma (the QIDO URL way). */
export function splitList(value: string): string[] {
  return value
    .split(/[\\,]/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function badQuery(detail: string) {
  return httpError(400, 'invalid-query', `The search is not valid: ${detail}.`);
}

/**
 * Serialises a validated query back to a query string for an upstream DICOMweb service. Values
 * are sent as literally as URL syntax allows: Orthanc 1.10 does not percent-decode QIDO
 * parameters (`Doe%5EJane` would not match `Doe^Jane`), so only characters that cannot appear
 * in a URL are escaped. Lists use commas and include fields are repeated.
 */
export function qidoQueryString(
  query: QidoQuery,
  options: { paging: boolean; extraFields?: string[] },
): string {
  const pairs: Array<[string, string]> = [];
  for (const f of query.filters) {
    const value =
      f.kind === 'uid-list' || f.kind === 'code-list' ? splitList(f.value).join(',') : f.value;
    pairs.push([f.tag, value]);
  }
  if (query.includeAll) pairs.push(['includefield', 'all']);
  else
    for (const tag of new Set([...query.includeFields, ...(options.extraFields ?? [])]))
      pairs.push(['includefield', tag]);
  if (options.paging) {
    if (query.limit !== null) pairs.push(['limit', String(query.limit)]);
    if (query.offset > 0) pairs.push(['offset', String(query.offset)]);
  }
  return pairs.map(([k, v]) => `${k}=${literal(v)}`).join('&');
}

function literal(value: string): string {
  return value.replace(/[^A-Za-z0-9._~\-*^,/:]/g, (c) => encodeURIComponent(c));
}
