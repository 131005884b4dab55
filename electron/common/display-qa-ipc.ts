import { z } from 'zod';
import type { DisplayQaHost } from '../../shared/display/display-qa-host.ts';
import { DisplayInfo } from '../../shared/display/display-requirements.ts';
import { DisplayQaRecord } from '../../shared/display/qa-record.ts';

type Method = keyof DisplayQaHost;

/** The wire of DisplayQaHost: one invoke channel per method, arguments and results validated on both sides. */
export const displayQaIpc: {
  readonly [K in Method]: {
    readonly channel: string;
    readonly args: z.ZodType<Parameters<DisplayQaHost[K]>>;
    readonly result: z.ZodType<Awaited<ReturnType<DisplayQaHost[K]>>>;
  };
} = {
  displays: { channel: 'tandem:qa-displays', args: z.tuple([]), result: z.array(DisplayInfo) },
  records: { channel: 'tandem:qa-records', args: z.tuple([]), result: z.array(DisplayQaRecord) },
  saveRecord: {
    channel: 'tandem:qa-save-record',
    args: z.tuple([DisplayQaRecord]),
    result: z.undefined(),
  },
  showTestPattern: {
    channel: 'tandem:qa-show-pattern',
    args: z.tuple([z.string().min(1).max(200)]),
    result: z.undefined(),
  },
};

export const displayQaMethods = Object.keys(displayQaIpc) as Method[];
