// The social posts source: a month of posts about the shop a file, `social/posts-2024-MM.json`,
// as JSON Lines, except the second file, an export made as one top-level JSON array.
//
// Decisions where the contract is silent (docs/data-contract.md lists them):
// - A JSON Lines line that is not valid JSON, or valid JSON but not an object (`42`, `"x"`,
//   `null`, `[...]`), is `malformed_json`; so is an array element that is not an object. An array
//   file is itself valid JSON (one element a line); a broken array file is not generated.
// - A blank line in a JSON Lines file is counted in `blank_lines`; array files have none.
// - `post_id`: a JSON string, or an integer written as such (`123` is the id `"123"`, the same
//   id as `"123"` for deduplication); missing, null, `""` or an object is `missing_required:post_id`.
// - `contenu`: missing, null, blank or not a string (an object) is `missing_required:contenu`;
//   it is trimmed, and `\u00e9` escapes are the characters they stand for (same group in gold).
// - `utilisateur`: missing or null → `inconnu`. `texte`: missing or null → null.
// - `likes`, `partages`: a JSON integer literal; `3.0`, `1e3`, `"12"`, `true`, an object are
//   `bad_integer`; negative is `out_of_range`; missing or null → 0.
// - `date_publication`: missing or null → null; otherwise a string in the forms of
//   `date_transaction`; `""`, a number (epoch), an object or an impossible date are `bad_timestamp`.
// - Deduplication is on `post_id` among posts that break no other rule (as for transactions).
import { hashtags, postSubjects, postTexts, subjectByPopularity, userNames } from './catalog.js';
import type { Product } from './catalog.js';
import type { LikesTally } from './expected.js';
import type { RecordKind } from './kinds.js';
import { KeptRecords } from './memory.js';
import type { Random } from './random.js';
import type { SampleFile, SampleSource } from './source.js';
import { localDateTime, monthStart, offsetText, parisOffset } from './time.js';

interface Post {
  id: number;
  /** Letters, digits, `.` and `_`: its JSON needs no escape. */
  user: string;
  subject: string;
  /** The text of the post, as JSON. */
  textJson: string;
  likes: number;
  shares: number;
  /** Epoch seconds. */
  time: number;
}

/** A post as JSON: values already as JSON text, keys in the order they are written. */
type Fields = Map<string, string>;

type Key = (typeof standardKeys)[number];

interface Style {
  keys: readonly Key[];
  spaced: boolean;
  /** Publication times in UTC (`Z`) or with the Paris offset. */
  dates: 'utc' | 'paris';
  /** A field of the exporting tool on every post, ignored by silver. */
  extra?: readonly [string, string];
}

const standardKeys = ['post_id', 'utilisateur', 'contenu', 'texte', 'likes', 'partages', 'date_publication'] as const;

// The tools writing JSON Lines, used in turn, and the one that exports a JSON array.
const jsonLinesStyles: readonly Style[] = [
  { keys: standardKeys, spaced: false, dates: 'utc' },
  { keys: ['contenu', 'post_id', 'date_publication', 'utilisateur', 'likes', 'partages', 'texte'], spaced: true, dates: 'utc', extra: ['langue', '"fr"'] },
  { keys: ['post_id', 'date_publication', 'contenu', 'likes', 'partages', 'utilisateur', 'texte'], spaced: false, dates: 'utc' },
];
const arrayStyle: Style = { keys: standardKeys, spaced: true, dates: 'paris' };

const subjectsWithAccents = postSubjects.filter((subject) => /[^\x20-\x7e]/.test(subject.name));

const json = (value: string | number | null) => JSON.stringify(value);

// Subjects, texts and keys come from short lists: their JSON is made once.
const jsonOfText = new Map<string, string>();
function cachedJson(text: string): string {
  let encoded = jsonOfText.get(text);
  if (encoded === undefined) jsonOfText.set(text, (encoded = json(text)));
  return encoded;
}

const textsBySubject = new Map<Product, string[]>();
/** The texts of posts about a subject, as JSON. */
function textsAbout(subject: Product): string[] {
  let texts = textsBySubject.get(subject);
  if (!texts) textsBySubject.set(subject, (texts = postTexts.map((text) => json(text.replace('{p}', subject.name)))));
  return texts;
}

