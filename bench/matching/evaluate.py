"""Precision, recall and F1 of predicted pairs against the `cluster` column of the input CSV(s).

    python3 bench/matching/evaluate.py pairs.csv A.csv [B.csv]

Pairs are unordered; in linkage (B given) only pairs across the files count.
"""
import csv
import sys
from collections import defaultdict


def clusters(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {r["id"]: r["cluster"] for r in csv.DictReader(f)}


def true_pairs(a, b=None):
    if b is None:
        by = defaultdict(list)
        for i, c in a.items():
            by[c].append(i)
        n = 0
        for ids in by.values():
            n += len(ids) * (len(ids) - 1) // 2
        return n
    bc = defaultdict(int)
    for c in b.values():
        bc[c] += 1
    return sum(bc[c] for c in a.values())


def evaluate(pairs_path, a_path, b_path=None):
    a = clusters(a_path)
    b = clusters(b_path) if b_path else None
    tp = fp = 0
    seen = set()
    with open(pairs_path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            l, rr = r["id_l"], r["id_r"]
            key = (l, rr) if b is not None else tuple(sorted((l, rr)))
            if key in seen:
                continue
            seen.add(key)
            cl = a.get(l)
            cr = (b if b is not None else a).get(rr)
            if cl is not None and cl == cr:
                tp += 1
            else:
                fp += 1
    t = true_pairs(a, b)
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / t if t else 0.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    return {"tp": tp, "fp": fp, "fn": t - tp, "precision": p, "recall": rc, "f1": f1}


if __name__ == "__main__":
    print(evaluate(*sys.argv[1:4]))
