// The API's users and revoked refresh tokens, in an embedded SQLite database (better-sqlite3).
// Tokens name a user by `subject`, a random identity made when the user is created and never
// given to anyone else: a deleted user's tokens name nobody, even once a new user has their row
// id, or the database was made again from scratch. A user's `token_version` is written into every
// token issued to them; changing the password, or `lake user revoke`, bumps it, which invalidates
// every token issued before.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LakeError } from '../control/errors.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';

export interface User {
  /** The random identity tokens carry in `sub`. */
  subject: string;
  username: string;
  tokenVersion: number;
  createdAt: string;
}

interface UserRow {
  subject: string;
  username: string;
  password_hash: string;
  token_version: number;
  created_at: string;
}

/** 16 random bytes, base64url: what a subject looks like. */
export const SUBJECT_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const newSubject = () => randomBytes(16).toString('base64url');

/**
 * The schema, one step per version: step i brings a database from `PRAGMA user_version` i to
 * i + 1. A database made before versions were recorded is at 0 and already has the tables of the
 * first step, so every step works on it as on a new one.
 */
const MIGRATIONS: ((db: Database.Database) => void)[] = [
  (db) =>
    db.exec(`
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
    `),
  // Tokens named users by row id, which SQLite gives again (the largest, once its user is
  // deleted; every id, to a database made anew). Each user gets a random identity instead: tokens
  // issued before this step name nobody, and their users log in again. The high-water mark of
  // ids an earlier version kept for the same purpose is no longer needed.
  (db) => {
    db.exec('ALTER TABLE users ADD COLUMN subject TEXT');
    const setSubject = db.prepare('UPDATE users SET subject = ? WHERE id = ?');
    for (const { id } of db.prepare<[], { id: number }>('SELECT id FROM users').all()) setSubject.run(newSubject(), id);
    db.exec('CREATE UNIQUE INDEX users_subject ON users (subject); DROP TABLE IF EXISTS last_user_id');
  },
];

/** Brings the database to the newest schema; of several processes opening it at once, one migrates. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new LakeError(`the users database has schema version ${version}, newer than this lake knows (${MIGRATIONS.length})`, 'run the lake version that made it');
    }
    for (const step of MIGRATIONS.slice(version)) step(db);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

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

const toUser = (row: UserRow): User => ({ subject: row.subject, username: row.username, tokenVersion: row.token_version, createdAt: row.created_at });

/** Users kept by `bySubject` at most; more, and it starts again empty. */
const MAX_KNOWN_USERS = 10_000;

export class UserStore {
  private readonly db: Database.Database;
  private selectBySubject: Database.Statement<[string], UserRow> | undefined;
  private dataVersion: Database.Statement<[], number> | undefined;
  /** What `bySubject` read (undefined for nobody), valid while the database is unchanged: see `bySubject`. */
  private readonly known = new Map<string, User | undefined>();
  private knownAt: number | undefined;

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
    migrate(this.db);
  }

  async create(username: string, password: string): Promise<User> {
    const name = checkUsername(username);
    const hash = await hashPassword(checkPassword(password));
    try {
      const row = this.db
        .prepare<[string, string, string, string], UserRow>('INSERT INTO users (subject, username, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING *')
        .get(newSubject(), name, hash, new Date().toISOString()) as UserRow;
      this.changed();
      return toUser(row);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new LakeError(`user ${name} already exists`, `change the password with: lake user set-password ${name}`);
      throw error;
    }
  }

  list(): User[] {
    return this.db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username').all().map(toUser);
  }

  /**
   * On every authenticated request: the user's current state. What it read is kept as long as the
   * database is unchanged, which SQLite's `data_version` tells for the writes of every other
   * connection (another worker, `lake user …` in another process), checked on every call, and
   * which this store's own writes tell by forgetting it: a deletion, a password change or a
   * revocation takes effect at the next request, whoever made it.
   */
  bySubject(subject: string): User | undefined {
    this.dataVersion ??= this.db.prepare<[], number>('PRAGMA data_version').pluck();
    const version = this.dataVersion.get()!;
    if (version !== this.knownAt || this.known.size >= MAX_KNOWN_USERS) {
      this.known.clear();
      this.knownAt = version;
    }
    if (this.known.has(subject)) return this.known.get(subject);
    this.selectBySubject ??= this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE subject = ?');
    const row = this.selectBySubject.get(subject);
    const user = row && Object.freeze(toUser(row));
    this.known.set(subject, user);
    return user;
  }

  /** After a write of this connection, which `data_version` does not count. */
  private changed(): void {
    this.known.clear();
  }

  /** Deletes the user; their tokens stop working at once. */
  delete(username: string): boolean {
    const deleted = this.db.prepare('DELETE FROM users WHERE username = ?').run(checkUsername(username)).changes > 0;
    this.changed();
    return deleted;
  }

  /** Sets a new password and invalidates every token issued before. */
  async setPassword(username: string, password: string): Promise<void> {
    const name = checkUsername(username);
    const hash = await hashPassword(checkPassword(password));
    const changed = this.db.prepare('UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE username = ?').run(hash, name).changes;
    this.changed();
    if (changed === 0) throw new LakeError(`no user ${name}`, 'list the users with: lake user list');
  }

  /** Ends every session of the user: every token issued to them so far stops working. */
  revokeSessions(username: string): void {
    const name = checkUsername(username);
    const changed = this.db.prepare('UPDATE users SET token_version = token_version + 1 WHERE username = ?').run(name).changes;
    this.changed();
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
