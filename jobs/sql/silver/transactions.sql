-- Silver transactions: classifies every record of the bronze CSV files exactly once, as a valid
-- row (reason null) or a quarantined one (reason = the first broken rule of docs/data-contract.md).
-- Duplicates among the valid records are found afterwards, from the keys alone
-- (jobs/silver/duplicates.ts).
-- A record is a non-blank physical line after its file's header line; a quoted field may not hold
-- a line break, so each line is parsed alone.
-- Patterns end with `\z`, not `$`: Java's `$` also matches before a final line terminator
-- (`\n`, U+0085, U+2028...), which would let `12<U+2028>` pass for a number.
WITH

-- The non-blank lines, the text to parse apart from the record kept as it is in bronze: a UTF-8
-- BOM belongs to the file's encoding and a CR before the LF to the line break, not to the data.
file_lines AS (
  SELECT /*+ BROADCAST(f) */
    batch_id,
    file,
    CAST(l.line_number AS INT) AS line_number,
    f.first_line_number,
    l.line AS raw_record,
    l.encoding_ok,
    l.too_large_bytes,
    regexp_replace(
      CASE WHEN l.line_number = 1 THEN regexp_replace(l.line, r'^\uFEFF', '') ELSE l.line END,
      r'\r\z', '') AS text
  FROM bronze_transactions_lines l
  JOIN bronze_transactions_file_facts f USING (batch_id, file)
  WHERE NOT l.blank
),

