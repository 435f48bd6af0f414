-- View `social_posts_array_documents`: the social-posts array files not laid out one element a line
-- (social_posts_array_layouts), each parsed whole, as one text. Read by the cleaning SQL
-- (../social_posts.sql) and by the count of the records bronze landed
-- (jobs/silver/landed-records.ts), so both tell the same files to be one JSON array.
--
-- `unreadable`: the file is never parsed, and is one record: 'record_too_large' when it has an
-- oversized line or is larger than a record may be (16 MiB, as a line: an executor holds the whole
-- text, several times over, while it parses it), 'bad_encoding' when it is not UTF-8 text.
-- `content`: the file's text, from its lines in order (a line that is not UTF-8 gets its bytes back
-- from its `base64:` form); of a file too large, only its first non-blank line.
-- `elements`: the array (a variant) when the text is exactly one JSON array by the contract's rule
-- (strict JSON, no key given twice, nothing after it: the text wrapped in `[…]` and in `{"k":…}`,
-- as social_posts_array_elements says why), else null.
WITH
whole_array_files AS (
  SELECT /*+ BROADCAST(a) */ f.batch_id, f.file, f.final_newline, f.first_line_number,
         CASE WHEN f.too_large_bytes IS NOT NULL OR NOT f.fits_one_record THEN 'record_too_large' WHEN NOT f.encoding_ok THEN 'bad_encoding' END AS unreadable
  FROM bronze_social_posts_file_facts f
  JOIN social_posts_array_layouts a ON a.batch_id = f.batch_id AND a.file = f.file
  WHERE NOT a.one_element_a_line
),
array_texts AS (
  SELECT /*+ BROADCAST(w) */ l.batch_id, l.file, w.first_line_number, w.unreadable,
         concat(
           array_join(transform(
             array_sort(collect_list(struct(l.line_number, IF(l.encoding_ok, l.line, CAST(unbase64(substr(l.line, 8)) AS STRING)) AS text))),
             x -> x.text), '\n'),
           IF(w.final_newline, '\n', '')) AS content,
         min_by(l.line, l.line_number) AS first_line
  FROM bronze_social_posts_lines l
  JOIN whole_array_files w ON w.batch_id = l.batch_id AND w.file = l.file
  -- (of a file too large, only the first non-blank line)
  WHERE w.unreadable IS DISTINCT FROM 'record_too_large' OR l.line_number = w.first_line_number
  GROUP BY l.batch_id, l.file, w.first_line_number, w.final_newline, w.unreadable
)
SELECT batch_id, file, first_line_number, unreadable, content,
       IF(unreadable IS NULL AND in_array IS NOT NULL AND variant_get(in_array, '$[1]') IS NULL
            AND try_parse_json('{"k":' || content || '}') IS NOT NULL,
          variant_get(in_array, '$[0]'), NULL) AS elements
FROM (
  SELECT batch_id, file, first_line_number, unreadable,
         IF(unreadable = 'record_too_large', first_line, content) AS content,
         IF(unreadable IS NULL, try_parse_json('[' || content || ']'), NULL) AS in_array
  FROM array_texts
)
