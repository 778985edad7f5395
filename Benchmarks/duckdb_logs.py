"""DuckDB beside the log benchmark (issue 15): the same log dump through delta_scan, the same
filter over the raw JSON (no partitions, no statistics: every byte parsed), and the 24-hour error
chart from the raw Delta table. DuckDB 1.5.5 with its delta extension, 2 threads.

usage: python3 Benchmarks/duckdb_logs.py DIR CUSTOMER SERVICE FROM_UTC TO_UTC RAW_GLOB REPEATS
"""
import os, sys, time
import duckdb, duckdb_extension_delta

root, customer, service, t0, t1, raw_glob, repeats = sys.argv[1:8]
repeats = int(repeats)
con = duckdb.connect()
con.execute("SET threads = 2")
ext = os.path.join(os.path.dirname(duckdb_extension_delta.__file__), "extensions", "v" + duckdb.__version__, "delta.duckdb_extension")
con.execute(f"LOAD '{ext}'")
table = os.path.join(root, "tables/logs")
where = f"customer = '{customer}' AND service = '{service}' AND ts >= TIMESTAMPTZ '{t0}' AND ts < TIMESTAMPTZ '{t1}'"

def timed(sql, n):
    times, rows = [], None
    for _ in range(n):
        s = time.perf_counter()
        rows = con.execute(sql).fetchall()
        times.append(time.perf_counter() - s)
    return times, rows

times, rows = timed(f"SELECT * FROM delta_scan('{table}') WHERE {where} ORDER BY ts", repeats)
print(f"duckdb delta_scan dump: {len(rows)} rows; first {times[0]:.3f} s, median {sorted(times)[len(times)//2]:.3f} s")

times, rows = timed(f"""SELECT date_trunc('minute', ts) AS m, service, count(*) FROM delta_scan('{table}')
    WHERE level = 'ERROR' AND ts >= TIMESTAMPTZ '{t0[:10]} 00:00:00+00' AND ts < TIMESTAMPTZ '{t0[:10]} 00:00:00+00' + INTERVAL 1 DAY
    GROUP BY ALL""", repeats)
print(f"duckdb delta_scan 24 h error chart (UTC day): {len(rows)} minute x service cells; first {times[0]:.3f} s, median {sorted(times)[len(times)//2]:.3f} s")

s = time.perf_counter()
rows = con.execute(f"""SELECT * FROM read_json('{raw_glob}', format = 'newline_delimited', compression = 'zstd',
    columns = {{ts: 'TIMESTAMPTZ', customer: 'VARCHAR', service: 'VARCHAR', level: 'VARCHAR', host: 'VARCHAR',
               latency_ms: 'BIGINT', status: 'BIGINT', message: 'VARCHAR'}})
    WHERE {where}""").fetchall()
print(f"duckdb raw JSON scan ({raw_glob}): {len(rows)} rows in {time.perf_counter() - s:.1f} s")
