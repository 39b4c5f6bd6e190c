#!/usr/bin/env bash
# Registry group-by benchmark: Nansen (Rust, release) vs DuckDB on the same generated CSV files, and the
# reference-statistics query latencies. Usage: bench/stats/run.sh [PERSONS] [DIR]
# Needs: cargo, python3 with the duckdb package (pip install duckdb).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-10000000}"
DIR="${2:-/tmp/nansen-stats-bench}"
THREADS="${THREADS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release -q -p nansen-stats --example registry_bench
BIN="$CARGO_TARGET_DIR/release/examples/registry_bench"
if [ ! -s "$DIR/events.csv" ] || [ "$(($(wc -l < "$DIR/persons.csv") - 1))" != "$N" ]; then
  "$BIN" generate --persons "$N" --out "$DIR"
fi
echo "data: $(du -sh "$DIR" | cut -f1) in $DIR; $(nproc) cores; threads $THREADS"
echo "nansen: $("$BIN" run --dir "$DIR" --threads "$THREADS" --repeat 3)"
echo "duckdb: $(python3 bench/stats/duckdb_groupby.py "$DIR" --threads "$THREADS" --repeat 3)"
for k in events flat; do
  if cmp -s "$DIR/rust_stock_$k.csv" "$DIR/duckdb_stock_$k.csv"; then
    echo "results ($k): identical ($(($(wc -l < "$DIR/rust_stock_$k.csv") - 1)) groups)"
  else
    echo "results ($k): DIFFER"; diff "$DIR/rust_stock_$k.csv" "$DIR/duckdb_stock_$k.csv" | head; exit 1
  fi
done
cargo bench -q -p nansen-stats --bench reference_queries
