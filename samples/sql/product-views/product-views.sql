-- Product views enriched from the product table: the study note's stream–table join.
-- braid sql samples/sql/product-views/product-views.sql --input products=samples/sql/product-views/products.jsonl \
--   --input product_views=samples/sql/product-views/product_views.jsonl
CREATE TABLE products (
    product_id  TEXT PRIMARY KEY,
    price       DECIMAL,
    description TEXT,
    stock       INT
);

CREATE STREAM product_views (user_id TEXT, product_id TEXT);

-- LEFT JOIN keeps views of unknown products (price, description and stock are NULL).
CREATE STREAM enriched_views AS
SELECT v.user_id, v.product_id, p.price, p.description, p.stock
FROM product_views v
LEFT JOIN products p ON p.product_id = v.product_id;
