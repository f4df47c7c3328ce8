-- One numbering scheme for every order: SO-<7 digits or more>, the scheme of the imported history
-- (SO-0039606). New orders take the next value of one sequence (no race, no lock); an import keeps
-- its files' numbers and moves the sequence past them (sales.order_numbers_follow()), so the order
-- created after an import is the next number. Numbers of other shapes (given by hand, other data
-- sets) are left as they are and never collide: they do not match SO-<digits>.
CREATE SEQUENCE sales.order_number_seq AS bigint;
--> statement-breakpoint
CREATE FUNCTION sales.order_numbers_follow() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE top bigint;
DECLARE cur bigint;
BEGIN
  SELECT max(substring(number FROM 4)::bigint) INTO top FROM sales.orders WHERE number ~ '^SO-[0-9]{1,18}$';
  SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO cur FROM sales.order_number_seq;
  IF top IS NOT NULL AND top > cur THEN
    PERFORM setval('sales.order_number_seq', top, true);
    RETURN top;
  END IF;
  RETURN cur;
END $$;
--> statement-breakpoint
CREATE FUNCTION sales.next_order_number() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT 'SO-' || lpad(n::text, greatest(7, length(n::text)), '0') FROM nextval('sales.order_number_seq') AS n
$$;
--> statement-breakpoint
SELECT sales.order_numbers_follow();
