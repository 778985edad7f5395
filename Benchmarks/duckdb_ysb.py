"""The YSB query in DuckDB, for side-by-side numbers (Benchmarks/RESULTS.md).

    pip install duckdb==1.5.5
    python3 Benchmarks/duckdb_ysb.py <ysb data dir> <number of events>

One batch SQL statement over the same files as sluice-ysb, 2 threads, no durability.
"""
import resource
import sys
import time

import duckdb

data, events = sys.argv[1], int(sys.argv[2])
con = duckdb.connect()
con.execute("SET threads=2")
t0 = time.time()
r0 = resource.getrusage(resource.RUSAGE_SELF)
rows = con.execute(f"""
    select c.campaign_id, time_bucket(interval 10 second, e.event_time::timestamp) as window_start, count(*)
    from read_json('{data}/events/*.jsonl', format='newline_delimited',
                   columns={{'ad_id':'VARCHAR','event_type':'VARCHAR','event_time':'VARCHAR'}}) e
    join read_json('{data}/campaigns.jsonl', format='newline_delimited',
                   columns={{'ad_id':'VARCHAR','campaign_id':'VARCHAR'}}) c using (ad_id)
    where e.event_type = 'view'
    group by all
""").fetchall()
t1 = time.time()
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print(f"duckdb {duckdb.__version__}: {len(rows)} groups, {t1 - t0:.2f} s wall, {cpu:.2f} s CPU, "
      f"{events / (t1 - t0) / 1e6:.2f} M events/s wall, {events / cpu / 1e6:.2f} M events per CPU-second")
