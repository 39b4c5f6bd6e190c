//! The UNHCR Refugee Population Statistics Database as reference statistics: a streaming loader for its six
//! CSV files into compact columns (interned places and codes, `u16` years, `u32` counts), and the queries in
//! [`query`].
//!
//! The loader finds columns by header name, so a later release with the same columns (in any order, with
//! extra columns) loads unchanged; a file missing a required column is refused with the list of what is
//! missing. Empty fields mean "not reported" and are kept apart from zero. The literal `NA` in `dec_level`
//! and `app_type` is a real code ("new applications"), not a missing value.

pub mod load;
pub mod query;

use crate::place::Place;
use crate::table::{Provenance, UNHCR_ATTRIBUTION};
use std::collections::HashMap;

/// Index of a place in [`ReferenceData::places`].
pub type PlaceId = u16;
/// Index of a short code (procedure type, decision level, population type, …) in [`ReferenceData::codes`].
pub type CodeId = u16;

/// Stored in place of a count that the source left empty ("not reported").
pub(crate) const NOT_REPORTED: u32 = u32::MAX;

/// A count as stored: `None` when the source did not report it.
#[inline]
pub(crate) fn reported(v: u32) -> Option<u64> {
    (v != NOT_REPORTED).then_some(v as u64)
}

/// What the statistics know about a place: its code, label and UNHCR region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceInfo {
    /// The place.
    pub place: Place,
    /// UNHCR's own three-letter code (`coo`/`coa`, e.g. `GFR` for Germany), when known.
    pub unhcr_code: String,
    /// Label as used in UNHCR's statistics (`name_in_statistics`, e.g. "Dem. Rep. of the Congo").
    pub label: String,
    /// UNHCR regional bureau (`unhcr_region`), if any. Pseudo-origins such as stateless have none.
    pub region: Option<String>,
    /// UN statistical (M49) region, if any.
    pub unsd_region: Option<String>,
}

/// Population columns of `unhcr_population.csv` (end-of-year stock, except the two "returned" columns which
/// count returns during the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PopulationColumn {
    /// `refugees`: refugees under UNHCR's mandate, including people in refugee-like situations.
    Refugees,
    /// `asylum_seekers`: asylum-seekers with pending claims.
    AsylumSeekers,
    /// `returned_refugees`: refugees who returned during the year.
    ReturnedRefugees,
    /// `idps`: internally displaced persons protected/assisted by UNHCR.
    Idps,
    /// `returned_idps`: IDPs who returned during the year.
    ReturnedIdps,
    /// `stateless`: persons under UNHCR's statelessness mandate.
    Stateless,
    /// `ooc`: others of concern to UNHCR.
    Ooc,
    /// `oip`: other people in need of international protection.
    Oip,
    /// `hst`: host community members.
    Hst,
}

impl PopulationColumn {
    /// Every column, in file order.
    pub const ALL: [Self; 9] = [
        Self::Refugees,
        Self::AsylumSeekers,
        Self::ReturnedRefugees,
        Self::Idps,
        Self::ReturnedIdps,
        Self::Stateless,
        Self::Ooc,
        Self::Oip,
        Self::Hst,
    ];

    /// The column name in the file.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Refugees => "refugees",
            Self::AsylumSeekers => "asylum_seekers",
            Self::ReturnedRefugees => "returned_refugees",
            Self::Idps => "idps",
            Self::ReturnedIdps => "returned_idps",
            Self::Stateless => "stateless",
            Self::Ooc => "ooc",
            Self::Oip => "oip",
            Self::Hst => "hst",
        }
    }
}

/// Columns of `unhcr_solutions.csv` (durable solutions during the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SolutionsColumn {
    /// `returned_refugees`.
    ReturnedRefugees,
    /// `resettlement`: refugees resettled (arrivals in the country of resettlement).
    Resettlement,
    /// `naturalisation`: refugees naturalised.
    Naturalisation,
    /// `returned_idps`.
    ReturnedIdps,
}

