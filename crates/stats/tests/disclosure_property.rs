//! Property: for random tables with published margins, no suppressed cell can be derived exactly from the
//! published cells and totals — not by one subtraction, not by any linear combination (exact rational
//! elimination), and, for small tables, not even by enumerating every non-negative integer solution.

use nansen_stats::disclosure::{audit, equations, subtraction_attack, suppress};
use nansen_stats::table::{Cell, Column, Provenance, Table};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// A table with two key dimensions (a × b), `k` category columns and a total column, plus margins:
/// totals over b for each a, and the grand total (the shape of the registry's stock table).
fn cube(a: usize, b: usize, values: &[u64], k: usize) -> Table {
    let mut cols = vec![Column::key("a", "#adm1"), Column::key("b", "#group")];
    for j in 0..k {
        cols.push(Column::count(&format!("c{j}"), "#affected"));
    }
    cols.push(Column::total("total", "#population+total", (2..2 + k).collect()));
    let mut t = Table::new("random", cols, Provenance::registry("TEST", "property"));
    let mut it = values.iter().cycle();
    for i in 0..a {
        for j in 0..b {
            let mut row = vec![Cell::text(format!("a{i}")), Cell::text(format!("b{j}"))];
            let v: Vec<u64> = (0..k).map(|_| *it.next().unwrap_or(&0)).collect();
            row.extend(v.iter().map(|x| Cell::Count(*x)));
            row.push(Cell::Count(v.iter().sum()));
            t.rows.push(row);
        }
    }
    t.add_margins(&[vec![1], vec![0, 1]], &[]);
    t
}

/// Small counts are common in the generated values, zeros too.
fn value() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0u64..5, 2 => 5u64..20, 1 => 20u64..200]
}

/// Every non-negative integer solution of the published equations (bounded), collecting the values each
/// suppressed entry takes. Returns `None` if the search is too large.
fn feasible_values(t: &Table) -> Option<HashMap<(usize, usize), BTreeSet<u64>>> {
    let eqs = equations(t);
    let mut unknown: Vec<(usize, usize)> = Vec::new();
    let mut index = HashMap::new();
    let mut rows: Vec<(Vec<(usize, i64)>, i64)> = Vec::new();
    for e in &eqs {
        let mut terms = Vec::new();
        let mut rhs = 0i64;
        for (k, (r, c)) in std::iter::once(e.total).chain(e.parts.iter().copied()).enumerate() {
            let sign = if k == 0 { 1 } else { -1 };
            match &t.rows[r][c] {
                Cell::Suppressed => {
                    let j = *index.entry((r, c)).or_insert_with(|| {
                        unknown.push((r, c));
                        unknown.len() - 1
                    });
                    terms.push((j, sign));
                }
                Cell::Count(v) => rhs -= sign * *v as i64,
                _ => {}
            }
        }
        if !terms.is_empty() {
            rows.push((terms, rhs));
        }
    }
    if unknown.is_empty() {
        return Some(HashMap::new());
    }
    if unknown.len() > 14 {
        return None;
    }
    let bound: i64 = t.rows.iter().flat_map(|r| r.iter()).filter_map(|c| c.count()).max().unwrap_or(0) as i64 * 2 + 10;
    let mut seen: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); unknown.len()];
    let mut budget: u64 = 3_000_000;
    fn go(
        mut assign: Vec<Option<i64>>,
        rows: &[(Vec<(usize, i64)>, i64)],
        bound: i64,
        seen: &mut Vec<BTreeSet<u64>>,
        budget: &mut u64,
    ) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        // Propagate equations with one unassigned unknown; stop on a contradiction.
        loop {
            let mut progress = false;
            for (terms, rhs) in rows {
                let mut sum = 0i64;
                let mut free = None;
                let mut nfree = 0;
                for &(j, s) in terms {
                    match assign[j] {
                        Some(v) => sum += s * v,
                        None => {
                            nfree += 1;
                            free = Some((j, s));
                        }
                    }
                }
                match (nfree, free) {
                    (0, _) if sum != *rhs => return true,
                    (1, Some((j, s))) => {
                        let v = (*rhs - sum) * s; // s is ±1
                        if v < 0 || v > bound {
                            return true;
                        }
                        assign[j] = Some(v);
                        progress = true;
                    }
                    _ => {}
                }
            }
            if !progress {
                break;
            }
        }
        match assign.iter().position(|a| a.is_none()) {
            None => {
                for (j, v) in assign.iter().enumerate() {
                    seen[j].insert(v.unwrap_or(0) as u64);
                }
            }
            Some(j) => {
                for v in 0..=bound {
                    let mut next = assign.clone();
                    next[j] = Some(v);
                    if !go(next, rows, bound, seen, budget) {
                        return false;
                    }
                    if seen.iter().all(|s| s.len() >= 2) {
                        break;
                    }
                }
            }
        }
        true
    }
    if !go(vec![None; unknown.len()], &rows, bound, &mut seen, &mut budget) {
        return None;
    }
    Some(unknown.into_iter().zip(seen).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn no_suppressed_cell_is_recoverable(
        a in 1usize..5, b in 1usize..4, k in 1usize..4, threshold in 2u64..7,
        values in prop::collection::vec(value(), 48),
    ) {
        let t = cube(a, b, &values, k);
        let s = suppress(&t, threshold);
        let p = &s.table;
        // Every small cell is withheld; published cells are unchanged.
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match (cell, &p.rows[r][c]) {
                    (Cell::Count(v), Cell::Suppressed) => prop_assert!(*v < threshold || s.complementary.contains(&(r, c))),
                    (Cell::Count(v), Cell::Count(w)) => {
                        prop_assert_eq!(v, w);
                        prop_assert!(*v == 0 || *v >= threshold, "small value {} published at {:?}", v, (r, c));
                    }
                    (x, y) => prop_assert_eq!(x, y),
                }
            }
        }
        prop_assert!(subtraction_attack(p).is_empty(), "subtraction recovers {:?}", subtraction_attack(p));
        prop_assert!(audit(p).is_empty(), "linear combination recovers {:?}", audit(p));
        if let Some(vals) = feasible_values(p) {
            for ((r, c), set) in &vals {
                prop_assert!(set.len() >= 2, "cell {:?} has only the integer solution(s) {:?}", (r, c), set);
            }
        }
        let rule = format!("threshold {}", threshold);
        prop_assert!(p.disclosure.statement().contains(&rule));
    }
}

#[test]
fn the_integer_checker_catches_what_it_should() {
    // A hand-made unsafe publication: one small cell withheld in a row whose total is published.
    let mut t = cube(2, 2, &[3, 10, 20, 30, 40, 50, 60, 70], 2);
    t.rows[0][2] = Cell::Suppressed;
    let vals = feasible_values(&t).unwrap_or_default();
    assert_eq!(vals.get(&(0, 2)).map(|s| s.len()), Some(1));
    assert_eq!(subtraction_attack(&t), vec![(0, 2)]);
    assert_eq!(audit(&t), vec![(0, 2)]);
}
