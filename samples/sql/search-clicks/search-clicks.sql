-- Search → click-through: a windowed stream–stream FULL JOIN. A click counts for a search of the same
-- session made up to five minutes before it; searches nobody clicked and clicks without a search are
-- reported once the window has closed. Impressions (one per URL shown, an UNNEST of the results) and
-- clicked results then add up to a click-through rate per URL and ten-minute window, emitted when it closes.
-- braid sql samples/sql/search-clicks/search-clicks.sql --input searches=samples/sql/search-clicks/searches.jsonl \
--   --input clicks=samples/sql/search-clicks/clicks.jsonl
CREATE STREAM searches (session_id TEXT, keyword TEXT, urls TEXT[], ts TIMESTAMP) WITH (timestamp = 'ts');
CREATE STREAM clicks (session_id TEXT, url TEXT, ts TIMESTAMP) WITH (timestamp = 'ts');

CREATE STREAM search_outcomes AS
SELECT CASE
         WHEN s.session_id IS NULL THEN 'click with no matching search'
         WHEN c.session_id IS NULL THEN 'not clicked'
         WHEN c.url = ANY(s.urls) THEN 'clicked result'
         ELSE 'clicked a URL not in the results'
       END AS kind,
       s.keyword,
       c.url,
       c.ts AS clicked_at
FROM searches s
FULL JOIN clicks c
  ON c.session_id = s.session_id
 AND c.ts BETWEEN s.ts AND s.ts + INTERVAL '5' MINUTE;

-- Every URL a search showed is an impression, at the search's time.
CREATE STREAM url_events AS
SELECT u.url, s.ts, 1 AS shown, 0 AS clicked
FROM searches s
CROSS JOIN UNNEST(s.urls) AS u (url);

-- Every clicked result is a click, at the click's time.
INSERT INTO url_events
SELECT url, clicked_at AS ts, 0 AS shown, 1 AS clicked
FROM search_outcomes
WHERE kind = 'clicked result';

CREATE MATERIALIZED VIEW click_through AS
SELECT url, window_start, window_end, SUM(shown) AS shown, SUM(clicked) AS clicked
FROM TABLE(TUMBLE(TABLE url_events, DESCRIPTOR(ts), INTERVAL '10' MINUTE))
GROUP BY url, window_start, window_end
EMIT ON WINDOW CLOSE;
