-- The analytic segment (written back to the ERP by mining, whose results the warehouse keeps per run
-- in the mining schema) no longer opens a new customer version: the type-2 checksum is now that of
-- (segment, status, city_id) only, as the ETL computes it (MD5 of the JSON array of the values).
UPDATE dw.dim_customer
   SET scd_checksum = md5('[' || to_json(segment)::text || ',' || to_json(status)::text || ',' || coalesce(city_id::text, 'null') || ']')
 WHERE scd_checksum IS NOT NULL;
