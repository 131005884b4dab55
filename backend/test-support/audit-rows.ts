import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** The audit log of a backend's data directory, oldest first, read beside the running backend. */
export function auditRowsOf(dataDir: string): Array<Record<string, unknown>> {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'), { readOnly: true });
  try {
    return db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<
      Record<string, unknown>
    >;
  } finally {
    db.close();
  }
}
