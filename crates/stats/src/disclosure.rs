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
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

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
    let f = Flat::of(t);
    (0..f.len())
        .map(|i| {
            let e = f.eq(i);
            Equation { total: f.entry(e[0]), parts: e[1..].iter().map(|&x| f.entry(x)).collect() }
        })
        .collect()
}

/// The published equations in one flat list: equation `i` is `cells[start[i]..start[i + 1]]`, its total
/// first, each entry as the cell index `row * ncols + column`. Same equations, same order as [`equations`].
struct Flat {
    ncols: usize,
    start: Vec<usize>,
    cells: Vec<usize>,
}

impl Flat {
    fn of(t: &Table) -> Self {
        let ncols = t.columns.len();
        let keys = t.key_columns();
        let counts = t.count_columns();
        let mut f = Flat { ncols, start: vec![0], cells: Vec::new() };
        let idx = |r: usize, c: usize| r * ncols + c;
        // Margin rows, grouped by which key columns are totals.
        let is_margin = |r: &[Cell]| keys.iter().any(|&k| r[k] == Cell::Total);
        let mut cell_rows: Vec<usize> = Vec::new();
        let mut by_pattern: HashMap<Vec<bool>, Vec<usize>> = HashMap::new();
        for (i, r) in t.rows.iter().enumerate() {
            if is_margin(r) {
                by_pattern.entry(keys.iter().map(|&k| r[k] == Cell::Total).collect()).or_default().push(i);
            } else {
                cell_rows.push(i);
            }
        }
        let mut patterns: Vec<_> = by_pattern.into_iter().collect();
        patterns.sort();
        let mut text = String::new();
        for (p, margins) in patterns {
            if cell_rows.is_empty() {
                break;
            }
            // A row's values in the key columns that are not totals, as text (one reused buffer).
            let project = |r: &[Cell], text: &mut String| {
                text.clear();
                for (&k, _) in keys.iter().zip(&p).filter(|(_, tot)| !**tot) {
                    r[k].render_into(text);
                    text.push('\u{1f}');
                }
            };
            // Cell rows by projection: group ids, then each group's rows in order.
            let mut group_id: HashMap<String, usize> = HashMap::new();
            let mut group_of: Vec<usize> = Vec::with_capacity(cell_rows.len());
            for &i in &cell_rows {
                project(&t.rows[i], &mut text);
                let n = group_id.len();
                let g = match group_id.get(text.as_str()) {
                    Some(&g) => g,
                    None => {
                        group_id.insert(text.clone(), n);
                        n
                    }
                };
                group_of.push(g);
            }
            let mut first = vec![0usize; group_id.len() + 1];
            for &g in &group_of {
                first[g + 1] += 1;
            }
            for g in 1..first.len() {
                first[g] += first[g - 1];
            }
            let mut members = vec![0usize; cell_rows.len()];
            let mut fill = first.clone();
            for (&i, &g) in cell_rows.iter().zip(&group_of) {
                members[fill[g]] = i;
                fill[g] += 1;
            }
            for m in margins {
                project(&t.rows[m], &mut text);
                let Some(&g) = group_id.get(text.as_str()) else { continue };
                let rows = &members[first[g]..first[g + 1]];
                for &c in &counts {
                    if !is_count(&t.rows[m][c]) {
                        continue;
                    }
                    f.cells.push(idx(m, c));
                    f.cells.extend(rows.iter().filter(|&&r| is_count(&t.rows[r][c])).map(|&r| idx(r, c)));
                    f.close();
                }
            }
        }
        // Total columns.
        for &c in &counts {
            let of = &t.columns[c].sum_of;
            if of.is_empty() {
                continue;
            }
            for (r, row) in t.rows.iter().enumerate() {
                if is_count(&row[c]) {
                    f.cells.push(idx(r, c));
                    f.cells.extend(of.iter().filter(|&&k| is_count(&row[k])).map(|&k| idx(r, k)));
                    f.close();
                }
            }
        }
        f
    }

    /// Ends the equation being pushed: kept if it has at least one part, else dropped.
    fn close(&mut self) {
        let from = self.start[self.start.len() - 1];
        if self.cells.len() - from >= 2 {
            self.start.push(self.cells.len());
        } else {
            self.cells.truncate(from);
        }
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }

    /// Equation `i`: its total, then its parts.
    fn eq(&self, i: usize) -> &[usize] {
        &self.cells[self.start[i]..self.start[i + 1]]
    }

