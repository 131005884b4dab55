import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { Logger } from './logger.ts';

/**
 * Reads a JSON settings file an administrator keeps under userData. A missing file means the
 * defaults (`{}`); an unreadable, non-JSON or invalid one too, with a warning naming what is wrong
 * (never its values).
 */
export async function readSettingsFile<T extends object>(
  file: string,
  schema: z.ZodType<T>,
  what: string,
  log: Logger,
): Promise<Partial<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn(`the ${what} could not be read; using the defaults`);
    }
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    log.warn(`the ${what} are not JSON; using the defaults`);
    return {};
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    log.warn(
      `the ${what} are not valid (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}); using the defaults`,
    );
    return {};
  }
  return parsed.data;
}
