//! Queries over the reference dataset: time series, top-N per year, a country's rank over the years,
//! recognition and total protection rates, and demographic pyramids.
//!
//! Every query returns a typed result with its [`Provenance`]; `to_table` turns it into a [`Table`] for the
//! writers and for disclosure control.

use super::{reported, PlaceId, PopulationColumn, ReferenceData, SolutionsColumn, NOT_REPORTED};
use crate::categories::AgeBracket;
use crate::error::StatsError;
use crate::place::Place;
use crate::table::{Cell, Column, Provenance, Table};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// A fast multiplicative hasher for the small integer keys of the aggregations (not DoS-resistant; the
/// keys are ids, never user text).
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A year and up to four grouping key ids.
type GroupKey = (u16, [u32; 4]);

/// Which side of the (origin, asylum) pair a query is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Country of origin.
    Origin,
    /// Country of asylum (for resettlement: of resettlement).
    Asylum,
}

impl Side {
    /// `origin` or `asylum`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Origin => "origin",
            Self::Asylum => "asylum",
        }
    }
}

/// A figure that can be summed over the reference data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// A column of `unhcr_population.csv`.
    Population(PopulationColumn),
    /// `refugees + oip` (empty `oip` counts as 0), as UNHCR's own examples compute "refugees incl. OIP".
    RefugeesInclOip,
    /// A column of `unhcr_solutions.csv` (resettlement, naturalisation).
    Solutions(SolutionsColumn),
}

impl Measure {
    /// Every measure name accepted by [`Measure::parse`].
    pub const NAMES: [&'static str; 12] = [
        "refugees",
        "asylum_seekers",
        "returned_refugees",
        "idps",
        "returned_idps",
        "stateless",
        "ooc",
        "oip",
        "hst",
        "refugees_incl_oip",
        "resettlement",
        "naturalisation",
    ];

    /// Parses a measure name (see [`Measure::NAMES`]).
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace('-', "_");
        if let Some(c) = PopulationColumn::ALL.iter().find(|c| c.name() == t) {
            return Ok(Self::Population(*c));
        }
        match t.as_str() {
            "refugees_incl_oip" => Ok(Self::RefugeesInclOip),
            "resettlement" => Ok(Self::Solutions(SolutionsColumn::Resettlement)),
            "naturalisation" | "naturalization" => Ok(Self::Solutions(SolutionsColumn::Naturalisation)),
            _ => Err(format!("{s:?} is not a measure; use one of: {}", Self::NAMES.join(", "))),
        }
    }

    /// The measure's name (its column name in output).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Population(c) => c.name(),
            Self::RefugeesInclOip => "refugees_incl_oip",
            Self::Solutions(c) => c.name(),
        }
    }

    /// The measure's HXL hashtag.
    pub fn hxl(&self) -> &'static str {
        match self {
            Self::Population(PopulationColumn::Refugees) => "#affected+refugees",
            Self::Population(PopulationColumn::AsylumSeekers) => "#affected+asylum_seekers",
            Self::Population(PopulationColumn::ReturnedRefugees) => "#affected+returnees+refugees",
            Self::Population(PopulationColumn::Idps) => "#affected+idps",
            Self::Population(PopulationColumn::ReturnedIdps) => "#affected+returnees+idps",
            Self::Population(PopulationColumn::Stateless) => "#affected+stateless",
            Self::Population(PopulationColumn::Ooc) => "#affected+ooc",
            Self::Population(PopulationColumn::Oip) => "#affected+oip",
            Self::Population(PopulationColumn::Hst) => "#affected+host_community",
            Self::RefugeesInclOip => "#affected+refugees+oip",
            Self::Solutions(SolutionsColumn::Resettlement) => "#affected+refugees+resettled",
            Self::Solutions(SolutionsColumn::Naturalisation) => "#affected+refugees+naturalised",
            Self::Solutions(SolutionsColumn::ReturnedRefugees) => "#affected+returnees+refugees",
            Self::Solutions(SolutionsColumn::ReturnedIdps) => "#affected+returnees+idps",
        }
    }
}

/// Which places a query covers on one side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Selection {
    /// Every place.
    #[default]
    All,
    /// These places.
    Places(Vec<Place>),
    /// Every place in these UNHCR regions (names as in `unhcr_countries.csv`, case-insensitive).
    Regions(Vec<String>),
}

/// A classification to group by (the year is always a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Country of origin.
    Origin,
    /// Country of asylum.
    Asylum,
    /// UNHCR region of the country of origin.
    OriginRegion,
    /// UNHCR region of the country of asylum.
    AsylumRegion,
}

impl GroupBy {
    /// Parses `origin`, `asylum`, `origin-region`, `asylum-region`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "origin" => Ok(Self::Origin),
            "asylum" => Ok(Self::Asylum),
            "origin-region" => Ok(Self::OriginRegion),
            "asylum-region" => Ok(Self::AsylumRegion),
            _ => Err(format!("{s:?} is not a grouping; use origin, asylum, origin-region or asylum-region")),
        }
    }

    fn columns(&self) -> (Column, Column) {
        match self {
            Self::Origin => (Column::key("origin", "#country+code+origin"), Column::info("origin_name", "#country+name+origin")),
            Self::Asylum => (Column::key("asylum", "#country+code+asylum"), Column::info("asylum_name", "#country+name+asylum")),
            Self::OriginRegion => (
                Column::key("origin_region", "#region+name+origin"),
                Column::info("origin_region_kind", "#meta+kind+origin"),
            ),
            Self::AsylumRegion => (
                Column::key("asylum_region", "#region+name+asylum"),
                Column::info("asylum_region_kind", "#meta+kind+asylum"),
            ),
        }
    }
}

/// A value of a grouping key, ready for output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct KeyValue {
    /// Code (`SYR`, `UNK`) or region name.
    pub code: Arc<str>,
    /// Label (`Syrian Arab Rep.`, `Unknown`) or `region`.
    pub label: Arc<str>,
}

/// Internal: the output values and sort order of every grouping key, computed once per query.
struct Keys {
    places: Vec<KeyValue>,
    place_rank: Vec<u32>,
    regions: Vec<KeyValue>,
    region_of: Vec<u32>,
    no_region: KeyValue,
}

impl Keys {
    fn id(&self, g: GroupBy, o: PlaceId, a: PlaceId) -> u32 {
        match g {
            GroupBy::Origin => o as u32,
            GroupBy::Asylum => a as u32,
            GroupBy::OriginRegion => self.region_of[o as usize],
            GroupBy::AsylumRegion => self.region_of[a as usize],
        }
    }

    /// Sort rank of a key id (places by code, regions by name, "No region" last).
    fn rank(&self, g: GroupBy, k: u32) -> u32 {
        match g {
            GroupBy::Origin | GroupBy::Asylum => self.place_rank[k as usize],
            _ => k,
        }
    }

    fn value(&self, g: GroupBy, k: u32) -> &KeyValue {
        match g {
            GroupBy::Origin | GroupBy::Asylum => &self.places[k as usize],
            _ => self.regions.get(k as usize).unwrap_or(&self.no_region),
        }
    }

    /// How many distinct sort positions a grouping has: [`Keys::position`] is below this.
    fn positions(&self, g: GroupBy) -> u64 {
        match g {
            GroupBy::Origin | GroupBy::Asylum => self.places.len() as u64,
            _ => self.regions.len() as u64 + 1,
        }
    }

