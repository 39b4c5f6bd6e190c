"""Diagnosis only: precision, recall and F1 of a scored run at fixed thresholds.

    dedup --input records.csv --output scored.csv --threshold 0.01
    python3 bench/matching/threshold_sweep.py scored.csv records.csv

Uses the `cluster` labels, so it must never choose the engine's threshold: it tells whether an
error comes from the ranking (the best threshold is no better than the engine's own) or from the
threshold, and how well the probabilities are calibrated (share of true pairs per score band).
"""
import csv
import sys
from collections import defaultdict


def main(scored, data):
    cl = {}
    with open(data, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            cl[r["id"]] = r["cluster"]
    by = defaultdict(int)
    for c in cl.values():
        by[c] += 1
    total = sum(n * (n - 1) // 2 for n in by.values())
    ps = []
    with open(scored, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ps.append((float(r["score"]), cl[r["id_l"]] == cl[r["id_r"]]))
    print(f"true pairs {total}, scored pairs {len(ps)}, true among them {sum(t for _, t in ps)}")
    for t in [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]:
        tp = sum(1 for s, x in ps if s >= t and x)
        fp = sum(1 for s, x in ps if s >= t and not x)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / total if total else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"t={t:.2f} tp={tp} fp={fp} P={p:.4f} R={r:.4f} F1={f1:.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
