-- Requests per status code: the valid server-log rows (silver), counted by their status code.
-- Every silver row has a status code in 100–599, so no null key.
SELECT
  status_code,
  count(*) AS count_requests
FROM silver_server_logs
GROUP BY status_code
ORDER BY status_code
