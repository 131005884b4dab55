import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TandemError } from '../../../shared/api/errors.ts';
import { loadTemplates, type ReportTemplate } from '../../../shared/report/template.ts';
import { findRepoRoot } from '../seed/repo-root.ts';

/**
 * The report templates the backend checks submissions against: every JSON file of
 * `resources/report-templates/`, validated at start-up (an invalid file stops the backend with
 * a message naming it).
 */
export function loadTemplateDir(
  dir = path.join(findRepoRoot(), 'resources', 'report-templates'),
): Map<string, ReportTemplate> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ source: f, json: readJson(path.join(dir, f), f) }));
  return new Map(loadTemplates(files).map((t) => [t.id, t]));
}

function readJson(file: string, source: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new TandemError(
      'report-template-invalid',
      `The report template ${source} cannot be used: ${err instanceof Error ? err.message : 'it cannot be read'}.`,
    );
  }
}
