import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../src/audit/audit-log.ts';
import { auditRowsOf } from '../test-support/audit-rows.ts';
import type { FixtureDemoCache } from '../test-support/dicom-fixtures.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import { removeDir, type BackendProcess } from '../test-support/processes.ts';
import { accessCases, signInAll, ROLES } from '../test-support/route-access.ts';

/**
 * Every access to patient data, allowed or refused, leaves an audit row naming who, what and the
 * outcome; the log is a hash chain, and editing, deleting or reordering rows in SQLite is detected.
 */
let backend: BackendProcess;
let fixture: FixtureDemoCache;
let started: FixtureBackend | undefined;
const copies: string[] = [];

beforeAll(async () => {
  started = await startFixtureBackend();
  ({ backend, fixture } = started);
}, 60_000);

afterAll(async () => {
  await started?.stop();
  for (const c of copies) removeDir(c);
});

function dbPath(): string {
  return path.join(backend.dataDir, 'tandem.sqlite');
}

const auditRows = () => auditRowsOf(backend.dataDir);

/** A consistent copy of the live database (VACUUM INTO works beside the backend's WAL writer). */
function copyOfDatabase(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-audit-copy-'));
  copies.push(dir);
  const target = path.join(dir, 'tandem.sqlite');
  const db = new DatabaseSync(dbPath(), { readOnly: true });
  try {
    db.exec(`VACUUM INTO '${target}'`);
  } finally {
    db.close();
  }
  return target;
}

/** Opens a copy as someone with file access would: the append-only triggers dropped first. */
function tamper(file: string, sql: string): number | null {
  const db = new DatabaseSync(file);
  try {
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    db.exec(sql);
    return new AuditLog(db).verify();
  } finally {
    db.close();
  }
}

/** Which audit action a route's access is recorded under. */
function actionOf(route: string): RegExp {
  if (route.startsWith('GET /api/worklist')) return /^worklist\.read$/;
  if (route.startsWith('GET /api/cases/:id/concordance')) return /^concordance\.read$/;
  if (route.startsWith('POST /api/cases/:id/concordance')) return /^concordance\.record$/;
  if (route.startsWith('GET /api/qa/queue')) return /^qa\.queue$/;
  if (route.startsWith('GET /api/qa/items/')) return /^qa\.item\.read$/;
  if (route.startsWith('POST /api/qa/items/')) return /^qa\.review\.create$/;
  if (route.startsWith('GET /api/qa/reviews/')) return /^qa\.review\.read$/;
  if (route.startsWith('GET /api/qa/my-reviews')) return /^qa\.my-reviews$/;
  if (route.endsWith('/response')) return /^qa\.review\.respond$/;
  if (route.endsWith('/reveal')) return /^qa\.review\.reveal$/;
  if (route.startsWith('GET /api/qa/stats')) return /^qa\.stats$/;
  if (route.startsWith('GET /api/qa/peer-review-rates')) return /^qa\.rates\.read$/;
  if (route.startsWith('PUT /api/qa/peer-review-rates')) return /^qa\.rates\.set$/;
  if (route.startsWith('POST /api/workstation-keys')) return /^workstation-key\.enroll$/;
  if (route.startsWith('POST /api/reports')) return /^report\.submit$/;
  if (route.startsWith('GET /api/reports/')) return /^report\.read$/;
  if (route.endsWith('/original-report')) return /^case\.original-report$/;
  if (route.startsWith('GET /api/cases/')) return /^case\.read$/;
  if (route.includes('/bulk/')) return /^dicomweb\.bulk$/;
  if (route.startsWith('GET /dicom-web/wado')) return /^dicomweb\.wado-uri$/;
  if (route.endsWith('/instances/retrieve')) return /^dicomweb\.retrieve-instances$/;
  if (route.startsWith('POST /dicom-web/')) return /^dicomweb\.store$/;
  if (route.endsWith('/metadata')) return /^dicomweb\.metadata$/;
  if (/\/(studies|series|instances)$/.test(route)) return /^dicomweb\.search$/;
  return /^dicomweb\.retrieve$/;
}

describe('the audit log', () => {
  it('records every access to patient data, allowed or refused, with who and the outcome', async () => {
    const tokens = await signInAll(backend.url);
    const patientData = accessCases(fixture).filter(
      (c) =>
        !c.route.includes('/api/health') &&
        !c.route.includes('/api/session') &&
        // sampling rates per radiologist are configuration, not patient data
        !c.route.includes('/api/qa/peer-review-rates'),
    );
    const missing: string[] = [];
    let checked = 0;
    for (const c of patientData) {
      for (const who of ROLES) {
        const token = tokens[who];
        const before = auditRows().length;
        const payload = c.body?.();
        const res = await fetch(`${backend.url}${c.path}`, {
          method: c.method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...payload?.headers },
          ...(payload ? { body: payload.body } : {}),
        });
        await res.arrayBuffer();
        const added = auditRows().slice(before);
        const outcome = res.ok ? 'allowed' : 'denied';
        // Without a session the request is refused (401) before any lookup, and audited as such.
        const row = added.find((r) =>
          token
            ? r['username'] === who &&
              actionOf(c.route).test(String(r['action'])) &&
              r['outcome'] === outcome
            : res.status === 401 &&
              r['username'] === null &&
              r['action'] === 'session.refused' &&
              r['outcome'] === 'denied' &&
              String(r['detail']).startsWith(`unauthenticated ${c.method} `),
        );
        checked++;
        if (!row) missing.push(`${c.route} [${c.target}] as ${who} (${res.status})`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  }, 60_000);

  it('keeps an intact hash chain through all of that', () => {
    const db = new DatabaseSync(copyOfDatabase());
    try {
      expect(new AuditLog(db).verify()).toBeNull();
    } finally {
      db.close();
    }
  });

  it('detects a row edited in SQLite', () => {
    const rows = auditRows();
    const victim = Number(rows[Math.floor(rows.length / 2)]!['seq']);
    expect(
      tamper(
        copyOfDatabase(),
        `UPDATE audit_log SET outcome = 'allowed', detail = NULL WHERE seq = ${victim}`,
      ),
    ).toBe(victim);
    expect(
      tamper(copyOfDatabase(), `UPDATE audit_log SET username = 'admin1' WHERE seq = ${victim}`),
    ).toBe(victim);
  });

  it('detects a row deleted from the middle, and rows cut from the end', () => {
    const rows = auditRows();
    const victim = Number(rows[Math.floor(rows.length / 2)]!['seq']);
    expect(tamper(copyOfDatabase(), `DELETE FROM audit_log WHERE seq = ${victim}`)).toBe(
      victim + 1,
    );
    const last = Number(rows.at(-1)!['seq']);
    expect(tamper(copyOfDatabase(), `DELETE FROM audit_log WHERE seq >= ${last - 2}`)).toBe(
      last - 2,
    );
  });

  it('detects two rows swapped', () => {
    const rows = auditRows();
    const a = Number(rows[10]!['seq']);
    const b = Number(rows[20]!['seq']);
    const swap = `UPDATE audit_log SET seq = -1 WHERE seq = ${a};
      UPDATE audit_log SET seq = ${a} WHERE seq = ${b};
      UPDATE audit_log SET seq = ${b} WHERE seq = -1;`;
    expect(tamper(copyOfDatabase(), swap)).toBe(a);
  });
});
