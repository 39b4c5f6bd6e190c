//! Disclosure control: small counts are suppressed, and further cells are suppressed so that no suppressed
//! count can be recovered from the totals that are published with it.
//!
//! # The rule
//!
//! * **Primary suppression.** A count from 1 to `threshold − 1` (default threshold 5, so 1–4) is withheld.
//!   Zeros are published: a zero says that nobody has the characteristic, which singles nobody out, and
//!   suppressing zeros would mostly hide structure (e.g. no refugees aged 60+ from a given origin). A zero
//!   is still withheld when it has to serve as a complementary cell and nothing else can.
//! * **Published equations.** A table publishes its cells and its margins: a row with `Total` in some key
//!   columns equals the sum of every cell row that agrees with it on the other keys, and a "total" count
//!   column equals the sum of its component columns in the same row. These are the only relations an
//!   outsider can use, and the checker uses all of them at once.
//! * **Complementary suppression.** Repeated until nothing changes: (1) no published equation may contain
//!   exactly one withheld entry (else subtraction recovers it); (2) when an equation's total is published,
//!   the entries withheld in it must together hold at least `threshold` persons, so that the remainder
//!   never pins a withheld cell to fewer than `threshold` possibilities; (3) the **linear audit**: exact
//!   Gaussian elimination over the rationals on all published equations together finds every withheld entry
//!   whose value the equations determine (e.g. one that can be recovered by combining a row and two column
//!   totals); each such entry gets one more complementary cell in one of its equations. The smallest
//!   non-zero published cell is chosen first, then zero cells, then margins.
//! * **Derived figures** (rates) are withheld whenever a count they are computed from is withheld.
//!
//! The rule and threshold are stated on every output ([`crate::table::Disclosure::statement`]).
//! Limits: protection holds within one table; figures from different queries can in principle be combined
//! (differencing), so published queries should use fixed, documented groupings.

use crate::table::{Cell, Disclosure, Role, Table};
use std::collections::{HashMap, HashSet};

/// A position in a table: `(row, column)`.
pub type Entry = (usize, usize);

/// One published relation: `total = Σ parts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equation {
    /// The total.
    pub total: Entry,
    /// The parts.
    pub parts: Vec<Entry>,
}

impl Equation {
    fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        std::iter::once(self.total).chain(self.parts.iter().copied())
    }
}

/// A table after disclosure control.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressedTable {
    /// The published table: withheld cells are [`Cell::Suppressed`]; its `disclosure` states the rule.
    pub table: Table,
    /// Cells withheld because they were small.
    pub primary: Vec<Entry>,
    /// Cells withheld so the small ones cannot be recovered.
    pub complementary: Vec<Entry>,
    /// Derived cells (rates) withheld with their counts.
    pub derived: Vec<Entry>,
}

impl SuppressedTable {
    /// The published table.
    pub fn into_table(self) -> Table {
        self.table
    }
}

/// Every published equation of a table: margins (rows with [`Cell::Total`] keys) and total columns
/// ([`crate::table::Column::sum_of`]). Count cells only.
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

/// Applies the rule to a table with the given threshold (counts from 1 to `threshold − 1` are small).
pub fn suppress(table: &Table, threshold: u64) -> SuppressedTable {
    suppress_owned(table.clone(), threshold)
}

/// [`suppress`], taking the table by value (no copy).
pub fn suppress_owned(mut table: Table, threshold: u64) -> SuppressedTable {
    let ncols = table.columns.len();
    let idx = |(r, c): Entry| r * ncols + c;
    let counts = table.count_columns();
    let mut sup = vec![false; table.rows.len() * ncols];
    let mut withheld_before = false;
    // Primary cells, listed column by column (the rows are scanned once, in order).
    let mut by_column: Vec<Vec<Entry>> = vec![Vec::new(); counts.len()];
    for (r, row) in table.rows.iter().enumerate() {
        for (j, &c) in counts.iter().enumerate() {
            match row[c] {
                Cell::Count(v) if v >= 1 && v < threshold => {
                    sup[idx((r, c))] = true;
                    by_column[j].push((r, c));
                }
                Cell::Suppressed => {
                    sup[idx((r, c))] = true;
                    withheld_before = true;
                }
                _ => {}
            }
        }
    }
    let primary: Vec<Entry> = by_column.concat();
    // Complementary suppression is only needed when there is something to protect.
    let complementary = if primary.is_empty() { Vec::new() } else { complement(&table, threshold, &mut sup) };
    for &(r, c) in primary.iter().chain(&complementary) {
        table.rows[r][c] = Cell::Suppressed;
    }
    let mut derived = Vec::new();
    if withheld_before || !primary.is_empty() {
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
    }
    table.disclosure =
        Disclosure::Suppressed { threshold, primary: primary.len(), complementary: complementary.len(), derived: derived.len() };
    SuppressedTable { table, primary, complementary, derived }
}

