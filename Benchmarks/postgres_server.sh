# Sourced by the PostgreSQL benchmarks: starts a throwaway server from Debian's postgresql
# binaries on a free loopback port (as the postgres user when run as root), with default
# settings, creates the database `bench`, and stops the server on exit. Sets `bindir`, `port`,
# `url` (postgres://postgres@127.0.0.1:PORT/bench) and `psql` (an array: the client with its
# connection flags).
bindir=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | tail -1)")
pg=$(mktemp -d /tmp/sluice-pg-bench-XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$pg"; as_pg=(runuser -u postgres --); fi
chmod 700 "$pg"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$bindir/initdb" -D "$pg/data" -A trust -U postgres -E UTF8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$pg/data" -o "-p $port -k $pg -c listen_addresses=127.0.0.1" -l "$pg/log" -w start >/dev/null
trap '"${as_pg[@]}" "$bindir/pg_ctl" -D "$pg/data" -m fast stop >/dev/null; rm -rf "$pg"' EXIT
psql=("$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres)
"${psql[@]}" -d postgres -c 'CREATE DATABASE bench'
url="postgres://postgres@127.0.0.1:$port/bench"
