"""Throughput of `sluice ingest` (release build) into the raw Delta table.

    python3 Benchmarks/ingest_bench.py SLUICE_BINARY [--records N] [--file-mb MB]

1. Kinesis: starts moto's server on a free loopback port, puts N records (about 200 bytes of
   JSON each, 4 shards) with boto3, then times `sluice ingest kinesis://... --trigger
   available-now` reading them all. moto answers one request at a time in Python, so this
   measures moto more than Sluice: the CPU time of the ingest process is reported beside it.
2. Files: writes MB megabytes of JSON lines in 16 files and times `sluice ingest DIR` (no
   --date-field, then with --date-field), reporting MB/s of wall time and MB per CPU-second
   (user + system of the ingest process), i.e. per core.
"""
import json, os, random, resource, shutil, socket, subprocess, sys, tempfile, time

binary = sys.argv[1]
args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
records = int(args.get("--records", 100000))
file_mb = int(args.get("--file-mb", 256))
work = tempfile.mkdtemp(prefix="sluice-ingest-bench-")
env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")


def line(i, rng):
    return json.dumps({"timestamp": f"2026-11-25T10:{(i // 60) % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z", "level": rng.choice(["INFO", "WARN", "ERROR"]),
                       "service": f"svc-{i % 17}", "latency_ms": rng.randint(1, 5000), "message": "request served " + "x" * rng.randint(40, 80)})


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{cmd} failed: {out.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stdout.strip()


def proc_cpu(pid):
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kinesis():
    import boto3
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    moto = subprocess.Popen(["python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port)).close(); break
            except OSError:
                time.sleep(0.1)
        k = boto3.client("kinesis", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        k.create_stream(StreamName="bench", ShardCount=4)
        rng = random.Random(1)
        data = [line(i, rng).encode() for i in range(records)]
        total = sum(len(d) for d in data)
        for i in range(0, records, 500):
            k.put_records(StreamName="bench", Records=[{"Data": d, "PartitionKey": f"pk-{j}"} for j, d in enumerate(data[i:i + 500])])
        moto_before = proc_cpu(moto.pid)
        wall, cpu, out = timed([binary, "ingest", "kinesis://bench", "--endpoint", url, "--region", "us-east-1",
                                "--table", f"{work}/k-table", "--checkpoint", f"{work}/k-cp"])
        moto_cpu = proc_cpu(moto.pid) - moto_before
        print(f"kinesis (moto): {records} records, {total / 1e6:.1f} MB in {wall:.2f} s: {records / wall:,.0f} records/s, "
              f"{total / 1e6 / wall:.2f} MB/s; CPU: ingest process {cpu:.2f} s ({total / 1e6 / cpu:.1f} MB per CPU-second), "
              f"moto {moto_cpu:.2f} s — {out}")
    finally:
        moto.terminate(); moto.wait()


def files():
    src = f"{work}/files"
    os.makedirs(src)
    rng = random.Random(2)
    total, i = 0, 0
    per_file = file_mb * 1_000_000 // 16
    for f in range(16):
        with open(f"{src}/logs-{f:03d}.jsonl", "w") as out:
            written = 0
            while written < per_file:
                chunk = "\n".join(line(i + j, rng) for j in range(1000)) + "\n"
                out.write(chunk); written += len(chunk); i += 1000
            total += written
    for label, extra in [("files", []), ("files --date-field timestamp", ["--date-field", "timestamp"])]:
        name = label.replace(" ", "_").replace("-", "")
        wall, cpu, out = timed([binary, "ingest", src, "--table", f"{work}/{name}-table", "--checkpoint", f"{work}/{name}-cp"] + extra)
        print(f"{label}: {i:,} lines, {total / 1e6:.0f} MB in {wall:.2f} s: {total / 1e6 / wall:.0f} MB/s wall, "
              f"{total / 1e6 / cpu:.0f} MB per CPU-second (CPU {cpu:.2f} s on {os.cpu_count()} cores) — {out}")


try:
    print(f"sluice ingest throughput, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} cores")
    if "--skip-kinesis" not in sys.argv: kinesis()
    files()
finally:
    shutil.rmtree(work, ignore_errors=True)