    /// [`Keys::rank`] as a dense number below [`Keys::positions`], in the same order ("No region" is
    /// `regions.len()` rather than `u32::MAX`).
    fn position(&self, g: GroupBy, k: u32) -> u64 {
        match g {
            GroupBy::Origin | GroupBy::Asylum => self.place_rank[k as usize] as u64,
            _ => (k as u64).min(self.regions.len() as u64),
        }
    }
}

/// A range of years, inclusive.
pub type Years = Option<(u16, u16)>;

/// Internal: the places a [`Selection`] covers, as a mask over place ids.
struct Mask(Vec<bool>);

impl Mask {
    #[inline]
    fn has(&self, id: PlaceId) -> bool {
        self.0[id as usize]
    }
}

/// Internal: sum of reported values.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    sum: u64,
    reported: bool,
}

impl Acc {
    #[inline]
    fn add(&mut self, v: u32) {
        if v != NOT_REPORTED {
            self.sum += v as u64;
            self.reported = true;
        }
    }
    fn value(&self) -> Option<u64> {
        self.reported.then_some(self.sum)
    }
}

const NO_REGION: u32 = u32::MAX;

impl ReferenceData {
    fn mask(&self, sel: &Selection) -> Result<Mask, StatsError> {
        let mut m = vec![false; self.places.len()];
        match sel {
            Selection::All => m.iter_mut().for_each(|b| *b = true),
            Selection::Places(ps) => {
                for p in ps {
                    if let Some(id) = self.place_id(*p) {
                        m[id as usize] = true;
                    }
                }
            }
            Selection::Regions(rs) => {
                let known = self.regions();
                for r in rs {
                    if !known.iter().any(|k| k.eq_ignore_ascii_case(r.trim())) {
                        return Err(StatsError::query(format!(
                            "{r:?} is not a UNHCR region; use one of: {}",
                            known.join(", ")
                        )));
                    }
                }
                for (i, p) in self.places.iter().enumerate() {
                    if let Some(reg) = &p.region {
                        if rs.iter().any(|r| r.trim().eq_ignore_ascii_case(reg)) {
                            m[i] = true;
                        }
                    }
                }
            }
        }
        Ok(Mask(m))
    }

    fn keys(&self) -> Keys {
        let regions = self.regions();
        let region_of = self
            .places
            .iter()
            .map(|p| match &p.region {
                Some(r) => regions.iter().position(|x| x == r).map(|i| i as u32).unwrap_or(NO_REGION),
                None => NO_REGION,
            })
            .collect();
        let places: Vec<KeyValue> =
            self.places.iter().map(|p| KeyValue { code: p.place.code().into(), label: p.label.as_str().into() }).collect();
        let mut order: Vec<usize> = (0..places.len()).collect();
        order.sort_by(|&x, &y| places[x].cmp(&places[y]));
        let mut place_rank = vec![0u32; places.len()];
        for (r, &i) in order.iter().enumerate() {
            place_rank[i] = r as u32;
        }
        let regions = regions.into_iter().map(|r| KeyValue { code: r.into(), label: "region".into() }).collect();
        let no_region = KeyValue { code: "No region".into(), label: "stateless, unknown or unassigned".into() };
        Keys { places, place_rank, regions, region_of, no_region }
    }

    /// Visits every row of the table a measure lives in that passes the filters: `f(year, origin, asylum, row)`.
    fn scan(&self, m: Measure, origin: &Mask, asylum: &Mask, years: Years, mut f: impl FnMut(u16, PlaceId, PlaceId, usize)) {
        let (lo, hi) = years.unwrap_or((0, u16::MAX));
        let (year, o, a) = match m {
            Measure::Population(_) | Measure::RefugeesInclOip => (&self.population.year, &self.population.origin, &self.population.asylum),
            Measure::Solutions(_) => (&self.solutions.year, &self.solutions.origin, &self.solutions.asylum),
        };
        for (i, ((&y, &o), &a)) in year.iter().zip(o).zip(a).enumerate() {
            if y >= lo && y <= hi && origin.has(o) && asylum.has(a) {
                f(y, o, a, i);
            }
        }
    }

    /// The value of a measure in a row of its table (`NOT_REPORTED` when empty).
    #[inline]
    fn value_at(&self, m: Measure, i: usize) -> u32 {
        match m {
            Measure::Population(c) => self.population.counts[c as usize][i],
            Measure::Solutions(c) => self.solutions.counts[c as usize][i],
            Measure::RefugeesInclOip => match (self.population.counts[0][i], self.population.counts[7][i]) {
                (NOT_REPORTED, NOT_REPORTED) => NOT_REPORTED,
                (NOT_REPORTED, b) => b,
                (a, NOT_REPORTED) => a,
                (a, b) => a.saturating_add(b).min(NOT_REPORTED - 1),
            },
        }
    }

    /// Time series of one or more measures, by year and the chosen groupings, over the selected places.
    pub fn series(&self, q: &SeriesQuery) -> Result<Series, StatsError> {
        if q.measures.is_empty() {
            return Err(StatsError::query("name at least one measure (e.g. --measure refugees)"));
        }
        let (om, am) = (self.mask(&q.origin)?, self.mask(&q.asylum)?);
        let keys = self.keys();
        let by = &q.by;
        let nm = q.measures.len();
        let mut index: IdMap<(u16, [u32; 4]), usize> = IdMap::default();
        let mut entries: Vec<(GroupKey, Vec<Acc>)> = Vec::new();
        // One pass per source table; all measures of that table are summed in the same pass.
        let population: Vec<(usize, Measure)> =
            q.measures.iter().copied().enumerate().filter(|(_, m)| !matches!(m, Measure::Solutions(_))).collect();
        let solutions: Vec<(usize, Measure)> =
            q.measures.iter().copied().enumerate().filter(|(_, m)| matches!(m, Measure::Solutions(_))).collect();
        for group in [population, solutions] {
            let Some(&(_, first)) = group.first() else { continue };
            self.scan(first, &om, &am, q.years, |y, o, a, i| {
                let mut key = [0u32; 4];
                for (k, g) in by.iter().enumerate() {
                    key[k] = keys.id(*g, o, a);
                }
                let e = *index.entry((y, key)).or_insert_with(|| {
                    entries.push(((y, key), vec![Acc::default(); nm]));
                    entries.len() - 1
                });
                let vals = &mut entries[e].1;
                for &(mi, m) in &group {
                    vals[mi].add(self.value_at(m, i));
                }
            });
        }
        entries.sort_by_cached_key(|((y, key), _)| {
            let mut r = [0u32; 4];
            for (k, g) in by.iter().enumerate() {
                r[k] = keys.rank(*g, key[k]);
            }
            (r, *y)
        });
        let rows: Vec<SeriesRow> = entries
            .into_iter()
            .map(|((year, key), vals)| SeriesRow {
                year,
                keys: by.iter().enumerate().map(|(k, g)| keys.value(*g, key[k]).clone()).collect(),
                values: vals.iter().map(Acc::value).collect(),
            })
            .collect();
        Ok(Series { query: q.clone(), rows, provenance: self.provenance() })
    }