/** JSON string with every non-ASCII character as a `\uXXXX` escape. */
function asciiJson(text: string): string {
  return json(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface SocialPostsSource extends SampleSource {
  likes: LikesTally;
}

/** `firstId`: the number of the first fresh post (its id is 100 000 000 more). */
export function socialPostsSource(random: Random, fileRecords: readonly number[], likes: LikesTally, firstId = 1): SocialPostsSource {
  const files: SampleFile[] = fileRecords.map((records, index) => ({
    name: `posts-${localDateTime(monthStart(2024, index + 1)).slice(0, 7)}.json`,
    records,
    eol: '\n',
    bom: false,
    jsonArray: index === 1,
    ending: index % 4 === 3 ? 'no-newline' : 'newline',
  }));
  const memory = new KeptRecords<Post>(random);
  let file = files[0] as SampleFile;
  let style = arrayStyle;
  let counter = firstId - 1;
  let fileStart = 0;
  let step = 1;
  let madeInFile = 0;

  const fresh = (subject: Product = subjectByPopularity.draw(random)): Post => {
    // Around the subject's usual likes, and now and then a post that goes viral.
    let postLikes = Math.floor((subject.likes * (random.float() + random.float() + random.float()) * 2) / 3);
    if (random.chance(0.02)) postLikes *= random.int(5, 30);
    const time = fileStart + Math.floor(madeInFile++ * step) + random.int(0, Math.max(0, Math.floor(step) - 1));
    return {
      id: 100_000_000 + ++counter,
      user: random.chance(0.7) ? random.pick(userNames) : `${random.pick(userNames)}${random.int(1, 99)}`,
      subject: subject.name,
      textJson: random.pick(textsAbout(subject)),
      likes: postLikes,
      shares: Math.floor(postLikes * random.float() * 0.15),
      time,
    };
  };

  const dateText = (time: number): string =>
    style.dates === 'paris' ? localDateTime(time, parisOffset(time)) + offsetText(parisOffset(time), true) : `${localDateTime(time)}Z`;

  const valueOf = (post: Post, key: Key): string => {
    switch (key) {
      case 'post_id':
        return `"${post.id}"`;
      case 'utilisateur':
        return `"${post.user}"`;
      case 'contenu':
        return cachedJson(post.subject);
      case 'texte':
        return post.textJson;
      case 'likes':
        return String(post.likes);
      case 'partages':
        return String(post.shares);
      case 'date_publication':
        return `"${dateText(post.time)}"`;
    }
  };

  /** A post's fields, to be changed before it is written. */
  const fields = (post: Post): Fields => {
    const map: Fields = new Map(style.keys.map((key) => [key, valueOf(post, key)]));
    if (style.extra) map.set(...style.extra);
    return map;
  };

  const separators = () => (style.spaced ? { colon: ': ', comma: ', ' } : { colon: ':', comma: ',' });

  const render = (map: Fields): string => {
    const { colon, comma } = separators();
    return `{${[...map].map(([key, value]) => `${cachedJson(key)}${colon}${value}`).join(comma)}}`;
  };

  // What `render(fields(post))` gives, without building the fields: most posts are plain.
  let prefixes: string[] = [];
  let suffix = '}';
  const text = (post: Post): string => {
    let out = '';
    for (let i = 0; i < style.keys.length; i++) out += prefixes[i] + valueOf(post, style.keys[i] as Key);
    return out + suffix;
  };

  const keep = (post: Post, map?: Fields): string => {
    likes.add(post.subject, post.likes);
    memory.kept(post);
    return map ? render(map) : text(post);
  };

  const validWith = (change: (map: Fields, post: Post) => void): string => {
    const post = fresh();
    const map = fields(post);
    change(map, post);
    return keep(post, map);
  };

  /** The text of a fresh post, quarantined; a later valid post may reuse its id. */
  const rejectAs = (toText: (map: Fields, post: Post) => string): string => {
    const post = fresh();
    memory.quarantined(String(post.id));
    return toText(fields(post), post);
  };

  const rejectWith = (change: (map: Fields, post: Post) => void): string =>
    rejectAs((map, post) => {
      change(map, post);
      return render(map);
    });

  /** The text of a fresh post carrying a kept post's id. */
  const repeatKeptIdAs = (kept: Post | undefined, toText: (map: Fields) => string = render): string =>
    toText(fields({ ...fresh(), id: (kept as Post).id }));

  const repeatKeptIdWith = (kept: Post | undefined, change: (map: Fields) => void): string =>
    repeatKeptIdAs(kept, (map) => {
      change(map);
      return render(map);
    });

  /** A proper prefix of a JSON text, never splitting a character: never valid JSON. */
  const truncate = (encoded: string): string => {
    const characters = [...encoded];
    return characters.slice(0, random.int(1, characters.length - 2)).join('');
  };

  const missing = (map: Fields, key: string): void => {
    const how = random.int(0, 2);
    if (how === 0) map.delete(key);
    else map.set(key, how === 1 ? 'null' : json(''));
  };

  const hasKept = () => memory.hasThisFile || memory.hasEarlierFiles;
  const jsonLines = () => !file.jsonArray;
  const valid = (name: string, weight: number, make: () => string, fits?: () => boolean): RecordKind => ({ name, reason: null, weight, make, fits });
  const dirty = (name: string, reason: string, weight: number, make: () => string, fits?: () => boolean): RecordKind => ({ name, reason, weight, make, fits });
  const malformed = 'malformed_json';

  const kinds: RecordKind[] = [
    // First: the array file is the second file only, and forced kinds are tried in this order.
    dirty('duplicate-in-array-file', 'duplicate:post_id', 1, () => text(memory.fromThisFile() as Post), () => file.jsonArray && memory.hasThisFile),
    dirty('json-not-an-object', malformed, 2, () =>
      random.pick([json('Produit A trop bien'), '42', 'null', 'true', `[${text(fresh())}]`]),
    ),

    valid('post-id-integer', 4, () => validWith((map, post) => map.set('post_id', String(post.id)))),
    valid('utilisateur-missing', 2, () => validWith((map) => map.delete('utilisateur'))),
    valid('utilisateur-null', 1, () => validWith((map) => map.set('utilisateur', 'null'))),
    valid('texte-missing', 2, () => validWith((map) => map.delete('texte'))),
    valid('likes-missing', 2, () =>
      validWith((map, post) => {
        post.likes = 0;
        map.delete('likes');
      }),
    ),
    valid('likes-null', 1, () =>
      validWith((map, post) => {
        post.likes = 0;
        map.set('likes', 'null');
      }),
    ),
    valid('partages-missing', 2, () => validWith((map) => (random.chance(0.5) ? map.delete('partages') : map.set('partages', 'null')))),
    valid('date-missing', 2, () => validWith((map) => map.delete('date_publication'))),
    valid('date-null', 1, () => validWith((map) => map.set('date_publication', 'null'))),
    valid('date-offset', 2, () =>
      validWith((map, post) => {
        const offset = random.pick([-420, -240, 60, 120, 540]);
        map.set('date_publication', json(localDateTime(post.time, offset) + offsetText(offset, true)));
      }),
    ),
    valid('date-local', 1, () => validWith((map, post) => map.set('date_publication', json(localDateTime(post.time))))),
    valid('date-only', 1, () => validWith((map, post) => map.set('date_publication', json(localDateTime(post.time).slice(0, 10))))),
    valid('contenu-padded', 2, () => validWith((map, post) => map.set('contenu', json(` ${post.subject}  `)))),
    valid('contenu-unicode-escapes', 1, () => {
      const post = fresh(random.pick(subjectsWithAccents));
      const map = fields(post);
      map.set('contenu', asciiJson(post.subject));
      return keep(post, map);
    }),
    valid('extra-fields', 2, () =>
      validWith((map) => {
        map.set('hashtags', JSON.stringify([random.pick(hashtags), random.pick(hashtags)]));
        map.set('meta', `{"source":${json(random.pick(['instagram', 'x', 'facebook', 'tiktok']))},"version":2}`);
        map.set('geo', 'null');
      }),
    ),
    valid(
      'retry-after-quarantine',
      1,
      () => keep({ ...fresh(), id: Number(memory.takeQuarantinedId()) }),
      () => memory.hasQuarantinedIds,
    ),

    dirty('json-truncated', malformed, 3, () => rejectAs((map) => truncate(render(map))), jsonLines),
    dirty('json-trailing-comma', malformed, 2, () => rejectAs((map) => `${render(map).slice(0, -1)},}`), jsonLines),
    dirty('json-single-quotes', malformed, 1, () =>
      rejectAs((map) => {
        map.delete('texte');
        return render(map).replaceAll('"', "'");
      }),
      jsonLines,
    ),
    dirty('json-unquoted-keys', malformed, 1, () => rejectAs((map) => render(map).replace(/"(\w+)":/g, '$1:')), jsonLines),
    dirty('json-nan', malformed, 1, () => rejectWith((map) => map.set('likes', 'NaN')), jsonLines),
    dirty('json-two-objects', malformed, 1, () => rejectAs((map) => render(map) + text(fresh())), jsonLines),
    dirty('plain-text-line', malformed, 1, () => random.pick(['Export interrompu : délai dépassé', 'ERROR 502 Bad Gateway', '<html><body>Too Many Requests</body></html>']), jsonLines),
    dirty('json-truncated-duplicate', malformed, 1, () => repeatKeptIdAs(memory.any(), (map) => truncate(render(map))), () => jsonLines() && hasKept()),
    dirty('post-id-missing', 'missing_required:post_id', 2, () => rejectWith((map) => missing(map, 'post_id'))),
    dirty('post-id-object', 'missing_required:post_id', 1, () => rejectWith((map, post) => map.set('post_id', `{"id":${post.id}}`))),
    dirty('post-id-and-contenu-missing', 'missing_required:post_id', 1, () =>
      rejectWith((map) => {
        map.delete('post_id');
        map.delete('contenu');
      }),
    ),
    dirty('contenu-missing', 'missing_required:contenu', 2, () => rejectWith((map) => missing(map, 'contenu'))),
    dirty('contenu-blank', 'missing_required:contenu', 1, () => rejectWith((map) => map.set('contenu', json(random.pick(['   ', '\t']))))),
    dirty('contenu-object', 'missing_required:contenu', 1, () =>
      rejectWith((map, post) => map.set('contenu', `{"nom":${json(post.subject)},"categorie":"maison"}`)),
    ),
    dirty('contenu-missing-and-likes-negative', 'missing_required:contenu', 1, () =>
      rejectWith((map) => {
        map.delete('contenu');
        map.set('likes', '-3');
      }),
    ),
    dirty('likes-not-integer', 'bad_integer:likes', 3, () =>
      rejectWith((map) => map.set('likes', random.pick(['3.0', '12.5', '"12"', 'true', '1e3', '{"count":3}', '[]']))),
    ),
    dirty('likes-negative', 'out_of_range:likes', 2, () => rejectWith((map) => map.set('likes', random.pick(['-1', '-15'])))),
    dirty('likes-bad-and-date-bad', 'bad_integer:likes', 1, () =>
      rejectWith((map) => {
        map.set('likes', '"beaucoup"');
        map.set('date_publication', json('hier'));
      }),
    ),
    dirty('partages-not-integer', 'bad_integer:partages', 2, () => rejectWith((map) => map.set('partages', random.pick(['"4"', '2.5', '[]', 'false'])))),
    dirty('partages-negative', 'out_of_range:partages', 1, () => rejectWith((map) => map.set('partages', '-2'))),
    dirty('date-invalid', 'bad_timestamp:date_publication', 3, () =>
      rejectWith((map, post) => {
        const day = localDateTime(post.time).slice(0, 10);
        const [year, month, date] = day.split('-');
        map.set(
          'date_publication',
          random.pick([
            json(`${date}/${month}/${year} 10:00`),
            json(`${year}-02-30T10:00:00Z`),
            json('hier soir'),
            String(post.time * 1000),
            json(''),
            json(`${day}T10:00:00+0100`),
            json(`${day}T25:00:00Z`),
            `{"$date":${json(`${day}T10:00:00Z`)}}`,
          ]),
        );
      }),
    ),
    dirty('duplicate-repost', 'duplicate:post_id', 3, () => text(memory.fromThisFile() as Post), () => memory.hasThisFile),
    dirty('duplicate-updated', 'duplicate:post_id', 3, () => repeatKeptIdAs(memory.any()), hasKept),
    dirty('duplicate-across-files', 'duplicate:post_id', 3, () => repeatKeptIdAs(memory.fromEarlierFiles()), () => memory.hasEarlierFiles),
    dirty('duplicate-integer-id', 'duplicate:post_id', 1, () =>
      repeatKeptIdWith(memory.any(), (map) => map.set('post_id', (map.get('post_id') as string).replaceAll('"', ''))),
      hasKept,
    ),
    dirty('duplicate-and-likes-bad', 'bad_integer:likes', 1, () => repeatKeptIdWith(memory.any(), (map) => map.set('likes', '4.5')), hasKept),
  ];

  return {
    table: 'social_posts',
    folder: 'social',
    files,
    kinds,
    likes,
    plain: () => keep(fresh()),
    startFile(next, index) {
      file = next;
      style = next.jsonArray ? arrayStyle : (jsonLinesStyles[index % jsonLinesStyles.length] as Style);
      const { colon, comma } = separators();
      prefixes = style.keys.map((key, i) => `${i === 0 ? '{' : comma}${json(key)}${colon}`);
      suffix = `${style.extra ? `${comma}${json(style.extra[0])}${colon}${style.extra[1]}` : ''}}`;
      memory.startFile();
      fileStart = monthStart(2024, index + 1);
      step = (monthStart(2024, index + 2) - fileStart) / next.records;
      madeInFile = 0;
      return undefined;
    },
    // An interrupted download next to the finished exports.
    hiddenFiles: [{ name: '.posts-2024-05.json.part', content: '{"post_id": "100000001", "utilisateur": "julie_m", "conte' }],
  };
}
