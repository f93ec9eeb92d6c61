-- Twitter timelines, the study note's table–table join, kept up to date as tweets and follows change.
-- Run: braid sql samples/sql/timelines/timelines.sql --input tweets=samples/sql/timelines/tweets.jsonl \
--        --input follows=samples/sql/timelines/follows.jsonl
CREATE TABLE tweets (
    id        BIGINT,
    sender_id TEXT,
    text      TEXT,
    timestamp BIGINT,
    PRIMARY KEY (id)
) WITH (topic = 'tweets', format = 'json');

CREATE TABLE follows (
    follower_id TEXT,
    followee_id TEXT,
    PRIMARY KEY (follower_id, followee_id)
) WITH (topic = 'follows', format = 'json');

-- The query exactly as the study note writes it.
CREATE MATERIALIZED VIEW timelines AS
SELECT follows.follower_id AS timeline_id,
       array_agg(tweets.* ORDER BY tweets.timestamp DESC)
FROM tweets
JOIN follows ON follows.followee_id = tweets.sender_id
GROUP BY follows.follower_id;