    /// Totals of a measure per year and per place on one side, over the selected places of the other side.
    /// Returns, for each year present, `(place, total)` for every place with at least one reported row.
    pub fn totals_by_year(
        &self,
        m: Measure,
        side: Side,
        other: &Selection,
        years: Years,
    ) -> Result<BTreeMap<u16, Vec<(PlaceId, u64)>>, StatsError> {
        let all = self.mask(&Selection::All)?;
        let om = self.mask(other)?;
        let (omask, amask) = match side {
            Side::Origin => (&all, &om),
            Side::Asylum => (&om, &all),
        };
        let n = self.places.len();
        let mut per_year: BTreeMap<u16, Vec<Acc>> = BTreeMap::new();
        self.scan(m, omask, amask, years, |y, o, a, i| {
            let v = self.value_at(m, i);
            let p = match side {
                Side::Origin => o,
                Side::Asylum => a,
            };
            per_year.entry(y).or_insert_with(|| vec![Acc::default(); n])[p as usize].add(v);
        });
        Ok(per_year
            .into_iter()
            .map(|(y, v)| {
                let list = v.iter().enumerate().filter_map(|(i, a)| a.value().map(|s| (i as PlaceId, s))).collect();
                (y, list)
            })
            .collect())
    }

    /// Ranks real countries by value (competition ranking: ties share a rank, the next rank skips).
    /// Places that are not countries and zero values are left out.
    fn ranking(&self, totals: &[(PlaceId, u64)]) -> Vec<(PlaceId, u64, u32)> {
        let mut v: Vec<(PlaceId, u64)> =
            totals.iter().copied().filter(|(p, s)| *s > 0 && self.place(*p).place.is_country()).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| self.place(a.0).place.cmp(&self.place(b.0).place)));
        let mut out = Vec::with_capacity(v.len());
        let mut rank = 0u32;
        let mut prev = None;
        for (i, (p, s)) in v.into_iter().enumerate() {
            if prev != Some(s) {
                rank = i as u32 + 1;
                prev = Some(s);
            }
            out.push((p, s, rank));
        }
        out
    }

    /// The top `n` countries per year by a measure, on one side. Ties at the n-th place are all included.
    /// Pseudo-origins (unknown, stateless, Tibetan, …) are never ranked; their values are listed apart.
    pub fn top(&self, q: &TopQuery) -> Result<Top, StatsError> {
        if q.n == 0 {
            return Err(StatsError::query("--n must be at least 1"));
        }
        let totals = self.totals_by_year(q.measure, q.side, &q.other, q.years)?;
        let mut rows = Vec::new();
        let mut unranked = Vec::new();
        for (year, list) in &totals {
            for (p, v, rank) in self.ranking(list) {
                if rank as usize > q.n {
                    break;
                }
                let info = self.place(p);
                rows.push(TopRow { year: *year, rank, place: info.place, label: info.label.as_str().into(), value: v });
            }
            for (p, v) in list {
                let info = self.place(*p);
                if !info.place.is_country() && *v > 0 {
                    unranked.push(TopRow { year: *year, rank: 0, place: info.place, label: info.label.as_str().into(), value: *v });
                }
            }
        }
        Ok(Top { query: q.clone(), rows, unranked, provenance: self.provenance() })
    }

    /// One country's rank among countries, per year, on one side.
    pub fn rank(&self, q: &RankQuery) -> Result<RankSeries, StatsError> {
        if !q.place.is_country() {
            return Err(StatsError::query(format!(
                "{} ({}) is not a country and is never ranked; query its series instead (nansen stats series)",
                q.place.code(),
                q.place.default_label()
            )));
        }
        let totals = self.totals_by_year(q.measure, q.side, &q.other, q.years)?;
        let id = self.place_id(q.place);
        let mut rows = Vec::new();
        for (year, list) in &totals {
            let ranking = self.ranking(list);
            let mine = id.and_then(|id| ranking.iter().find(|(p, _, _)| *p == id));
            let value = id.and_then(|id| list.iter().find(|(p, _)| *p == id).map(|(_, v)| *v));
            rows.push(RankRow {
                year: *year,
                rank: mine.map(|(_, _, r)| *r),
                value,
                ranked_countries: ranking.len() as u32,
                in_top: q.top.map(|n| mine.is_some_and(|(_, _, r)| *r <= n)),
            });
        }
        // Years with no data at all still appear, so that a gap is visible.
        if let Some((lo, hi)) = q.years {
            for y in lo..=hi {
                if !totals.contains_key(&y) {
                    rows.push(RankRow { year: y, rank: None, value: None, ranked_countries: 0, in_top: q.top.map(|_| false) });
                }
            }
            rows.sort_by_key(|r| r.year);
        }
        let label = id.map(|i| self.place(i).label.clone()).unwrap_or_else(|| q.place.default_label());
        Ok(RankSeries { query: q.clone(), label, rows, provenance: self.provenance() })
    }

    /// Recognition and total protection rates (UNHCR definitions), by year and the chosen groupings.
    pub fn rates(&self, q: &RatesQuery) -> Result<Rates, StatsError> {
        let groups = self.rates_groups(q)?;
        let mut rows: Vec<RatesRow> = Vec::with_capacity(groups.count);
        groups.for_each(|year, key, acc| {
            let [rec, oth, rej, clo, tot] = acc.v.map(|a| a.sum);
            rows.push(RatesRow {
                year,
                keys: q.by.iter().enumerate().map(|(k, by)| groups.keys.value(*by, key[k]).clone()).collect(),
                recognized: rec,
                other: oth,
                rejected: rej,
                closed: clo,
                total: tot,
                units: RATES_UNITS[acc.units()],
            });
        });
        Ok(Rates { query: q.clone(), rows, provenance: self.provenance() })
    }

    /// `self.rates(q)?.to_table()`, built straight from the sums without the intermediate rows (the path the
    /// CLI and the API take; the same table, cell for cell).
    pub fn rates_table(&self, q: &RatesQuery) -> Result<Table, StatsError> {
        let groups = self.rates_groups(q)?;
        let mut t = rates_frame(q, self.provenance());
        let units = rates_unit_cells();
        let width = t.columns.len();
        t.rows.reserve_exact(groups.count);
        groups.for_each(|year, key, acc| {
            let mut row = Vec::with_capacity(width);
            row.push(Cell::Int(year as i64));
            for (k, by) in q.by.iter().enumerate() {
                let v = groups.keys.value(*by, key[k]);
                row.push(Cell::Text(v.code.clone()));
                row.push(Cell::Text(v.label.clone()));
            }
            let [rec, oth, rej, clo, _] = acc.v.map(|a| a.sum);
            push_rates_cells(&mut row, rec, oth, rej, clo, &units[acc.units()]);
            t.rows.push(row);
        });
        rates_notes(q, &mut t);
        Ok(t)
    }

    /// The rows of the decisions table a rates query covers, in output order: groupings by their sort rank,
    /// then year.
    ///
    /// The covered rows are copied, in file order, into one array of compact records, each with a number
    /// that encodes its (ranks, year) in mixed radix; the records themselves are sorted on it by an LSD
    /// radix sort over the bits in use, so that [`RatesGroups::for_each`] reads them in order, sequentially,
    /// and sums runs of equal keys. No hashing, no random access, no allocation per group.
    fn rates_groups<'a>(&self, q: &'a RatesQuery) -> Result<RatesGroups<'a>, StatsError> {
        let (om, am) = (self.mask(&q.origin)?, self.mask(&q.asylum)?);
        let keys = self.keys();
        let levels = q.levels.codes(self)?;
        let procs: Vec<Option<super::CodeId>> = q.procedures.iter().map(|p| self.code_id(p)).collect();
        let t = &self.decisions;
        let (lo, hi) = q.years.unwrap_or((0, u16::MAX));
        let mut rows: Vec<DecisionRow> = Vec::with_capacity(t.year.len());
        let (mut ymin, mut ymax) = (u16::MAX, 0u16);
        for i in 0..t.year.len() {
            let (y, o, a) = (t.year[i], t.origin[i], t.asylum[i]);
            if y < lo || y > hi || !om.has(o) || !am.has(a) {
                continue;
            }
            if let Some(l) = &levels {
                if !l.contains(&t.level[i]) {
                    continue;
                }
            }
            if !procs.is_empty() && !procs.contains(&Some(t.procedure[i])) {
                continue;
            }
            match q.units {
                Units::Persons if t.cases[i] => continue,
                Units::Cases if !t.cases[i] => continue,
                _ => {}
            }
            let v = [t.recognized[i], t.other[i], t.rejected[i], t.closed[i], t.total[i]];
            rows.push(DecisionRow { key: 0, year: y, origin: o, asylum: a, cases: t.cases[i], v });
            ymin = ymin.min(y);
            ymax = ymax.max(y);
        }
        let mut groups = RatesGroups { rows, by: &q.by, keys, count: 0 };
        if groups.rows.is_empty() {
            return Ok(groups);
        }
        let keys = &groups.keys;
        let years = ymax as u128 - ymin as u128 + 1;
        let sort_key = |r: &DecisionRow| -> u128 {
            let mut v: u128 = 0;
            for g in &q.by {
                let k = keys.id(*g, r.origin, r.asylum);
                v = v * keys.positions(*g) as u128 + keys.position(*g, k) as u128;
            }
            v * years + (r.year - ymin) as u128
        };
        // At most 4 × 16 bits of ranks and 16 of year: 80 bits.
        let span = q.by.iter().fold(years, |n, g| n * keys.positions(*g) as u128);
        let key_bits = 128 - (span - 1).leading_zeros();
        groups.count = sort_rows(&mut groups.rows, sort_key, key_bits, key_bits <= 64);
        Ok(groups)
    }

    /// A demographic pyramid (UNHCR age brackets × sex) for one year of `unhcr_demographics.csv`.
    pub fn pyramid(&self, q: &PyramidQuery) -> Result<Pyramid, StatsError> {
        let t = &self.demographics;
        let year = match q.year {
            Some(y) => y,
            None => *t.year.iter().max().ok_or_else(|| StatsError::query("the demographics file has no rows"))?,
        };
        if !t.year.contains(&year) {
            let mut ys: Vec<u16> = t.year.clone();
            ys.sort();
            ys.dedup();
            return Err(StatsError::query(format!(
                "the demographics file has no year {year}; it covers {}",
                ys.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ")
            )));
        }
        let (om, am) = (self.mask(&q.origin)?, self.mask(&q.asylum)?);
        let mut types = Vec::new();
        for p in &q.pop_types {
            match self.code_id(&p.to_ascii_uppercase()) {
                Some(id) if t.pop_type.contains(&id) => types.push(id),
                _ => {
                    return Err(StatsError::query(format!(
                        "{p:?} is not a population type of the demographics file; use REF, ASY, OIP, STA, RET, IDP, RDP, OOC or HST"
                    )))
                }
            }
        }
        let mut female = [0u64; 6];
        let mut male = [0u64; 6];
        let (mut ft, mut mt, mut total) = (0u64, 0u64, 0u64);
        let mut rows = 0usize;
        for i in 0..t.year.len() {
            if t.year[i] != year || !om.has(t.origin[i]) || !am.has(t.asylum[i]) {
                continue;
            }
            if !types.is_empty() && !types.contains(&t.pop_type[i]) {
                continue;
            }
            rows += 1;
            for k in 0..6 {
                female[k] += reported(t.female[i][k]).unwrap_or(0);
                male[k] += reported(t.male[i][k]).unwrap_or(0);
            }
            ft += reported(t.female_total[i]).unwrap_or(0);
            mt += reported(t.male_total[i]).unwrap_or(0);
            total += reported(t.total[i]).unwrap_or(0);
        }
        let not_disaggregated = total.saturating_sub(ft + mt);
        Ok(Pyramid { query: q.clone(), year, female, male, not_disaggregated, total, rows, provenance: self.provenance() })
    }
}

