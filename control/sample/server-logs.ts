// The server logs source: a day of the shop's web server access log a file,
// `server_logs/access-2024-05-DD.log`, in Combined Log Format, from servers in several time zones;
// one server in four writes Common Log Format, and some lines of the others too.
//
// Decisions where the contract is silent (docs/data-contract.md lists them):
// - A line that matches neither format is `malformed_row`, whatever else is wrong with it.
// - The format fixes the structure, not the values: status and bytes are any run of non-spaces,
//   and the time is whatever is inside `[...]`. Then the field rules apply, in table order:
//   `bad_timestamp:ts` (not `dd/Mon/yyyy:HH:mm:ss ±zzzz` with an English month and a real
//   date, e.g. `+02:00`, `17/Mai/...`, an ISO time, no zone), `bad_integer:status_code` (`2OO`,
//   `-`), `out_of_range:status_code` (an integer outside 100–599: `099`, `600`, `1000`),
//   `bad_integer:bytes` (`12kb`, `1.5`; only digits or `-`, which is 0).
// - The ip is not checked to be an IP address: the first token may be a host name (`HostnameLookups On`).
// - Fields are separated by exactly one space; a leading space makes the line malformed; trailing
//   spaces are allowed. A bare `"` inside a quoted field ends it (only `\"` is an escaped quote),
//   so what follows is trailing text: malformed.
// - Identical lines are two requests: server logs have no deduplication key.
// - A request line that is `-`, empty, or not three tokens (`GET /`, a TLS handshake logged as
//   `\x16\x03…`) is valid with null method, path and protocol.
import { httpMethods, httpProtocols, productSlugs, referers, searchTerms, sitePaths, statusCodes, userAgents } from './catalog.js';
import type { StatusTally } from './expected.js';
import type { RecordKind } from './kinds.js';
import type { Random } from './random.js';
import type { SampleFile, SampleSource } from './source.js';
import { clfTime, clfTimeParts, dayStart, localDateTime, offsetText } from './time.js';

/** One access-log line, field by field, as text. */
interface Hit {
  ip: string;
  ident: string;
  user: string;
  /** Inside the brackets. */
  time: string;
  /** Inside the quotes, with `"` already escaped. */
  request: string;
  status: string;
  bytes: string;
  referer: string;
  agent: string;
  common: boolean;
  trailing: string;
}

/** The servers, one a file in turn: UTC offset in minutes, and whether it logs Common Log Format. */
const servers = [
  { zone: 120, common: false },
  { zone: 0, common: false },
  { zone: -240, common: false },
  { zone: 330, common: true },
];

const scannerPaths = new Set(['/wp-login.php', '/.env']);
const writablePaths = ['/api/', '/commande/', '/compte/', '/panier'];

function render(hit: Hit): string {
  const head = `${hit.ip} ${hit.ident} ${hit.user} [${hit.time}] "${hit.request}" ${hit.status} ${hit.bytes}`;
  return (hit.common ? head : `${head} "${hit.referer}" "${hit.agent}"`) + hit.trailing;
}

