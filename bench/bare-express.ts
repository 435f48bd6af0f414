// The floor of `npm run bench:api`: Express with a single route that writes a fixed JSON body of
// the given size — no security headers, no token, no gold — on as many worker processes as the
// API, so the API's figures can be read as a ratio to what Express itself allows here.
//
//   tsx bench/bare-express.ts <port> <body bytes> <workers>
import cluster from 'node:cluster';
import express from 'express';

const [port, bytes, workers] = process.argv.slice(2).map(Number) as [number, number, number];

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', () => {
      if (++listening === workers) process.stdout.write('listening\n');
    });
  }
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else {
  const body = Buffer.from(JSON.stringify([{ padding: 'x'.repeat(Math.max(0, bytes - 16)) }]));
  const app = express();
  app.get('/', (_req, res) => {
    res.set('Content-Type', 'application/json; charset=utf-8').send(body);
  });
  app.listen(port, '127.0.0.1', () => process.send?.('listening'));
}
