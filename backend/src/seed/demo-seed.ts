import { spawn } from 'node:child_process';
import { copyFile, link, mkdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { DemoManifest } from '../../../shared/domain/demo-seed.ts';
import { hashPassword } from '../auth/password-hash.ts';
import { findUserByUsername, insertUserIfMissing } from '../auth/users.ts';
import { run, transaction, type Db } from '../db/database.ts';
import { readDicomHeader } from '../dicom/dicom-header.ts';
import { TAG } from '../dicom/dicom-json.ts';
import type { StowFile } from '../dicom/dicom-store.ts';
import type { LocalDicomStore } from '../dicom/local-store.ts';
import type { ProxyDicomStore } from '../dicom/proxy-store.ts';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users.ts';
import { findRepoRoot } from './repo-root.ts';
import { walkFiles } from '../fs/walk-files.ts';

/**
 * `--seed demo`: runs the demo data generator (cached and idempotent), puts its DICOM files into
 * the store (hard links into the data directory, or STOW-RS into the upstream PACS) and loads its
 * manifest into SQLite. Seeding a seeded data directory adds nothing twice.
 *
 * Environment: TANDEM_DEMO_CACHE (generator output, default <repo>/.cache/demo-data);
 * TANDEM_DEMO_SKIP_GENERATE=1 uses that folder as it is (tests with prepared fixtures).
 */
export interface SeedTarget {
  db: Db;
  dataDir: string;
  log: FastifyBaseLogger;
  local: LocalDicomStore | null;
  proxy: ProxyDicomStore | null;
}

export async function seedDemo(target: SeedTarget, signal?: AbortSignal): Promise<void> {
  const root = findRepoRoot();
  const cache = path.resolve(
    process.env['TANDEM_DEMO_CACHE'] ?? path.join(root, '.cache', 'demo-data'),
  );
  if (process.env['TANDEM_DEMO_SKIP_GENERATE'] !== '1')
    await runGenerator(root, cache, target.log, signal);
  const manifestPath = path.join(cache, 'demo-manifest.json');
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch {
    throw new Error(`the demo data manifest is missing or unreadable at ${manifestPath}`);
  }
  const manifest = DemoManifest.parse(manifestJson);

  const dicomDir = path.join(cache, 'dicom');
  if (target.local) {
    const linked = await linkTree(dicomDir, target.local.root);
    target.log.info({ linked }, 'demo images placed in the data directory');
  }
  if (target.proxy)
    await stowMissingStudies(
      target.proxy,
      dicomDir,
      manifest.studies.map((s) => s.studyInstanceUid),
      target.log,
    );

  await loadManifest(target.db, manifest, target.log);
}

async function runGenerator(
  root: string,
  cache: string,
  log: FastifyBaseLogger,
  signal?: AbortSignal,
): Promise<void> {
  const cli = path.join(root, 'scripts', 'demo-data', 'cli.ts');
  if (!existsSync(cli)) throw new Error(`the demo data generator is missing (${cli})`);
  log.info('running the demo data generator (cached after the first run)');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--out', cache], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal ? { signal } : {}),
    });
    // Our stdout is reserved for the listening line: the generator's output goes to stderr.
    child.stdout.pipe(process.stderr, { end: false });
    child.stderr.pipe(process.stderr, { end: false });
    child.on('error', reject);
    child.on('exit', (code, sig) =>
      code === 0
        ? resolve()
        : reject(new Error(`the demo data generator failed (${sig ?? `exit code ${code}`})`)),
    );
  });
}

/** Mirrors the generator's tree into the store with hard links (copies across file systems). */
async function linkTree(from: string, to: string): Promise<number> {
  let placed = 0;
  for await (const file of walkFiles(from)) {
    const dest = path.join(to, path.relative(from, file));
    const existing = await stat(dest).catch(() => null);
    if (existing) continue;
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      await link(file, dest);
    } catch {
      await copyFile(file, dest);
    }
    placed++;
  }
  return placed;
}

/** STOWs the demo studies the PACS does not have yet. */
async function stowMissingStudies(
  proxy: ProxyDicomStore,
  dicomDir: string,
  studyUids: string[],
  log: FastifyBaseLogger,
): Promise<void> {
  const missing = new Set<string>();
  for (const uid of studyUids) {
    const found = await proxy.search(
      'studies',
      {
        filters: [{ tag: TAG.StudyInstanceUID, kind: 'uid-list', value: uid }],
        limit: null,
        offset: 0,
        includeAll: false,
        includeFields: [],
      },
      {},
      null,
      { dicomwebBase: '' },
    );
    if (found.length === 0) missing.add(uid);
  }
  if (missing.size === 0) return;
  const files: StowFile[] = [];
  for await (const file of walkFiles(dicomDir)) {
    try {
      const header = await readDicomHeader(file);
      if (missing.has(header.studyUid))
        files.push({ path: file, size: (await stat(file)).size, header });
    } catch {
      log.warn('skipped an unreadable demo file');
    }
  }
  const outcomes = await proxy.store(files, { dicomwebBase: '' });
  const failed = outcomes.filter((o) => !o.ok).length;
  log.info(
    { studies: missing.size, stored: outcomes.length - failed, failed },
    'demo studies stored into the PACS',
  );
  if (failed > 0) throw new Error(`the PACS refused ${failed} demo instances`);
}

