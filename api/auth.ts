// Bearer authentication of the metrics endpoints with passport-jwt: the token is verified with
// the algorithm pinned, then its claims are checked against the user's current state. Every
// refusal is a 401 with a short `detail` and a `WWW-Authenticate` header. The user is set on
// `req.user`, and the token's verified claims on `req.authInfo` (passport's place for them).
import type { Request, RequestHandler } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { HttpError } from './http-errors.js';
import { MAX_TOKEN_LENGTH, TokenRejected, describeJwtError, type TokenClaims, type TokenService } from './tokens.js';
import type { User } from './users.js';

const STRATEGY = 'lake-jwt';

function unauthorized(detail: string): HttpError {
  return new HttpError(401, detail, { 'WWW-Authenticate': 'Bearer realm="lake"' });
}

export function requireAccessToken(tokens: TokenService): RequestHandler {
  const authenticator = new passport.Passport();
  authenticator.use(
    STRATEGY,
    new JwtStrategy(
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
    ),
  );

  return (req, res, next) => {
    const header = req.headers.authorization;
    if (!header) return next(unauthorized('Authentication credentials were not provided'));
    if (!/^Bearer\s+\S+$/i.test(header)) return next(unauthorized('Authorization header must be "Bearer <access token>"'));
    if (header.length > MAX_TOKEN_LENGTH + 7) return next(unauthorized('Token is too large'));
    const handler = authenticator.authenticate(STRATEGY, { session: false }, (error: unknown, user: User | false, info: unknown) => {
      if (error) return next(error);
      if (!user) return next(unauthorized(info instanceof TokenRejected ? info.message : describeJwtError(info)));
      req.user = user;
      req.authInfo = info as TokenClaims;
      next();
    }) as RequestHandler;
    handler(req, res, next);
  };
}

/** The verified claims of the request's access token, once `requireAccessToken` let it through. */
export function accessClaims(req: Request): TokenClaims {
  const claims = req.authInfo as TokenClaims | undefined;
  if (!claims) throw new Error('accessClaims() needs requireAccessToken before it');
  return claims;
}
