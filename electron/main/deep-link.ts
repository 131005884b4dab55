import { CaseId } from '../../shared/ipc/shell-link.ts';

export const DEEP_LINK_SCHEME = 'tandem';

/**
 * The case a `tandem://case/<id>` link names, or null for anything else. Only this one form is
 * accepted: no other host, no query, no fragment, an id as routes carry it. The link comes from
 * outside (a browser, a mail, the OS), so nothing of it is used unchecked.
 */
export function caseIdFromDeepLink(link: string): string | null {
  // Matched on the raw text: URL parsing would resolve dot segments (`case/../x` → `x`).
  const match = /^tandem:\/\/case\/([^/?#]+)\/?$/i.exec(link);
  if (!match?.[1]) return null;
  const parsed = CaseId.safeParse(match[1]);
  return parsed.success ? parsed.data : null;
}

/** The first deep link among command-line arguments (how Windows and Linux hand one over). */
export function caseIdFromArgv(argv: readonly string[]): string | null {
  for (const arg of argv) {
    if (!arg.startsWith(`${DEEP_LINK_SCHEME}://`)) continue;
    const caseId = caseIdFromDeepLink(arg);
    if (caseId !== null) return caseId;
  }
  return null;
}
