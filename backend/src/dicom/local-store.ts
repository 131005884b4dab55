import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import dcmjs from 'dcmjs';
import type { SQLInputValue } from 'node:sqlite';
import { all, one, run, transaction, type Db, type Row } from '../db/database.ts';
import { httpError } from '../http/api-errors.ts';
import { addIncludedFields } from './dicom-attributes.ts';
import { BULK_PLACEHOLDER, readDicomHeader, type DicomHeader } from './dicom-header.ts';
import {
  TAG,
  attr,
  getNumber,
  getString,
  pn,
  sortDataset,
  type DicomJsonDataset,
} from './dicom-json.ts';
import {
  studyUrl,
  type BinaryResponse,
  type DicomStore,
  type FullInstanceRef,
  type InstanceRef,
  type PublicLinks,
  type StowFile,
  type StowOutcome,
} from './dicom-store.ts';
import {
  newBoundary,
  multipartContentType,
  multipartPieces,
  type MultipartFilePart,
} from './multipart.ts';
import { splitList, type QidoFilter, type QidoLevel, type QidoQuery } from './qido-query.ts';
import { hashForLog } from '../http/log-redaction.ts';
import { fileBody } from '../http/file-body.ts';
import { walkFiles } from '../fs/walk-files.ts';

/**
 * DICOM Part-10 files under `<data>/dicom/<study>/<series>/<sop>.dcm`, indexed in SQLite from
 * their headers so searches never open a file.
 */
export class LocalDicomStore implements DicomStore {
  readonly mode = 'local' as const;
  private readonly db: Db;
  readonly root: string;
  private readonly log: FastifyBaseLogger;

  constructor(db: Db, dataDir: string, log: FastifyBaseLogger) {
    this.db = db;
    this.root = path.join(dataDir, 'dicom');
    this.log = log;
  }

  /** Indexes files that are new or changed since the last run and forgets files that are gone. */
  async scan(): Promise<{ indexed: number; skipped: number; removed: number }> {
    await mkdir(this.root, { recursive: true });
    const known = new Map<string, { size: number; mtime: number }>();
    for (const r of all(this.db, 'SELECT path, size, mtime_ms FROM dicom_instances')) {
      known.set(String(r['path']), { size: Number(r['size']), mtime: Number(r['mtime_ms']) });
    }
    const seen = new Set<string>();
    const toIndex: string[] = [];
    for await (const file of walkFiles(this.root)) {
      const rel = path.relative(this.root, file);
      seen.add(rel);
      const st = await stat(file);
      const k = known.get(rel);
      if (!k || k.size !== st.size || k.mtime !== Math.trunc(st.mtimeMs)) toIndex.push(file);
    }
    const removed = [...known.keys()].filter((p) => !seen.has(p));
    if (removed.length > 0) {
      transaction(this.db, () => {
        for (const p of removed) run(this.db, 'DELETE FROM dicom_instances WHERE path = ?', p);
        this.pruneEmpty();
      });
    }
    const { indexed, skipped } = await this.indexFiles(toIndex);
    return { indexed, skipped, removed: removed.length };
  }

