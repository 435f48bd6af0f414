// Access and refresh tokens: HS256 JWTs with the algorithm pinned on verify and every claim that
// matters checked — iss, aud, exp, nbf, sub (the user's random identity, never reused), jti,
// token_type, and `ver`, the user's token version (bumped on a password change or `lake user
// revoke`, so older tokens die). An access token is never accepted where a refresh token is
// expected, nor the reverse.
//
// A login starts a session: its refresh tokens share a family id (`fam`) and the session's end
// (`sess`, absolute: rotation never extends it, and no token of the session outlives it). A
// rotated refresh token presented again means it was stolen or replayed, so its whole family is
// revoked (RFC 9700 §4.14.2): the thief's and the user's refresh tokens both stop working, and the
// user logs in again.
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ApiConfig } from './config.js';
import { SUBJECT_PATTERN, type User, type UserStore } from './users.js';

export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  sub: string;
  token_type: TokenType;
  jti: string;
  ver: number;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  /** Refresh tokens only (and required of them): the family (one login and its rotations) and the end of its session. */
  fam?: string;
  sess?: number;
}

/** The session a refresh token belongs to. */
interface Session {
  family: string;
  endsAt: number;
}

export interface TokenPair {
  access: string;
  refresh: string;
}

/** Why a token was refused: the `detail` the client receives. */
export class TokenRejected extends Error {}

/** Longer than any token this API issues; longer ones are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 2048;

export function isTokenClaims(payload: unknown): payload is TokenClaims {
  const claims = payload as Partial<TokenClaims> | null;
  return (
    typeof claims === 'object' &&
    claims !== null &&
    typeof claims.sub === 'string' &&
    SUBJECT_PATTERN.test(claims.sub) &&
    (claims.token_type === 'access' || claims.token_type === 'refresh') &&
    typeof claims.jti === 'string' &&
    claims.jti.length > 0 &&
    Number.isSafeInteger(claims.ver) &&
    typeof claims.exp === 'number' &&
    (claims.token_type === 'access' || (typeof claims.fam === 'string' && claims.fam.length > 0 && Number.isSafeInteger(claims.sess)))
  );
}

export class TokenService {
  /**
   * The HS256 key, made once: given a string, jsonwebtoken builds a KeyObject on every call,
   * which costs about 1 ms, 25 times the verification itself.
   */
  readonly key: KeyObject;

  constructor(
    private readonly config: ApiConfig,
    private readonly users: UserStore,
  ) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  private sign(user: User, type: TokenType, session: Session): string {
    const now = Math.floor(Date.now() / 1000);
    // A login lasts at most its session: no token of it, access or refresh, expires later.
    const exp = Math.min(now + (type === 'access' ? this.config.accessTtlSeconds : this.config.refreshTtlSeconds), session.endsAt);
    const claims =
      type === 'refresh'
        ? { token_type: type, ver: user.tokenVersion, fam: session.family, sess: session.endsAt, exp }
        : { token_type: type, ver: user.tokenVersion, exp };
    return jwt.sign(claims, this.key, {
      algorithm: 'HS256',
      subject: user.subject,
      issuer: this.config.issuer,
      audience: this.config.audience,
      jwtid: randomUUID(),
    });
  }

  /** A new session's tokens (a login), or the next pair of a session (a rotation). */
  issuePair(user: User, session: Session = { family: randomUUID(), endsAt: Math.floor(Date.now() / 1000) + this.config.sessionTtlSeconds }): TokenPair {
    return { access: this.sign(user, 'access', session), refresh: this.sign(user, 'refresh', session) };
  }

  /** The verify options passport-jwt and `verify` share: the algorithm is pinned. */
  get verifyOptions(): { algorithms: jwt.Algorithm[]; issuer: string; audience: string } {
    return { algorithms: ['HS256'], issuer: this.config.issuer, audience: this.config.audience };
  }

  /** Checks decoded claims against the type expected and the user's current state. */
  userFor(payload: unknown, expected: TokenType): User {
    if (!isTokenClaims(payload)) throw new TokenRejected('Token is invalid');
    if (payload.token_type !== expected) throw new TokenRejected(`Token has wrong type: expected an ${expected} token`);
    const user = this.users.bySubject(payload.sub);
    if (!user) throw new TokenRejected('User not found');
    if (user.tokenVersion !== payload.ver) throw new TokenRejected("Token was revoked: the password changed or the user's sessions were ended");
    return user;
  }

  verify(token: string, expected: TokenType): { user: User; claims: TokenClaims } {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected('Token is too large');
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.key, this.verifyOptions);
    } catch (error) {
      throw new TokenRejected(describeJwtError(error));
    }
    const user = this.userFor(payload, expected);
    return { user, claims: payload as TokenClaims };
  }

  /**
   * Trades a refresh token for a new access token. With rotation, the refresh token is used up
   * and a new one comes back; a second use of the old one is refused.
   */
  refresh(token: string): { access: string; refresh?: string } {
    const { user, claims } = this.verify(token, 'refresh');
    // isTokenClaims required both of a refresh token.
    const session: Session = { family: claims.fam!, endsAt: claims.sess! };
    if (this.users.isFamilyRevoked(session.family)) throw new TokenRejected('Token was revoked: a token of its session was used twice; log in again');
    if (this.config.rotateRefreshTokens) {
      if (!this.users.revoke(claims.jti, claims.exp)) {
        this.users.revokeFamily(session.family, session.endsAt);
        throw new TokenRejected('Token is blacklisted: it was already used, so every token of its session is revoked; log in again');
      }
      return this.issuePair(user, session);
    }
    if (this.users.isRevoked(claims.jti)) throw new TokenRejected('Token is blacklisted');
    return { access: this.sign(user, 'access', session) };
  }
}

/** A jsonwebtoken failure as a short, safe sentence (no token contents). */
export function describeJwtError(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'Token is expired';
  if (error instanceof jwt.NotBeforeError) return 'Token is not valid yet';
  if (error instanceof jwt.JsonWebTokenError) {
    if (/audience|issuer/.test(error.message)) return 'Token was not issued for this API';
    if (/algorithm/.test(error.message)) return 'Token is signed with an algorithm this API does not accept';
    if (/signature/.test(error.message)) return 'Token signature is invalid';
  }
  return 'Token is invalid';
}
