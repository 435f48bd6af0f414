-- Silver cleaning of the server logs: every record of bronze_server_logs_lines (a non-blank line)
-- classified exactly once, as a silver row (reason null) or a quarantined one (reason set).
-- Rules: docs/data-contract.md, "Server logs"; output columns: jobs/sql/README.md.
-- A silver column holds a value only when its own rule passed: a quarantined record keeps the
-- fields that were good (a malformed line keeps none).
WITH

-- A record is a non-blank physical line. A CRLF file leaves a CR at the end of each line: it is
-- not part of the text that is parsed (raw_record keeps the line as it is in bronze).
records AS (
  SELECT
    batch_id,
    file AS source_file,
    line_number,
    line AS raw_record,
    encoding_ok,
    too_large_bytes,
    -- (without a regular expression, which would decode every line into a Java string first)
    IF(endswith(line, '\r'), substr(line, 1, length(line) - 1), line) AS text
  FROM bronze_server_logs_lines
  WHERE NOT blank
),

-- The whole line against both log formats, with one pattern. Its groups:
--
--   ip ident user [time] "request" status bytes "referer" "user agent"
--   1  2     3     4      5        6      7      8         9
--
-- - Common Log Format is Combined without its last two quoted fields: groups 8 and 9 are one
--   optional group, both or neither.
-- - Fields are separated by exactly one space (a leading space does not match); only spaces may
--   follow the last field. `\z` and not `$`: Java's `$` also accepts a final line terminator such
--   as U+0085 or U+2028 before the end.
-- - A quoted field is characters other than `"` and `\`, and `\`-escapes (`\"` is a quote inside
--   the field, `\\` a backslash, `\x16` an escaped byte) between them. A bare `"` ends the field,
--   so what follows it is trailing text and the line does not match. Written as an unrolled loop
--   with possessive quantifiers, `[^"\\]*+(?:\\.[^"\\]*+)*+`, rather than `(?:[^"\\]|\\.)*`: Java
--   recurses once per repetition of a group, so the plain form overflows the stack on a quoted
--   field of a few thousand characters (and is slower); this one was tried on a 1.2 MB agent.
-- - Status and bytes are any token here: their own rules below tell a bad value from a bad line.
log_lines AS (
  SELECT
    *,
    regexp_replace(text,
      r'^(\S+) (\S+) (\S+) \[([^\]]*)\] "([^"\\]*+(?:\\.[^"\\]*+)*+)" (\S+) (\S+)(?: "([^"\\]*+(?:\\.[^"\\]*+)*+)" "([^"\\]*+(?:\\.[^"\\]*+)*+)")? *\z',
      '\u0000$1\u0000$4\u0000$5\u0000$6\u0000$7\u0000$8\u0000$9') AS matched,
    startswith(matched, '\u0000') AS well_formed
  FROM records
),

-- The fields of a well-formed line, as text; all null for a malformed one. Quoted fields lose
-- their escapes (`\"` → `"`, `\\` → `\`; other escapes such as `\x16` stay as written). Fields
-- that may hold spaces (the time, the quoted ones) are trimmed, as every value of a file source is:
-- `[ 17/May/2024:10:05:03 +0200 ]` is a good time.
-- The groups come out of the one match of the pattern, the line rewritten as its groups, each
-- after a NUL, and split. No line bronze reads as UTF-8 text holds a NUL, and a line the pattern
-- does not match comes back unchanged: a leading NUL is a match (no `RLIKE` matches it again).
field_texts AS (
  SELECT
    *,
    groups[0] AS ip_text,
    trim(groups[1]) AS time_text,
    trim(IF(contains(groups[2], '\\'), regexp_replace(groups[2], r'\\(["\\])', '$1'), groups[2])) AS request_text,
    groups[3] AS status_text,
    groups[4] AS bytes_text,
    trim(IF(contains(groups[5], '\\'), regexp_replace(groups[5], r'\\(["\\])', '$1'), groups[5])) AS referer_text,
    trim(IF(contains(groups[6], '\\'), regexp_replace(groups[6], r'\\(["\\])', '$1'), groups[6])) AS agent_text
  FROM (
    SELECT *, IF(well_formed, split(substr(matched, 2), '\u0000', -1), NULL) AS groups
    FROM log_lines
  )
),

-- Each field's rule, in the contract's table order.
checked_fields AS (
  SELECT
    *,
    -- `dd/Mon/yyyy:HH:mm:ss ±zzzz` exactly, with an English month as Apache writes it (`May`, not
    -- `may` or `Mai`) and an offset without colon; then a real date and time (not 31/Apr, not 25:00).
    IF(
      time_text RLIKE r'^\d{2}/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\z',
      try_to_timestamp(time_text, 'dd/MMM/yyyy:HH:mm:ss Z'),
      NULL
    ) AS ts_value,
    -- `METHOD PATH PROTOCOL`: three tokens. `-`, empty, `GET /`, a TLS handshake: all three null.
    -- One match, the tokens rewritten each after a NUL as the line's groups are.
    regexp_replace(request_text, r'^(\S+) (\S+) (\S+)\z', '\u0000$1\u0000$2\u0000$3') AS request_tokens,
    IF(startswith(request_tokens, '\u0000'), split(substr(request_tokens, 2), '\u0000', -1), NULL) AS request_parts,
    -- An integer is an optional sign then digits, as everywhere in the lake: `2OO`, `-`, `20x` are
    -- not; `099` is 99, out of range. One that overflows an INT is out of range as well.
    status_text RLIKE r'^[+-]?\d+\z' AS status_is_integer,
    try_cast(status_text AS INT) AS status_value,
    -- Bytes: digits, or `-` for a response without body, which is 0.
    CASE WHEN bytes_text = '-' THEN 0L WHEN bytes_text RLIKE r'^\d+\z' THEN try_cast(bytes_text AS BIGINT) END AS bytes_value
  FROM field_texts
),

classified AS (
  SELECT
    *,
    CASE
      -- Before any rule: a record too large to read (only its prefix is here), or not UTF-8 text.
      WHEN too_large_bytes IS NOT NULL THEN 'record_too_large'
      WHEN NOT encoding_ok THEN 'bad_encoding'
      WHEN NOT well_formed THEN 'malformed_row'
      WHEN ts_value IS NULL THEN 'bad_timestamp:ts'
      WHEN NOT status_is_integer THEN 'bad_integer:status_code'
      WHEN status_value IS NULL OR status_value NOT BETWEEN 100 AND 599 THEN 'out_of_range:status_code'
      WHEN bytes_value IS NULL AND NOT bytes_text RLIKE r'^\d+\z' THEN 'bad_integer:bytes'
      -- Digits beyond a BIGINT: an integer, but not one the column can hold.
      WHEN bytes_value IS NULL THEN 'out_of_range:bytes'
    END AS reason
  FROM checked_fields
)

SELECT
  ip_text AS ip,
  ts_value AS ts,
  request_parts[0] AS method,
  request_parts[1] AS path,
  request_parts[2] AS protocol,
  IF(status_value BETWEEN 100 AND 599, status_value, NULL) AS status_code,
  bytes_value AS bytes,
  -- `-` or absent (Common Log Format, or an empty field) → null.
  IF(referer_text IN ('-', ''), NULL, referer_text) AS referer,
  IF(agent_text IN ('-', ''), NULL, agent_text) AS user_agent,
  reason,
  raw_record,
  batch_id,
  source_file,
  CAST(line_number AS INT) AS line_number,
  CAST(NULL AS INT) AS element_index,
  CAST(NULL AS INT) AS kafka_partition,
  CAST(NULL AS BIGINT) AS kafka_offset
FROM classified