  /** Parses the headers of the files (a few at a time) and indexes the readable ones. */
  async indexFiles(files: readonly string[]): Promise<{ indexed: number; skipped: number }> {
    let indexed = 0;
    let skipped = 0;
    const batch: Array<{ file: string; header: DicomHeader; size: number; mtime: number }> = [];
    const flush = () => {
      if (batch.length === 0) return;
      transaction(this.db, () => {
        for (const b of batch)
          this.upsert(b.header, path.relative(this.root, b.file), b.size, b.mtime);
      });
      indexed += batch.length;
      batch.length = 0;
    };
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        try {
          const [header, st] = await Promise.all([readDicomHeader(file), stat(file)]);
          batch.push({ file, header, size: st.size, mtime: Math.trunc(st.mtimeMs) });
          if (batch.length >= 200) flush();
        } catch (err) {
          skipped++;
          // The file name may hold UIDs: log only its hash.
          this.log.warn(
            {
              file: hashForLog(path.relative(this.root, file)),
              reason: err instanceof Error ? err.message.slice(0, 160) : 'unknown',
            },
            'skipped a file that is not readable DICOM',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    flush();
    return { indexed, skipped };
  }

  private upsert(h: DicomHeader, relPath: string, size: number, mtime: number): void {
    const ds = h.dataset;
    run(
      this.db,
      `INSERT INTO dicom_studies (study_uid, patient_id, patient_name, patient_birth_date, patient_sex, study_date,
         study_time, accession_number, study_description, study_id, referring_physician)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(study_uid) DO UPDATE SET patient_id = excluded.patient_id, patient_name = excluded.patient_name,
         patient_birth_date = excluded.patient_birth_date, patient_sex = excluded.patient_sex,
         study_date = excluded.study_date, study_time = excluded.study_time,
         accession_number = excluded.accession_number, study_description = excluded.study_description,
         study_id = excluded.study_id, referring_physician = excluded.referring_physician`,
      h.studyUid,
      getString(ds, TAG.PatientID),
      getString(ds, TAG.PatientName),
      getString(ds, TAG.PatientBirthDate),
      getString(ds, TAG.PatientSex),
      getString(ds, TAG.StudyDate),
      getString(ds, TAG.StudyTime),
      getString(ds, TAG.AccessionNumber),
      getString(ds, TAG.StudyDescription),
      getString(ds, TAG.StudyID),
      getString(ds, TAG.ReferringPhysicianName),
    );
    run(
      this.db,
      `INSERT INTO dicom_series (series_uid, study_uid, modality, series_number, series_description, body_part)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(series_uid) DO UPDATE SET study_uid = excluded.study_uid, modality = excluded.modality,
         series_number = excluded.series_number, series_description = excluded.series_description,
         body_part = excluded.body_part`,
      h.seriesUid,
      h.studyUid,
      getString(ds, TAG.Modality),
      getNumber(ds, TAG.SeriesNumber),
      getString(ds, TAG.SeriesDescription),
      getString(ds, TAG.BodyPartExamined),
    );
    run(
      this.db,
      `INSERT OR REPLACE INTO dicom_instances (sop_uid, series_uid, study_uid, sop_class_uid, instance_number,
         transfer_syntax, path, size, mtime_ms, meta_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      h.sopUid,
      h.seriesUid,
      h.studyUid,
      h.sopClassUid,
      getNumber(ds, TAG.InstanceNumber),
      h.transferSyntaxUid,
      relPath,
      size,
      mtime,
      JSON.stringify(ds),
    );
  }

  private pruneEmpty(): void {
    run(
      this.db,
      'DELETE FROM dicom_series WHERE series_uid NOT IN (SELECT series_uid FROM dicom_instances)',
    );
    run(
      this.db,
      'DELETE FROM dicom_studies WHERE study_uid NOT IN (SELECT study_uid FROM dicom_instances)',
    );
  }

  async search(
    level: QidoLevel,
    query: QidoQuery,
    within: { studyUid?: string; seriesUid?: string },
    scope: ReadonlySet<string> | null,
    links: PublicLinks,
  ): Promise<DicomJsonDataset[]> {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const nested: { series: string[]; instances: string[]; params: SQLInputValue[] } = {
      series: [],
      instances: [],
      params: [],
    };
    if (within.studyUid) {
      where.push('st.study_uid = ?');
      params.push(within.studyUid);
    }
    if (within.seriesUid) {
      where.push('se.series_uid = ?');
      params.push(within.seriesUid);
    }
    if (scope) {
      where.push('st.study_uid IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify([...scope]));
    }
    for (const f of query.filters) {
      const col = COLUMNS[f.tag];
      if (!col) continue;
      const [sql, p] = condition(col.column, f);
      const deeper =
        (col.level === 'series' && level === 'studies') ||
        (col.level === 'instances' && level !== 'instances');
      if (deeper) {
        (col.level === 'series' ? nested.series : nested.instances).push(sql);
        nested.params.push(...p);
      } else {
        where.push(sql);
        params.push(...p);
      }
    }
    // Conditions on a lower level become a membership test of the level searched.
    if (nested.series.length + nested.instances.length > 0) {
      const inner = [...nested.series, ...nested.instances].join(' AND ');
      const key = level === 'studies' ? 'se.study_uid' : 'se.series_uid';
      const outer = level === 'studies' ? 'st.study_uid' : 'se.series_uid';
      where.push(
        `${outer} IN (SELECT ${key} FROM dicom_series se LEFT JOIN dicom_instances i ON i.series_uid = se.series_uid WHERE ${inner})`,
      );
      params.push(...nested.params);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const page = `LIMIT ? OFFSET ?`;
    params.push(query.limit ?? -1, query.offset);
    const wantsFields = query.includeAll || query.includeFields.length > 0;

    if (level === 'studies') {
      const rows = all(
        this.db,
        `SELECT st.*,
           (SELECT group_concat(DISTINCT modality) FROM dicom_series x WHERE x.study_uid = st.study_uid) AS modalities,
           (SELECT count(*) FROM dicom_series x WHERE x.study_uid = st.study_uid) AS n_series,
           (SELECT count(*) FROM dicom_instances x WHERE x.study_uid = st.study_uid) AS n_instances
         FROM dicom_studies st ${whereSql}
         ORDER BY st.study_date DESC, st.study_time DESC, st.study_uid ${page}`,
        ...params,
      );
      return rows.map((r) => {
        const result = studyAttributes(r, links);
        if (wantsFields) {
          addIncludedFields(
            result,
            this.representative('study_uid', String(r['study_uid'])),
            'studies',
            query.includeAll,
            query.includeFields,
          );
        }
        return sortDataset(result);
      });
    }
    if (level === 'series') {
      const rows = all(
        this.db,
        `SELECT se.*, (SELECT count(*) FROM dicom_instances x WHERE x.series_uid = se.series_uid) AS n_instances
         FROM dicom_series se JOIN dicom_studies st ON st.study_uid = se.study_uid ${whereSql}
         ORDER BY st.study_uid, se.series_number IS NULL, se.series_number, se.series_uid ${page}`,
        ...params,
      );
      return rows.map((r) => {
        const result = seriesAttributes(r, links);
        if (wantsFields) {
          const rep = this.representative('series_uid', String(r['series_uid']));
          addIncludedFields(result, rep, 'series', query.includeAll, query.includeFields);
        }
        return sortDataset(result);
      });
    }
    const rows = all(
      this.db,
      `SELECT i.sop_uid, i.series_uid, i.study_uid, i.sop_class_uid, i.instance_number, i.meta_json
       FROM dicom_instances i JOIN dicom_series se ON se.series_uid = i.series_uid
       JOIN dicom_studies st ON st.study_uid = i.study_uid ${whereSql}
       ORDER BY st.study_uid, se.series_number IS NULL, se.series_number, se.series_uid,
         i.instance_number IS NULL, i.instance_number, i.sop_uid ${page}`,
      ...params,
    );
    return rows.map((r) => {
      const meta = JSON.parse(String(r['meta_json'])) as DicomJsonDataset;
      const result = instanceAttributes(r, meta, links);
      if (wantsFields)
        addIncludedFields(result, meta, 'instances', query.includeAll, query.includeFields);
      return sortDataset(result);
    });
  }

  /** The header of one instance of the study or series, for attributes the index has no column for. */
  private representative(column: 'study_uid' | 'series_uid', uid: string): DicomJsonDataset | null {
    const row = one(
      this.db,
      `SELECT meta_json FROM dicom_instances WHERE ${column} = ? ORDER BY instance_number IS NULL, instance_number LIMIT 1`,
      uid,
    );
    return row ? (JSON.parse(String(row['meta_json'])) as DicomJsonDataset) : null;
  }

  private instanceRows(ref: InstanceRef, columns: string): Row[] {
    const where = ['i.study_uid = ?'];
    const params: SQLInputValue[] = [ref.studyUid];
    if (ref.seriesUid) {
      where.push('i.series_uid = ?');
      params.push(ref.seriesUid);
    }
    if (ref.sopUid) {
      where.push('i.sop_uid = ?');
      params.push(ref.sopUid);
    }
    return all(
      this.db,
      `SELECT ${columns} FROM dicom_instances i JOIN dicom_series se ON se.series_uid = i.series_uid
       WHERE ${where.join(' AND ')}
       ORDER BY se.series_number IS NULL, se.series_number, se.series_uid, i.instance_number IS NULL, i.instance_number, i.sop_uid`,
      ...params,
    );
  }

  async retrieve(ref: InstanceRef): Promise<BinaryResponse | null> {
    const rows = this.instanceRows(ref, 'i.path, i.transfer_syntax');
    if (rows.length === 0) return null;
    const boundary = newBoundary();
    const root = this.root;
    const parts = rows.map((r) => ({
      contentType: `application/dicom; transfer-syntax=${String(r['transfer_syntax'])}`,
      path: path.join(root, String(r['path'])),
    }));
    return {
      status: 200,
      headers: { 'content-type': multipartContentType(boundary, 'application/dicom') },
      body: fileBody(multipartPieces(parts, boundary)),
    };
  }

  async metadata(ref: InstanceRef, links: PublicLinks): Promise<DicomJsonDataset[] | null> {
    const rows = this.instanceRows(ref, 'i.study_uid, i.series_uid, i.sop_uid, i.meta_json');
    if (rows.length === 0) return null;
    return rows.map((r) => {
      const ds = JSON.parse(String(r['meta_json'])) as DicomJsonDataset;
      const url = studyUrl(links, {
        studyUid: String(r['study_uid']),
        seriesUid: String(r['series_uid']),
        sopUid: String(r['sop_uid']),
      });
      for (const value of Object.values(ds)) {
        if (value.BulkDataURI?.startsWith(BULK_PLACEHOLDER)) {
          value.BulkDataURI = `${url}/bulk/${value.BulkDataURI.slice(BULK_PLACEHOLDER.length)}`;
        }
      }
      return ds;
    });
  }

  async retrieveInstances(
    studyUid: string,
    instances: readonly { seriesUid: string; sopUid: string }[],
    links: PublicLinks,
  ): Promise<BinaryResponse> {
    const rows = new Map<string, Row>();
    const wanted = instances.map((i) => i.sopUid);
    for (let at = 0; at < wanted.length; at += 500) {
      const chunk = wanted.slice(at, at + 500);
      for (const row of all(
        this.db,
        `SELECT sop_uid, series_uid, path, transfer_syntax FROM dicom_instances
         WHERE study_uid = ? AND sop_uid IN (${chunk.map(() => '?').join(',')})`,
        studyUid,
        ...chunk,
      )) {
        rows.set(String(row['sop_uid']), row);
      }
    }
    const root = this.root;
    async function* parts(): AsyncGenerator<MultipartFilePart> {
      for (const inst of instances) {
        const row = rows.get(inst.sopUid);
        if (!row || String(row['series_uid']) !== inst.seriesUid) continue;
        const file = path.join(root, String(row['path']));
        let size: number;
        try {
          size = (await stat(file)).size;
        } catch {
          continue; // gone from disk: left out, as an unknown instance is
        }
        yield {
          contentType: `application/dicom; transfer-syntax=${String(row['transfer_syntax'])}`,
          path: file,
          size,
          location: studyUrl(links, { studyUid, seriesUid: inst.seriesUid, sopUid: inst.sopUid }),
        };
      }
    }
    const boundary = newBoundary();
    return {
      status: 200,
      headers: { 'content-type': multipartContentType(boundary, 'application/dicom') },
      body: fileBody(multipartPieces(parts(), boundary)),
    };
  }

  async wadoUri(ref: FullInstanceRef): Promise<BinaryResponse | null> {
    const row = this.instanceRows(ref, 'i.path')[0];
    if (!row) return null;
    const file = path.join(this.root, String(row['path']));
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return null;
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/dicom', 'content-length': String(size) },
      body: fileBody([{ path: file }]),
    };
  }

  async bulkData(ref: FullInstanceRef, tagPath: string): Promise<BinaryResponse | null> {
    const tag = tagPath.toUpperCase();
    if (!/^[0-9A-F]{8}$/.test(tag)) {
      throw httpError(404, 'bulk-data-not-found', 'Only top-level attributes have bulk data here.');
    }
    const row = this.instanceRows(ref, 'i.path, i.transfer_syntax')[0];
    if (!row) return null;
    const bytes = await readFile(path.join(this.root, String(row['path'])));
    let parsed: ReturnType<typeof dcmjs.data.DicomMessage.readFile>;
    try {
      parsed = dcmjs.data.DicomMessage.readFile(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
      );
    } catch {
      // Stored as received (STOW-RS checks the header only): the rest of the file may be damaged.
      throw httpError(
        422,
        'damaged-instance',
        'This image file is damaged on the server, so its pixel data cannot be read.',
      );
    }
    const element = parsed.dict[tag];
    const values = Array.isArray(element?.Value) ? element.Value : [];
    const buffers = values
      .filter((v): v is ArrayBuffer => v instanceof ArrayBuffer)
      .map((v) => Buffer.from(v));
    if (buffers.length === 0) return null;
    const transferSyntax = String(row['transfer_syntax']);
    const native = [
      '1.2.840.10008.1.2',
      '1.2.840.10008.1.2.1',
      '1.2.840.10008.1.2.2',
      '1.2.840.10008.1.2.1.99',
    ];
    const partType =
      tag === TAG.PixelData && !native.includes(transferSyntax)
        ? `application/octet-stream; transfer-syntax=${transferSyntax}`
        : 'application/octet-stream';
    const boundary = newBoundary();
    const chunks: Buffer[] = [];
    for (const b of buffers) {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Type: ${partType}\r\n\r\n`, 'latin1'),
        b,
        Buffer.from('\r\n'),
      );
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
    const body = Buffer.concat(chunks);
    return {
      status: 200,
      headers: {
        'content-type': multipartContentType(boundary, 'application/octet-stream'),
        'content-length': String(body.length),
      },
      body: Readable.from([body]),
    };
  }

  async store(files: StowFile[], links: PublicLinks): Promise<StowOutcome[]> {
    const outcomes: StowOutcome[] = [];
    for (const f of files) {
      const h = f.header;
      const rel = path.join(h.studyUid, h.seriesUid, `${h.sopUid}.dcm`);
      const dest = path.join(this.root, rel);
      await mkdir(path.dirname(dest), { recursive: true });
      await rename(f.path, dest);
      const st = await stat(dest);
      transaction(this.db, () => this.upsert(h, rel, st.size, Math.trunc(st.mtimeMs)));
      outcomes.push({
        ok: true,
        sopClassUid: h.sopClassUid,
        sopUid: h.sopUid,
        retrieveUrl: studyUrl(links, {
          studyUid: h.studyUid,
          seriesUid: h.seriesUid,
          sopUid: h.sopUid,
        }),
      });
    }
    return outcomes;
  }

  hasStudy(studyUid: string): boolean {
    return (
      one(this.db, 'SELECT 1 AS x FROM dicom_instances WHERE study_uid = ? LIMIT 1', studyUid) !==
      undefined
    );
  }

  async close(): Promise<void> {}
}

type Column = { level: 'studies' | 'series' | 'instances'; column: string };
const COLUMNS: Record<string, Column> = {
  [TAG.StudyInstanceUID]: { level: 'studies', column: 'st.study_uid' },
  [TAG.PatientID]: { level: 'studies', column: 'st.patient_id' },
  [TAG.PatientName]: { level: 'studies', column: 'st.patient_name' },
  [TAG.AccessionNumber]: { level: 'studies', column: 'st.accession_number' },
  [TAG.StudyDescription]: { level: 'studies', column: 'st.study_description' },
  [TAG.ReferringPhysicianName]: { level: 'studies', column: 'st.referring_physician' },
  [TAG.StudyID]: { level: 'studies', column: 'st.study_id' },
  [TAG.StudyDate]: { level: 'studies', column: 'st.study_date' },
  [TAG.ModalitiesInStudy]: { level: 'studies', column: 'modalities-in-study' },
  [TAG.Modality]: { level: 'series', column: 'se.modality' },
  [TAG.SeriesInstanceUID]: { level: 'series', column: 'se.series_uid' },
  [TAG.SeriesNumber]: { level: 'series', column: 'se.series_number' },
  [TAG.SeriesDescription]: { level: 'series', column: 'se.series_description' },
  [TAG.SOPInstanceUID]: { level: 'instances', column: 'i.sop_uid' },
  [TAG.SOPClassUID]: { level: 'instances', column: 'i.sop_class_uid' },
  [TAG.InstanceNumber]: { level: 'instances', column: 'i.instance_number' },
};

function condition(column: string, f: QidoFilter): [string, SQLInputValue[]] {
  if (column === 'modalities-in-study') {
    const codes = splitList(f.value);
    return [
      `EXISTS (SELECT 1 FROM dicom_series m WHERE m.study_uid = st.study_uid AND m.modality IN (${codes.map(() => '?').join(', ')}))`,
      codes,
    ];
  }
  switch (f.kind) {
    case 'uid-list':
    case 'code-list': {
      const values = splitList(f.value);
      return [`${column} IN (${values.map(() => '?').join(', ')})`, values];
    }
    case 'integer':
      return [`${column} = ?`, [Number(f.value)]];
    case 'date-range': {
      const [from, to] = f.value.includes('-') ? f.value.split('-') : [f.value, f.value];
      const parts: string[] = [];
      const params: SQLInputValue[] = [];
      if (from) {
        parts.push(`${column} >= ?`);
        params.push(from);
      }
      if (to) {
        parts.push(`${column} <= ?`);
        params.push(to);
      }
      return [`(${column} <> '' AND ${parts.join(' AND ')})`, params];
    }
    case 'wildcard': {
      if (!/[*?]/.test(f.value)) return [`${column} = ?`, [f.value]];
      const like = f.value
        .replace(/[\\%_]/g, (c) => `\\${c}`)
        .replace(/\*/g, '%')
        .replace(/\?/g, '_');
      return [`${column} LIKE ? ESCAPE '\\'`, [like]];
    }
  }
}

function studyAttributes(r: Row, links: PublicLinks): DicomJsonDataset {
  const s = (k: string) => String(r[k] ?? '');
  const modalities = s('modalities').split(',').filter(Boolean).sort();
  return {
    [TAG.SpecificCharacterSet]: attr('CS', ['ISO_IR 192']),
    [TAG.StudyDate]: attr('DA', [s('study_date')]),
    [TAG.StudyTime]: attr('TM', [s('study_time')]),
    [TAG.AccessionNumber]: attr('SH', [s('accession_number')]),
    [TAG.InstanceAvailability]: attr('CS', ['ONLINE']),
    [TAG.ModalitiesInStudy]: attr('CS', modalities),
    [TAG.ReferringPhysicianName]: pn(s('referring_physician')),
    [TAG.StudyDescription]: attr('LO', [s('study_description')]),
    [TAG.RetrieveURL]: attr('UR', [studyUrl(links, { studyUid: s('study_uid') })]),
    [TAG.PatientName]: pn(s('patient_name')),
    [TAG.PatientID]: attr('LO', [s('patient_id')]),
    [TAG.PatientBirthDate]: attr('DA', [s('patient_birth_date')]),
    [TAG.PatientSex]: attr('CS', [s('patient_sex')]),
    [TAG.StudyInstanceUID]: attr('UI', [s('study_uid')]),
    [TAG.StudyID]: attr('SH', [s('study_id')]),
    [TAG.NumberOfStudyRelatedSeries]: attr('IS', [Number(r['n_series'] ?? 0)]),
    [TAG.NumberOfStudyRelatedInstances]: attr('IS', [Number(r['n_instances'] ?? 0)]),
  };
}

function seriesAttributes(r: Row, links: PublicLinks): DicomJsonDataset {
  const s = (k: string) => String(r[k] ?? '');
  return {
    [TAG.SpecificCharacterSet]: attr('CS', ['ISO_IR 192']),
    [TAG.Modality]: attr('CS', [s('modality')]),
    [TAG.SeriesDescription]: attr('LO', [s('series_description')]),
    [TAG.RetrieveURL]: attr('UR', [
      studyUrl(links, { studyUid: s('study_uid'), seriesUid: s('series_uid') }),
    ]),
    [TAG.BodyPartExamined]: attr('CS', [s('body_part')]),
    [TAG.StudyInstanceUID]: attr('UI', [s('study_uid')]),
    [TAG.SeriesInstanceUID]: attr('UI', [s('series_uid')]),
    [TAG.SeriesNumber]: attr('IS', [
      r['series_number'] === null ? undefined : Number(r['series_number']),
    ]),
    [TAG.NumberOfSeriesRelatedInstances]: attr('IS', [Number(r['n_instances'] ?? 0)]),
  };
}

function instanceAttributes(r: Row, meta: DicomJsonDataset, links: PublicLinks): DicomJsonDataset {
  const s = (k: string) => String(r[k] ?? '');
  const out: DicomJsonDataset = {
    [TAG.SpecificCharacterSet]: attr('CS', ['ISO_IR 192']),
    [TAG.SOPClassUID]: attr('UI', [s('sop_class_uid')]),
    [TAG.SOPInstanceUID]: attr('UI', [s('sop_uid')]),
    [TAG.InstanceAvailability]: attr('CS', ['ONLINE']),
    [TAG.RetrieveURL]: attr('UR', [
      studyUrl(links, {
        studyUid: s('study_uid'),
        seriesUid: s('series_uid'),
        sopUid: s('sop_uid'),
      }),
    ]),
    [TAG.StudyInstanceUID]: attr('UI', [s('study_uid')]),
    [TAG.SeriesInstanceUID]: attr('UI', [s('series_uid')]),
    [TAG.InstanceNumber]: attr('IS', [
      r['instance_number'] === null ? undefined : Number(r['instance_number']),
    ]),
  };
  for (const tag of [TAG.NumberOfFrames, TAG.Rows, TAG.Columns, TAG.BitsAllocated]) {
    const v = meta[tag];
    if (v) out[tag] = v;
  }
  return out;
}
