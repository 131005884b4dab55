/** The cache limit as the Settings dialog shows it: whole megabytes (10^6 bytes), or none. */
export const MB = 1_000_000;

/** Smallest limit accepted: below it not even one CT study would fit. */
export const MIN_LIMIT_MB = 10;

export type LimitInput = { ok: true; budgetBytes: number | null } | { ok: false; message: string };

/** Reads what the user typed: empty means no limit. */
export function parseLimit(text: string): LimitInput {
  const t = text.trim();
  if (t === '') return { ok: true, budgetBytes: null };
  if (!/^\d+$/.test(t))
    return {
      ok: false,
      message: 'Enter a whole number of megabytes, or leave it empty for no limit.',
    };
  const mb = Number(t);
  if (mb < MIN_LIMIT_MB)
    return { ok: false, message: `The limit must be at least ${MIN_LIMIT_MB} MB.` };
  return { ok: true, budgetBytes: mb * MB };
}

export function formatLimit(budgetBytes: number | null): string {
  return budgetBytes === null ? '' : String(Math.round(budgetBytes / MB));
}

/** "1.2 GB", "35 MB", "800 kB" */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}
