-- Tax-rate invoices: each sale is taxed at the rate in force when it happened, even when a rate change
-- is reported late (a versioned table keeps every version; grace holds sales back ten minutes).
-- braid sql samples/sql/tax-invoices/tax-invoices.sql --input tax_rates=samples/sql/tax-invoices/tax_rates.jsonl \
--   --input sales=samples/sql/tax-invoices/sales.jsonl --print invoices
CREATE TABLE tax_rates (
    region  TEXT,
    rate_id TEXT,
    rate    DECIMAL,
    PRIMARY KEY (region)
) WITH (versioned = '1 day');

CREATE STREAM sales (sale_id TEXT, region TEXT, amount DECIMAL, sold_at TIMESTAMP) WITH (timestamp = 'sold_at');

CREATE STREAM invoices AS
SELECT s.sale_id, s.region, s.amount, r.rate_id, r.rate, s.amount * r.rate AS tax
FROM sales s
JOIN tax_rates FOR SYSTEM_TIME AS OF s.sold_at AS r ON r.region = s.region
GRACE PERIOD INTERVAL '10' MINUTE;