/// Complementary suppression: marks further cells in `sup` (row-major, one flag per cell) until every
/// published equation is safe, and returns them in the order they were chosen.
fn complement(table: &Table, threshold: u64, sup: &mut [bool]) -> Vec<Entry> {
    let ncols = table.columns.len();
    let idx = |(r, c): Entry| r * ncols + c;
    let eqs = equations(table);
    let values: Vec<u64> = table.rows.iter().flat_map(|r| r.iter().map(|c| c.count().unwrap_or(0))).collect();
    let value = |e: Entry| values[idx(e)];
    let margin_rows: HashSet<usize> = eqs.iter().filter(|e| e.total.1 == e.parts[0].1).map(|e| e.total.0).collect();
    let total_cols: Vec<bool> = table.columns.iter().map(|c| !c.sum_of.is_empty()).collect();
    let mut complementary = Vec::new();
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
                if let Some(e) = pick(eq, sup) {
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
                choice = options.iter().find_map(|&i| pick(&eqs[i], sup));
                frontier = options
                    .iter()
                    .flat_map(|&i| eqs[i].entries().filter(|&x| sup[idx(x)]).collect::<Vec<_>>())
                    .filter(|x| seen_entry.insert(*x))
                    .collect();
            }
            if let Some(c) = choice {
                sup[idx(c)] = true;
                complementary.push(c);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    complementary
}

/// The linear-equation checker: every withheld count of a published table whose value is determined by the
/// published cells and equations (by subtraction or any linear combination). Empty for a safe table.
pub fn audit(t: &Table) -> Vec<Entry> {
    let eqs = equations(t);
    let mut v: Vec<Entry> = audit_with(&eqs, |(r, c)| t.rows[r][c] == Cell::Suppressed).into_iter().map(|(e, _)| e).collect();
    v.sort();
    v
}

/// The simple checker: withheld entries that are alone in a published equation (recoverable by one
/// subtraction).
pub fn subtraction_attack(t: &Table) -> Vec<Entry> {
    let mut out: Vec<Entry> = equations(t)
        .iter()
        .filter_map(|e| {
            let s: Vec<Entry> = e.entries().filter(|&(r, c)| t.rows[r][c] == Cell::Suppressed).collect();
            (s.len() == 1).then(|| s[0])
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Determined unknowns, with the id of their connected component.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Provenance};

    /// A two-way table (rows × columns) with row totals, column totals and the grand total.
    pub(crate) fn two_way(cells: &[Vec<u64>]) -> Table {
        let ncat = cells[0].len();
        let mut cols = vec![Column::key("region", "#adm1")];
        for j in 0..ncat {
            cols.push(Column::count(&format!("c{j}"), "#affected"));
        }
        cols.push(Column::total("total", "#population+total", (1..=ncat).collect()));
        let mut t = Table::new("t", cols, Provenance::registry("TEST", "test"));
        for (i, row) in cells.iter().enumerate() {
            let mut r = vec![Cell::text(format!("r{i}"))];
            r.extend(row.iter().map(|&v| Cell::Count(v)));
            r.push(Cell::Count(row.iter().sum()));
            t.rows.push(r);
        }
        t.add_margins(&[vec![0]], &[]);
        t
    }

    #[test]
    fn single_small_cell_gets_partners_in_its_row_and_column() {
        let t = two_way(&[vec![20, 3, 40], vec![30, 25, 12], vec![10, 9, 50]]);
        let s = suppress(&t, 5);
        assert_eq!(s.primary, vec![(0, 2)]);
        assert!(s.complementary.len() >= 3, "{:?}", s.complementary);
        assert!(audit(&s.table).is_empty());
        assert!(subtraction_attack(&s.table).is_empty());
        assert!(s.table.disclosure.statement().contains("threshold 5"));
    }

    #[test]
    fn zeros_are_not_suppressed_and_clean_tables_are_untouched() {
        let t = two_way(&[vec![20, 0, 40], vec![30, 25, 0]]);
        let s = suppress(&t, 5);
        assert!(s.primary.is_empty() && s.complementary.is_empty());
        assert_eq!(s.table.rows, t.rows);
    }

    #[test]
    fn bridge_between_two_cycles_is_detected() {
        // Suppressed cells forming two 2x2 cycles joined by one cell: every row and column has two or more
        // suppressed entries, yet the joining cell is determined. The audit must find it.
        let mut t = two_way(&[vec![10, 10, 10, 10], vec![10, 10, 10, 10], vec![10, 10, 10, 10], vec![10, 10, 10, 10]]);
        for &(r, c) in &[(0, 1), (0, 2), (1, 1), (1, 2), (2, 3), (2, 4), (3, 3), (3, 4), (0, 3)] {
            t.rows[r][c] = Cell::Suppressed;
        }
        // Row 0 has 3 suppressed and column 3 has 3: no single-subtraction attack works.
        assert!(subtraction_attack(&t).is_empty());
        assert_eq!(audit(&t), vec![(0, 3)]);
    }

    #[test]
    fn determined_columns_basic() {
        // x0 + x1 = a ; x1 = b  → both determined.
        assert_eq!(determined_columns(vec![vec![1, 1], vec![0, 1]], 2), vec![0, 1]);
        // x0 + x1 = a → neither.
        assert!(determined_columns(vec![vec![1, 1]], 2).is_empty());
        // x0 - x1 = a, x1 - x2 = b, x0 - x2 = c → none determined (rank 2, cycle).
        assert!(determined_columns(vec![vec![1, -1, 0], vec![0, 1, -1], vec![1, 0, -1]], 3).is_empty());
    }
}
