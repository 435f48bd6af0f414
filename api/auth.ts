// Bearer authentication of the metrics endpoints with passport-jwt: the token is verified with
// the algorithm pinned, then its claims are checked against the user's current state. Every
// refusal is a 401 with a short `detail` and a `WWW-Authenticate` header. The user is set on
// `req.user`, and the token's verified claims on `req.authInfo` (passport's place for them).
//
// The one passport-jwt strategy serves two callers: `requireAccessToken`, Express middleware
// through passport, and `verifyAccessToken`, which runs the same strategy on a bare node:http
// request for the metrics' lean path (api/lean-metrics.ts), without passport's per-request
// set-up. Both make the same header checks and answer the same 401s.
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { HttpError } from './http-errors.js';
import { MAX_TOKEN_LENGTH, TokenRejected, describeJwtError, type TokenClaims, type TokenService } from './tokens.js';
import type { User } from './users.js';

const STRATEGY = 'lake-jwt';

export const WWW_AUTHENTICATE = 'Bearer realm="lake"';

function unauthorized(detail: string): HttpError {
  return new HttpError(401, detail, { 'WWW-Authenticate': WWW_AUTHENTICATE });
}

/** Why a strategy's failure refuses the token: the `detail` of the 401. */
const refusal = (info: unknown) => unauthorized(info instanceof TokenRejected ? info.message : describeJwtError(info));

/** The checks of the Authorization header made before any parsing of the token: the 401 when one fails. */
export function authorizationHeaderProblem(header: string | undefined): HttpError | undefined {
  if (!header) return unauthorized('Authentication credentials were not provided');
  if (!/^Bearer\s+\S+$/i.test(header)) return unauthorized('Authorization header must be "Bearer <access token>"');
  if (header.length > MAX_TOKEN_LENGTH + 7) return unauthorized('Token is too large');
  return undefined;
}

/**
 * The access-token strategy: passport-jwt takes the token from the Authorization header,
 * jsonwebtoken verifies it (HS256 pinned, issuer, audience, expiry, not-before), then the claims
 * are checked against the user's current state (`TokenService.userFor`).
 */
export function accessTokenStrategy(tokens: TokenService): JwtStrategy {
  return new JwtStrategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands the key to jsonwebtoken as is; its types predate KeyObject keys.
      secretOrKeyProvider: (_req, _token, done) => done(null, tokens.key as unknown as string),
      ...tokens.verifyOptions,
    },
    (payload: unknown, done: (error: unknown, user?: User | false, info?: unknown) => void) => {
      try {
        // userFor has checked the payload's claims: they are passed on as the authentication's info.
        done(null, tokens.userFor(payload, 'access'), payload);
      } catch (error) {
        if (error instanceof TokenRejected) done(null, false, error);
        else done(error);
      }
    },
  );
}

export function requireAccessToken(strategy: JwtStrategy): RequestHandler {
  const authenticator = new passport.Passport();
  authenticator.use(STRATEGY, strategy);

  return (req, res, next) => {
    const problem = authorizationHeaderProblem(req.headers.authorization);
    if (problem) return next(problem);
    const handler = authenticator.authenticate(STRATEGY, { session: false }, (error: unknown, user: User | false, info: unknown) => {
      if (error) return next(error);
      if (!user) return next(refusal(info));
      req.user = user;
      req.authInfo = info as TokenClaims;
      next();
    }) as RequestHandler;
    handler(req, res, next);
  };
}

/** What `verifyAccessToken` found: the user and the token's claims, a 401 to answer, or an unexpected error. */
export type AccessCheck = { user: User; claims: TokenClaims } | { refused: HttpError } | { failed: unknown };

/** The per-request face of a strategy that passport adds before it calls `authenticate` (passport-strategy's actions). */
type StrategyAttempt = JwtStrategy & {
  success(user: User, info: unknown): void;
  fail(challenge: unknown): void;
  error(error: unknown): void;
};

/**
 * What `requireAccessToken` decides for a request, without Express or passport: the same header
 * checks, then the strategy itself, given the three actions passport would give it. undefined
 * when the strategy did not decide at once (passport-jwt and jsonwebtoken do, with a key given
 * at once: the caller then hands the request to the Express path).
 */
export function verifyAccessToken(strategy: JwtStrategy, req: IncomingMessage): AccessCheck | undefined {
  const problem = authorizationHeaderProblem(req.headers.authorization);
  if (problem) return { refused: problem };
  let check: AccessCheck | undefined;
  const attempt = Object.create(strategy) as StrategyAttempt;
  attempt.success = (user, info) => void (check = { user, claims: info as TokenClaims });
  attempt.fail = (challenge) => void (check = { refused: refusal(challenge) });
  attempt.error = (error) => void (check = { failed: error });
  // passport-jwt reads only the Authorization header of the request.
  attempt.authenticate(req as Request, { session: false });
  return check;
}

/** The verified claims of the request's access token, once `requireAccessToken` let it through. */
export function accessClaims(req: Request): TokenClaims {
  const claims = req.authInfo as TokenClaims | undefined;
  if (!claims) throw new Error('accessClaims() needs requireAccessToken before it');
  return claims;
}
