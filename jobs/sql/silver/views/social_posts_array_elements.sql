-- View `social_posts_array_elements`: the lines between the `[` and the `]` of each social-posts
-- file that is one JSON array (its first non-blank character is `[`) and can be read (no oversized
-- line), each as the text of an element when the file is laid out one element a line, the way
-- exports write them: `[` alone on the file's first non-blank line, `]` alone on its last, each
-- non-blank line between them one JSON value followed by a `,`, except the last.
-- Read by the cleaning SQL (../social_posts.sql) and by social_posts_array_layouts.
--
-- `one_value`: the text is exactly one JSON value by the contract's rule (strict JSON, no key given
-- twice). Spark's parser reads the first value of a text and ignores what follows, so the text is
-- parsed wrapped in an array, `[text]`, which must hold exactly one element, and, when it holds a
-- `]` (the only character after a value that can fool the array alone), in an object, `{"k":text}`.
SELECT batch_id, file, line_number, text, has_comma,
       in_array IS NOT NULL AND variant_get(in_array, '$[1]') IS NULL
         AND (NOT contains(text, ']') OR try_parse_json('{"k":' || text || '}') IS NOT NULL) AS one_value
FROM (
  SELECT *, try_parse_json('[' || text || ']') AS in_array
  FROM (
    SELECT batch_id, file, line_number,
           -- the element's text, and whether a comma follows it
           IF(endswith(trimmed, ','), trim(TRAILING ' \u0009\u000A\u000B\u000C\u000D' FROM substr(trimmed, 1, length(trimmed) - 1)), trimmed) AS text,
           endswith(trimmed, ',') AS has_comma
    FROM (
      SELECT /*+ BROADCAST(f) */ l.batch_id, l.file, l.line_number, trim(BOTH ' \u0009\u000A\u000B\u000C\u000D' FROM l.line) AS trimmed
      FROM bronze_social_posts_lines l
      JOIN bronze_social_posts_file_facts f ON f.batch_id = l.batch_id AND f.file = l.file
      -- A file with an oversized line is never parsed: it is one record.
      WHERE f.is_array AND f.too_large_bytes IS NULL AND NOT l.blank
        AND l.line_number > f.first_line_number AND l.line_number < f.last_line_number
    )
  )
)
