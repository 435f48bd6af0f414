-- Silver social posts: classifies every bronze record of `social_posts` exactly once, as a silver
-- row (reason null) or a quarantined one (reason = the first broken rule, in the order of the
-- contract's table). Duplicates among the valid posts are found afterwards, from the keys alone
-- (jobs/silver/duplicates.ts). Rules: docs/data-contract.md, "Social posts (JSON)".
--
-- A record is a non-blank line of a JSON Lines file, or an element of a file whose first
-- non-blank character is `[` (one top-level JSON array).
--
-- Two traits of Spark's JSON parser shape this query:
-- * `try_parse_json` reads the first JSON value of its text and ignores whatever follows it
--   (`{...}{...}` and `{...} x` parse). A text is exactly one JSON value when it parses both
--   wrapped in an array, `[text]`, as an array of exactly one element, and wrapped in an object,
--   `{"k":text}`: after the value, a `,` makes the array longer, a `]` breaks the object, a `}`
--   breaks the array, and anything else breaks both. Only a `]` after the value can fool the
--   array alone, so a text without any `]` is not parsed a second time.
-- * A JSON number keeps the type it was written with: `12` is BIGINT, `3.0` is DECIMAL (with
--   trailing zeros dropped: DECIMAL(1,0)), `1e3` is DOUBLE. An integer literal beyond BIGINT is a
--   DECIMAL(p,0) with a value outside the BIGINT range; a DECIMAL within the range was written
--   with a fraction.
--
-- And traits of Spark that make it fast:
-- * Every join to the per-file facts is broadcast (the hints), so the lines are read in place, by
--   many tasks, and never shuffled by file (one task a file).
-- * The fields of an object are read out of its variant in one cast to a struct of VARIANTs (one
--   pass over its keys; a `variant_get` a field searched them again each time, about a quarter of
--   the executor's time in a profile), their JSON types with `schema_of_variant`. A variant cast
--   (`variant_get(..., 'string')`) builds expression objects for every value, so the texts come
--   from one `from_json` of the record instead, and integers from those texts. Whitespace is trimmed with `trim`, not with a regular expression.
WITH

-- JSON Lines: every non-blank line is a record (the file's first non-blank character is not `[`).
json_lines_records AS (
  SELECT /*+ BROADCAST(f) */ l.batch_id, l.file AS source_file, l.line_number, CAST(NULL AS INT) AS element_index,
         l.line AS raw_record,
         -- Before any rule: a record too large to read (only its prefix is here), or not UTF-8 text.
         CASE WHEN l.too_large_bytes IS NOT NULL THEN 'record_too_large' WHEN NOT l.encoding_ok THEN 'bad_encoding' END AS unreadable,
         try_parse_json('[' || l.line || ']') AS in_array,
         NOT contains(l.line, ']') OR try_parse_json('{"k":' || l.line || '}') IS NOT NULL AS one_value
  FROM bronze_social_posts_lines l
  JOIN bronze_social_posts_file_facts f ON f.batch_id = l.batch_id AND f.file = l.file
  WHERE NOT f.is_array AND NOT l.blank
),

-- Array files (views/social_posts_array_*.sql, which the count of the records bronze landed reads
-- too): a file laid out one element a line, the way exports write them, is read line by line, each
-- element's text its raw record, and a file of any size is read without parsing it whole. Without
-- blank lines among the elements, an element's index is its line's distance to the `[`, and the
-- lines are numbered where they are read (many tasks); with blank lines, a window counts them in
-- order, which puts all the lines of such a file in one task. Each element is parsed after its
-- numbering.
array_line_records AS (
  SELECT *, try_parse_json('[' || raw_record || ']') AS in_array
  FROM (
    SELECT /*+ BROADCAST(a) */ e.batch_id, e.file AS source_file, CAST(NULL AS INT) AS line_number,
           CAST(e.line_number - a.first_line_number AS INT) AS element_index,
           e.text AS raw_record, CAST(NULL AS STRING) AS unreadable
    FROM social_posts_array_elements e
    JOIN social_posts_array_layouts a ON a.batch_id = e.batch_id AND a.file = e.file
    WHERE a.one_element_a_line AND a.without_blank_lines
    UNION ALL
    SELECT /*+ BROADCAST(a) */ e.batch_id, e.file AS source_file, CAST(NULL AS INT) AS line_number,
           CAST(row_number() OVER (PARTITION BY e.batch_id, e.file ORDER BY e.line_number) AS INT) AS element_index,
           e.text AS raw_record, CAST(NULL AS STRING) AS unreadable
    FROM social_posts_array_elements e
    JOIN social_posts_array_layouts a ON a.batch_id = e.batch_id AND a.file = e.file
    WHERE a.one_element_a_line AND NOT a.without_blank_lines
  )
),

-- Any other array file is parsed whole; an element's raw record is then its JSON as Spark
-- writes it (keys sorted, numbers normalized). A file that is not one JSON array is one
-- `malformed_json` record, and one that cannot be read one `record_too_large` or `bad_encoding`
-- record: the whole file (of a file too large, its first non-blank line), at the line of its `[`.
array_document_records AS (
  SELECT d.batch_id, d.file AS source_file, CAST(NULL AS INT) AS line_number,
         CAST(e.pos + 1 AS INT) AS element_index, to_json(e.value) AS raw_record,
         CAST(NULL AS STRING) AS unreadable, e.value
  FROM (SELECT * FROM social_posts_array_documents WHERE elements IS NOT NULL) d,
       LATERAL variant_explode(d.elements) e
  UNION ALL
  SELECT batch_id, file, CAST(first_line_number AS INT), NULL,
         IF(unreadable = 'bad_encoding', concat('base64:', replace(base64(CAST(content AS BINARY)), '\r\n', '')), content), unreadable, NULL
  FROM social_posts_array_documents
  WHERE elements IS NULL
),

-- Every record, with its JSON value when the record is exactly one JSON object (else null).
post_records AS (
  SELECT batch_id, source_file, line_number, element_index, raw_record, unreadable,
         CASE WHEN in_array IS NOT NULL AND variant_get(in_array, '$[1]') IS NULL AND one_value THEN variant_get(in_array, '$[0]') END AS value
  FROM json_lines_records
  UNION ALL
  SELECT batch_id, source_file, line_number, element_index, raw_record, unreadable, variant_get(in_array, '$[0]')
  FROM array_line_records
  UNION ALL
  SELECT batch_id, source_file, line_number, element_index, raw_record, unreadable, value
  FROM array_document_records
),
post_objects AS (
  SELECT *, value IS NOT NULL AND startswith(trim(LEADING ' \u0009\u000A\u000D' FROM raw_record), '{') AS is_object
  FROM post_records
),

-- Each field: its JSON value (SQL null when the key is missing, a variant null for `null`), and
-- the JSON type it was written with (null when missing, VOID for `null`).
post_fields AS (
  SELECT *,
         f.post_id AS f_post_id,
         schema_of_variant(f.post_id) AS t_post_id,
         f.utilisateur AS f_utilisateur,
         schema_of_variant(f.utilisateur) AS t_utilisateur,
         f.contenu AS f_contenu,
         schema_of_variant(f.contenu) AS t_contenu,
         f.texte AS f_texte,
         schema_of_variant(f.texte) AS t_texte,
         f.likes AS f_likes,
         schema_of_variant(f.likes) AS t_likes,
         f.partages AS f_partages,
         schema_of_variant(f.partages) AS t_partages,
         f.date_publication AS f_date_publication,
         schema_of_variant(f.date_publication) AS t_date_publication
  FROM (
    SELECT *,
           -- the fields as text: a string's value, an integer's digits (read only where the type
           -- says so: a JSON parser unescapes and copies them faster than a variant cast)
           IF(is_object, from_json(raw_record, 'post_id STRING, utilisateur STRING, contenu STRING, texte STRING, likes STRING, partages STRING, date_publication STRING'), NULL) AS s,
           -- the fields as variants: one pass over the object's keys (a lookup per field would
           -- search them again for each)
           try_variant_get(value, '$', 'struct<post_id variant, utilisateur variant, contenu variant, texte variant, likes variant, partages variant, date_publication variant>') AS f
    -- (all null when the record is not an object)
    FROM post_objects
  )
),

-- The values, trimmed (whitespace as in bronze: space, tab, CR, LF, VT, FF), and what each rule
-- makes of them.
post_values AS (
  SELECT *,
         -- post_id: a string, or an integer literal (`123` is the id "123").
         CASE
           WHEN t_post_id = 'STRING' THEN nullif(trim(BOTH ' \u0009\u000A\u000B\u000C\u000D' FROM s.post_id), '')
           WHEN t_post_id = 'BIGINT' OR (t_post_id LIKE 'DECIMAL(%,0)' AND try_variant_get(f_post_id, '$', 'bigint') IS NULL)
             THEN variant_get(f_post_id, '$', 'string')
         END AS v_post_id,
         -- contenu: a non-blank string; any other JSON type counts as missing.
         CASE WHEN t_contenu = 'STRING' THEN nullif(trim(BOTH ' \u0009\u000A\u000B\u000C\u000D' FROM s.contenu), '') END
           AS v_contenu,
         -- utilisateur, texte: free text; another JSON type is kept as its JSON text.
         CASE
           WHEN t_utilisateur IS NULL OR t_utilisateur = 'VOID' THEN 'inconnu'
           WHEN t_utilisateur = 'STRING' THEN coalesce(nullif(trim(BOTH ' \u0009\u000A\u000B\u000C\u000D' FROM s.utilisateur), ''), 'inconnu')
           ELSE to_json(f_utilisateur)
         END AS v_utilisateur,
         CASE
           WHEN t_texte IS NULL OR t_texte = 'VOID' THEN NULL
           WHEN t_texte = 'STRING' THEN trim(BOTH ' \u0009\u000A\u000B\u000C\u000D' FROM s.texte)
           ELSE to_json(f_texte)
         END AS v_texte,
         -- date_publication: a string in one of the forms of date_transaction, without offset in UTC.
         CASE WHEN t_date_publication = 'STRING' THEN regexp_extract(
                trim(BOTH ' \u0009\u000A\u000B\u000C\u000D' FROM s.date_publication),
                r'^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}|T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})?)?$', 0)
         END AS date_text
  FROM post_fields
),
post_checks AS (
  SELECT *,
         -- likes, partages: 'ok', 'bad' (not an integer literal) or 'out_of_range' (an integer below 0,
         -- or beyond BIGINT).
         CASE
           WHEN t_likes IS NULL OR t_likes = 'VOID' THEN 'ok'
           WHEN t_likes = 'BIGINT' THEN IF(CAST(s.likes AS BIGINT) >= 0, 'ok', 'out_of_range')
           WHEN t_likes LIKE 'DECIMAL(%,0)' AND try_variant_get(f_likes, '$', 'bigint') IS NULL THEN 'out_of_range'
           ELSE 'bad'
         END AS likes_check,
         CASE
           WHEN t_partages IS NULL OR t_partages = 'VOID' THEN 'ok'
           WHEN t_partages = 'BIGINT' THEN IF(CAST(s.partages AS BIGINT) >= 0, 'ok', 'out_of_range')
           WHEN t_partages LIKE 'DECIMAL(%,0)' AND try_variant_get(f_partages, '$', 'bigint') IS NULL THEN 'out_of_range'
           ELSE 'bad'
         END AS partages_check,
         -- An accepted form, rebuilt as `yyyy-MM-dd HH:mm:ssXXX` (midnight, UTC when absent) and
         -- parsed strictly: `2024-02-30`, `25:00:00` or an offset beyond ±18:00 give null.
         CASE
           WHEN date_text <> '' THEN try_to_timestamp(
             concat(
               substr(date_text, 1, 10), ' ',
               coalesce(nullif(substr(date_text, 12, 8), ''), '00:00:00'),
               coalesce(nullif(substr(date_text, 20), ''), 'Z')),
             'yyyy-MM-dd HH:mm:ssXXX')
         END AS parsed_date
  FROM post_values
),

-- The first broken rule, in the order of the contract's table (duplicates are found afterwards).
classified AS (
  SELECT c.batch_id, c.source_file, c.line_number, c.element_index, c.raw_record, c.unreadable,
         c.v_post_id, c.v_utilisateur, c.v_contenu, c.v_texte,
         c.s, c.likes_check, c.partages_check, c.parsed_date,
         CASE
           WHEN c.unreadable IS NOT NULL THEN c.unreadable
           WHEN NOT c.is_object THEN 'malformed_json'
           WHEN c.v_post_id IS NULL THEN 'missing_required:post_id'
           WHEN c.v_contenu IS NULL THEN 'missing_required:contenu'
           WHEN c.likes_check = 'bad' THEN 'bad_integer:likes'
           WHEN c.likes_check = 'out_of_range' THEN 'out_of_range:likes'
           WHEN c.partages_check = 'bad' THEN 'bad_integer:partages'
           WHEN c.partages_check = 'out_of_range' THEN 'out_of_range:partages'
           -- present, not null, and not a timestamp in an accepted form
           WHEN c.t_date_publication IS NOT NULL AND c.t_date_publication <> 'VOID' AND c.parsed_date IS NULL
             THEN 'bad_timestamp:date_publication'
         END AS rule_reason
  FROM post_checks c
)

SELECT
  v_post_id AS post_id,
  v_utilisateur AS utilisateur,
  v_contenu AS contenu,
  v_texte AS texte,
  CASE WHEN likes_check = 'ok' THEN coalesce(CAST(s.likes AS BIGINT), 0) END AS likes,
  CASE WHEN partages_check = 'ok' THEN coalesce(CAST(s.partages AS BIGINT), 0) END AS partages,
  parsed_date AS date_publication,
  rule_reason AS reason,
  raw_record,
  batch_id,
  source_file,
  CAST(line_number AS INT) AS line_number,
  CAST(element_index AS INT) AS element_index,
  CAST(NULL AS INT) AS kafka_partition,
  CAST(NULL AS BIGINT) AS kafka_offset
FROM classified
