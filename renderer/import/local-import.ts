import type { TandemDb } from '../../shared/cache/db.ts';
import { newLocalCaseId } from '../../shared/cache/local-case.ts';
import type {
  AssignmentRow,
  ContextRow,
  ImportRow,
  InstanceRow,
  SeriesRow,
  StudyRow,
} from '../../shared/cache/rows.ts';
import type { Sex } from '../../shared/domain/case.ts';
import { readDicomFile, type ReadInstance } from './read-dicom-file.ts';

/**
 * A local import (ARCHITECTURE.md, Cache): the files of a patient's CD become one local case in
 * the cache — studies, series and Part-10 instances stored exactly as the sync worker stores
 * downloaded ones, plus an assignment, a context and a `ready` sync state so the worklist and
 * the viewer read it like any other case. Files are read one at a time and stored in small
 * batches, so memory stays bounded however large the CD; what is rejected is listed with why.
 */

export interface ImportFile {
  /** the file's path within what was dropped or picked, for the list of rejected files */
  name: string;
  file: Blob;
}

export interface ImportProgress {
  files: number;
  /** files looked at so far */
  done: number;
  imported: number;
  rejected: ImportRow['rejected'];
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  now?: () => number;
}

/** Instances written per transaction: bounded memory, and progress the user can follow. */
const BATCH = 10;

const SEX: Record<string, Sex> = { F: 'F', M: 'M' };

