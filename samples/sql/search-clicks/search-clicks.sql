-- Search → click-through: a windowed stream–stream FULL JOIN. A click counts for a search of the same
-- session made up to five minutes before it; searches nobody clicked and clicks without a search are
-- reported once the window has closed.
-- braid sql samples/sql/search-clicks/search-clicks.sql --input searches=samples/sql/search-clicks/searches.jsonl \
--   --input clicks=samples/sql/search-clicks/clicks.jsonl
CREATE STREAM searches (session_id TEXT, keyword TEXT, urls TEXT, ts TIMESTAMP) WITH (timestamp = 'ts');
CREATE STREAM clicks (session_id TEXT, url TEXT, ts TIMESTAMP) WITH (timestamp = 'ts');

-- urls is a space-separated list; strpos finds the clicked URL in it.
CREATE STREAM search_outcomes AS
SELECT CASE
         WHEN s.session_id IS NULL THEN 'click with no matching search'
         WHEN c.session_id IS NULL THEN 'not clicked'
         WHEN strpos(' ' || s.urls || ' ', ' ' || c.url || ' ') > 0 THEN 'clicked result'
         ELSE 'clicked a URL not in the results'
       END AS kind,
       s.keyword,
       c.url
FROM searches s
FULL JOIN clicks c
  ON c.session_id = s.session_id
 AND c.ts BETWEEN s.ts AND s.ts + INTERVAL '5' MINUTE;
