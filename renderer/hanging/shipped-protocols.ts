import { parseProtocol } from '../../shared/hanging/parse-protocol.ts';
import type { HangingProtocol } from '../../shared/hanging/protocol.ts';

/**
 * The protocols shipped in resources/hanging-protocols/, bundled at build time (data, not code:
 * Vite inlines the JSON). Each passes the same gate as an imported file; the unit tests check
 * every shipped file against schema.json too, so a bad one never reaches a build.
 * Order: by file name, the generic fallback last.
 */
const FILES = import.meta.glob<unknown>('../../resources/hanging-protocols/*.json', {
  eager: true,
  import: 'default',
});

export const SHIPPED_PROTOCOLS: readonly HangingProtocol[] = Object.entries(FILES)
  .filter(([path]) => !path.endsWith('/schema.json'))
  .sort(
    ([a], [b]) =>
      Number(a.endsWith('/generic.json')) - Number(b.endsWith('/generic.json')) ||
      a.localeCompare(b),
  )
  .map(([, json]) => parseProtocol(json));