async function loadManifest(db: Db, manifest: DemoManifest, log: FastifyBaseLogger): Promise<void> {
  const now = Date.now();
  const hashes = new Map<string, string>();
  for (const u of DEMO_USERS) {
    if (!findUserByUsername(db, u.username))
      hashes.set(u.username, await hashPassword(DEMO_PASSWORD));
  }
  const patientOfStudy = new Map(manifest.studies.map((s) => [s.studyInstanceUid, s.patientId]));

  transaction(db, () => {
    for (const u of DEMO_USERS) {
      const fromCases = [
        ...new Set(
          manifest.cases.filter((c) => c.assignee === u.username).map((c) => c.subspecialty),
        ),
      ];
      const hash = hashes.get(u.username);
      if (!hash) continue;
      insertUserIfMissing(db, {
        id: `user-${u.username}`,
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        subspecialties: fromCases.length > 0 ? fromCases.sort() : u.defaultSubspecialties,
        passwordHash: hash,
      });
    }
    for (const p of manifest.patients) {
      run(
        db,
        'INSERT OR IGNORE INTO patients (patient_id, patient_name, birth_date, sex) VALUES (?, ?, ?, ?)',
        p.patientId,
        p.patientName,
        p.birthDate,
        p.sex,
      );
    }
    // A report by a case's own assignee on the case's study is that assignee's read of the case.
    const caseOfReport = new Map<string, string>();
    for (const c of manifest.cases) {
      for (const r of manifest.reports) {
        if (
          r.author === c.assignee &&
          r.studyInstanceUid === c.studyInstanceUid &&
          r.reportId !== c.originalReportId
        ) {
          caseOfReport.set(r.reportId, c.caseId);
        }
      }
    }
    for (const r of manifest.reports) {
      const signed = new Date(r.signedAt);
      run(
        db,
        `INSERT OR IGNORE INTO reports (report_id, study_uid, case_id, author, author_display_name, signed_at, text)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        r.reportId,
        r.studyInstanceUid,
        caseOfReport.get(r.reportId) ?? null,
        r.author,
        r.authorDisplayName,
        Number.isNaN(signed.getTime()) ? new Date(now).toISOString() : signed.toISOString(),
        r.text,
      );
    }
    for (const c of manifest.cases) {
      const assignee = findUserByUsername(db, c.assignee);
      if (!assignee) {
        log.warn({ caseId: c.caseId }, 'demo case assigned to an unknown user: skipped');
        continue;
      }
      run(
        db,
        `INSERT OR IGNORE INTO cases (case_id, study_uid, patient_id, kind, priority, due_at, status, subspecialty,
           assignee_id, context, original_report_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'assigned', ?, ?, ?, ?, ?)`,
        c.caseId,
        c.studyInstanceUid,
        patientOfStudy.get(c.studyInstanceUid) ?? '',
        c.kind,
        c.priority,
        new Date(now + c.dueInMinutes * 60_000).toISOString(),
        c.subspecialty,
        assignee.id,
        JSON.stringify(c.context),
        c.originalReportId ?? null,
        new Date(now).toISOString(),
      );
    }
    for (const p of manifest.discordantPairs) {
      run(
        db,
        `INSERT OR IGNORE INTO discordant_pairs (pair_id, study_uid, first_report_id, second_report_id, seeded_differences)
         VALUES (?, ?, ?, ?, ?)`,
        p.pairId,
        p.studyInstanceUid,
        p.firstReportId,
        p.secondReportId,
        JSON.stringify(p.seededDifferences),
      );
    }
    run(
      db,
      `INSERT INTO settings (key, value) VALUES ('demo-seed', ?) ON CONFLICT(key) DO NOTHING`,
      JSON.stringify({
        generatorVersion: manifest.generatorVersion,
        seededAt: new Date(now).toISOString(),
      }),
    );
  });
  log.info(
    {
      patients: manifest.patients.length,
      cases: manifest.cases.length,
      reports: manifest.reports.length,
    },
    'demo manifest loaded',
  );
}
