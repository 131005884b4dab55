import type { User } from '../../../shared/api/contract.ts';
import { Role } from '../../../shared/domain/case.ts';
import { one, run, str, type Db, type Row } from '../db/database.ts';

export interface StoredUser extends User {
  passwordHash: string;
}

function toUser(row: Row): StoredUser {
  return {
    id: str(row, 'id'),
    username: str(row, 'username'),
    displayName: str(row, 'display_name'),
    role: Role.parse(str(row, 'role')),
    subspecialties: JSON.parse(str(row, 'subspecialties')) as string[],
    passwordHash: str(row, 'password_hash'),
  };
}

export function publicUser(user: StoredUser): User {
  const { passwordHash: _omit, ...rest } = user;
  return rest;
}

export function findUserByUsername(db: Db, username: string): StoredUser | null {
  const row = one(db, 'SELECT * FROM users WHERE username = ? COLLATE NOCASE', username);
  return row ? toUser(row) : null;
}

export function findUserById(db: Db, id: string): StoredUser | null {
  const row = one(db, 'SELECT * FROM users WHERE id = ?', id);
  return row ? toUser(row) : null;
}

/** Adds the user unless one with that user name exists; returns whether it was added. */
export function insertUserIfMissing(db: Db, user: StoredUser): boolean {
  if (findUserByUsername(db, user.username)) return false;
  run(
    db,
    'INSERT INTO users (id, username, display_name, role, subspecialties, password_hash) VALUES (?, ?, ?, ?, ?, ?)',
    user.id,
    user.username,
    user.displayName,
    user.role,
    JSON.stringify(user.subspecialties),
    user.passwordHash,
  );
  return true;
}