/// A time-series query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesQuery {
    /// The measures, one column each.
    pub measures: Vec<Measure>,
    /// Origins covered.
    pub origin: Selection,
    /// Countries of asylum covered.
    pub asylum: Selection,
    /// Groupings besides the year (empty: one world total per year).
    pub by: Vec<GroupBy>,
    /// Years covered (inclusive); `None` for all.
    pub years: Years,
}

/// One row of a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesRow {
    /// Year.
    pub year: u16,
    /// Values of the groupings, in query order.
    pub keys: Vec<KeyValue>,
    /// One value per measure; `None` when no row reported it.
    pub values: Vec<Option<u64>>,
}

/// A time series result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The query.
    pub query: SeriesQuery,
    /// Rows sorted by keys then year.
    pub rows: Vec<SeriesRow>,
    /// Provenance.
    pub provenance: Provenance,
}

impl Series {
    /// The value of measure `m` (index) for a year and key codes, if present.
    pub fn value(&self, year: u16, keys: &[&str], m: usize) -> Option<u64> {
        self.rows
            .iter()
            .find(|r| r.year == year && r.keys.iter().map(|k| &*k.code).eq(keys.iter().copied()))
            .and_then(|r| r.values.get(m).copied().flatten())
    }

    /// As a table: year, key columns (code and label), one count column per measure.
    pub fn to_table(&self) -> Table {
        let mut cols = vec![Column::key("year", "#date+year")];
        let mut labels = vec![];
        for g in &self.query.by {
            let (k, l) = g.columns();
            cols.push(k);
            labels.push((cols.len(), cols.len() - 1));
            cols.push(l);
        }
        for m in &self.query.measures {
            cols.push(Column::count(m.name(), m.hxl()));
        }
        let title = format!(
            "{} by year{}",
            self.query.measures.iter().map(|m| m.name()).collect::<Vec<_>>().join(", "),
            self.query.by.iter().map(|g| format!(" and {:?}", g).to_lowercase()).collect::<String>()
        );
        let mut t = Table::new(title, cols, self.provenance.clone());
        for r in &self.rows {
            let mut row = vec![Cell::Int(r.year as i64)];
            for k in &r.keys {
                row.push(Cell::text(k.code.clone()));
                row.push(Cell::text(k.label.clone()));
            }
            row.extend(r.values.iter().map(|v| v.map(Cell::Count).unwrap_or(Cell::NotReported)));
            t.rows.push(row);
        }
        t.notes.push("Stocks are at the end of each year; returned refugees/IDPs, resettlement and naturalisation count events during the year.".into());
        t.notes.push("An empty value means the source did not report the figure (not zero).".into());
        if self.query.measures.iter().any(|m| matches!(m, Measure::Solutions(_))) {
            t.notes.push("Resettlement counts arrivals by country of resettlement (the asylum column).".into());
        }
        t
    }
}

/// A top-N query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopQuery {
    /// The measure ranked.
    pub measure: Measure,
    /// Rank origins or countries of asylum.
    pub side: Side,
    /// Restrict the other side (e.g. origins of refugees hosted in Europe).
    pub other: Selection,
    /// Years.
    pub years: Years,
    /// How many.
    pub n: usize,
}

