// GET /api/events/: Server-Sent Events telling a client each new gold version, so the dashboard
// redraws when gold changes instead of polling. Behind the same bearer authentication as the
// metrics. A stream ends when its access token expires (the client reconnects with a fresh one)
// or, at the next heartbeat, when its user's tokens are revoked. Open streams are capped per
// process: one more is a 503.
import { Router, type RequestHandler } from 'express';
import { accessClaims } from '../auth.js';
import type { GoldSnapshot, GoldSource } from '../gold-source.js';
import { HttpError, methodNotAllowed } from '../http-errors.js';
import type { TokenService } from '../tokens.js';

/** A comment line this often, so proxies and load balancers keep an idle stream open. */
export const HEARTBEAT_MS = 15_000;
/** How long a client waits before it reconnects (the stream's `retry:` field). */
export const RETRY_MS = 3_000;
// setTimeout's longest delay, about 24.8 days: a token living longer ends its stream then, and the client reconnects.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface EventsOptions {
  /** Open streams allowed in this process. */
  maxStreams: number;
  /** To check, at each heartbeat, that the stream's token was not revoked since it was verified. */
  tokens: TokenService;
}

const goldEvent = (snapshot: GoldSnapshot) => `event: gold\ndata: ${JSON.stringify({ version: snapshot.version, publishedAt: snapshot.publishedAt })}\n\n`;

export function eventsRoutes(gold: GoldSource, authenticate: RequestHandler, { maxStreams, tokens }: EventsOptions): Router {
  const router = Router();
  let open = 0;

  router
    .route('/api/events')
    .get(authenticate, (req, res) => {
      if (open >= maxStreams) throw new HttpError(503, 'Too many open event streams: try again later', { 'Retry-After': String(RETRY_MS / 1000) });
      const claims = accessClaims(req);
      // no-transform: a proxy must not compress or otherwise hold back the stream.
      res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store, no-transform', 'X-Accel-Buffering': 'no' });
      if (req.method === 'HEAD') return void res.end();

      open += 1;
      let closed = false;
      const send = (text: string) => {
        if (!closed) res.write(text);
      };
      const unsubscribe = gold.onVersion((snapshot) => send(goldEvent(snapshot)));
      const heartbeat = setInterval(() => {
        try {
          tokens.userFor(claims, 'access');
        } catch {
          return close(); // deleted, password changed, or `lake user revoke`
        }
        send(': keep-alive\n\n');
      }, HEARTBEAT_MS);
      const expiry = setTimeout(() => close(), Math.min(claims.exp * 1000 - Date.now(), MAX_TIMER_MS));
      /** Ends the stream (or notes the client did): nothing is written after, and the stream no longer counts. */
      function close() {
        if (closed) return;
        closed = true;
        open -= 1;
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(expiry);
        if (!res.writableEnded && !res.destroyed) res.end();
      }
      res.once('close', close);

      req.socket.setNoDelay(true);
      const current = gold.snapshot();
      send(`retry: ${RETRY_MS}\n\n${current ? goldEvent(current) : ''}`);
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
