import { createHash } from 'node:crypto';

/** Logs never carry PHI: identifiers that could lead to a patient appear only as short hashes. */
export function hashForLog(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}
