-- Gold: average likes per product (`contenu`) over the valid social posts, with the number of
-- posts. The mean is rounded half-up to 2 decimals exactly, in integers: likes are ≥ 0, so
-- round(sum / n, 2) × 100 = floor((200 × sum + n) / (2 × n)). (Dividing decimals first would
-- round twice: Spark caps the quotient's scale.)
SELECT
  contenu,
  CAST((200 * CAST(sum(likes) AS DECIMAL(38, 0)) + count(*)) div (2 * count(*)) * 0.01 AS DECIMAL(21, 2)) AS avg_likes,
  count(*) AS nb_posts
FROM silver_social_posts
GROUP BY contenu
ORDER BY contenu
