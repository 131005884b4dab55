import type { User } from '../../../shared/api/contract.ts';
import type { Db } from '../db/database.ts';
import { studiesUnderQaReview } from '../qa/qa-items.ts';
import { casesOfAssignee, type CaseRecord } from './case-repository.ts';
import type { StudyCatalog } from './study-catalog.ts';

/**
 * Who may see which images. A radiologist sees the studies of the cases assigned to them and
 * those cases' priors (every study of the same patient); a QA reviewer also the studies under QA
 * review (discordant pairs, second readers' discordances, peer-review samples); an administrator
 * everything. Computed sets are cached for a few seconds
 * because the viewer asks once per image.
 */
export class AccessPolicy {
  private readonly db: Db;
  private readonly catalog: StudyCatalog;
  private readonly ttlMs: number;
  private readonly scopes = new Map<string, { at: number; value: Promise<ReadonlySet<string>> }>();

  constructor(db: Db, catalog: StudyCatalog, ttlMs = 10_000) {
    this.db = db;
    this.catalog = catalog;
    this.ttlMs = ttlMs;
  }

  invalidate(): void {
    this.scopes.clear();
  }

  /** null means every study. */
  async studyScope(user: User): Promise<ReadonlySet<string> | null> {
    if (user.role === 'admin') return null;
    const now = Date.now();
    const hit = this.scopes.get(user.id);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = this.compute(user);
    this.scopes.set(user.id, { at: now, value });
    value.catch(() => this.scopes.delete(user.id));
    return value;
  }

  async canAccessStudy(user: User, studyUid: string): Promise<boolean> {
    const scope = await this.studyScope(user);
    return scope === null || scope.has(studyUid);
  }

  /**
   * A case as a QA reviewer may open it: only when one of its studies (its own or a prior) is
   * under QA review, and then only those studies. Null: not under review.
   */
  async qaScopeOfCase(c: CaseRecord): Promise<ReadonlySet<string> | null> {
    const under = studiesUnderQaReview(this.db);
    const studies = await this.studiesOfCase(c);
    const scope = new Set(studies.filter((uid) => under.has(uid)));
    return scope.size > 0 ? scope : null;
  }

  /** A case's own study plus its priors. */
  async studiesOfCase(c: CaseRecord): Promise<string[]> {
    const summary = await this.catalog.summary(c.studyUid);
    const out = new Set<string>([c.studyUid]);
    if (summary?.patientId) {
      for (const s of await this.catalog.studiesOfPatient(summary.patientId)) out.add(s.studyUid);
    }
    return [...out];
  }

  private async compute(user: User): Promise<ReadonlySet<string>> {
    const studies = new Set<string>();
    const seeds: CaseRecord[] = casesOfAssignee(this.db, user.id);
    for (const c of seeds) for (const uid of await this.studiesOfCase(c)) studies.add(uid);
    if (user.role === 'qa-reviewer')
      for (const uid of studiesUnderQaReview(this.db)) studies.add(uid);
    return studies;
  }
}
