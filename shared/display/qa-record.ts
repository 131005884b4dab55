import { z } from 'zod';
import { IsoDateTime } from '../domain/case.ts';
import { DisplayClass, LuminanceReadings } from './tg18.ts';

/** One display QA: the readings as entered, and what Tandem concluded, with the date. */
export const DisplayQaRecord = z.object({
  displayId: z.string().min(1).max(200),
  displayLabel: z.string().max(200),
  testedAt: IsoDateTime,
  displayClass: DisplayClass,
  readings: LuminanceReadings,
  ambient: z.number().min(0).max(100),
  pass: z.boolean(),
  maxDeviation: z.number(),
  luminanceRatio: z.number(),
});
export type DisplayQaRecord = z.infer<typeof DisplayQaRecord>;
