import { z } from 'zod';

/** Runtime check of DICOM JSON (PS3.18 F.2) before it leaves the server. */
const Attribute: z.ZodType = z.lazy(() =>
  z.object({
    vr: z.string().regex(/^[A-Z]{2}$/),
    Value: z
      .array(z.union([z.string(), z.number(), z.null(), z.record(z.string(), z.unknown())]))
      .optional(),
    InlineBinary: z.string().optional(),
    BulkDataURI: z.string().optional(),
  }),
);

export const DicomJsonDatasetSchema = z.record(z.string().regex(/^[0-9A-Fa-f]{8}$/), Attribute);
export const DicomJsonArraySchema = z.array(DicomJsonDatasetSchema);
