// The API's users and revoked refresh tokens, in an embedded SQLite database (better-sqlite3).
// A user's `token_version` is written into every token issued to them; changing the password, or
// `lake user revoke`, bumps it, which invalidates every token issued before. Deleting the user
// does the same, for good: a user id is never given again (tokens name their user by id).
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LakeError } from '../control/errors.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';

export interface User {
  id: number;
  username: string;
  tokenVersion: number;
  createdAt: string;
}

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  token_version: number;
  created_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  token_version INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked_tokens (
  jti TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked_families (
  family TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
-- The highest user id ever given. Without AUTOINCREMENT SQLite gives the largest id again once
-- its user is deleted, and the deleted user's tokens would name the new one. (A database made
-- before this table knows only the ids it still holds.)
CREATE TABLE IF NOT EXISTS last_user_id (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  id INTEGER NOT NULL
);
`;

/** Usernames: 1–150 printable characters, no surrounding spaces (checked, never interpolated). */
export function checkUsername(username: string): string {
  const name = username.normalize('NFC');
  if (name.length === 0 || name.length > 150 || name.trim() !== name || /\p{Cc}/u.test(name)) {
    throw new LakeError(`invalid username ${JSON.stringify(username)}`, 'use 1 to 150 printable characters, without leading or trailing spaces');
  }
  return name;
}

export function checkPassword(password: string): string {
  if (password.length < 8) throw new LakeError('the password is too short', 'use at least 8 characters');
  if (password.length > 1024) throw new LakeError('the password is too long', 'use at most 1024 characters');
  return password;
}

const toUser = (row: UserRow): User => ({ id: row.id, username: row.username, tokenVersion: row.token_version, createdAt: row.created_at });

export class UserStore {
  private readonly db: Database.Database;
  private selectById: Database.Statement<[number], UserRow> | undefined;

  constructor(file: string) {
    if (file !== ':memory:') {
      // Password hashes: only the API's own user may read them. SQLite gives the -wal and -shm
      // files the mode of the database file.
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
    }
    try {
      this.db = new Database(file);
    } catch (error) {
      throw new LakeError(`cannot open the users database ${file}: ${(error as Error).message}`, 'check LAKE_USERS_DB and the folder permissions', { cause: error });
    }
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  async create(username: string, password: string): Promise<User> {
    const name = checkUsername(username);
    const hash = await hashPassword(checkPassword(password));
    const insert = this.db.transaction((createdAt: string) => {
      const { next } = this.db
        .prepare<[], { next: number }>('SELECT max(coalesce((SELECT id FROM last_user_id), 0), coalesce((SELECT max(id) FROM users), 0)) + 1 AS next')
        .get() as { next: number };
      this.db.prepare('INSERT INTO last_user_id (one, id) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET id = excluded.id').run(next);
      return this.db
        .prepare<[number, string, string, string], UserRow>('INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING *')
        .get(next, name, hash, createdAt) as UserRow;
    });
    try {
      return toUser(insert(new Date().toISOString()));
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new LakeError(`user ${name} already exists`, `change the password with: lake user set-password ${name}`);
      throw error;
    }
  }

  list(): User[] {
    return this.db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username').all().map(toUser);
  }

  /** On every authenticated request: the statement is prepared once. */
  byId(id: number): User | undefined {
    this.selectById ??= this.db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');
    const row = this.selectById.get(id);
    return row && toUser(row);
  }

  /** Deletes the user; their tokens stop working at once. */
  delete(username: string): boolean {
    return this.db.prepare('DELETE FROM users WHERE username = ?').run(checkUsername(username)).changes > 0;
  }

  /** Sets a new password and invalidates every token issued before. */
  async setPassword(username: string, password: string): Promise<void> {
    const name = checkUsername(username);
    const hash = await hashPassword(checkPassword(password));
    const changed = this.db.prepare('UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE username = ?').run(hash, name).changes;
    if (changed === 0) throw new LakeError(`no user ${name}`, 'list the users with: lake user list');
  }

  /** Ends every session of the user: every token issued to them so far stops working. */
  revokeSessions(username: string): void {
    const name = checkUsername(username);
    const changed = this.db.prepare('UPDATE users SET token_version = token_version + 1 WHERE username = ?').run(name).changes;
    if (changed === 0) throw new LakeError(`no user ${name}`, 'list the users with: lake user list');
  }

  /** The user when the password is theirs; the same work is done for an unknown user. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?').get(username.normalize('NFC'));
    const valid = await verifyPassword(password, row?.password_hash ?? (await decoyHash));
    return row && valid ? toUser(row) : undefined;
  }

  /**
   * Marks a refresh token as used. False when it already was: a replayed token. The primary key
   * makes this atomic, also between several API processes sharing the database.
   */
  revoke(jti: string, expiresAt: number): boolean {
    const inserted = this.db.prepare('INSERT OR IGNORE INTO revoked_tokens (jti, expires_at) VALUES (?, ?)').run(jti, expiresAt).changes > 0;
    this.db.prepare('DELETE FROM revoked_tokens WHERE expires_at < ?').run(Math.floor(Date.now() / 1000));
    return inserted;
  }

  isRevoked(jti: string): boolean {
    return this.db.prepare('SELECT 1 FROM revoked_tokens WHERE jti = ?').get(jti) !== undefined;
  }

  /** Revokes a family of refresh tokens (one login and its rotations) until its session ends. */
  revokeFamily(family: string, expiresAt: number): void {
    this.db.prepare('INSERT OR IGNORE INTO revoked_families (family, expires_at) VALUES (?, ?)').run(family, expiresAt);
    this.db.prepare('DELETE FROM revoked_families WHERE expires_at < ?').run(Math.floor(Date.now() / 1000));
  }

  isFamilyRevoked(family: string): boolean {
    return this.db.prepare('SELECT 1 FROM revoked_families WHERE family = ?').get(family) !== undefined;
  }

  close(): void {
    this.db.close();
  }
}