/// One row of a top-N result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopRow {
    /// Year.
    pub year: u16,
    /// Rank (1 = largest); 0 for places that are not ranked.
    pub rank: u32,
    /// The place.
    pub place: Place,
    /// Its label.
    pub label: Arc<str>,
    /// The value.
    pub value: u64,
}

/// Top-N result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Top {
    /// The query.
    pub query: TopQuery,
    /// Ranked countries, by year then rank.
    pub rows: Vec<TopRow>,
    /// Pseudo-origins with their values, not ranked.
    pub unranked: Vec<TopRow>,
    /// Provenance.
    pub provenance: Provenance,
}

impl Top {
    /// As a table: year, rank, code, name, kind, value. Unranked pseudo-origins follow, with an empty rank.
    pub fn to_table(&self) -> Table {
        let side = self.query.side.name();
        let cols = vec![
            Column::key("year", "#date+year"),
            Column::info("rank", "#indicator+rank"),
            Column::key(side, &format!("#country+code+{side}")),
            Column::info(&format!("{side}_name"), &format!("#country+name+{side}")),
            Column::info("kind", "#meta+kind"),
            Column::count(self.query.measure.name(), self.query.measure.hxl()),
        ];
        let title = format!("Top {} countries of {side} by {}, per year", self.query.n, self.query.measure.name());
        let mut t = Table::new(title, cols, self.provenance.clone());
        let mut all: Vec<&TopRow> = self.rows.iter().chain(self.unranked.iter()).collect();
        all.sort_by_key(|r| (r.year, r.rank == 0, r.rank));
        for r in all {
            t.rows.push(vec![
                Cell::Int(r.year as i64),
                if r.rank == 0 { Cell::NotApplicable } else { Cell::Int(r.rank as i64) },
                Cell::text(r.place.code()),
                Cell::text(r.label.clone()),
                Cell::text(if r.rank == 0 { format!("{} (not ranked)", r.place.kind()) } else { "country".to_string() }),
                Cell::Count(r.value),
            ]);
        }
        t.notes.push("Ranks are among countries only; unknown, stateless, Tibetan and other pseudo-origins are listed without a rank. Ties share a rank.".into());
        t
    }
}

/// A rank-over-years query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankQuery {
    /// The country.
    pub place: Place,
    /// As origin or as country of asylum.
    pub side: Side,
    /// Ranked by this measure.
    pub measure: Measure,
    /// Restrict the other side.
    pub other: Selection,
    /// Years (every year in the range appears, even without data).
    pub years: Years,
    /// If given, also report whether the rank is within the top `n`.
    pub top: Option<u32>,
}

/// One year of a rank series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankRow {
    /// Year.
    pub year: u16,
    /// Rank among countries (1 = largest); `None` when the country has no (or a zero) value that year.
    pub rank: Option<u32>,
    /// The country's value.
    pub value: Option<u64>,
    /// How many countries had a positive value that year.
    pub ranked_countries: u32,
    /// Within the top `n` of the query, if asked.
    pub in_top: Option<bool>,
}

/// A country's rank over the years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankSeries {
    /// The query.
    pub query: RankQuery,
    /// The country's label.
    pub label: String,
    /// One row per year.
    pub rows: Vec<RankRow>,
    /// Provenance.
    pub provenance: Provenance,
}

impl RankSeries {
    /// True when every year of the series is within the top `n`.
    pub fn always_within(&self, n: u32) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|r| r.rank.is_some_and(|k| k <= n))
    }

    /// As a table.
    pub fn to_table(&self) -> Table {
        let side = self.query.side.name();
        let mut cols = vec![
            Column::key("year", "#date+year"),
            Column::info(side, &format!("#country+code+{side}")),
            Column::info(&format!("{side}_name"), &format!("#country+name+{side}")),
            Column::info("rank", "#indicator+rank"),
            Column::info("ranked_countries", "#indicator+countries+num"),
            Column::count(self.query.measure.name(), self.query.measure.hxl()),
        ];
        if let Some(n) = self.query.top {
            cols.push(Column::info(&format!("in_top_{n}"), &format!("#indicator+top{n}")));
        }
        let title = format!("Rank of {} ({}) as a country of {side} by {}", self.label, self.query.place.code(), self.query.measure.name());
        let mut t = Table::new(title, cols, self.provenance.clone());
        for r in &self.rows {
            let mut row = vec![
                Cell::Int(r.year as i64),
                Cell::text(self.query.place.code()),
                Cell::text(self.label.clone()),
                r.rank.map(|k| Cell::Int(k as i64)).unwrap_or(Cell::NotApplicable),
                Cell::Int(r.ranked_countries as i64),
                r.value.map(Cell::Count).unwrap_or(Cell::NotReported),
            ];
            if let Some(b) = r.in_top {
                row.push(Cell::text(if b { "yes" } else { "no" }));
            }
            t.rows.push(row);
        }
        if let Some(n) = self.query.top {
            t.notes.push(format!(
                "Within the top {n} every year of the range: {}.",
                if self.always_within(n) { "yes" } else { "no" }
            ));
        }
        t.notes.push("Ranks are among countries only (unknown, stateless and Tibetan origins are never ranked); ties share a rank.".into());
        t
    }
}

/// Which decision levels (`dec_level`) enter a rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Levels {
    /// First-instance decisions: `FI` (first instance), `NA` (new applications; Germany), `IN` (USA asylum
    /// offices, first instance).
    FirstInstance,
    /// Decisions on appeal or review: `AR` (administrative review), `JR` (judicial review).
    Appeal,
    /// Every level (UNHCR's Global Trends rates are computed over all decisions of the year).
    All,
    /// Exactly these codes.
    Codes(Vec<String>),
}

impl Levels {
    /// Parses `first-instance`, `appeal`, `all`, or a comma-separated list of `dec_level` codes.
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "first-instance" | "first_instance" | "first" => Self::FirstInstance,
            "appeal" | "review" => Self::Appeal,
            "all" => Self::All,
            _ => Self::Codes(s.split(',').map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()).collect()),
        }
    }

    /// The `dec_level` codes (`None` for all).
    pub fn code_list(&self) -> Option<Vec<String>> {
        match self {
            Self::FirstInstance => Some(vec!["FI".into(), "NA".into(), "IN".into()]),
            Self::Appeal => Some(vec!["AR".into(), "JR".into()]),
            Self::All => None,
            Self::Codes(c) => Some(c.clone()),
        }
    }

    fn codes(&self, d: &ReferenceData) -> Result<Option<Vec<super::CodeId>>, StatsError> {
        let Some(list) = self.code_list() else { return Ok(None) };
        let mut out = Vec::new();
        for c in &list {
            match d.code_id(c) {
                Some(id) if d.decisions.level.contains(&id) => out.push(id),
                _ if matches!(self, Self::Codes(_)) => {
                    return Err(StatsError::query(format!(
                        "{c:?} is not a decision level in the data; use first-instance, appeal, all, or codes such as FI, AR, JR, NA, RA, FA"
                    )))
                }
                _ => {}
            }
        }
        Ok(Some(out))
    }
}

/// Whether to count persons, cases or both (`dec_pc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// Rows that count persons (`P`).
    Persons,
    /// Rows that count cases (`C`; a case may cover several persons).
    Cases,
    /// Both, summed (the `units` column says when a figure mixes them).
    Both,
}

