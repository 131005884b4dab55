import { z } from 'zod';
import { PageToShell, ShellToPage } from '../../shared/ipc/shell-link.ts';

/** The wire of the shell link (`ShellHostLink`): one channel each way, payloads validated by both ends. */
export const ShellIpcChannel = {
  /** main → page */
  toPage: 'tandem:shell-to-page',
  /** page → main */
  toShell: 'tandem:shell-to-main',
} as const;

export const shellIpcPayload = {
  toPage: z.tuple([ShellToPage]),
  toShell: z.tuple([PageToShell]),
} satisfies Record<keyof typeof ShellIpcChannel, z.ZodType<unknown[]>>;