-- RFC 4180, one line at a time. A line is well formed when it is a comma-separated list of fields,
-- each either unquoted without any quote, or wholly quoted with inner quotes doubled: an
-- unterminated quote, a quote inside an unquoted field or text after a closing quote break it.
-- (Possessive quantifiers: the grammar is unambiguous, and they keep Java's regex off deep recursion.)
-- Fields are split on the commas outside quotes (an even number of quotes after them), then
-- unquoted and trimmed (space, tab, CR, VT, FF: the whitespace of bronze's blank lines).
-- A line without any quote (nearly all of them) is always well formed, and is split on every
-- comma: none of the regular expressions runs for it.
csv_lines AS (
  SELECT
    batch_id,
    file,
    line_number,
    raw_record,
    encoding_ok,
    too_large_bytes,
    first_line_number,
    NOT contains(text, '"') OR text RLIKE r'^(?:"(?:[^"]++|"")*+"|[^",]*+)(?:,(?:"(?:[^"]++|"")*+"|[^",]*+))*+\z' AS well_formed,
    CASE
      WHEN contains(text, '"') THEN transform(
        split(text, r',(?=(?:[^"]*+"[^"]*+")*+[^"]*+\z)', -1),
        field -> trim(BOTH ' \u0009\u000D\u000B\u000C' FROM
          CASE WHEN field LIKE '"%' THEN replace(substr(field, 2, length(field) - 2), '""', '"') ELSE field END))
      ELSE transform(split(text, ',', -1), field -> trim(BOTH ' \u0009\u000D\u000B\u000C' FROM field))
    END AS fields
  FROM file_lines
),

-- The header of each file is its first non-blank line (its number is a fact of the file, so no
-- line waits for the others of its file); its names are matched case-insensitively after
-- trimming, in any order. A column the header lacks has position 0 (its value is null).
-- The headers, a few rows, are broadcast to the records: the records are never shuffled by file.
file_headers AS (
  SELECT
    batch_id,
    file,
    line_number AS header_line,
    well_formed AS header_well_formed,
    size(fields) AS header_fields,
    array_position(names, 'transaction_id') AS transaction_id_at,
    array_position(names, 'client_id') AS client_id_at,
    array_position(names, 'produit') AS produit_at,
    array_position(names, 'quantite') AS quantite_at,
    array_position(names, 'prix') AS prix_at,
    array_position(names, 'date_transaction') AS date_transaction_at
  FROM (SELECT *, transform(fields, name -> lower(name)) AS names FROM csv_lines WHERE line_number = first_line_number)
),

-- Every line after the header is a record; its fields are picked by the header's positions
-- (`get` is 0-based and gives null for the position 0 of a missing column).
records AS (
  SELECT /*+ BROADCAST(h) */
    r.batch_id,
    r.file AS source_file,
    r.line_number,
    r.raw_record,
    r.encoding_ok,
    r.too_large_bytes,
    -- A record of a file whose header is itself not valid CSV cannot be read either.
    r.well_formed AND h.header_well_formed AND size(r.fields) = h.header_fields AS well_formed,
    coalesce(get(r.fields, h.transaction_id_at - 1), '') AS transaction_id_text,
    coalesce(get(r.fields, h.client_id_at - 1), '') AS client_id_text,
    coalesce(get(r.fields, h.produit_at - 1), '') AS produit_text,
    coalesce(get(r.fields, h.quantite_at - 1), '') AS quantite_text,
    coalesce(get(r.fields, h.prix_at - 1), '') AS prix_text,
    coalesce(get(r.fields, h.date_transaction_at - 1), '') AS date_transaction_text
  FROM csv_lines r
  JOIN file_headers h ON r.batch_id = h.batch_id AND r.file = h.file AND r.line_number > h.header_line
),

-- The values, each read by the contract's rule; null where the text breaks it.
read_values AS (
  SELECT
    *,
    -- quantite: an optional sign then digits; any such integer, however large, is in the
    -- quantity's domain (too large for 38 digits: null, hence out of range below).
    quantite_text RLIKE r'^[+-]?[0-9]+\z' AS quantite_is_integer,
    try_cast(CASE WHEN quantite_text RLIKE r'^[+-]?[0-9]+\z' THEN quantite_text END AS DECIMAL(38, 0)) AS quantite_number,
    -- prix: an optional sign, digits, then at most one `.` or `,` followed by 1 or 2 decimals.
    -- A `,` here was quoted in the file (unquoted, it would have split the row).
    prix_text RLIKE r'^[+-]?[0-9]+(?:[.,][0-9]{1,2})?\z' AS prix_is_decimal,
    try_cast(CASE WHEN prix_text RLIKE r'^[+-]?[0-9]+(?:[.,][0-9]{1,2})?\z' THEN replace(prix_text, ',', '.') END AS DECIMAL(38, 2)) AS prix_number,
    -- date_transaction: the three forms of the contract, rewritten as `YYYY-MM-DD HH:MM:SS±HH:MM`
    -- (no offset means UTC, whatever the session's time zone); an offset only in the `T` form.
    -- The parser is strict: `2024-02-30` or `24:30:00` give null.
    try_to_timestamp(
      CASE
        WHEN date_transaction_text RLIKE r'^[0-9]{4}-[0-9]{2}-[0-9]{2}\z'
          THEN date_transaction_text || ' 00:00:00Z'
        WHEN date_transaction_text RLIKE r'^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}\z'
          THEN overlay(date_transaction_text PLACING ' ' FROM 11) || 'Z'
        WHEN date_transaction_text RLIKE r'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})\z'
          THEN overlay(date_transaction_text PLACING ' ' FROM 11)
      END,
      'yyyy-MM-dd HH:mm:ssXXX') AS date_transaction_value
  FROM records
),

typed AS (
  SELECT
    *,
    CASE WHEN quantite_number BETWEEN 1 AND 1000000 THEN CAST(quantite_number AS INT) END AS quantite,
    CASE WHEN prix_number BETWEEN 0 AND 1000000 THEN CAST(prix_number AS DECIMAL(12, 2)) END AS prix
  FROM read_values
),

-- montant = quantite × prix must fit decimal(14,2); a product that does not is the price's fault
-- (the contract: `out_of_range:prix`).
priced AS (
  SELECT *, try_cast(CAST(quantite AS DECIMAL(7, 0)) * prix AS DECIMAL(14, 2)) AS montant
  FROM typed
),

-- The first broken rule, in the contract's table order (field by field: missing, format, range).
checked AS (
  SELECT
    *,
    CASE
      -- Before any rule: a record too large to read (only its prefix is here), or not UTF-8 text.
      WHEN too_large_bytes IS NOT NULL THEN 'record_too_large'
      WHEN NOT encoding_ok THEN 'bad_encoding'
      WHEN NOT well_formed THEN 'malformed_row'
      WHEN transaction_id_text = '' THEN 'missing_required:transaction_id'
      WHEN produit_text = '' THEN 'missing_required:produit'
      WHEN quantite_text = '' THEN 'missing_required:quantite'
      WHEN NOT quantite_is_integer THEN 'bad_integer:quantite'
      WHEN quantite IS NULL THEN 'out_of_range:quantite'
      WHEN prix_text = '' THEN 'missing_required:prix'
      WHEN NOT prix_is_decimal THEN 'bad_decimal:prix'
      WHEN prix IS NULL OR montant IS NULL THEN 'out_of_range:prix'
      WHEN date_transaction_text = '' THEN 'missing_required:date_transaction'
      WHEN date_transaction_value IS NULL THEN 'bad_timestamp:date_transaction'
    END AS field_reason
  FROM priced
)

-- Silver columns are partly filled for a quarantined record, and all null for a malformed row
-- (its fields cannot be told apart).
SELECT
  CASE WHEN well_formed THEN nullif(transaction_id_text, '') END AS transaction_id,
  CASE WHEN well_formed THEN coalesce(nullif(client_id_text, ''), 'inconnu') END AS client_id,
  CASE WHEN well_formed THEN nullif(produit_text, '') END AS produit,
  CASE WHEN well_formed THEN quantite END AS quantite,
  CASE WHEN well_formed THEN prix END AS prix,
  CASE WHEN well_formed THEN date_transaction_value END AS date_transaction,
  CASE WHEN well_formed THEN montant END AS montant,
  field_reason AS reason,
  raw_record,
  batch_id,
  source_file,
  line_number,
  CAST(NULL AS INT) AS element_index,
  CAST(NULL AS INT) AS kafka_partition,
  CAST(NULL AS BIGINT) AS kafka_offset
FROM checked