impl Units {
    /// Parses `persons`, `cases`, `both`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "persons" | "p" => Ok(Self::Persons),
            "cases" | "c" => Ok(Self::Cases),
            "both" | "all" => Ok(Self::Both),
            _ => Err(format!("{s:?}: use persons, cases or both")),
        }
    }
}

/// A rates query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatesQuery {
    /// Origins covered.
    pub origin: Selection,
    /// Countries of asylum covered.
    pub asylum: Selection,
    /// Groupings besides the year.
    pub by: Vec<GroupBy>,
    /// Years.
    pub years: Years,
    /// Decision levels.
    pub levels: Levels,
    /// Procedure types (`G`, `J`, `U`); empty for all.
    pub procedures: Vec<String>,
    /// Persons, cases or both.
    pub units: Units,
}

#[derive(Debug, Default, Clone, Copy)]
struct RatesAcc {
    v: [Acc; 5],
    persons: bool,
    cases: bool,
}

/// The `units` values: persons, cases, a mix.
const RATES_UNITS: [&str; 3] = ["P", "C", "P+C"];

impl RatesAcc {
    /// Index in [`RATES_UNITS`].
    fn units(&self) -> usize {
        match (self.persons, self.cases) {
            (true, true) => 2,
            (false, true) => 1,
            _ => 0,
        }
    }
}

/// Internal: the decisions a rates query covers, sorted so that each output row is a run of rows.
struct RatesGroups<'a> {
    /// The covered rows, in output order once sorted.
    rows: Vec<DecisionRow>,
    by: &'a [GroupBy],
    keys: Keys,
    /// Number of output rows.
    count: usize,
}

/// Internal: what a rates query reads of one row of the decisions table, and its sort key.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DecisionRow {
    key: u64,
    year: u16,
    origin: PlaceId,
    asylum: PlaceId,
    cases: bool,
    /// Recognised, complementary, rejected, closed, total (`NOT_REPORTED` when empty).
    v: [u32; 5],
}

impl RatesGroups<'_> {
    /// Calls `f(year, grouping ids, sums)` for each output row, in order.
    fn for_each(&self, mut f: impl FnMut(u16, &[u32; 4], &RatesAcc)) {
        let mut current: Option<((u16, [u32; 4]), RatesAcc)> = None;
        for r in &self.rows {
            let key = group_key(&self.keys, self.by, r);
            if let Some((k, acc)) = &current {
                if *k != key {
                    f(k.0, &k.1, acc);
                    current = None;
                }
            }
            let (_, e) = current.get_or_insert_with(|| (key, RatesAcc::default()));
            for (a, &v) in e.v.iter_mut().zip(&r.v) {
                a.add(v);
            }
            if r.cases {
                e.cases = true;
            } else {
                e.persons = true;
            }
        }
        if let Some((k, acc)) = &current {
            f(k.0, &k.1, acc);
        }
    }
}

/// The output row a decisions row belongs to: year and grouping ids.
fn group_key(keys: &Keys, by: &[GroupBy], r: &DecisionRow) -> (u16, [u32; 4]) {
    let mut key = [0u32; 4];
    for (k, g) in by.iter().enumerate() {
        key[k] = keys.id(*g, r.origin, r.asylum);
    }
    (r.year, key)
}

/// Sorts rows (given in file order) by `key(row)`, which is below `2^key_bits`, keeping ties in file order,
/// and returns the number of distinct keys. `packed`: the key fits in 64 bits, so it is stored in each row
/// and the rows are sorted by [`radix_sort`]; otherwise by a comparison sort.
fn sort_rows(rows: &mut Vec<DecisionRow>, key: impl Fn(&DecisionRow) -> u128, key_bits: u32, packed: bool) -> usize {
    if rows.is_empty() {
        return 0;
    }
    if packed {
        rows.iter_mut().for_each(|r| r.key = key(r) as u64);
        radix_sort(rows, |r| r.key, key_bits);
        1 + rows.windows(2).filter(|w| w[0].key != w[1].key).count()
    } else {
        rows.sort_by_cached_key(|r| key(r));
        1 + rows.windows(2).filter(|w| key(&w[0]) != key(&w[1])).count()
    }
}

/// Stable LSD radix sort of `v` on `key`, of which only the low `bits` are set (11 bits a pass).
fn radix_sort<T: Copy>(v: &mut Vec<T>, key: impl Fn(&T) -> u64, bits: u32) {
    const DIGIT: u32 = 11;
    let Some(&fill) = v.first() else { return };
    let mut buf = vec![fill; v.len()];
    let mut count = vec![0usize; (1 << DIGIT) + 1];
    let mut shift = 0;
    while shift < bits {
        let width = DIGIT.min(bits - shift);
        let mask = (1u64 << width) - 1;
        let count = &mut count[..(1 << width) + 1];
        count.fill(0);
        for x in v.iter() {
            count[((key(x) >> shift) & mask) as usize + 1] += 1;
        }
        for d in 1..count.len() {
            count[d] += count[d - 1];
        }
        for x in v.iter() {
            let d = ((key(x) >> shift) & mask) as usize;
            buf[count[d]] = *x;
            count[d] += 1;
        }
        std::mem::swap(v, &mut buf);
        shift += width;
    }
}

/// The empty rates table: title and columns.
fn rates_frame(q: &RatesQuery, provenance: Provenance) -> Table {
    let mut cols = vec![Column::key("year", "#date+year")];
    for g in &q.by {
        let (k, l) = g.columns();
        cols.push(k);
        cols.push(l);
    }
    let base = cols.len();
    cols.push(Column::count("recognized", "#affected+recognised"));
    cols.push(Column::count("complementary", "#affected+complementary"));
    cols.push(Column::count("rejected", "#affected+rejected"));
    cols.push(Column::count("closed", "#affected+closed"));
    cols.push(Column::total("substantive", "#affected+decisions+substantive", vec![base, base + 1, base + 2]));
    cols.push(Column::total("total_decisions", "#affected+decisions+total", vec![base + 4, base + 3]));
    cols.push(Column::derived("recognition_rate", "#indicator+rate+recognition", vec![base, base + 4]));
    cols.push(Column::derived("total_protection_rate", "#indicator+rate+total_protection", vec![base, base + 1, base + 4]));
    cols.push(Column::info("units", "#meta+units"));
    let level = match &q.levels {
        Levels::FirstInstance => "first-instance".to_string(),
        Levels::Appeal => "appeal/review".to_string(),
        Levels::All => "all-level".to_string(),
        Levels::Codes(c) => format!("dec_level {}", c.join("+")),
    };
    Table::new(format!("Refugee recognition and total protection rates ({level} decisions)"), cols, provenance)
}

/// The `units` cells, in [`RATES_UNITS`] order (shared by every row).
fn rates_unit_cells() -> [Cell; 3] {
    RATES_UNITS.map(Cell::text)
}

/// The cells of a rates row after the year and the groupings: counts, the two totals, the two rates, units.
fn push_rates_cells(row: &mut Vec<Cell>, recognized: u64, other: u64, rejected: u64, closed: u64, units: &Cell) {
    let substantive = recognized + other + rejected;
    row.push(Cell::Count(recognized));
    row.push(Cell::Count(other));
    row.push(Cell::Count(rejected));
    row.push(Cell::Count(closed));
    row.push(Cell::Count(substantive));
    row.push(Cell::Count(substantive + closed));
    row.push(rate(recognized, substantive).map(Cell::Rate).unwrap_or(Cell::NotApplicable));
    row.push(rate(recognized + other, substantive).map(Cell::Rate).unwrap_or(Cell::NotApplicable));
    row.push(units.clone());
}

