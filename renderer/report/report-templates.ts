import { loadTemplates, type ReportTemplate } from '../../shared/report/template.ts';

/**
 * The report templates shipped with Tandem (`resources/report-templates/*.json`), bundled into the
 * renderer so they are there offline, validated once on first use.
 */
const files = import.meta.glob<unknown>('../../resources/report-templates/*.json', {
  eager: true,
  import: 'default',
});

let templates: ReportTemplate[] | undefined;

export function reportTemplates(): ReportTemplate[] {
  templates ??= loadTemplates(
    Object.entries(files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, json]) => ({ source: path.slice(path.lastIndexOf('/') + 1), json })),
  );
  return templates;
}