export async function importFiles(
  db: TandemDb,
  files: readonly ImportFile[],
  options: ImportOptions = {},
): Promise<ImportRow> {
  const now = options.now ?? (() => Date.now());
  const caseId = newLocalCaseId();
  const row: ImportRow = {
    importId: crypto.randomUUID(),
    caseId,
    startedAt: now(),
    finishedAt: null,
    files: files.length,
    imported: 0,
    rejected: [],
  };
  await db.imports.put(row);

  const firstOfSop = new Map<string, string>();
  const studies = new Map<string, ReadInstance>();
  const series = new Map<string, ReadInstance>();
  let batch: ReadInstance[] = [];
  let done = 0;
  const report = () =>
    options.onProgress?.({
      files: files.length,
      done,
      imported: row.imported,
      rejected: [...row.rejected],
    });
  const flush = async () => {
    if (!batch.length) return;
    await storeBatch(db, caseId, batch, now());
    row.imported += batch.length;
    batch = [];
    await db.imports.put(row);
  };

  report();
  for (const { name, file } of files) {
    let result;
    try {
      result = await readDicomFile(file);
    } catch (err) {
      result = { ok: false as const, reason: `could not be read (${describeError(err)})` };
    }
    done++;
    if (!result.ok) {
      row.rejected.push({ name, reason: result.reason });
    } else {
      const sop = result.read.instance.sopInstanceUid;
      const first = firstOfSop.get(sop);
      if (first !== undefined) {
        row.rejected.push({
          name,
          reason: `the same image (SOP Instance UID) as ${first}, which was imported`,
        });
      } else {
        firstOfSop.set(sop, name);
        studies.set(result.read.study.studyInstanceUid, result.read);
        series.set(result.read.series.seriesInstanceUid, result.read);
        batch.push(result.read);
        if (batch.length >= BATCH) await flush();
      }
    }
    report();
  }
  await flush();
  if (row.imported > 0)
    await finishCase(db, caseId, [...studies.values()], [...series.values()], now());
  row.finishedAt = now();
  await db.imports.put(row);
  report();
  return row;
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Stores instances (and provisional study/series rows) like the sync store does: shared by UID. */
async function storeBatch(
  db: TandemDb,
  caseId: string,
  batch: readonly ReadInstance[],
  at: number,
): Promise<void> {
  await db.transaction('rw', [db.instances, db.studies, db.series], async () => {
    const studyUids = [...new Set(batch.map((r) => r.study.studyInstanceUid))];
    const existing = await db.studies.bulkGet(studyUids);
    const owners = new Map<string, string[]>();
    const studyRows: StudyRow[] = studyUids.map((uid, i) => {
      const prev = existing[i];
      const read = batch.find((r) => r.study.studyInstanceUid === uid)!;
      const caseIds = [...new Set([...(prev?.caseIds ?? []), caseId])];
      owners.set(uid, caseIds);
      return prev
        ? { ...prev, caseIds }
        : {
            ...read.study,
            modalities: [],
            numberOfInstances: 0,
            caseIds,
            report: null,
          };
    });
    await db.studies.bulkPut(studyRows);
    const previous = await db.instances.bulkGet(batch.map((r) => r.instance.sopInstanceUid));
    const rows: InstanceRow[] = batch.map((r, i) => ({
      ...r.instance,
      caseIds: [
        ...new Set([...(previous[i]?.caseIds ?? []), ...owners.get(r.study.studyInstanceUid)!]),
      ],
      storedAt: at,
      lastAccessedAt: previous[i]?.lastAccessedAt ?? at,
    }));
    await db.instances.bulkPut(rows);
    const seriesRows: SeriesRow[] = batch.map((r) => ({
      ...r.series,
      studyInstanceUid: r.study.studyInstanceUid,
      numberOfInstances: 0,
    }));
    const known = await db.series.bulkGet(seriesRows.map((s) => s.seriesInstanceUid));
    await db.series.bulkPut(seriesRows.filter((_, i) => !known[i]));
  });
}

/**
 * Counts what the cache now holds of each study and series (a re-import or a study also synced
 * may have added to them), then makes the local case: the study with the most images is the
 * case's own, the others follow as its priors.
 */
async function finishCase(
  db: TandemDb,
  caseId: string,
  studies: readonly ReadInstance[],
  series: readonly ReadInstance[],
  at: number,
): Promise<void> {
  await db.transaction(
    'rw',
    [db.instances, db.studies, db.series, db.assignments, db.contexts, db.syncState, db.priorLinks],
    async () => {
      let bytes = 0;
      let total = 0;
      const counted: StudyRow[] = [];
      for (const { study } of studies) {
        const row = await db.studies.get(study.studyInstanceUid);
        if (!row) continue;
        const modalities = new Set<string>();
        let instances = 0;
        for (const s of series.filter((x) => x.study.studyInstanceUid === study.studyInstanceUid)) {
          const uid = s.series.seriesInstanceUid;
          const rows = await db.instances.where('seriesInstanceUid').equals(uid).toArray();
          bytes += rows.reduce((n, r) => n + r.size, 0);
          const seriesRow = await db.series.get(uid);
          if (seriesRow) await db.series.put({ ...seriesRow, numberOfInstances: rows.length });
          modalities.add(s.series.modality);
          instances += rows.length;
        }
        const all = await db.series
          .where('studyInstanceUid')
          .equals(study.studyInstanceUid)
          .toArray();
        for (const s of all) modalities.add(s.modality);
        const updated = {
          ...row,
          numberOfInstances: all.reduce((n, s) => n + s.numberOfInstances, 0) || instances,
          modalities: [...modalities],
        };
        await db.studies.put(updated);
        counted.push(updated);
        total += instances;
      }
      counted.sort((a, b) => b.numberOfInstances - a.numberOfInstances);
      const [main, ...others] = counted;
      if (!main) return;
      const patient = studies.find(
        (s) => s.study.studyInstanceUid === main.studyInstanceUid,
      )!.patient;
      const assignment: AssignmentRow = {
        caseId,
        kind: 'first-read',
        priority: 'routine',
        dueAt: new Date(at).toISOString(),
        status: 'assigned',
        subspecialty: 'Local import',
        studyInstanceUid: main.studyInstanceUid,
        accessionNumber: main.accessionNumber,
        studyDate: main.studyDate,
        description: main.description,
        modalities: main.modalities,
        bodyPart: main.bodyPart,
        patientName: main.patientName,
        patientId: main.patientId,
        numberOfInstances: main.numberOfInstances,
        numberOfPriors: others.length,
        receivedAt: at,
      };
      const context: ContextRow = {
        caseId,
        kind: 'first-read',
        context: {
          patientAge: patient.age,
          patientSex: SEX[patient.sex.toUpperCase()] ?? 'O',
          reasonForExam: 'Imported from local files (e.g. a patient’s CD)',
          history: '',
          examDate: main.studyDate || new Date(at).toISOString().slice(0, 10),
          referringPhysician: patient.referringPhysician,
        },
        hasOriginalReport: false,
        storedAt: at,
      };
      await db.assignments.put(assignment);
      await db.contexts.put(context);
      await db.priorLinks.bulkPut(
        others.map((s, order) => ({ caseId, studyInstanceUid: s.studyInstanceUid, order })),
      );
      await db.syncState.put({
        caseId,
        state: 'ready',
        instancesDone: total,
        instancesTotal: total,
        bytesDone: bytes,
        errors: [],
        updatedAt: at,
      });
    },
  );
}

/** Order of attached local studies among a case's priors: after every prior the server lists. */
const ATTACHED_ORDER = 1000;

/**
 * Attaches a local case's studies to an assigned case: they become extra priors of that case in
 * the cache (the sync store keeps them when the server's case detail is stored again).
 */
export async function attachLocalCase(
  db: TandemDb,
  localCaseId: string,
  targetCaseId: string,
): Promise<number> {
  return db.transaction('rw', [db.studies, db.instances, db.priorLinks], async () => {
    const studies = await db.studies.where('caseIds').equals(localCaseId).toArray();
    const links = await db.priorLinks.where('caseId').equals(targetCaseId).toArray();
    let order = Math.max(ATTACHED_ORDER, ...links.map((l) => l.order + 1));
    for (const study of studies) {
      if (study.caseIds.includes(targetCaseId)) continue;
      await db.studies.put({ ...study, caseIds: [...study.caseIds, targetCaseId] });
      await db.instances
        .where('studyInstanceUid')
        .equals(study.studyInstanceUid)
        .modify((row) => {
          if (!row.caseIds.includes(targetCaseId)) row.caseIds.push(targetCaseId);
        });
      await db.priorLinks.put({
        caseId: targetCaseId,
        studyInstanceUid: study.studyInstanceUid,
        order: order++,
      });
    }
    return studies.length;
  });
}