/// `part / substantive`, `None` without substantive decisions.
fn rate(part: u64, substantive: u64) -> Option<f64> {
    (substantive > 0).then(|| part as f64 / substantive as f64)
}

/// The notes under a rates table.
fn rates_notes(q: &RatesQuery, t: &mut Table) {
    t.notes.push("Recognition rate = recognised / (recognised + complementary + rejected); total protection rate = (recognised + complementary) / (recognised + complementary + rejected). Otherwise-closed decisions are not substantive and excluded (UNHCR, Global Trends methodology).".into());
    if let Some(c) = q.levels.code_list() {
        t.notes.push(format!("Decision levels included: {}.", c.join(", ")));
    }
    t.notes.push("units: P = persons, C = cases (one case may cover several persons), P+C = a sum of both.".into());
    t.notes.push("total_decisions is the sum of the four outcomes; UNHCR's own dec_total differs from it in a few hundred source rows (publisher rounding).".into());
}

/// One row of a rates result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatesRow {
    /// Year.
    pub year: u16,
    /// Grouping values.
    pub keys: Vec<KeyValue>,
    /// Recognised as refugees (`dec_recognized`).
    pub recognized: u64,
    /// Complementary protection (`dec_other`).
    pub other: u64,
    /// Rejected (`dec_rejected`).
    pub rejected: u64,
    /// Otherwise closed (`dec_closed`): not substantive.
    pub closed: u64,
    /// All decisions as reported (`dec_total`; not always the sum of the four).
    pub total: u64,
    /// `P`, `C` or `P+C`: whether the counts are persons, cases or a mix.
    pub units: &'static str,
}

impl RatesRow {
    /// Substantive decisions: recognised + complementary + rejected.
    pub fn substantive(&self) -> u64 {
        self.recognized + self.other + self.rejected
    }

    /// Refugee recognition rate: recognised / substantive decisions. `None` without substantive decisions.
    pub fn recognition_rate(&self) -> Option<f64> {
        rate(self.recognized, self.substantive())
    }

    /// Total protection rate: (recognised + complementary) / substantive decisions.
    pub fn total_protection_rate(&self) -> Option<f64> {
        rate(self.recognized + self.other, self.substantive())
    }
}

/// Rates result.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// The query.
    pub query: RatesQuery,
    /// Rows by keys then year.
    pub rows: Vec<RatesRow>,
    /// Provenance.
    pub provenance: Provenance,
}

impl Rates {
    /// As a table: counts and the two rates (rates are derived columns, withheld with their counts).
    pub fn to_table(&self) -> Table {
        let mut t = rates_frame(&self.query, self.provenance.clone());
        let units = rates_unit_cells();
        let width = t.columns.len();
        t.rows.reserve(self.rows.len());
        for r in &self.rows {
            let mut row = Vec::with_capacity(width);
            row.push(Cell::Int(r.year as i64));
            for k in &r.keys {
                row.push(Cell::Text(k.code.clone()));
                row.push(Cell::Text(k.label.clone()));
            }
            let u = &units[RATES_UNITS.iter().position(|x| *x == r.units).unwrap_or(0)];
            push_rates_cells(&mut row, r.recognized, r.other, r.rejected, r.closed, u);
            t.rows.push(row);
        }
        rates_notes(&self.query, &mut t);
        t
    }
}

/// A pyramid query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyramidQuery {
    /// Year (default: the latest in the file; the v2025.12.1 release has 2025 only).
    pub year: Option<u16>,
    /// Origins covered.
    pub origin: Selection,
    /// Countries of asylum covered.
    pub asylum: Selection,
    /// Population types (`REF`, `ASY`, `OIP`, …); empty for all.
    pub pop_types: Vec<String>,
}

/// A demographic pyramid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pyramid {
    /// The query.
    pub query: PyramidQuery,
    /// The year.
    pub year: u16,
    /// Females per [`AgeBracket::ALL`] (the last is "age unknown").
    pub female: [u64; 6],
    /// Males per bracket.
    pub male: [u64; 6],
    /// Persons reported without any sex breakdown (`total − f_total − m_total`).
    pub not_disaggregated: u64,
    /// Everyone (`total`).
    pub total: u64,
    /// How many source rows contributed.
    pub rows: usize,
    /// Provenance.
    pub provenance: Provenance,
}

