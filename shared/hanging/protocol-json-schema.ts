import { z } from 'zod';
import { HangingProtocol } from './protocol.ts';

/**
 * The JSON Schema of a protocol file, generated from the zod model (one source). The committed
 * copy, `resources/hanging-protocols/schema.json`, must equal this (a unit test checks it; run that
 * test with `TANDEM_WRITE_HANGING_SCHEMA=1` to rewrite the file after changing the model).
 *
 * It describes the file as written (`io: 'input'`: fields with defaults are optional). Checks the
 * schema language cannot say (exactly one constraint per rule, a valid regex, rows × columns
 * viewports) are zod refinements, applied when the file is parsed.
 */
export function protocolJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(HangingProtocol, {
      io: 'input',
      target: 'draft-2020-12',
      reused: 'ref',
    }),
    $id: 'https://tandem.example/schemas/hanging-protocol.json',
    title: 'Tandem hanging protocol',
  };
}
