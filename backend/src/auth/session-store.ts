import { createHash, randomBytes } from 'node:crypto';
import { one, run, type Db } from '../db/database.ts';
import { findUserById, type StoredUser } from './users.ts';

/**
 * Sessions are opaque random tokens; the database keeps only their SHA-256, so a copy of the
 * database does not hand out live sessions.
 */
export interface Session {
  user: StoredUser;
  expiresAt: Date;
}

export type SessionLookup =
  | { status: 'valid'; session: Session; tokenHash: string }
  /** `userId`: whose session it was (for the audit row of the refusal) */
  | { status: 'expired'; userId: string }
  | { status: 'unknown' };

export class SessionStore {
  private readonly db: Db;
  private readonly ttlMs: number;

  constructor(db: Db, ttlSeconds: number) {
    this.db = db;
    this.ttlMs = ttlSeconds * 1000;
  }

  create(user: StoredUser, now = Date.now()): { token: string; expiresAt: Date } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    run(
      this.db,
      'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
      hashToken(token),
      user.id,
      now,
      expiresAt,
    );
    // Expired sessions are kept a day so their holders hear "expired" rather than "unknown".
    run(this.db, 'DELETE FROM sessions WHERE expires_at < ?', now - 24 * 60 * 60 * 1000);
    return { token, expiresAt: new Date(expiresAt) };
  }

  lookup(token: string, now = Date.now()): SessionLookup {
    const tokenHash = hashToken(token);
    const row = one(
      this.db,
      'SELECT user_id, expires_at FROM sessions WHERE token_hash = ?',
      tokenHash,
    );
    if (!row) return { status: 'unknown' };
    const expiresAt = Number(row['expires_at']);
    if (expiresAt <= now) return { status: 'expired', userId: String(row['user_id']) };
    const user = findUserById(this.db, String(row['user_id']));
    if (!user) return { status: 'unknown' };
    return { status: 'valid', session: { user, expiresAt: new Date(expiresAt) }, tokenHash };
  }

  revoke(tokenHash: string): void {
    run(this.db, 'DELETE FROM sessions WHERE token_hash = ?', tokenHash);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