impl Pyramid {
    /// As a table: one row per age bracket with female, male, sex-not-reported and total columns, and a total row.
    pub fn to_table(&self) -> Table {
        let cols = vec![
            Column::key("age_bracket", "#group+age"),
            Column::count("female", "#affected+f"),
            Column::count("male", "#affected+m"),
            Column::count("sex_not_reported", "#affected+sex_unknown"),
            Column::total("total", "#population+total", vec![1, 2, 3]),
        ];
        let title = format!("Population pyramid {} ({} source rows)", self.year, self.rows);
        let mut t = Table::new(title, cols, self.provenance.clone());
        for (k, b) in AgeBracket::ALL.iter().enumerate() {
            let nd = if *b == AgeBracket::Unknown { self.not_disaggregated } else { 0 };
            t.rows.push(vec![
                Cell::text(b.label()),
                Cell::Count(self.female[k]),
                Cell::Count(self.male[k]),
                Cell::Count(nd),
                Cell::Count(self.female[k] + self.male[k] + nd),
            ]);
        }
        t.add_margins(&[vec![0]], &[]);
        t.notes.push("UNHCR age brackets 0-4, 5-11, 12-17, 18-59, 60+; 'unknown' holds persons whose age was not reported, and sex_not_reported the persons reported without any sex or age breakdown.".into());
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ReferenceData {
        let mut d = ReferenceData::default();
        let countries = "iso3,unhcr_code,name,name_in_statistics,unhcr_region\n\
                         SYR,SYR,Syria,Syrian Arab Rep.,Middle East and North Africa\n\
                         DEU,GFR,Germany,Germany,Europe\nTUR,TUR,Türkiye,Türkiye,Europe\n\
                         AFG,AFG,Afghanistan,Afghanistan,Asia and the Pacific\nXXA,STA,Stateless,Stateless,\n";
        let pop = "year,coo_iso,coa_iso,refugees,asylum_seekers,returned_refugees,idps,returned_idps,stateless,ooc,oip,hst\n\
                   2020,SYR,DEU,100,10,0,0,0,0,0,,0\n2020,SYR,TUR,300,0,0,0,0,0,0,,0\n2020,AFG,DEU,300,5,0,0,0,0,0,2,0\n\
                   2020,XXA,DEU,900,0,0,0,0,7,0,,0\n2021,SYR,DEU,50,1,0,0,0,0,0,,0\n2021,AFG,TUR,60,1,0,0,0,0,0,,0\n";
        let dec = "year,coo,coo_iso,coa,coa_iso,procedure_type,dec_level,dec_pc,dec_recognized,dec_other,dec_rejected,dec_closed,dec_total\n\
                   2020,SYR,SYR,GFR,DEU,G,FI,P,50,20,10,5,85\n2020,SYR,SYR,GFR,DEU,G,AR,C,5,0,5,0,10\n\
                   2021,SYR,SYR,GFR,DEU,G,FI,P,40,10,,0,50\n2020,AFG,AFG,TUR,TUR,U,FI,C,0,0,0,15,15\n\
                   2019,STA,XXA,GFR,DEU,G,NA,P,5,5,5,5,20\n2020,SYR,SYR,TUR,TUR,G,FI,P,100,0,300,0,400\n\
                   2019,AFG,AFG,GFR,DEU,J,FI,P,0,0,0,0,0\n2020,SYR,SYR,GFR,DEU,G,FI,P,1,1,1,1,4\n";
        d.load_countries(countries.as_bytes(), "c").unwrap_or_else(|e| panic!("{e}"));
        d.load_population(pop.as_bytes(), "p").unwrap_or_else(|e| panic!("{e}"));
        d.load_decisions(dec.as_bytes(), "d").unwrap_or_else(|e| panic!("{e}"));
        d
    }

    #[test]
    fn rates_table_is_the_rates_result_as_a_table() {
        let d = data();
        let groupings: &[&[GroupBy]] = &[
            &[],
            &[GroupBy::Origin],
            &[GroupBy::Origin, GroupBy::Asylum],
            &[GroupBy::Asylum, GroupBy::Origin],
            &[GroupBy::OriginRegion],
            &[GroupBy::OriginRegion, GroupBy::AsylumRegion, GroupBy::Asylum],
            &[GroupBy::Origin, GroupBy::Origin, GroupBy::Asylum, GroupBy::AsylumRegion],
        ];
        for by in groupings {
            for units in [Units::Both, Units::Persons, Units::Cases] {
                for years in [None, Some((2020, 2020)), Some((1990, 1995))] {
                    let q = RatesQuery {
                        origin: Selection::All,
                        asylum: Selection::All,
                        by: by.to_vec(),
                        years,
                        levels: Levels::All,
                        procedures: vec![],
                        units,
                    };
                    let r = d.rates(&q).unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(d.rates_table(&q).unwrap_or_else(|e| panic!("{e}")), r.to_table(), "{by:?} {units:?} {years:?}");
                }
            }
        }
        let q = RatesQuery {
            origin: Selection::All,
            asylum: Selection::All,
            by: vec![GroupBy::OriginRegion, GroupBy::Asylum],
            years: None,
            levels: Levels::All,
            procedures: vec![],
            units: Units::Both,
        };
        let r = d.rates(&q).unwrap_or_else(|e| panic!("{e}"));
        // Sorted by origin region (no region last), then asylum code, then year; sums over levels and units.
        type Row<'a> = (String, String, u16, [u64; 4], &'a str);
        let got: Vec<Row> = r
            .rows
            .iter()
            .map(|x| (x.keys[0].code.to_string(), x.keys[1].code.to_string(), x.year, [x.recognized, x.other, x.rejected, x.closed], x.units))
            .collect();
        let row = |a: &str, b: &str, y, c: [u64; 4], u| (a.to_string(), b.to_string(), y, c, u);
        assert_eq!(
            got,
            vec![
                row("Asia and the Pacific", "DEU", 2019, [0, 0, 0, 0], "P"),
                row("Asia and the Pacific", "TUR", 2020, [0, 0, 0, 15], "C"),
                row("Middle East and North Africa", "DEU", 2020, [56, 21, 16, 6], "P+C"),
                row("Middle East and North Africa", "DEU", 2021, [40, 10, 0, 0], "P"),
                row("Middle East and North Africa", "TUR", 2020, [100, 0, 300, 0], "P"),
                row("No region", "DEU", 2019, [5, 5, 5, 5], "P"),
            ]
        );
        assert_eq!(r.rows[3].recognition_rate(), Some(0.8));
        assert_eq!(r.rows[1].recognition_rate(), None);
    }

    #[test]
    fn radix_and_comparison_orders_agree() {
        // Keys with many ties, in a range that needs several radix passes; rows in "file order".
        let mut x: u64 = 7;
        let mut rows: Vec<DecisionRow> = (0..5000u32)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let k = (x >> 33) % 40_000;
                DecisionRow { key: 0, year: (k % 97) as u16, origin: (k / 97) as u16, asylum: 0, cases: false, v: [i, 0, 0, 0, 0] }
            })
            .collect();
        let key = |r: &DecisionRow| r.origin as u128 * 97 + r.year as u128;
        let key_bits = 16;
        let mut compared = rows.clone();
        let mut expect: Vec<(u128, u32)> = rows.iter().map(|r| (key(r), r.v[0])).collect();
        let n1 = sort_rows(&mut rows, key, key_bits, true);
        let n2 = sort_rows(&mut compared, key, key_bits, false);
        let order = |rows: &[DecisionRow]| rows.iter().map(|r| r.v[0]).collect::<Vec<_>>();
        assert_eq!(order(&rows), order(&compared));
        assert_eq!(n1, n2);
        expect.sort();
        assert_eq!(order(&rows), expect.iter().map(|e| e.1).collect::<Vec<_>>());
        expect.dedup_by_key(|e| e.0);
        assert_eq!(n1, expect.len());
        assert_eq!(sort_rows(&mut Vec::new(), key, key_bits, true), 0);
    }

    #[test]
    fn series_groups_and_filters() {
        let d = data();
        let q = SeriesQuery {
            measures: vec![Measure::Population(PopulationColumn::Refugees), Measure::RefugeesInclOip],
            origin: Selection::All,
            asylum: Selection::All,
            by: vec![GroupBy::Origin],
            years: None,
        };
        let s = d.series(&q).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.value(2020, &["SYR"], 0), Some(400));
        assert_eq!(s.value(2020, &["AFG"], 1), Some(302));
        let q = SeriesQuery { by: vec![GroupBy::AsylumRegion], ..q };
        let s = d.series(&q).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.value(2020, &["Europe"], 0), Some(1600));
        let q = SeriesQuery { asylum: Selection::Regions(vec!["Mars".into()]), ..q };
        assert!(d.series(&q).is_err());
    }

    #[test]
    fn ranking_ties_and_pseudo_origins() {
        let d = data();
        let q = TopQuery { measure: Measure::Population(PopulationColumn::Refugees), side: Side::Origin, other: Selection::All, years: Some((2020, 2020)), n: 1 };
        let t = d.top(&q).unwrap_or_else(|e| panic!("{e}"));
        // SYR 400 > AFG 300; stateless 900 is larger but never ranked.
        assert_eq!(t.rows.iter().map(|r| (r.place.code(), r.rank)).collect::<Vec<_>>(), vec![("SYR", 1)]);
        assert_eq!(t.unranked.len(), 1);
        assert_eq!(t.unranked[0].place, Place::Stateless);
        let q = RankQuery {
            place: Place::parse("AFG").unwrap_or(Place::Unknown),
            side: Side::Origin,
            measure: Measure::Population(PopulationColumn::Refugees),
            other: Selection::All,
            years: Some((2019, 2021)),
            top: Some(1),
        };
        let r = d.rank(&q).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.rows.iter().map(|r| (r.year, r.rank)).collect::<Vec<_>>(), vec![(2019, None), (2020, Some(2)), (2021, Some(1))]);
        assert!(!r.always_within(1));
        assert!(!r.always_within(2), "2019 has no data so it is not within");
        let q = RankQuery { place: Place::Stateless, ..q };
        assert!(d.rank(&q).is_err());
    }
}
