"""Run splink 5 (DuckDB backend) with a sensible unsupervised model on CSV files of the dedup contract.

    python3 bench/matching/splink_run.py --input A.csv [--link B.csv] --output pairs.csv

The model is splink's documented recipe for person data, trained without labels:
- comparisons: given name and surname (NameComparison: exact, Jaro-Winkler 0.92/0.88/0.7, with
  term-frequency adjustments), date of birth (DateOfBirthComparison: exact, one character, month,
  year, 10 years), sex, citizenship and original-script name (exact), place of birth (Levenshtein
  2), document number (exact, Levenshtein 1), address (Jaro-Winkler 0.9/0.7); a column that is empty
  in the file is left out;
- prediction blocking: same given name and surname; same date of birth; same document; same
  surname and birth year; same given name and birth year;
- training: prior from deterministic rules (same names and date of birth; same document) at an
  assumed recall of 0.7; u by random sampling (5 million pairs); m by EM on pairs blocked on the
  date of birth and on the names;
- output: pairs with match probability >= 0.5 (splink's natural threshold), as id_l,id_r,score.
"""
import argparse
import os
import sys
import time

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = ["id", "given_name", "surname", "full_name", "name_original", "date_of_birth", "sex",
           "place_of_birth", "citizenship", "document_number", "address"]


def load(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df[[c for c in COLUMNS if c in df.columns]].copy()
    for c in df.columns:
        df[c] = df[c].str.strip().replace("", None)
    # A name given only as full_name: first word(s) as given name, last as surname (splink has no
    # notion of unsplit names).
    if "full_name" in df.columns:
        if "given_name" not in df.columns:
            df["given_name"] = None
        if "surname" not in df.columns:
            df["surname"] = None
        split = df["full_name"].fillna("").str.rsplit(" ", n=1, expand=True)
        if split.shape[1] == 2:
            m = df["given_name"].isna() & df["surname"].isna() & df["full_name"].notna()
            df.loc[m, "given_name"] = split.loc[m, 0]
            df.loc[m, "surname"] = split.loc[m, 1]
        df = df.drop(columns=["full_name"])
    for c in ("given_name", "surname", "place_of_birth", "address"):
        if c in df.columns:
            df[c] = df[c].str.lower()
    return df


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--link")
    ap.add_argument("--output", required=True)
    args = ap.parse_args()
    t0 = time.time()
    frames = [load(args.input)] + ([load(args.link)] if args.link else [])
    present = [c for c in COLUMNS[1:] if all(c in f.columns and f[c].notna().any() for f in frames)]

    comparisons = []
    if "given_name" in present:
        comparisons.append(cl.NameComparison("given_name").configure(term_frequency_adjustments=True))
    if "surname" in present:
        comparisons.append(cl.NameComparison("surname").configure(term_frequency_adjustments=True))
    if "date_of_birth" in present:
        comparisons.append(cl.DateOfBirthComparison("date_of_birth", input_is_string=True))
    for c in ("sex", "citizenship", "name_original"):
        if c in present:
            comparisons.append(cl.ExactMatch(c))
    if "place_of_birth" in present:
        comparisons.append(cl.LevenshteinAtThresholds("place_of_birth", 2))
    if "document_number" in present:
        comparisons.append(cl.LevenshteinAtThresholds("document_number", 1))
    if "address" in present:
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.9, 0.7]))

    rules = [block_on("given_name", "surname"), block_on("date_of_birth")]
    if "document_number" in present:
        rules.append(block_on("document_number"))
    rules += [block_on("surname", "substr(date_of_birth, 1, 4)"), block_on("given_name", "substr(date_of_birth, 1, 4)")]

    settings = SettingsCreator(
        link_type="link_only" if args.link else "dedupe_only",
        unique_id_column_name="id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    # DuckDB takes 80% of the machine's memory by default; on a shared machine cap it (it spills to
    # disk beyond): SPLINK_MEMORY_LIMIT, default 8GB.
    con = duckdb.connect(config={"memory_limit": os.environ.get("SPLINK_MEMORY_LIMIT", "8GB")})
    db = DuckDBAPI(connection=con)
    sdfs = [db.register(f) for f in frames]
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings)
    deterministic = [block_on("given_name", "surname", "date_of_birth")]
    if "document_number" in present:
        deterministic.append(block_on("document_number"))
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    res = pred.as_pandas_dataframe()
    out = res[["id_l", "id_r", "match_probability"]]
    out.columns = ["id_l", "id_r", "score"]
    out.to_csv(args.output, index=False)
    print(f"splink: {len(out)} pairs in {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
