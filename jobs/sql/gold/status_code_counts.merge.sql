-- status_code_counts without reading all of silver: the counts as gold published them
-- (`gold_status_code_counts`, at its version) plus the requests of the silver batches added since
-- (`silver_server_logs_added`).
WITH counts AS (
  SELECT status_code, count_requests AS requests
  FROM gold_status_code_counts
  UNION ALL
  SELECT status_code, count(*)
  FROM silver_server_logs_added
  GROUP BY status_code
)
SELECT
  status_code,
  sum(requests) AS count_requests
FROM counts
GROUP BY status_code
ORDER BY status_code
