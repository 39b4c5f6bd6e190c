//! The optimised disclosure control must withhold exactly the cells, in exactly the order, that the plain
//! statement of the rule withholds. This file keeps that plain statement, as the library had it before the
//! optimisation: full sweeps over every equation until nothing changes, then a linear audit that numbers
//! the unknowns, joins equations with union-find and solves each component with a fresh dense elimination.
//! Random tables with margins, total columns, derived columns and already-withheld cells are run through
//! both; tables, primary, complementary and derived cells must be identical, and so must the two audits.

use nansen_stats::disclosure::{audit as fast_audit, suppress as fast_suppress, Entry};
use nansen_stats::table::{Cell, Column, Disclosure, Provenance, Role, Table};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::collections::{HashMap, HashSet};

mod reference {
    use super::*;

    /// One published relation: `total = Σ parts`.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Equation {
        pub total: Entry,
        pub parts: Vec<Entry>,
    }

    impl Equation {
        fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
            std::iter::once(self.total).chain(self.parts.iter().copied())
        }
    }

    /// What the plain rule withholds.
    pub struct Suppressed {
        pub table: Table,
        pub primary: Vec<Entry>,
        pub complementary: Vec<Entry>,
        pub derived: Vec<Entry>,
        /// How many complementary cells the linear audit chose (the sweeps chose the rest).
        pub by_audit: usize,
    }

    pub fn equations(t: &Table) -> Vec<Equation> {
        let keys = t.key_columns();
        let counts = t.count_columns();
        let mut out = Vec::new();
        // Margin rows, grouped by which key columns are totals.
        let pattern = |r: &Vec<Cell>| -> Vec<bool> { keys.iter().map(|&k| r[k] == Cell::Total).collect() };
        let is_margin = |r: &Vec<Cell>| keys.iter().any(|&k| r[k] == Cell::Total);
        let cell_rows: Vec<usize> = (0..t.rows.len()).filter(|&i| !is_margin(&t.rows[i])).collect();
        let mut by_pattern: HashMap<Vec<bool>, Vec<usize>> = HashMap::new();
        for (i, r) in t.rows.iter().enumerate() {
            if is_margin(r) {
                by_pattern.entry(pattern(r)).or_default().push(i);
            }
        }
        let mut patterns: Vec<_> = by_pattern.into_iter().collect();
        patterns.sort();
        for (p, margins) in patterns {
            if cell_rows.is_empty() {
                break;
            }
            let project = |r: &Vec<Cell>| -> String {
                keys.iter().zip(&p).filter(|(_, tot)| !**tot).map(|(&k, _)| r[k].render() + "\u{1f}").collect()
            };
            let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
            for &i in &cell_rows {
                groups.entry(project(&t.rows[i])).or_default().push(i);
            }
            for m in margins {
                let Some(rows) = groups.get(&project(&t.rows[m])) else { continue };
                for &c in &counts {
                    let parts: Vec<Entry> = rows.iter().map(|&r| (r, c)).filter(|&(r, c)| is_count(&t.rows[r][c])).collect();
                    if !parts.is_empty() && is_count(&t.rows[m][c]) {
                        out.push(Equation { total: (m, c), parts });
                    }
                }
            }
        }
        // Total columns.
        for &c in &counts {
            let of = &t.columns[c].sum_of;
            if of.is_empty() {
                continue;
            }
            for r in 0..t.rows.len() {
                if is_count(&t.rows[r][c]) {
                    let parts: Vec<Entry> = of.iter().map(|&k| (r, k)).filter(|&(r, k)| is_count(&t.rows[r][k])).collect();
                    if !parts.is_empty() {
                        out.push(Equation { total: (r, c), parts });
                    }
                }
            }
        }
        out
    }

    fn is_count(c: &Cell) -> bool {
        matches!(c, Cell::Count(_) | Cell::Suppressed)
    }

    pub fn suppress_owned(mut table: Table, threshold: u64) -> Suppressed {
        let ncols = table.columns.len();
        let idx = |(r, c): Entry| r * ncols + c;
        let eqs = equations(&table);
        let values: Vec<u64> = table.rows.iter().flat_map(|r| r.iter().map(|c| c.count().unwrap_or(0))).collect();
        let value = |e: Entry| values[idx(e)];
        let mut sup = vec![false; table.rows.len() * ncols];
        let mut primary = Vec::new();
        for &c in &table.count_columns() {
            for r in 0..table.rows.len() {
                match table.rows[r][c] {
                    Cell::Count(v) if v >= 1 && v < threshold => {
                        sup[idx((r, c))] = true;
                        primary.push((r, c));
                    }
                    Cell::Suppressed => sup[idx((r, c))] = true,
                    _ => {}
                }
            }
        }
        let margin_rows: HashSet<usize> = eqs.iter().filter(|e| e.total.1 == e.parts[0].1).map(|e| e.total.0).collect();
        let total_cols: Vec<bool> = table.columns.iter().map(|c| !c.sum_of.is_empty()).collect();
        let mut complementary = Vec::new();
        let mut by_audit = 0;
        if !primary.is_empty() {
            let pick = |eq: &Equation, sup: &[bool]| -> Option<Entry> {
                // Cheapest unsuppressed entry: non-zero cells by value, then zero cells, then totals/margins.
                eq.entries().filter(|&e| !sup[idx(e)]).min_by_key(|&e| {
                    let v = value(e);
                    let is_total = e == eq.total || margin_rows.contains(&e.0) || total_cols[e.1];
                    (is_total, v == 0, v, e)
                })
            };
            // Equations each entry belongs to; built only if the linear audit needs it.
            let mut member: Option<HashMap<Entry, Vec<usize>>> = None;
            loop {
                let mut changed = false;
                for eq in &eqs {
                    let (mut n, mut held, mut total_published) = (0usize, 0u64, true);
                    for e in eq.entries() {
                        if sup[idx(e)] {
                            n += 1;
                            held += value(e);
                            if e == eq.total {
                                total_published = false;
                            }
                        }
                    }
                    if n == 0 {
                        continue;
                    }
                    if n == 1 || (total_published && held < threshold) {
                        if let Some(e) = pick(eq, &sup) {
                            sup[idx(e)] = true;
                            complementary.push(e);
                            changed = true;
                        }
                    }
                }
                if changed {
                    continue;
                }
                // Linear audit: fix one determined entry per component, then go round again.
                let determined = audit_with(&eqs, |e| sup[idx(e)]);
                if determined.is_empty() {
                    break;
                }
                let member = member.get_or_insert_with(|| {
                    let mut m: HashMap<Entry, Vec<usize>> = HashMap::new();
                    for (i, e) in eqs.iter().enumerate() {
                        for x in e.entries() {
                            m.entry(x).or_default().push(i);
                        }
                    }
                    m
                });
                let mut fixed_components = HashSet::new();
                for (e, comp) in determined {
                    if !fixed_components.insert(comp) {
                        continue;
                    }
                    // Search outwards from the determined entry: its own equations first, then the equations of
                    // the withheld entries they share, until one has a publishable entry to withhold.
                    let mut seen_eq = HashSet::new();
                    let mut seen_entry = HashSet::from([e]);
                    let mut frontier = vec![e];
                    let mut choice = None;
                    while choice.is_none() && !frontier.is_empty() {
                        let mut options: Vec<usize> = frontier
                            .iter()
                            .flat_map(|x| member.get(x).cloned().unwrap_or_default())
                            .filter(|i| seen_eq.insert(*i))
                            .collect();
                        options.sort_by_key(|&i| (eqs[i].entries().filter(|&x| sup[idx(x)]).count(), i));
                        choice = options.iter().find_map(|&i| pick(&eqs[i], &sup));
                        frontier = options
                            .iter()
                            .flat_map(|&i| eqs[i].entries().filter(|&x| sup[idx(x)]).collect::<Vec<_>>())
                            .filter(|x| seen_entry.insert(*x))
                            .collect();
                    }
                    if let Some(c) = choice {
                        sup[idx(c)] = true;
                        complementary.push(c);
                        by_audit += 1;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
        }
        for (i, s) in sup.iter().enumerate() {
            if *s {
                table.rows[i / ncols][i % ncols] = Cell::Suppressed;
            }
        }
        let mut derived = Vec::new();
        for c in 0..ncols {
            if let Role::Derived { from } = &table.columns[c].role {
                for r in 0..table.rows.len() {
                    if from.iter().any(|&k| sup[idx((r, k))]) && table.rows[r][c] != Cell::Suppressed {
                        table.rows[r][c] = Cell::Suppressed;
                        derived.push((r, c));
                    }
                }
            }
        }
        table.disclosure =
            Disclosure::Suppressed { threshold, primary: primary.len(), complementary: complementary.len(), derived: derived.len() };
        Suppressed { table, primary, complementary, derived, by_audit }
    }

    pub fn audit(t: &Table) -> Vec<Entry> {
        let eqs = equations(t);
        let mut v: Vec<Entry> = audit_with(&eqs, |(r, c)| t.rows[r][c] == Cell::Suppressed).into_iter().map(|(e, _)| e).collect();
        v.sort();
        v
    }

    fn audit_with(eqs: &[Equation], is_sup: impl Fn(Entry) -> bool) -> Vec<(Entry, usize)> {
        // Unknowns and union-find over equations.
        let mut id: HashMap<Entry, usize> = HashMap::new();
        let mut unknowns: Vec<Entry> = Vec::new();
        let mut rows: Vec<Vec<(usize, i128)>> = Vec::new();
        for e in eqs {
            let mut row = Vec::new();
            for (k, x) in e.entries().enumerate() {
                if is_sup(x) {
                    let j = *id.entry(x).or_insert_with(|| {
                        unknowns.push(x);
                        unknowns.len() - 1
                    });
                    row.push((j, if k == 0 { 1 } else { -1 }));
                }
            }
            if !row.is_empty() {
                rows.push(row);
            }
        }
        let n = unknowns.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for row in &rows {
            let a = find(&mut parent, row[0].0);
            for &(j, _) in &row[1..] {
                let b = find(&mut parent, j);
                if a != b {
                    parent[b] = a;
                }
            }
        }
        let mut comps: HashMap<usize, (Vec<usize>, Vec<usize>)> = HashMap::new();
        for j in 0..n {
            let r = find(&mut parent, j);
            comps.entry(r).or_default().0.push(j);
        }
        for (i, row) in rows.iter().enumerate() {
            let r = find(&mut parent, row[0].0);
            comps.entry(r).or_default().1.push(i);
        }
        let mut out = Vec::new();
        let mut keys: Vec<usize> = comps.keys().copied().collect();
        keys.sort();
        for root in keys {
            let (vars, eq_ids) = &comps[&root];
            let local: HashMap<usize, usize> = vars.iter().enumerate().map(|(i, &j)| (j, i)).collect();
            let m: Vec<Vec<i128>> = eq_ids
                .iter()
                .map(|&i| {
                    let mut v = vec![0i128; vars.len()];
                    for &(j, c) in &rows[i] {
                        v[local[&j]] += c;
                    }
                    v
                })
                .collect();
            for li in determined_columns(m, vars.len()) {
                out.push((unknowns[vars[li]], root));
            }
        }
        out
    }

    /// Columns `j` of the matrix for which the unit vector `e_j` lies in the row space, i.e. the unknown `x_j` is
    /// fixed by the equations. Exact integer (fraction-free) Gaussian elimination to reduced row echelon form;
    /// if numbers ever overflow, every column is reported (the safe answer: suppress more).
    fn determined_columns(mut m: Vec<Vec<i128>>, n: usize) -> Vec<usize> {
        let all: Vec<usize> = (0..n).collect();
        let mut pivots: Vec<(usize, usize)> = Vec::new(); // (row, col)
        let mut r = 0;
        for c in 0..n {
            let Some(p) = (r..m.len()).find(|&i| m[i][c] != 0) else { continue };
            m.swap(r, p);
            for i in 0..m.len() {
                if i == r || m[i][c] == 0 {
                    continue;
                }
                let (a, b) = (m[r][c], m[i][c]);
                // row_i = a*row_i - b*row_r
                let mut ok = true;
                let (pr, ri) = if i < r {
                    let (lo, hi) = m.split_at_mut(r);
                    (&hi[0], &mut lo[i])
                } else {
                    let (lo, hi) = m.split_at_mut(i);
                    (&lo[r], &mut hi[0])
                };
                for k in 0..n {
                    match ri[k].checked_mul(a).and_then(|x| pr[k].checked_mul(b).and_then(|y| x.checked_sub(y))) {
                        Some(v) => ri[k] = v,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if !ok {
                    return all;
                }
                let g = ri.iter().fold(0i128, |g, &x| gcd(g, x));
                if g > 1 {
                    ri.iter_mut().for_each(|x| *x /= g);
                }
            }
            pivots.push((r, c));
            r += 1;
            if r == m.len() {
                break;
            }
        }
        let pivot_cols: HashSet<usize> = pivots.iter().map(|p| p.1).collect();
        pivots
            .into_iter()
            .filter(|&(row, col)| (0..n).all(|k| k == col || pivot_cols.contains(&k) || m[row][k] == 0))
            .map(|(_, col)| col)
            .collect()
    }

    fn gcd(a: i128, b: i128) -> i128 {
        let (mut a, mut b) = (a.abs(), b.abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    }
}

/// A table with two or three key dimensions, `k` count columns, a total column (and for `chained`, a second
/// total built on the first, as in the rates table, and a derived column), with the given margins.
#[derive(Debug, Clone)]
struct Shape {
    dims: Vec<usize>,
    k: usize,
    chained: bool,
    margins: Vec<Vec<usize>>,
    /// Which rows are missing (sparse tables: not every combination occurs).
    holes: Vec<bool>,
    /// Cells already withheld before disclosure control (row, count column), by position modulo the table.
    withheld: Vec<(usize, usize)>,
    values: Vec<u64>,
}

fn build(s: &Shape) -> Table {
    let nkeys = s.dims.len();
    let mut cols: Vec<Column> = (0..nkeys).map(|d| Column::key(&format!("k{d}"), "#group")).collect();
    for j in 0..s.k {
        cols.push(Column::count(&format!("c{j}"), "#affected"));
    }
    let first = nkeys;
    cols.push(Column::total("total", "#population+total", (first..first + s.k).collect()));
    if s.chained {
        let total = first + s.k;
        cols.push(Column::count("other", "#affected+other"));
        cols.push(Column::total("grand", "#population+grand", vec![total, total + 1]));
        cols.push(Column::derived("share", "#indicator", vec![first, total]));
    }
    let mut t = Table::new("random", cols, Provenance::registry("TEST", "reference"));
    let mut it = s.values.iter().cycle();
    let combos: usize = s.dims.iter().product();
    let mut kept = 0;
    for n in 0..combos {
        if s.holes.get(n).copied().unwrap_or(false) {
            continue;
        }
        kept += 1;
        let mut row = Vec::new();
        let mut rest = n;
        for (d, &size) in s.dims.iter().enumerate() {
            row.push(if d == 0 { Cell::Int((rest % size) as i64) } else { Cell::text(format!("v{}", rest % size)) });
            rest /= size;
        }
        let v: Vec<u64> = (0..s.k).map(|_| *it.next().unwrap_or(&0)).collect();
        let total: u64 = v.iter().sum();
        row.extend(v.iter().map(|x| Cell::Count(*x)));
        row.push(Cell::Count(total));
        if s.chained {
            let other = *it.next().unwrap_or(&0);
            row.push(Cell::Count(other));
            row.push(Cell::Count(total + other));
            row.push(if total == 0 { Cell::NotApplicable } else { Cell::Rate(v[0] as f64 / total as f64) });
        }
        t.rows.push(row);
    }
    if kept > 0 {
        let margins: Vec<Vec<usize>> = s.margins.iter().map(|m| m.iter().copied().filter(|&d| d < nkeys).collect()).collect();
        let margins: Vec<Vec<usize>> = margins.into_iter().filter(|m: &Vec<usize>| !m.is_empty()).collect();
        t.add_margins(&margins, &[]);
    }
    let ncount = s.k + if s.chained { 3 } else { 1 };
    for &(r, c) in &s.withheld {
        if t.rows.is_empty() {
            break;
        }
        let r = r % t.rows.len();
        let c = nkeys + c % ncount;
        if matches!(t.rows[r][c], Cell::Count(_)) {
            t.rows[r][c] = Cell::Suppressed;
        }
    }
    t
}

fn value() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0u64..5, 2 => 5u64..20, 1 => 20u64..200]
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        // Two keys of up to 5 values, or three of up to 3 (larger connected tables only take longer).
        prop_oneof![prop::collection::vec(1usize..6, 2..3), prop::collection::vec(1usize..4, 3..4)],
        1usize..4,
        any::<bool>(),
        prop::sample::select(vec![
            vec![],
            vec![vec![0]],
            vec![vec![1], vec![0, 1]],
            vec![vec![0], vec![1], vec![0, 1]],
            vec![vec![1, 2], vec![0, 1, 2]],
            vec![vec![0], vec![1], vec![2], vec![0, 1, 2]],
            vec![vec![0, 1], vec![2], vec![0, 2]],
        ]),
        prop::collection::vec(prop::bool::weighted(0.15), 0..64),
        prop::collection::vec((0usize..200, 0usize..8), 0..3),
        prop::collection::vec(value(), 64),
    )
        .prop_map(|(dims, k, chained, margins, holes, withheld, values)| Shape { dims, k, chained, margins, holes, withheld, values })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn optimised_suppression_withholds_what_the_plain_rule_withholds(s in shape(), threshold in 1u64..12) {
        let t = build(&s);
        let fast = fast_suppress(&t, threshold);
        let plain = reference::suppress_owned(t.clone(), threshold);
        prop_assert_eq!(&fast.primary, &plain.primary);
        prop_assert_eq!(&fast.complementary, &plain.complementary);
        prop_assert_eq!(&fast.derived, &plain.derived);
        prop_assert_eq!(&fast.table, &plain.table);
        let stated = matches!(fast.table.disclosure, Disclosure::Suppressed { .. });
        prop_assert!(stated);
    }

    #[test]
    fn optimised_audit_finds_what_the_plain_audit_finds(s in shape(), marks in prop::collection::vec((0usize..400, 0usize..8), 0..12)) {
        let mut t = build(&s);
        let counts: Vec<usize> = t.columns.iter().enumerate().filter(|(_, c)| c.role == Role::Count).map(|(i, _)| i).collect();
        if !t.rows.is_empty() {
            for (r, c) in marks {
                let (r, c) = (r % t.rows.len(), counts[c % counts.len()]);
                t.rows[r][c] = Cell::Suppressed;
            }
        }
        prop_assert_eq!(fast_audit(&t), reference::audit(&t));
        let eqs: HashSet<(Entry, Vec<Entry>)> =
            nansen_stats::disclosure::equations(&t).into_iter().map(|e| (e.total, e.parts)).collect();
        let plain: HashSet<(Entry, Vec<Entry>)> = reference::equations(&t).into_iter().map(|e| (e.total, e.parts)).collect();
        prop_assert_eq!(eqs, plain);
    }
}

#[test]
fn the_shapes_exercise_every_step_of_the_rule() {
    // The generator is only useful if it reaches complementary cells found by the sweeps and by the audit.
    let mut found = HashMap::new();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..400 {
        let s = shape().new_tree(&mut runner).map(|t| t.current()).unwrap_or_else(|e| panic!("{e}"));
        let plain = reference::suppress_owned(build(&s), 5);
        *found.entry("primary").or_insert(0) += plain.primary.len();
        *found.entry("complementary by the sweeps").or_insert(0) += plain.complementary.len() - plain.by_audit;
        *found.entry("complementary by the audit").or_insert(0) += plain.by_audit;
        *found.entry("derived").or_insert(0) += plain.derived.len();
    }
    assert!(found.values().all(|&n| n > 0), "{found:?}");
}
