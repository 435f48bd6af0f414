-- Silver ad events: every Kafka record of the committed bronze batches, classified once.
-- Duplicates among the valid events (at-least-once delivery) are found afterwards, from the keys
-- alone (jobs/silver/duplicates.ts): the first of an event_id by batch, partition and offset wins.
-- The value must be a UTF-8 JSON object; fields are read through the VARIANT type, which keeps
-- the JSON type of each value as written (a number stays a number, "12" stays a string).
WITH records AS (
  SELECT
    batch_id,
    partition AS kafka_partition,
    offset AS kafka_offset,
    CASE WHEN is_valid_utf8(value) THEN CAST(value AS STRING) ELSE concat('base64:', replace(base64(value), '\r\n', '')) END AS raw_record,
    CASE WHEN is_valid_utf8(value) THEN try_parse_json(CAST(value AS STRING)) END AS event
  FROM bronze_ad_events
),

-- The JSON type of each field as written: BIGINT, DECIMAL(p,s), DOUBLE, STRING, BOOLEAN,
-- OBJECT<...>, ARRAY<...>, VOID (JSON null); NULL when the field is absent.
typed AS (
  SELECT
    *,
    schema_of_variant(f.event_id) AS event_id_json,
    schema_of_variant(f.campaign_id) AS campaign_id_json,
    schema_of_variant(f.event_type) AS event_type_json,
    schema_of_variant(f.ts) AS ts_json,
    schema_of_variant(f.cost) AS cost_json,
    schema_of_variant(f.ad_id) AS ad_id_json,
    schema_of_variant(f.user_id) AS user_id_json
  FROM (
    SELECT *,
           -- The fields as variants, in one pass over the object's keys (a lookup per field searches
           -- them again for each; absent fields are SQL nulls, JSON nulls variant nulls).
           try_variant_get(event, '$', 'struct<event_id variant, campaign_id variant, event_type variant, ts variant, cost variant, ad_id variant, user_id variant>') AS f,
           -- The value parsed is an object when its first character that is not JSON whitespace is `{`.
           event IS NOT NULL AND startswith(trim(LEADING ' \u0009\u000A\u000D' FROM raw_record), '{') AS is_object,
           -- The fields as text, for the string ones: one JSON parser pass unescapes them all,
           -- where a variant cast per field builds expressions for every value.
           from_json(raw_record, 'event_id STRING, campaign_id STRING, ad_id STRING, user_id STRING, event_type STRING, ts STRING') AS s
    FROM records
  )
),

texts AS (
  SELECT
    *,
    -- Identifiers may be JSON strings or integers; every value is trimmed.
    trim(CASE WHEN event_id_json = 'STRING' THEN s.event_id ELSE try_variant_get(f.event_id, '$', 'string') END) AS event_id_text,
    trim(CASE WHEN campaign_id_json = 'STRING' THEN s.campaign_id ELSE try_variant_get(f.campaign_id, '$', 'string') END) AS campaign_id_text,
    trim(CASE WHEN ad_id_json = 'STRING' THEN s.ad_id ELSE try_variant_get(f.ad_id, '$', 'string') END) AS ad_id_text,
    trim(CASE WHEN user_id_json = 'STRING' THEN s.user_id ELSE try_variant_get(f.user_id, '$', 'string') END) AS user_id_text,
    lower(trim(CASE WHEN event_type_json = 'STRING' THEN s.event_type ELSE try_variant_get(f.event_type, '$', 'string') END)) AS event_type_text,
    trim(CASE WHEN ts_json = 'STRING' THEN s.ts ELSE try_variant_get(f.ts, '$', 'string') END) AS ts_text,
    CASE WHEN ts_json = 'BIGINT' THEN try_variant_get(f.ts, '$', 'bigint') END AS ts_millis,
    try_variant_get(f.cost, '$', 'decimal(12,4)') AS cost_value
  FROM typed
),

parsed AS (
  SELECT
    *,
    CASE
      WHEN ts_json = 'BIGINT' THEN timestamp_millis(ts_millis)
      -- ISO-8601 only: 2026-11-28T06:49:27[.123][Z|+05:30]; no offset means UTC (the session zone).
      WHEN ts_json = 'STRING' AND ts_text RLIKE '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})?$'
        THEN try_to_timestamp(ts_text)
    END AS ts_value,
    -- A number with at most 4 decimals; DECIMAL(p,s) carries the scale as written.
    cost_json IN ('BIGINT', 'DOUBLE') OR cost_json RLIKE '^DECIMAL\\(\\d+,[0-4]\\)$' AS cost_is_number
  FROM texts
),

checked AS (
  SELECT
    *,
    CASE
      WHEN NOT is_object THEN 'malformed_json'
      WHEN event_id_json IS NULL OR event_id_json NOT IN ('STRING', 'BIGINT') OR event_id_text = '' THEN 'missing_required:event_id'
      WHEN campaign_id_json IS NULL OR campaign_id_json NOT IN ('STRING', 'BIGINT') OR campaign_id_text = '' THEN 'missing_required:campaign_id'
      WHEN event_type_json IS NULL OR event_type_json = 'VOID' THEN 'missing_required:event_type'
      WHEN event_type_json <> 'STRING' OR event_type_text NOT IN ('impression', 'click') THEN 'bad_event_type'
      WHEN ts_json IS NULL OR ts_json = 'VOID' THEN 'missing_required:ts'
      WHEN ts_value IS NULL THEN 'bad_timestamp:ts'
      WHEN cost_json IS NOT NULL AND cost_json <> 'VOID' AND (NOT cost_is_number OR cost_value IS NULL) THEN 'bad_decimal:cost'
      WHEN cost_value < 0 THEN 'out_of_range:cost'
    END AS rule_broken
  FROM parsed
)

SELECT
  CASE WHEN rule_broken IS NULL THEN event_id_text END AS event_id,
  CASE WHEN rule_broken IS NULL THEN campaign_id_text END AS campaign_id,
  CASE WHEN rule_broken IS NULL THEN nullif(ad_id_text, '') END AS ad_id,
  CASE WHEN rule_broken IS NULL THEN event_type_text END AS event_type,
  CASE WHEN rule_broken IS NULL THEN nullif(user_id_text, '') END AS user_id,
  CASE WHEN rule_broken IS NULL THEN ts_value END AS ts,
  CASE WHEN rule_broken IS NULL THEN coalesce(cost_value, CAST(0 AS DECIMAL(12,4))) END AS cost,
  kafka_partition,
  kafka_offset,
  rule_broken AS reason,
  raw_record,
  batch_id,
  CAST(NULL AS STRING) AS source_file,
  CAST(NULL AS INT) AS line_number,
  CAST(NULL AS INT) AS element_index
FROM checked