    fn entry(&self, x: usize) -> Entry {
        (x / self.ncols, x % self.ncols)
    }

    /// For each cell, the equations it appears in (ascending): `list[first[x]..first[x + 1]]`.
    fn members(&self, ncells: usize) -> (Vec<usize>, Vec<usize>) {
        let mut first = vec![0usize; ncells + 1];
        for &x in &self.cells {
            first[x + 1] += 1;
        }
        for x in 1..first.len() {
            first[x] += first[x - 1];
        }
        let mut list = vec![0usize; self.cells.len()];
        let mut fill = first.clone();
        for i in 0..self.len() {
            for &x in self.eq(i) {
                list[fill[x]] = i;
                fill[x] += 1;
            }
        }
        (first, list)
    }
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
///
/// The rule is applied in sweeps over the equations in order, each equation looked at with the cells
/// withheld so far; sweeps repeat until one withholds nothing, then the linear audit runs, and if it withholds
/// anything the sweeps start again. An equation whose entries have not changed since it was last looked at
/// would be left as it is, so a sweep visits only the equations with a newly withheld entry: those after the
/// current one in this sweep, the others in the next. The cells chosen, and their order, are those of full
/// sweeps; the work is proportional to the equations that change rather than to all of them each sweep.
fn complement(table: &Table, threshold: u64, sup: &mut [bool]) -> Vec<Entry> {
    let ncols = table.columns.len();
    let ncells = table.rows.len() * ncols;
    let f = Flat::of(table);
    let ne = f.len();
    let mut values = vec![0u64; ncells];
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if let Cell::Count(v) = cell {
                values[r * ncols + c] = *v;
            }
        }
    }
    // Rows that are the total of a margin equation, and total columns: chosen last.
    let mut margin_rows = vec![false; table.rows.len()];
    for i in 0..ne {
        let e = f.eq(i);
        if e[0] % ncols == e[1] % ncols {
            margin_rows[e[0] / ncols] = true;
        }
    }
    let total_cols: Vec<bool> = table.columns.iter().map(|c| !c.sum_of.is_empty()).collect();
    let pick = |i: usize, sup: &[bool]| -> Option<usize> {
        // Cheapest unsuppressed entry: non-zero cells by value, then zero cells, then totals/margins.
        let e = f.eq(i);
        e.iter().copied().filter(|&x| !sup[x]).min_by_key(|&x| {
            let v = values[x];
            let is_total = x == e[0] || margin_rows[x / ncols] || total_cols[x % ncols];
            (is_total, v == 0, v, x)
        })
    };
    let (first, list) = f.members(ncells);
    let members = |x: usize| &list[first[x]..first[x + 1]];
    let mut state = Sweeps {
        complementary: Vec::new(),
        queued: vec![true; ne],
        now: (0..ne).map(Reverse).collect(),
        next: Vec::new(),
        active: vec![false; ne],
        active_list: Vec::new(),
    };
    for i in 0..ne {
        if f.eq(i).iter().any(|&x| sup[x]) {
            state.active[i] = true;
            state.active_list.push(i);
        }
    }
    let mut auditor = Auditor::new(ncells);
    loop {
        // Sweeps until one withholds nothing.
        loop {
            let mut changed = false;
            while let Some(Reverse(i)) = state.now.pop() {
                state.queued[i] = false;
                let e = f.eq(i);
                let (mut n, mut held, mut total_published) = (0usize, 0u64, true);
                for &x in e {
                    if sup[x] {
                        n += 1;
                        held += values[x];
                        if x == e[0] {
                            total_published = false;
                        }
                    }
                }
                if n == 0 {
                    continue;
                }
                if n == 1 || (total_published && held < threshold) {
                    if let Some(x) = pick(i, sup) {
                        state.withhold(x, Some(i), sup, members(x));
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
            let next = std::mem::take(&mut state.next);
            state.now.extend(next.into_iter().map(Reverse));
        }
        // Linear audit: fix one determined entry per component, then go round again.
        state.active_list.sort_unstable();
        let determined = auditor.determined(&f, &state.active_list, |x| sup[x]);
        if determined.is_empty() {
            break;
        }
        let mut changed = false;
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
                let mut options: Vec<usize> =
                    frontier.iter().flat_map(|&x| members(x).iter().copied()).filter(|i| seen_eq.insert(*i)).collect();
                options.sort_by_key(|&i| (f.eq(i).iter().filter(|&&x| sup[x]).count(), i));
                choice = options.iter().find_map(|&i| pick(i, sup));
                if choice.is_none() {
                    frontier = options
                        .iter()
                        .flat_map(|&i| f.eq(i).iter().copied().filter(|&x| sup[x]))
                        .filter(|x| seen_entry.insert(*x))
                        .collect();
                }
            }
            if let Some(c) = choice {
                state.withhold(c, None, sup, members(c));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    state.complementary.into_iter().map(|x| f.entry(x)).collect()
}

/// The work lists of [`complement`].
struct Sweeps {
    /// Cells withheld so far, in order.
    complementary: Vec<usize>,
    /// Equation waiting in `now` or `next`.
    queued: Vec<bool>,
    /// Equations still to look at in this sweep, smallest first.
    now: BinaryHeap<Reverse<usize>>,
    /// Equations to look at in the next sweep.
    next: Vec<usize>,
    /// Equation with at least one withheld entry (the only ones the audit reads).
    active: Vec<bool>,
    active_list: Vec<usize>,
}

impl Sweeps {
    /// Withholds cell `x` while looking at equation `at` (`None`: between sweeps), and queues every equation
    /// it appears in.
    fn withhold(&mut self, x: usize, at: Option<usize>, sup: &mut [bool], members: &[usize]) {
        sup[x] = true;
        self.complementary.push(x);
        for &j in members {
            if !self.active[j] {
                self.active[j] = true;
                self.active_list.push(j);
            }
            if !self.queued[j] {
                self.queued[j] = true;
                match at {
                    Some(i) if j <= i => self.next.push(j),
                    _ => self.now.push(Reverse(j)),
                }
            }
        }
    }
}

/// The linear-equation checker: every withheld count of a published table whose value is determined by the
/// published cells and equations (by subtraction or any linear combination). Empty for a safe table.
pub fn audit(t: &Table) -> Vec<Entry> {
    let f = Flat::of(t);
    let all: Vec<usize> = (0..f.len()).collect();
    let sup = |x: usize| {
        let (r, c) = f.entry(x);
        t.rows[r][c] == Cell::Suppressed
    };
    let mut v: Vec<Entry> =
        Auditor::new(t.rows.len() * t.columns.len()).determined(&f, &all, sup).into_iter().map(|(x, _)| f.entry(x)).collect();
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

/// The linear audit, with buffers kept between runs.
struct Auditor {
    /// Unknown number of each cell (`u32::MAX`: none); reset after each run.
    id: Vec<u32>,
}

impl Auditor {
    fn new(ncells: usize) -> Self {
        Self { id: vec![u32::MAX; ncells] }
    }

    /// Determined unknowns (cells), with the id of their connected component: components in the order of
    /// their root, unknowns within one in the order of their columns.
    ///
    /// `eqs` lists, in ascending order, every equation with a withheld entry (others may be listed too).
    /// Unknowns are numbered in order of first appearance; equations sharing an unknown are joined by
    /// union-find; each component is solved on its own by exact elimination.
    fn determined(&mut self, f: &Flat, eqs: &[usize], is_sup: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
        let mut unknowns: Vec<usize> = Vec::new();
        let mut row_start: Vec<usize> = vec![0];
        let mut terms: Vec<(usize, i128)> = Vec::new();
        for &i in eqs {
            let from = terms.len();
            for (k, &x) in f.eq(i).iter().enumerate() {
                if is_sup(x) {
                    if self.id[x] == u32::MAX {
                        self.id[x] = unknowns.len() as u32;
                        unknowns.push(x);
                    }
                    terms.push((self.id[x] as usize, if k == 0 { 1 } else { -1 }));
                }
            }
            if terms.len() > from {
                row_start.push(terms.len());
            }
        }
        for &x in &unknowns {
            self.id[x] = u32::MAX;
        }
        let nrows = row_start.len() - 1;
        let row = |i: usize| &terms[row_start[i]..row_start[i + 1]];
        let n = unknowns.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for i in 0..nrows {
            let r = row(i);
            let a = find(&mut parent, r[0].0);
            for &(j, _) in &r[1..] {
                let b = find(&mut parent, j);
                if a != b {
                    parent[b] = a;
                }
            }
        }
        // Unknowns and equations of each component, in order, by counting sort on the root.
        let root: Vec<usize> = (0..n).map(|j| find(&mut parent, j)).collect();
        let bucket = |items: &mut dyn Iterator<Item = (usize, usize)>, len: usize| -> (Vec<usize>, Vec<usize>) {
            let items: Vec<(usize, usize)> = items.collect();
            let mut first = vec![0usize; n + 1];
            for &(r, _) in &items {
                first[r + 1] += 1;
            }
            for r in 1..first.len() {
                first[r] += first[r - 1];
            }
            let mut out = vec![0usize; len];
            let mut fill = first.clone();
            for &(r, v) in &items {
                out[fill[r]] = v;
                fill[r] += 1;
            }
            (first, out)
        };
        let (var_first, vars) = bucket(&mut (0..n).map(|j| (root[j], j)), n);
        let (eq_first, eq_ids) = bucket(&mut (0..nrows).map(|i| (root[row(i)[0].0], i)), nrows);
        let mut local = vec![0usize; n];
        let mut matrix: Vec<i128> = Vec::new();
        let mut out = Vec::new();
        for r in 0..n {
            if root[r] != r {
                continue;
            }
            let vars = &vars[var_first[r]..var_first[r + 1]];
            let eq_ids = &eq_ids[eq_first[r]..eq_first[r + 1]];
            for (l, &j) in vars.iter().enumerate() {
                local[j] = l;
            }
            let width = vars.len();
            matrix.clear();
            matrix.resize(eq_ids.len() * width, 0);
            for (k, &i) in eq_ids.iter().enumerate() {
                for &(j, c) in row(i) {
                    matrix[k * width + local[j]] += c;
                }
            }
            for li in determined_columns(&mut matrix, eq_ids.len(), width) {
                out.push((unknowns[vars[li]], r));
            }
        }
        out
    }
}

/// Columns `j` of the matrix (`rows` × `n`, row-major) for which the unit vector `e_j` lies in the row space,
/// i.e. the unknown `x_j` is fixed by the equations. Exact integer (fraction-free) Gaussian elimination to
/// reduced row echelon form; if numbers ever overflow, every column is reported (the safe answer: suppress
/// more).
fn determined_columns(m: &mut [i128], rows: usize, n: usize) -> Vec<usize> {
    let all: Vec<usize> = (0..n).collect();
    if n == 0 {
        return all;
    }
    let mut pivots: Vec<(usize, usize)> = Vec::new(); // (row, col)
    let mut r = 0;
    for c in 0..n {
        let Some(p) = (r..rows).find(|&i| m[i * n + c] != 0) else { continue };
        if p != r {
            let (lo, hi) = m.split_at_mut(p * n);
            lo[r * n..(r + 1) * n].swap_with_slice(&mut hi[..n]);
        }
        for i in 0..rows {
            if i == r || m[i * n + c] == 0 {
                continue;
            }
            let (a, b) = (m[r * n + c], m[i * n + c]);
            // row_i = a*row_i - b*row_r
            let (pr, ri) = if i < r {
                let (lo, hi) = m.split_at_mut(r * n);
                (&hi[..n], &mut lo[i * n..(i + 1) * n])
            } else {
                let (lo, hi) = m.split_at_mut(i * n);
                (&lo[r * n..(r + 1) * n], &mut hi[..n])
            };
            for k in 0..n {
                match ri[k].checked_mul(a).and_then(|x| pr[k].checked_mul(b).and_then(|y| x.checked_sub(y))) {
                    Some(v) => ri[k] = v,
                    None => return all,
                }
            }
            let g = ri.iter().fold(0i128, |g, &x| gcd(g, x));
            if g > 1 {
                ri.iter_mut().for_each(|x| *x /= g);
            }
        }
        pivots.push((r, c));
        r += 1;
        if r == rows {
            break;
        }
    }
    let mut pivot_col = vec![false; n];
    for p in &pivots {
        pivot_col[p.1] = true;
    }
    pivots
        .into_iter()
        .filter(|&(row, col)| (0..n).all(|k| k == col || pivot_col[k] || m[row * n + k] == 0))
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
        assert_eq!(determined_columns(&mut [1, 1, 0, 1], 2, 2), vec![0, 1]);
        // x0 + x1 = a → neither.
        assert!(determined_columns(&mut [1, 1], 1, 2).is_empty());
        // x0 - x1 = a, x1 - x2 = b, x0 - x2 = c → none determined (rank 2, cycle).
        assert!(determined_columns(&mut [1, -1, 0, 0, 1, -1, 1, 0, -1], 3, 3).is_empty());
        // x1 = a, then x0 + x1 = b: the pivot search swaps rows → both determined.
        assert_eq!(determined_columns(&mut [0, 1, 1, 1], 2, 2), vec![0, 1]);
    }
}