function randomIpv4(random: Random): string {
  // Public-looking addresses: no 0.x, 10.x, 127.x or multicast.
  const first = random.pick([31, 37, 46, 62, 77, 78, 80, 81, 82, 83, 86, 88, 90, 91, 92, 109, 176, 185, 193, 195, 212, 213]);
  return `${first}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
}

function randomIpv6(random: Random): string {
  const hex = () => random.int(0, 0xffff).toString(16);
  return `2a01:${random.pick(['cb08', 'e0a', 'e34'])}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}`;
}

export interface ServerLogsSource extends SampleSource {
  statuses: StatusTally;
}

export function serverLogsSource(random: Random, fileRecords: readonly number[], statuses: StatusTally): ServerLogsSource {
  const files: SampleFile[] = fileRecords.map((records, index) => ({
    name: `access-${localDateTime(dayStart(index)).slice(0, 10)}.log`,
    records,
    eol: '\n',
    bom: false,
    jsonArray: false,
    ending: index % 3 === 2 ? 'blank-line' : 'newline',
  }));
  // Returning visitors: a pool of addresses, drawn again and again.
  const visitors = Array.from({ length: 600 }, () => randomIpv4(random));
  let server = servers[0] as (typeof servers)[number];
  let fileStart = 0;
  let step = 1;
  let madeInFile = 0;
  let assetHash = '';
  let lastLine: { text: string; status: number } | undefined;

  const expandPath = (template: string): string => {
    if (!template.includes('{')) return template;
    return template
      .replace('{slug}', () => random.pick(productSlugs))
      .replace('{n}', () => String(random.int(1, 24)))
      .replace('{q}', () => random.pick(searchTerms))
      .replace('{hash}', assetHash);
  };

  const sizeOf = (path: string, status: number): number => {
    if (status >= 300) return random.int(150, 620);
    if (path.startsWith('/static/')) return random.int(20_000, 180_000);
    if (path.startsWith('/images/')) return random.int(8_000, 250_000);
    if (path.startsWith('/api/')) return random.int(200, 4_000);
    return random.int(4_000, 60_000);
  };

  /** A fresh, valid hit and its status code. */
  const fresh = (): { hit: Hit; status: number } => {
    const time = fileStart + Math.floor(madeInFile++ * step) + random.int(0, Math.max(0, Math.floor(step) - 1));
    const path = expandPath(sitePaths.draw(random));
    // Only the API, the checkout and the login take more than GET and HEAD.
    const method = writablePaths.some((prefix) => path.startsWith(prefix)) ? httpMethods.draw(random) : random.chance(0.03) ? 'HEAD' : 'GET';
    let status: number = statusCodes.draw(random);
    if (scannerPaths.has(path)) status = random.pick([403, 404, 404]);
    const agent = userAgents.draw(random);
    const bot = agent.includes('Googlebot');
    return {
      hit: {
        ip: bot ? `66.249.66.${random.int(1, 200)}` : random.pick(visitors),
        ident: '-',
        user: '-',
        time: clfTime(time, server.zone),
        request: `${method} ${path} ${httpProtocols.draw(random)}`,
        status: String(status),
        // Apache logs `-` for a response without body.
        bytes: status === 204 || status === 304 || method === 'HEAD' ? '-' : String(sizeOf(path, status)),
        referer: referers.draw(random),
        agent,
        common: server.common,
        trailing: '',
      },
      status,
    };
  };

  const keep = (hit: Hit, status: number): string => {
    statuses.add(status);
    const text = render(hit);
    lastLine = { text, status };
    return text;
  };

  /** A fresh hit, changed; the change returns the status code when it sets another one. */
  const validWith = (change: (hit: Hit) => number | void): string => {
    const { hit, status } = fresh();
    return keep(hit, change(hit) ?? status);
  };

  const answeredWith = (hit: Hit, status: number): number => {
    hit.status = String(status);
    return status;
  };

  const brokenWith = (change: (hit: Hit) => string | void): string => {
    const { hit } = fresh();
    return change(hit) ?? render(hit);
  };

  /** A combined line (even on a Common Log Format server), changed. */
  const brokenCombined = (change: (hit: Hit) => string | void): string =>
    brokenWith((hit) => {
      hit.common = false;
      return change(hit);
    });

  const badTime = (): string => {
    const p = clfTimeParts(fileStart + Math.floor(madeInFile * step), server.zone);
    return random.pick([
      `32/${p.month}/${p.year}:${p.time} ${p.zone}`,
      `${p.day}/Mai/${p.year}:${p.time} ${p.zone}`,
      `${p.year}-${p.monthNumber}-${p.day}T${p.time}Z`,
      `${p.day}/${p.month}/${p.year}:${p.time}`,
      `${p.day}/${p.month}/${p.year}:25${p.time.slice(2)} ${p.zone}`,
      `${p.day}/${p.monthNumber}/${p.year}:${p.time} ${p.zone}`,
      `31/Apr/${p.year}:${p.time} ${p.zone}`,
      `${p.day}/${p.month}/${p.year}:${p.time} ${offsetText(server.zone, true)}`,
    ]);
  };

  const valid = (name: string, weight: number, make: () => string, fits?: () => boolean): RecordKind => ({ name, reason: null, weight, make, fits });
  const dirty = (name: string, reason: string, weight: number, make: () => string): RecordKind => ({ name, reason, weight, make });

  const kinds: RecordKind[] = [
    valid('common-log-format', 5, () =>
      validWith((h) => {
        h.common = true;
      }),
    ),
    valid('bytes-dash', 3, () =>
      validWith((h) => {
        h.bytes = '-';
      }),
    ),
    valid('request-dash', 1, () =>
      validWith((h) => {
        h.request = '-';
        h.bytes = '-';
        return answeredWith(h, 408);
      }),
    ),
    valid('request-not-http', 1, () =>
      validWith((h) => {
        h.request = '\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03';
        h.referer = '-';
        h.agent = '-';
        return answeredWith(h, 400);
      }),
    ),
    valid('request-empty', 0.5, () =>
      validWith((h) => {
        h.request = '';
        return answeredWith(h, 400);
      }),
    ),
    valid('request-two-tokens', 0.5, () =>
      validWith((h) => {
        h.request = 'GET /';
        return answeredWith(h, 400);
      }),
    ),
    valid('escaped-quote-in-request', 1, () =>
      validWith((h) => {
        h.request = `GET /recherche?q=\\"${random.pick(searchTerms)}\\" HTTP/1.1`;
      }),
    ),
    valid('escaped-quote-in-agent', 1, () =>
      validWith((h) => {
        h.common = false;
        h.agent = 'Mozilla/5.0 (compatible; \\"SiteScanner\\"/1.0; +http://scan.example.org)';
      }),
    ),
    valid('trailing-spaces', 2, () =>
      validWith((h) => {
        h.trailing = random.pick([' ', '   ']);
      }),
    ),
    valid('ipv6', 2, () =>
      validWith((h) => {
        h.ip = randomIpv6(random);
      }),
    ),
    valid('hostname-client', 1, () =>
      validWith((h) => {
        h.ip = `crawl-66-249-66-${random.int(1, 200)}.googlebot.com`;
        h.agent = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
      }),
    ),
    valid('authenticated-user', 1, () =>
      validWith((h) => {
        h.ident = random.pick(['-', 'www-data']);
        h.user = random.pick(['admin', 'jdupont', 'frank']);
        h.request = `GET /admin/commandes?page=${random.int(1, 9)} HTTP/1.1`;
      }),
    ),
    valid('agent-dash', 1, () =>
      validWith((h) => {
        h.common = false;
        h.referer = '-';
        h.agent = '-';
      }),
    ),
    valid(
      'repeated-line',
      1,
      () => {
        const line = lastLine as { text: string; status: number };
        statuses.add(line.status);
        return line.text;
      },
      () => lastLine !== undefined,
    ),

    dirty('unterminated-quote', 'malformed_row', 2, () => brokenCombined((h) => render(h).slice(0, -1))),
    dirty('unescaped-quote-in-agent', 'malformed_row', 2, () =>
      brokenCombined((h) => {
        h.agent = 'Mozilla/5.0 (compatible; "EvilBot" 2.0)';
      }),
    ),
    dirty('bytes-missing', 'malformed_row', 2, () =>
      brokenWith((h) => `${h.ip} ${h.ident} ${h.user} [${h.time}] "${h.request}" ${h.status}${h.common ? '' : ` "${h.referer}" "${h.agent}"`}`),
    ),
    dirty('trailing-text', 'malformed_row', 2, () =>
      brokenCombined((h) => {
        h.trailing = random.pick([` "${random.pick(visitors)}"`, ' rt=0.042 uct="0.000"', ' 0.187']);
      }),
    ),
    dirty('truncated-line', 'malformed_row', 2, () =>
      brokenWith((h) => {
        const text = render(h);
        const quote = text.indexOf('"');
        return text.slice(0, quote + 1 + random.int(1, h.request.length - 1));
      }),
    ),
    dirty('referer-without-agent', 'malformed_row', 1, () =>
      brokenWith((h) => {
        h.common = true;
        return `${render(h)} "${h.referer}"`;
      }),
    ),
    dirty('garbage-line', 'malformed_row', 2, () =>
      random.pick([
        'java.lang.IllegalStateException: Connection pool shut down',
        '\\x16\\x03\\x01\\x00\\xa5\\x01\\x00\\x00\\xa1\\x03\\x03',
        '{"level":"error","msg":"upstream timed out","upstream":"10.0.3.7:8080"}',
        '-- MARK --',
      ]),
    ),
    dirty('time-without-brackets', 'malformed_row', 1, () =>
      brokenWith((h) => render(h).replace(`[${h.time}]`, h.time)),
    ),
    dirty('malformed-and-bad-status', 'malformed_row', 1, () =>
      brokenCombined((h) => {
        h.status = 'abc';
        h.trailing = ' "-"';
      }),
    ),
    dirty('time-invalid', 'bad_timestamp:ts', 4, () =>
      brokenWith((h) => {
        h.time = badTime();
      }),
    ),
    dirty('time-invalid-and-status-bad', 'bad_timestamp:ts', 1, () =>
      brokenWith((h) => {
        h.time = badTime();
        h.status = '600';
      }),
    ),
    dirty('status-not-integer', 'bad_integer:status_code', 2, () =>
      brokenWith((h) => {
        h.status = random.pick(['2OO', '-', '20x', 'OK']);
      }),
    ),
    dirty('status-out-of-range', 'out_of_range:status_code', 3, () =>
      brokenWith((h) => {
        h.status = random.pick(['099', '600', '000', '999', '1000', '42']);
      }),
    ),
    dirty('status-and-bytes-bad', 'bad_integer:status_code', 1, () =>
      brokenWith((h) => {
        h.status = 'abc';
        h.bytes = '1.5';
      }),
    ),
    dirty('bytes-not-integer', 'bad_integer:bytes', 2, () =>
      brokenWith((h) => {
        h.bytes = random.pick(['12kb', '1.5', '0x1F', 'NaN', '1,024']);
      }),
    ),
  ];

  return {
    table: 'server_logs',
    folder: 'server_logs',
    files,
    kinds,
    statuses,
    plain: () => {
      const { hit, status } = fresh();
      return keep(hit, status);
    },
    startFile(file, index) {
      server = servers[index % servers.length] as (typeof servers)[number];
      fileStart = dayStart(index);
      step = 86_400 / file.records;
      madeInFile = 0;
      assetHash = random.int(0, 0xffffffff).toString(16).padStart(8, '0');
      lastLine = undefined;
      return undefined;
    },
    // logrotate's state file, and a line being written when the folder was copied.
    hiddenFiles: [
      { name: '.logrotate.status', content: 'logrotate state -- version 2\n"/var/log/nginx/access.log" 2024-5-17-0:0:0\n' },
      { name: '.access-2024-05-17.log.tmp', content: '83.149.9.216 - - [17/May/2024:00:00:01 +0200] "GET /produits HT' },
    ],
  };
}
