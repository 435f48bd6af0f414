-- Clicks and impressions per campaign, and the click-through rate (null without impressions).
SELECT
  campaign_id,
  count_if(event_type = 'click') AS total_clicks,
  count_if(event_type = 'impression') AS total_impressions,
  CASE
    WHEN count_if(event_type = 'impression') > 0
      THEN round(CAST(count_if(event_type = 'click') AS DECIMAL(20,0)) / count_if(event_type = 'impression'), 4)
  END AS ctr
FROM silver_ad_events
GROUP BY campaign_id
ORDER BY campaign_id
