-- View `social_posts_array_layouts`: one row per social-posts file whose first non-blank character
-- is `[` (one JSON array), with how its elements are read. Read by the cleaning SQL
-- (../social_posts.sql) and by the count of the records bronze landed
-- (jobs/silver/landed-records.ts), so both split a file the same way.
--
-- `one_element_a_line`: the file is laid out one element a line (social_posts_array_elements says
-- how), every element one JSON value: its elements are its lines, read where they lie (many tasks),
-- and the file is never put together. Decided from its first and last non-blank lines and a few
-- counts over the lines between them (no line of a file waits for another).
-- `without_blank_lines`: no blank line among the elements: the n-th element is then n lines after
-- the `[`.
SELECT /*+ BROADCAST(e) */ f.batch_id, f.file, f.first_line_number,
       f.too_large_bytes IS NULL
         AND f.first_line RLIKE r'^\s*\[\s*$' AND f.last_line RLIKE r'^\s*\]\s*$' AND f.last_line_number > f.first_line_number
         AND coalesce(e.elements = 0 OR (e.not_one_value = 0 AND e.without_comma = 1 AND e.last_without_comma = e.last_element), true)
         AS one_element_a_line,
       coalesce(e.elements, 0) = f.last_line_number - f.first_line_number - 1 AS without_blank_lines
FROM bronze_social_posts_file_facts f
LEFT JOIN (
  SELECT batch_id, file, count(*) AS elements, count_if(NOT one_value) AS not_one_value,
         count_if(NOT has_comma) AS without_comma, max(line_number) AS last_element,
         max(line_number) FILTER (WHERE NOT has_comma) AS last_without_comma
  FROM social_posts_array_elements
  GROUP BY batch_id, file
) e ON e.batch_id = f.batch_id AND e.file = f.file
WHERE f.is_array
