#!/usr/bin/env bash
# Reproduces the registration figures in docs/benchmarks.md: bulk import rate and API registration
# throughput/latency (wrk, 32 connections) on SQLite and PostgreSQL. Not part of CI.
#   bench/run.sh [HOUSEHOLDS] [SECONDS]
# Needs: wrk (apt-get install wrk), PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
households=${1:-30000}
seconds=${2:-20}
pg_admin=${NANSEN_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_base=${pg_admin%/*}
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

cargo build --release -p nansen
N=${CARGO_TARGET_DIR:-$PWD/target}/release/nansen
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%F)"
$N generate --households "$households" --output "$work/hh.jsonl"

fresh_pg() {
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null 2>&1
  echo "$pg_base/$1"
}

for backend in sqlite postgres; do
  if [ $backend = sqlite ]; then db="sqlite://$work/import.db"; else db=$(fresh_pg nansen_bench_import); fi
  $N --db "$db" --log warn operation create --code BENCH --name Benchmark --country KEN >/dev/null
  echo "== $backend: bulk import of $households households"
  /usr/bin/time -f "wall %e s, peak RSS %M KB" $N --db "$db" --log warn import "$work/hh.jsonl"
done

port=18081
for backend in sqlite postgres; do
  if [ $backend = sqlite ]; then db="sqlite://$work/api.db"; else db=$(fresh_pg nansen_bench_api); fi
  op=$($N --db "$db" --log warn operation create --code BENCH --name Benchmark --country KEN | cut -f1)
  $N --db "$db" --log warn user create bench --name Benchmark --role registration_clerk --operation '*' >/dev/null
  export NANSEN_BENCH_TOKEN=$($N --db "$db" --log warn user token bench --name benchmark 2>/dev/null)
  $N --db "$db" --log warn serve --addr 127.0.0.1:$port >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
  echo "== $backend: API registrations, 32 connections, ${seconds}s"
  wrk -t2 -c32 -d"${seconds}s" --latency -s bench/register.lua "http://127.0.0.1:$port/api/v1/operations/$op/persons" | grep -E "Latency|50%|90%|99%|Requests/sec|non-2xx"
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
  port=$((port + 1))
done
