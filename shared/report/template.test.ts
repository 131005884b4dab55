import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TandemError } from '../api/errors.ts';
import { chooseTemplate, loadTemplates, parseTemplate } from './template.ts';

const DIR = path.resolve(import.meta.dirname, '../../resources/report-templates');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({
    source: f,
    json: JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as unknown,
  }));
const templates = loadTemplates(files);

function ctChestJson(): Record<string, unknown> {
  return structuredClone(files.find((f) => f.source === 'ct-chest.json')!.json) as Record<
    string,
    unknown
  >;
}

describe('report templates', () => {
  it('loads every shipped template', () => {
    expect(templates.map((t) => t.id).sort()).toEqual(
      ['cr-chest', 'ct-abdomen', 'ct-chest', 'generic', 'mammography', 'mr-brain'].sort(),
    );
  });

  it('ships BI-RADS 0 to 6 and densities a to d for mammography, and a Fleischner recommendation for CT chest', () => {
    const mg = templates.find((t) => t.id === 'mammography')!;
    const fields = mg.sections.flatMap((s) => s.fields);
    expect(fields.find((f) => f.id === 'birads')?.options?.map((o) => o.value)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
    ]);
    expect(fields.find((f) => f.id === 'density')?.options?.map((o) => o.value)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    const ct = templates.find((t) => t.id === 'ct-chest')!;
    expect(
      ct.sections
        .find((s) => s.id === 'lung-nodules')
        ?.fields.some((f) => f.id === 'fleischner' && f.type === 'choice'),
    ).toBe(true);
    expect(ct.macros.some((m) => m.trigger === '.normalchest')).toBe(true);
  });

  it('refuses a template whose choice field has no options, naming the file and the field', () => {
    const broken = ctChestJson();
    const sections = broken['sections'] as Array<{ fields: Array<Record<string, unknown>> }>;
    delete sections[0]!.fields[0]!['options'];
    expect(() => parseTemplate(broken, 'ct-chest.json')).toThrow(TandemError);
    expect(() => parseTemplate(broken, 'ct-chest.json')).toThrow(
      /ct-chest\.json.*field "contrast" is a choice without options/,
    );
  });

  it('refuses a template with a wrong field type, saying where', () => {
    const broken = ctChestJson();
    const sections = broken['sections'] as Array<{ fields: Array<Record<string, unknown>> }>;
    sections[1]!.fields[0]!['type'] = 'essay';
    expect(() => parseTemplate(broken, 'x.json')).toThrow(
      /x\.json cannot be used: sections\.1\.fields\.0\.type/,
    );
  });

  it('refuses a macro that sets an unknown field or an impossible choice', () => {
    const broken = ctChestJson();
    (broken['macros'] as Array<{ values: Record<string, unknown> }>)[0]!.values['nodule-present'] =
      'maybe';
    expect(() => parseTemplate(broken, 'x.json')).toThrow(
      /macro "\.normalchest": "Nodule" has no choice "maybe"/,
    );
  });

  it('refuses two templates with the same id', () => {
    expect(() => loadTemplates([...files, { source: 'copy.json', json: ctChestJson() }])).toThrow(
      /copy\.json.*"ct-chest"/,
    );
  });

  it('chooses by protocol, then modality and body part, else the generic template', () => {
    const pick = (modalities: string[], bodyPart?: string, protocolId?: string) =>
      chooseTemplate(templates, { modalities, bodyPart, protocolId }).id;
    expect(pick(['CT'], 'CHEST')).toBe('ct-chest');
    expect(pick(['CT'], 'ABDOMEN')).toBe('ct-abdomen');
    expect(pick(['MR'], 'BRAIN')).toBe('mr-brain');
    expect(pick(['CR'], 'CHEST')).toBe('cr-chest');
    expect(pick(['MG'], 'BREAST')).toBe('mammography');
    expect(pick(['US'], 'NECK')).toBe('generic');
    expect(pick(['CT'], 'HEAD')).toBe('generic');
    expect(pick(['CT'], 'HEAD', 'ct-chest-lung-screening')).toBe('ct-chest');
  });

  it('gives each shipped hanging protocol the template of its exam, whatever the study says', () => {
    const HP = path.resolve(import.meta.dirname, '../../resources/hanging-protocols');
    const hung = readdirSync(HP)
      .filter((f) => f.endsWith('.json') && f !== 'schema.json')
      .map((f) => (JSON.parse(readFileSync(path.join(HP, f), 'utf8')) as { id: string }).id)
      .sort();
    const chosen = Object.fromEntries(
      // a study whose tags say nothing useful (a CT labelled as the head): the protocol decides
      hung.map((id) => [
        id,
        chooseTemplate(templates, { modalities: ['CT'], bodyPart: 'HEAD', protocolId: id }).id,
      ]),
    );
    expect(chosen).toEqual({
      'cr-chest': 'cr-chest',
      'ct-abdomen-pelvis': 'ct-abdomen',
      'ct-chest': 'ct-chest',
      generic: 'generic',
      'mg-screening': 'mammography',
      'mr-brain': 'mr-brain',
    });
  });
});
