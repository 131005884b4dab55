import { z } from 'zod';
import { AssignmentKind, ClinicalContext, IsoDate, Priority, Uid } from './case.ts';

/**
 * The contract between the demo data generator (scripts/demo-data) and the backend's
 * `--seed demo`: the generator writes DICOM Part-10 files under `<out>/dicom/` and this
 * manifest as `<out>/demo-manifest.json`; the backend indexes the files and loads the manifest.
 */
export const DemoReport = z.object({
  reportId: z.string(),
  studyInstanceUid: Uid,
  /** username of the author (one of the demo accounts, or an outside reader's display name) */
  author: z.string(),
  authorDisplayName: z.string(),
  signedAt: z.string(),
  text: z.string(),
});
export type DemoReport = z.infer<typeof DemoReport>;

export const DemoCase = z.object({
  caseId: z.string().regex(/^[a-z0-9-]+$/),
  studyInstanceUid: Uid,
  kind: AssignmentKind,
  priority: Priority,
  /** due time relative to the moment of seeding, in minutes (negative: overdue) */
  dueInMinutes: z.number().int(),
  subspecialty: z.string(),
  assignee: z.string(),
  context: ClinicalContext,
  /** for second opinions and peer reviews: the first reader's report */
  originalReportId: z.string().optional(),
});
export type DemoCase = z.infer<typeof DemoCase>;

/** A seeded pair of reads of the same study that disagree, for the QA queue. */
export const DemoDiscordantPair = z.object({
  pairId: z.string(),
  studyInstanceUid: Uid,
  firstReportId: z.string(),
  secondReportId: z.string(),
  /** what the seed made different, so tests can check a diff finds it */
  seededDifferences: z.array(z.string()),
});
export type DemoDiscordantPair = z.infer<typeof DemoDiscordantPair>;

export const DemoPatient = z.object({
  patientId: z.string(),
  patientName: z.string(),
  birthDate: IsoDate,
  sex: z.enum(['F', 'M', 'O']),
});

export const DemoManifest = z.object({
  generatorVersion: z.string(),
  patients: z.array(DemoPatient),
  /** study UIDs present under dicom/, with the transfer syntaxes used */
  studies: z.array(
    z.object({
      studyInstanceUid: Uid,
      patientId: z.string(),
      description: z.string(),
      studyDate: IsoDate,
      transferSyntaxUid: Uid,
      instanceCount: z.number().int(),
    }),
  ),
  reports: z.array(DemoReport),
  cases: z.array(DemoCase),
  discordantPairs: z.array(DemoDiscordantPair),
});
export type DemoManifest = z.infer<typeof DemoManifest>;
