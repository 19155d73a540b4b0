-- Cost per model and UTC day: usage records joined to claude-cost's dated rate table.
--   usage_records  one row per request (the schema on the page "Analysing logs at scale")
--   rates          claude-cost prices export
--   model_ids      claude-cost prices export --aliases
-- Exact: rates are DECIMAL(15,9) and token counts BIGINT. Each product is cast to DECIMAL(24,9) (up to 10^15
-- micro-dollars per request), so no sum below needs more than 38 digits and no engine trims a decimal place
-- (Spark would, past 38 digits); a day's total up to 10^9 dollars per model fits, and a value that does not
-- fit is an overflow error, never a rounding.
WITH usage_prompt AS (
  SELECT
    u.*,
    u.input_tokens + u.cache_write_5m_tokens + u.cache_write_1h_tokens + u.cache_read_tokens AS prompt_tokens
  FROM usage_records AS u
),
priced AS (
  SELECT
    u.day,
    COALESCE(ids.model_id, u.model) AS model,
    r.model_id AS rate_model_id,
    -- tokens x USD per million tokens = micro-dollars
    CAST(u.input_tokens * r.input_usd_per_mtok AS DECIMAL(24, 9))
      + CAST(u.cache_write_5m_tokens * r.cache_write_5m_usd_per_mtok AS DECIMAL(24, 9))
      + CAST(u.cache_write_1h_tokens * r.cache_write_1h_usd_per_mtok AS DECIMAL(24, 9))
      + CAST(u.cache_read_tokens * r.cache_read_usd_per_mtok AS DECIMAL(24, 9))
      + CAST(u.output_tokens * r.output_usd_per_mtok AS DECIMAL(24, 9)) AS token_micro_usd,
    CAST(u.web_searches * r.web_search_usd_per_request AS DECIMAL(24, 9)) AS web_search_usd
  FROM usage_prompt AS u
  LEFT JOIN model_ids AS ids
    ON ids.name = LOWER(TRIM(u.model))
  LEFT JOIN rates AS r
    ON r.model_id = ids.model_id
    AND u.day BETWEEN r.first_day AND COALESCE(r.last_day, u.day)
    AND u.prompt_tokens BETWEEN r.min_prompt_tokens AND COALESCE(r.max_prompt_tokens, u.prompt_tokens)
    AND r.batch = COALESCE(u.batch, FALSE)
    AND r.geo = COALESCE(u.geo, 'global')
    AND r.speed = COALESCE(u.speed, 'standard')
    AND r.platform = COALESCE(u.platform, ids.platform, 'anthropic')
    AND r.endpoint = COALESCE(u.endpoint, ids.endpoint, 'global')
)
SELECT
  day,
  model,
  COUNT(*) AS records,
  COUNT(rate_model_id) AS priced_records,
  -- micro-dollars to dollars: a shift of six decimal places. The scale of 15 before the shift keeps every
  -- engine from rounding the product (Snowflake, for one, keeps at most 12 decimal places unless an input has more).
  CAST(SUM(token_micro_usd) AS DECIMAL(30, 15)) * CAST(0.000001 AS DECIMAL(7, 6))
    + CAST(SUM(web_search_usd) AS DECIMAL(30, 15)) AS cost_usd
FROM priced
GROUP BY day, model
ORDER BY day, model
