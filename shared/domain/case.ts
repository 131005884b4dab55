import { z } from 'zod';

/** Roles a backend user can hold. */
export const Role = z.enum(['radiologist', 'qa-reviewer', 'admin']);
export type Role = z.infer<typeof Role>;

/** What the radiologist is asked to do with a case. */
export const AssignmentKind = z.enum(['first-read', 'second-opinion', 'peer-review']);
export type AssignmentKind = z.infer<typeof AssignmentKind>;

export const Priority = z.enum(['stat', 'urgent', 'routine']);
export type Priority = z.infer<typeof Priority>;

export const AssignmentStatus = z.enum(['assigned', 'in-progress', 'reported', 'cancelled']);
export type AssignmentStatus = z.infer<typeof AssignmentStatus>;

export const Sex = z.enum(['F', 'M', 'O']);
export type Sex = z.infer<typeof Sex>;

/** DICOM date (YYYYMMDD) rendered as ISO date YYYY-MM-DD in the API. */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
export const IsoDateTime = z.iso.datetime({ offset: true });

export const Uid = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9]+(\.[0-9]+)*$/, 'expected a DICOM UID (digits and dots)');

/** Clinical context that travels with a case. */
export const ClinicalContext = z.object({
  patientAge: z.string().max(16), // DICOM AS style, e.g. "064Y"
  patientSex: Sex,
  reasonForExam: z.string().max(2000),
  diagnosis: z.string().max(2000).optional(),
  history: z.string().max(4000),
  examDate: IsoDate,
  referringPhysician: z.string().max(200),
});
export type ClinicalContext = z.infer<typeof ClinicalContext>;

export const SeriesSummary = z.object({
  seriesInstanceUid: Uid,
  seriesNumber: z.number().int().nullable(),
  modality: z.string().max(16),
  description: z.string().max(200),
  bodyPart: z.string().max(64).optional(),
  laterality: z.string().max(4).optional(),
  viewPosition: z.string().max(16).optional(),
  numberOfInstances: z.number().int().nonnegative(),
});
export type SeriesSummary = z.infer<typeof SeriesSummary>;

export const StudySummary = z.object({
  studyInstanceUid: Uid,
  accessionNumber: z.string().max(64),
  studyDate: IsoDate,
  studyTime: z.string().max(16).optional(),
  description: z.string().max(200),
  modalities: z.array(z.string().max(16)),
  bodyPart: z.string().max(64),
  patientId: z.string().max(64),
  patientName: z.string().max(200),
  numberOfInstances: z.number().int().nonnegative(),
  series: z.array(SeriesSummary),
});
export type StudySummary = z.infer<typeof StudySummary>;

/** A signed report as the backend stores it (the body grows with the Report issue). */
export const SignedReportSummary = z.object({
  reportId: z.string(),
  studyInstanceUid: Uid,
  authorDisplayName: z.string(),
  signedAt: IsoDateTime,
  text: z.string(),
});
export type SignedReportSummary = z.infer<typeof SignedReportSummary>;

export const PriorStudy = StudySummary.extend({
  report: SignedReportSummary.nullable(),
});
export type PriorStudy = z.infer<typeof PriorStudy>;
