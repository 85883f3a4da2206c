-- Spend per market segment over a user's own orders and customers (any tables with these
-- columns: CSV with a header, or parquet). Each cell reads the tables of its scale factor.
select c.c_mktsegment as segment,
       count(*) as orders,
       sum(o.o_totalprice) as spent
from orders o
join customer c on o.o_custkey = c.c_custkey
group by c.c_mktsegment
order by spent desc
