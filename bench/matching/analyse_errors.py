"""Where the errors of a synthetic run are: false negatives by kind of corruption and by stage
(never a candidate, or scored too low), false positives by the relation of the two people, and
how many distinct people the generator made indistinguishable.

    synth --records N --out records.csv --truth people.csv
    dedup --input records.csv --output pairs.csv                      # the run to analyse
    dedup --input records.csv --output scored.csv --threshold 0.01    # optional: scored candidates
    python3 bench/matching/analyse_errors.py records.csv people.csv pairs.csv [scored.csv]
"""
import csv
import sys
from collections import Counter, defaultdict


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def pairs_of(path):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            a, b = r["id_l"], r["id_r"]
            out[(a, b) if a < b else (b, a)] = float(r["score"])
    return out


def dob_kind(s):
    if not s:
        return "missing"
    return {1: "year", 2: "year-month", 3: "full"}.get(len(s.split("-")), "other")


def name_form(r):
    if r["name_original"] and not (r["given_name"] or r["surname"] or r["full_name"]):
        return "original only"
    if r["full_name"]:
        return "full_name"
    return "given+surname"


def year(s):
    return s.split("-")[0] if s else ""


def main():
    recs = read(sys.argv[1])
    people = {p["cluster"]: p for p in read(sys.argv[2])}
    pred = pairs_of(sys.argv[3])
    scored = pairs_of(sys.argv[4]) if len(sys.argv) > 4 else None
    by_id = {r["id"]: r for r in recs}
    by_cluster = defaultdict(list)
    for r in recs:
        by_cluster[r["cluster"]].append(r["id"])

    # --- The generator: distinct people identical in every field (as generated, before noise).
    fields = ["given", "family", "given_orig", "family_orig", "sex", "dob", "place", "citizenship", "document", "address"]
    registered = [c for c in by_cluster]
    groups = defaultdict(list)
    for c in registered:
        p = people[c]
        groups[tuple(p[f] for f in fields)].append(c)
    ident_people = sum(len(g) for g in groups.values() if len(g) > 1)
    # Ceiling: in a group of indistinguishable people, linking all records adds the cross pairs as
    # false positives; linking none loses the group's true pairs. Take the better of the two.
    n_true = sum(len(v) * (len(v) - 1) // 2 for v in by_cluster.values())
    fn_c = fp_c = 0
    for g in groups.values():
        if len(g) < 2:
            continue
        sizes = [len(by_cluster[c]) for c in g]
        t = sum(s * (s - 1) // 2 for s in sizes)
        tot = sum(sizes)
        x = tot * (tot - 1) // 2 - t
        if x > t:
            fn_c += t
        else:
            fp_c += x
    tp_c = n_true - fn_c
    ceil = 2 * tp_c / (2 * tp_c + fp_c + fn_c) if n_true else 0
    print(f"records {len(recs)}, people registered {len(registered)}, true pairs {n_true}")
    print(f"people identical in every field to another person: {ident_people} "
          f"({sum(1 for g in groups.values() if len(g) > 1)} groups); F1 ceiling from them: {ceil:.4f}")
    # Weaker: same given, family, sex and birth year (what a year-only record with no document shows).
    weak = Counter()
    for c in registered:
        p = people[c]
        weak[(p["given"].lower(), p["family"].lower(), p["sex"], year(p["dob"]), p["citizenship"])] += 1
    shared = sum(n for n in weak.values() if n > 1)
    print(f"people sharing given name, family name, sex, birth year and citizenship with another: {shared} "
          f"({shared / len(registered):.1%})")
    # Records (as registered, after the noise) identical in every column to a record of another
    # person: no method can tell a pair (A, B) from (A, C) when B and C are the same record. Per
    # true pair whose either record has k such twins, the best is to write all k + 1 pairs (1 TP,
    # k FP) or none (1 FN); the ceiling takes the better for every pair (an upper bound on F1).
    cols = ["given_name", "surname", "full_name", "name_original", "date_of_birth", "sex", "place_of_birth",
            "citizenship", "document_number", "address"]
    same_rec = defaultdict(Counter)
    for r in recs:
        same_rec[tuple(r[c].lower() for c in cols)][r["cluster"]] += 1
    twins = {}
    for r in recs:
        g = same_rec[tuple(r[c].lower() for c in cols)]
        twins[r["id"]] = sum(g.values()) - g[r["cluster"]]
    amb = sum(1 for r in recs if twins[r["id"]] > 0)
    fn_t = fp_t = 0
    for ids in by_cluster.values():
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                k = max(twins[ids[i]], twins[ids[j]])
                if k >= 2:
                    fn_t += 1
                elif k == 1:
                    fp_t += 1
    ceil_t = 2 * (n_true - fn_t) / (2 * (n_true - fn_t) + fp_t + fn_t)
    print(f"records identical in every column to a record of another person: {amb} ({amb / len(recs):.2%}); "
          f"true pairs involving one: {fn_t + fp_t}; F1 ceiling from them: {ceil_t:.4f}")
    names = Counter((people[c]["given"].lower(), people[c]["family"].lower()) for c in registered)
    print(f"distinct (given, family) names: {len(names)}; people per name: median "
          f"{sorted(names.values())[len(names) // 2]}, max {max(names.values())}")

    # --- False negatives.
    truth = set()
    for ids in by_cluster.values():
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                a, b = ids[i], ids[j]
                truth.add((a, b) if a < b else (b, a))
    fn = [p for p in truth if p not in pred]
    tp = len(truth) - len(fn)
    fp = [p for p in pred if p not in truth]
    prec = tp / len(pred) if pred else 0
    rec = tp / len(truth)
    print(f"\nTP {tp}  FP {len(fp)}  FN {len(fn)}  precision {prec:.4f} recall {rec:.4f} F1 {2 * prec * rec / (prec + rec):.4f}")

    def profile(pairs, title):
        print(f"\n{title}: {len(pairs)}")
        cats = defaultdict(Counter)
        for a, b in pairs:
            ra, rb = by_id[a], by_id[b]
            dk = tuple(sorted((dob_kind(ra["date_of_birth"]), dob_kind(rb["date_of_birth"]))))
            cats["dates"][" / ".join(dk)] += 1
            da, db = ra["date_of_birth"], rb["date_of_birth"]
            if da and db:
                if year(da) != year(db):
                    cats["date agreement"]["different year"] += 1
                elif da == db:
                    cats["date agreement"]["same"] += 1
                elif len(da.split("-")) == 3 and len(db.split("-")) == 3:
                    cats["date agreement"]["same year, full dates differ"] += 1
                else:
                    cats["date agreement"]["same year, one partial"] += 1
            else:
                cats["date agreement"]["missing"] += 1
            fa, fb = name_form(ra), name_form(rb)
            cats["name form"][" / ".join(sorted((fa, fb)))] += 1
            ga, gb = ra["given_name"].lower(), rb["given_name"].lower()
            sa, sb = ra["surname"].lower(), rb["surname"].lower()
            if ga and gb:
                if ga == gb and sa == sb:
                    k = "same given and surname (as written)"
                elif ga == sb and sa == gb and ga != sa:
                    k = "swapped"
                elif ga == gb:
                    k = "same given, surname differs" if (sa or sb) else "same given, no surname"
                else:
                    k = "given names differ"
                cats["names (Latin fields)"][k] += 1
            cats["address"]["same" if ra["address"] and ra["address"] == rb["address"] else ("missing" if not (ra["address"] and rb["address"]) else "different")] += 1
            cats["document"]["same" if ra["document_number"] and ra["document_number"] == rb["document_number"] else ("missing" if not (ra["document_number"] and rb["document_number"]) else "different")] += 1
            if scored is not None:
                s = scored.get((a, b))
                if s is None:
                    cats["stage"]["not scored >= 0.01 (not a candidate, or below 0.01)"] += 1
                else:
                    cats["stage"][f"scored {min(int(s * 10), 9) / 10:.1f}-{min(int(s * 10), 9) / 10 + 0.1:.1f}"] += 1
            else:
                s = pred.get((a, b))
                if s is not None:
                    cats["score"][f"{min(int(s * 10), 9) / 10:.1f}"] += 1
            ca, cb = people[ra["cluster"]], people[rb["cluster"]]
            if ca is not cb:
                same_name = ca["given"].lower() == cb["given"].lower() and ca["family"].lower() == cb["family"].lower()
                hh = ca["address"] == cb["address"] and abs(int(ra["cluster"]) - int(rb["cluster"])) < 16
                if hh:
                    k = "same household" + (", same name" if same_name else "")
                elif same_name and year(ca["dob"]) == year(cb["dob"]) and ca["sex"] == cb["sex"]:
                    k = "namesakes: same name, sex, birth year"
                elif same_name:
                    k = "namesakes: same name, other year or sex"
                elif ca["given"].lower() == cb["given"].lower():
                    k = "same given name only"
                else:
                    k = "other"
                cats["relation of the two people"][k] += 1
        for c, cnt in cats.items():
            print(f"  {c}:")
            for k, n in cnt.most_common(12):
                print(f"    {n:8d} {n / len(pairs):6.1%}  {k}")

    profile(fn, "False negatives")
    profile(fp, "False positives")


if __name__ == "__main__":
    main()