impl SolutionsColumn {
    /// Every column, in file order.
    pub const ALL: [Self; 4] = [Self::ReturnedRefugees, Self::Resettlement, Self::Naturalisation, Self::ReturnedIdps];
    /// The column name in the file.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ReturnedRefugees => "returned_refugees",
            Self::Resettlement => "resettlement",
            Self::Naturalisation => "naturalisation",
            Self::ReturnedIdps => "returned_idps",
        }
    }
}

/// `unhcr_population.csv` as columns. Key `(year, origin, asylum)`.
#[derive(Debug, Clone, Default)]
pub struct PopulationTable {
    /// Year (end of year).
    pub year: Vec<u16>,
    /// Country of origin.
    pub origin: Vec<PlaceId>,
    /// Country of asylum or residence.
    pub asylum: Vec<PlaceId>,
    /// Counts, one vector per [`PopulationColumn`] in [`PopulationColumn::ALL`] order; `u32::MAX` = not reported.
    pub counts: [Vec<u32>; 9],
}

/// `unhcr_solutions.csv` as columns.
#[derive(Debug, Clone, Default)]
pub struct SolutionsTable {
    /// Year.
    pub year: Vec<u16>,
    /// Country of origin.
    pub origin: Vec<PlaceId>,
    /// Country of asylum (for resettlement: the country of resettlement).
    pub asylum: Vec<PlaceId>,
    /// Counts per [`SolutionsColumn`] in [`SolutionsColumn::ALL`] order; `u32::MAX` = not reported.
    pub counts: [Vec<u32>; 4],
}

/// `unhcr_asylum_applications.csv` as columns.
#[derive(Debug, Clone, Default)]
pub struct ApplicationsTable {
    /// Year.
    pub year: Vec<u16>,
    /// Country of origin.
    pub origin: Vec<PlaceId>,
    /// Country of asylum.
    pub asylum: Vec<PlaceId>,
    /// `procedure_type` (G, J, U).
    pub procedure: Vec<CodeId>,
    /// `app_type` (N, R, A, V, …; `NA` is a real code).
    pub app_type: Vec<CodeId>,
    /// `dec_level` (FI, AR, NA, …).
    pub level: Vec<CodeId>,
    /// `app_pc`: true when the figure counts cases rather than persons.
    pub cases: Vec<bool>,
    /// `applied`.
    pub applied: Vec<u32>,
}

/// `unhcr_asylum_decisions.csv` as columns.
#[derive(Debug, Clone, Default)]
pub struct DecisionsTable {
    /// Year.
    pub year: Vec<u16>,
    /// Country of origin.
    pub origin: Vec<PlaceId>,
    /// Country of asylum.
    pub asylum: Vec<PlaceId>,
    /// `procedure_type` (G, J, U).
    pub procedure: Vec<CodeId>,
    /// `dec_level` (FI, AR, NA, …).
    pub level: Vec<CodeId>,
    /// `dec_pc`: true when the figures count cases rather than persons.
    pub cases: Vec<bool>,
    /// `dec_recognized`.
    pub recognized: Vec<u32>,
    /// `dec_other` (complementary protection).
    pub other: Vec<u32>,
    /// `dec_rejected`.
    pub rejected: Vec<u32>,
    /// `dec_closed` (otherwise closed).
    pub closed: Vec<u32>,
    /// `dec_total`.
    pub total: Vec<u32>,
}

/// `unhcr_demographics.csv` as columns.
#[derive(Debug, Clone, Default)]
pub struct DemographicsTable {
    /// Year.
    pub year: Vec<u16>,
    /// Country of origin.
    pub origin: Vec<PlaceId>,
    /// Country of asylum.
    pub asylum: Vec<PlaceId>,
    /// `pop_type` (REF, ASY, OIP, STA, …).
    pub pop_type: Vec<CodeId>,
    /// `location` (interned in [`ReferenceData::locations`]).
    pub location: Vec<u32>,
    /// `loc_type`.
    pub loc_type: Vec<CodeId>,
    /// `acc_type`.
    pub acc_type: Vec<CodeId>,
    /// Females by bracket: 0–4, 5–11, 12–17, 18–59, 60+, age unknown (`f_other`).
    pub female: Vec<[u32; 6]>,
    /// Males by bracket, same order.
    pub male: Vec<[u32; 6]>,
    /// `f_total`.
    pub female_total: Vec<u32>,
    /// `m_total`.
    pub male_total: Vec<u32>,
    /// `total`.
    pub total: Vec<u32>,
}

