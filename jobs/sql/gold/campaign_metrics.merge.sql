-- campaign_metrics without reading all of silver: the metric as gold published it
-- (`gold_campaign_metrics`, at its version) plus the clicks and impressions of the silver batches
-- added since (`silver_ad_events_added`). Clicks and impressions add up; the rate is computed from
-- the sums exactly as campaign_metrics.sql computes it from the events.
WITH counts AS (
  SELECT campaign_id, total_clicks AS clicks, total_impressions AS impressions
  FROM gold_campaign_metrics
  UNION ALL
  SELECT campaign_id, count_if(event_type = 'click'), count_if(event_type = 'impression')
  FROM silver_ad_events_added
  GROUP BY campaign_id
)
SELECT
  campaign_id,
  sum(clicks) AS total_clicks,
  sum(impressions) AS total_impressions,
  CASE
    WHEN sum(impressions) > 0
      THEN round(CAST(sum(clicks) AS DECIMAL(20,0)) / sum(impressions), 4)
  END AS ctr
FROM counts
GROUP BY campaign_id
ORDER BY campaign_id
