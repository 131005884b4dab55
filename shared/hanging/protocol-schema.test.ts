import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { TandemError } from '../api/errors.ts';
import { parseProtocol, parseProtocolText } from './parse-protocol.ts';
import { protocolJsonSchema } from './protocol-json-schema.ts';

const PROTOCOL_DIR = fileURLToPath(new URL('../../resources/hanging-protocols/', import.meta.url));
const readJson = (file: string) => JSON.parse(readFileSync(PROTOCOL_DIR + file, 'utf8')) as unknown;
const committedSchema = () => readJson('schema.json');

/** Every shipped protocol file (not the schema), by file name. */
function shippedProtocolFiles(): { file: string; json: unknown }[] {
  return readdirSync(PROTOCOL_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'schema.json')
    .sort()
    .map((file) => ({ file, json: readJson(file) }));
}

const generated = protocolJsonSchema();
const text = JSON.stringify(generated, null, 2) + '\n';
if (process.env.TANDEM_WRITE_HANGING_SCHEMA === '1')
  writeFileSync(PROTOCOL_DIR + 'schema.json', text);

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
  committedSchema() as object,
);

function ajvErrors(json: unknown): string[] {
  return validate(json)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

function rejection(json: unknown): string {
  try {
    parseProtocol(json);
  } catch (error) {
    expect(error).toBeInstanceOf(TandemError);
    return (error as Error).message;
  }
  throw new Error('expected the protocol to be rejected');
}

const minimal = {
  id: 'mini',
  name: 'Mini',
  stages: [
    {
      id: 'one',
      name: 'One',
      grid: { rows: 1, columns: 1, viewports: [{ series: { study: 'current' } }] },
    },
  ],
};

describe('hanging protocol schema', () => {
  it('the committed schema.json is the one generated from the zod model', () => {
    expect(committedSchema()).toEqual(JSON.parse(text));
  });

  it('every shipped protocol passes schema.json (ajv) and then the model (zod)', () => {
    const files = shippedProtocolFiles();
    expect(files.map((f) => f.file)).toEqual([
      'cr-chest.json',
      'ct-abdomen-pelvis.json',
      'ct-chest.json',
      'generic.json',
      'mg-screening.json',
      'mr-brain.json',
    ]);
    for (const { file, json } of files) {
      expect({ file, errors: ajvErrors(json) }).toEqual({ file, errors: [] });
      expect(parseProtocol(json).id).toBe(file.replace(/\.json$/, ''));
    }
  });

  it('fills in defaults for what a file leaves out', () => {
    const p = parseProtocol(minimal);
    expect(p.source).toBe('shipped');
    expect(p.rules).toEqual([]);
    expect(p.stages[0]?.grid.viewports[0]).toEqual({
      series: { study: 'current', prior: 1, rules: [], skip: 0 },
      orientation: 'stack',
      flipHorizontal: false,
    });
  });

  it('rejects a grid whose viewports do not fill it, naming where', () => {
    const bad = structuredClone(minimal);
    bad.stages[0]!.grid.columns = 2;
    expect(rejection(bad)).toBe(
      'Hanging protocol rejected: stages[0].grid.viewports: a grid needs rows × columns viewports (null for an empty slot)',
    );
  });

  it('rejects an unknown attribute, an unknown field and a broken regex, naming each', () => {
    const withRules = (rules: unknown[]) => ({ ...minimal, rules });
    expect(rejection(withRules([{ attribute: 'colour', equals: 'red' }]))).toMatch(
      /^Hanging protocol rejected: rules\[0\]\.attribute: Invalid option/,
    );
    expect(ajvErrors(withRules([{ attribute: 'colour', equals: 'red' }]))[0]).toMatch(
      /^\/rules\/0\/attribute must be equal to one of the allowed values/,
    );
    expect(rejection({ ...minimal, colour: 'red' })).toMatch(/Unrecognized key: "colour"/);
    expect(rejection(withRules([{ attribute: 'modality', matches: '(' }]))).toBe(
      'Hanging protocol rejected: rules[0].matches: not a valid regular expression',
    );
    expect(rejection(withRules([{ attribute: 'modality', equals: 'CT', matches: 'CT' }]))).toBe(
      'Hanging protocol rejected: rules[0]: a rule needs exactly one of equals, oneOf, matches or min/max',
    );
  });

  it('rejects text that is not JSON with the parser’s reason', () => {
    expect(() => parseProtocolText('{"id": ')).toThrow(
      /^Hanging protocol rejected: the file is not JSON \(/,
    );
  });
});
