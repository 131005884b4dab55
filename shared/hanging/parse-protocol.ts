import type { z } from 'zod';
import { TandemError } from '../api/errors.ts';
import { HangingProtocol } from './protocol.ts';

/**
 * Reads a protocol from JSON (a shipped file, an imported file, a row of the cache). A file that
 * does not fit the model is refused with a `TandemError` naming where and why, e.g.
 * `stages[0].grid.viewports: a grid needs rows × columns viewports`.
 *
 * Shipped files are also checked against `resources/hanging-protocols/schema.json` with ajv in the
 * unit tests (`schemaErrors`); at run time the renderer's CSP forbids the code ajv compiles, and
 * zod checks the same model (the schema is generated from it) and more.
 */
export function parseProtocol(json: unknown): HangingProtocol {
  const result = HangingProtocol.safeParse(json);
  if (result.success) return result.data;
  throw new TandemError(
    'hanging-protocol-invalid',
    `Hanging protocol rejected: ${describeIssues(result.error.issues)}`,
  );
}

/** Parses JSON text, naming the syntax error when it is not JSON at all. */
export function parseProtocolText(text: string): HangingProtocol {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TandemError(
      'hanging-protocol-invalid',
      `Hanging protocol rejected: the file is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return parseProtocol(json);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(the whole file)' : out;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${formatPath(i.path)}: ${i.message}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return shown.join('; ') + more;
}
