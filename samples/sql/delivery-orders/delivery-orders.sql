-- Delivery orders: each order's events folded into its current status row, always up to date. The stream's
-- record key is order_id (KEY): a tombstone for an order (a null value) deletes its row — the user forgetting
-- a delivered order — because the view groups by exactly that key.
-- braid sql samples/sql/delivery-orders/delivery-orders.sql --input order_events=samples/sql/delivery-orders/order_events.jsonl
CREATE STREAM order_events (
    order_id    TEXT KEY,
    type        TEXT,
    at          TIMESTAMP,
    customer_id TEXT,
    rider_id    TEXT
) WITH (timestamp = 'at');

CREATE MATERIALIZED VIEW order_status AS
SELECT order_id,
       MAX(customer_id) AS customer_id,
       -- the latest rider named by an event (non-NULL first, then newest)
       (array_agg(rider_id ORDER BY rider_id IS NULL, at DESC))[1] AS rider_id,
       (array_agg(type ORDER BY at DESC))[1] AS status,
       MAX(at) AS time
FROM order_events
GROUP BY order_id;