/// How many rows each file held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowCounts {
    /// `unhcr_population.csv`.
    pub population: usize,
    /// `unhcr_asylum_applications.csv`.
    pub applications: usize,
    /// `unhcr_asylum_decisions.csv`.
    pub decisions: usize,
    /// `unhcr_solutions.csv`.
    pub solutions: usize,
    /// `unhcr_demographics.csv`.
    pub demographics: usize,
    /// `unhcr_countries.csv`.
    pub countries: usize,
}

/// The whole reference dataset in memory.
#[derive(Debug, Clone, Default)]
pub struct ReferenceData {
    /// Every place seen, indexed by [`PlaceId`].
    pub places: Vec<PlaceInfo>,
    pub(crate) place_index: HashMap<Place, PlaceId>,
    /// Loader cache: raw code bytes → place.
    pub(crate) raw_places: HashMap<[u8; 3], PlaceId>,
    /// Short codes, indexed by [`CodeId`].
    pub codes: Vec<String>,
    pub(crate) code_index: HashMap<String, CodeId>,
    /// Location names of the demographics file.
    pub locations: Vec<String>,
    /// Population stock.
    pub population: PopulationTable,
    /// Solutions.
    pub solutions: SolutionsTable,
    /// Asylum applications.
    pub applications: ApplicationsTable,
    /// Asylum decisions.
    pub decisions: DecisionsTable,
    /// Demographics.
    pub demographics: DemographicsTable,
    /// Row counts per file.
    pub rows: RowCounts,
    /// Attribution text (from the `Source:` line of the directory's README.md, else the v2025.12.1 text).
    pub attribution: String,
}

impl ReferenceData {
    /// The id of a place, interning it if new.
    pub(crate) fn intern_place(&mut self, place: Place) -> PlaceId {
        if let Some(&id) = self.place_index.get(&place) {
            return id;
        }
        let id = self.places.len() as PlaceId;
        self.places.push(PlaceInfo {
            place,
            unhcr_code: String::new(),
            label: place.default_label(),
            region: None,
            unsd_region: None,
        });
        self.place_index.insert(place, id);
        id
    }

    /// The id of a code, interning it if new.
    pub(crate) fn intern_code(&mut self, code: &str) -> CodeId {
        if let Some(&id) = self.code_index.get(code) {
            return id;
        }
        let id = self.codes.len() as CodeId;
        self.codes.push(code.to_string());
        self.code_index.insert(code.to_string(), id);
        id
    }

    /// The id of a place, if it occurs in the data.
    pub fn place_id(&self, place: Place) -> Option<PlaceId> {
        self.place_index.get(&place).copied()
    }

    /// The id of a code, if it occurs in the data.
    pub fn code_id(&self, code: &str) -> Option<CodeId> {
        self.code_index.get(code).copied()
    }

    /// Information about a place.
    pub fn place(&self, id: PlaceId) -> &PlaceInfo {
        &self.places[id as usize]
    }

    /// Every UNHCR region named in the country table, sorted.
    pub fn regions(&self) -> Vec<String> {
        let mut v: Vec<String> = self.places.iter().filter_map(|p| p.region.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// First and last year of the population table.
    pub fn population_years(&self) -> Option<(u16, u16)> {
        let lo = self.population.year.iter().min()?;
        let hi = self.population.year.iter().max()?;
        Some((*lo, *hi))
    }

    /// Provenance for tables computed from this dataset.
    pub fn provenance(&self) -> Provenance {
        let release = match self.population_years() {
            Some((a, b)) => format!("year-end figures {a}–{b}"),
            None => "empty release".into(),
        };
        let attribution = if self.attribution.is_empty() { UNHCR_ATTRIBUTION.to_string() } else { self.attribution.clone() };
        Provenance::unhcr(release, attribution)
    }
}
