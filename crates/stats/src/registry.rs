//! Registry statistics, computed from the event history alone: the operation's population in UNHCR's
//! categories at any date (stock) and the events over any period (flows), by origin, sex and age bracket.
//!
//! # Purity and reproducibility
//!
//! The functions here read no clock and no store. A person's category at a date is a function of the events
//! with an effective date on or before that date — and, when `known_on` is given, recorded on or before that
//! day — so a past figure is reproduced exactly however many events are added later, including late
//! entries with an earlier effective date (pass the publication day as `known_on`).
//!
//! # Mapping to UNHCR categories
//!
//! Events are applied in order of effective date (ties: the order given). The resulting category:
//!
//! | state after the events | category |
//! |---|---|
//! | recognised as a refugee or granted complementary protection (any instance), not since ceased, naturalised, resettled, returned or gone | **Refugees** (UNHCR counts complementary and temporary protection with refugees) |
//! | claim lodged (or reopened), no positive decision, no final negative outcome, not closed | **Asylum-seekers** (a first-instance rejection keeps the person an asylum-seeker until the outcome is final) |
//! | recorded as in need of international protection without a claim | **Others in need of international protection** |
//! | determined stateless and none of the above | **Stateless persons** (a stateless refugee or asylum-seeker is counted once, in the protection category, as UNHCR does) |
//! | voluntarily returned to the country of origin during the calendar year of the date | **Returnees** (returned refugees are a flow: UNHCR counts them in the year of return) |
//!
//! Resettlement departure, return and leaving the operation take a person out of the stock; a final
//! negative outcome or a closure ends the asylum-seeker status; cessation, cancellation or revocation ends
//! refugee status; acquiring a nationality (naturalisation) ends both refugee status and statelessness.

use crate::categories::{AgeBracket, StatSex};
use crate::place::Place;
use crate::table::{Cell, Column, Provenance, Table};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// A date of birth known to the year, month or day (UNHCR's mid-point convention fills the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct BirthDate {
    year: i16,
    month: u8,
    day: u8,
}

impl BirthDate {
    /// A date of birth; month and day are optional (0 or `None` = not known). Refuses impossible dates.
    pub fn new(year: i32, month: Option<u32>, day: Option<u32>) -> Result<Self, String> {
        let bad = || format!("{year}-{month:?}-{day:?} is not a date of birth; give a year from 1880, optionally a month and a day");
        if !(1880..=2200).contains(&year) {
            return Err(bad());
        }
        let m = month.unwrap_or(0);
        let d = day.unwrap_or(0);
        if m > 12 || (m == 0 && d != 0) {
            return Err(bad());
        }
        if m > 0 && d > 0 && NaiveDate::from_ymd_opt(year, m, d).is_none() {
            return Err(bad());
        }
        Ok(Self { year: year as i16, month: m as u8, day: d as u8 })
    }

    /// From the domain's partial date.
    pub fn from_partial(p: &nansen_domain::PartialDate) -> Self {
        Self { year: p.year() as i16, month: p.month().unwrap_or(0) as u8, day: p.day().unwrap_or(0) as u8 }
    }

    /// Age in whole years on `on`: a year-only date counts from 1 July, a year-month date from the 15th
    /// (UNHCR's mid-point convention, as `PartialDate::age_on`). A date before birth gives 0.
    #[inline]
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        let (m, d) = match (self.month, self.day) {
            (0, _) => (7, 1),
            (m, 0) => (m as u32, 15),
            (m, d) => (m as u32, d as u32),
        };
        let mut age = on.year() - self.year as i32;
        if (on.month(), on.day()) < (m, d) {
            age -= 1;
        }
        age.max(0) as u32
    }
}

/// Outcome of a decision on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Recognised as a refugee.
    Recognised,
    /// Complementary (subsidiary, humanitarian) protection.
    Complementary,
    /// Rejected on the merits (includes exclusion).
    Rejected,
    /// Otherwise closed: withdrawn, abandoned, inadmissible without a decision on the merits.
    Closed,
}

/// Instance of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Instance {
    /// First instance.
    First,
    /// Appeal or review.
    Appeal,
}

/// What happened to a person, as far as statistics are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EventKind {
    /// A claim for international protection was lodged (or a closed claim reopened).
    ClaimLodged,
    /// A decision was taken. A negative one is not final until [`EventKind::FinalOutcome`].
    Decision {
        /// Instance.
        instance: Instance,
        /// Outcome.
        outcome: Outcome,
    },
    /// The claim's outcome became final (no further remedy, or time limits expired).
    FinalOutcome {
        /// Outcome.
        outcome: Outcome,
    },
    /// Recorded as in need of international protection without an individual claim (UNHCR's "OIP").
    OipRecorded,
    /// Determined to be stateless.
    StatelessDetermined,
    /// Acquired a nationality (naturalisation, or confirmation of nationality): ends statelessness and
    /// refugee status.
    NationalityAcquired,
    /// Refugee status ceased, was cancelled or revoked.
    Cessation,
    /// Departed for resettlement in a third country.
    ResettlementDeparture,
    /// Returned voluntarily to the country of origin.
    VoluntaryReturn,
    /// Left the operation otherwise (onward movement, death, transfer): no longer counted.
    LeftOperation,
}

/// An event with its effective date and the day it was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct StatusEvent {
    /// When it took effect.
    pub date: NaiveDate,
    /// When it was entered into the registry (for reproducing figures as they were known on a day).
    pub recorded: NaiveDate,
    /// What happened.
    pub kind: EventKind,
}

impl StatusEvent {
    /// An event recorded on the day it took effect.
    pub fn on(date: NaiveDate, kind: EventKind) -> Self {
        Self { date, recorded: date, kind }
    }
}

/// The input: one person's statistical data and history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonHistory<'a> {
    /// The person's id (`PersonId` as a `u128`); used only to make inputs traceable, never in output.
    pub id: u128,
    /// Sex as registered.
    pub sex: StatSex,
    /// Date of birth, if known.
    pub birth: Option<BirthDate>,
    /// Country of origin (or stateless / unknown).
    pub origin: Place,
    /// Events in the order they happened (ties on a date: the order given). Unsorted input is sorted (stably)
    /// by effective date first.
    pub events: &'a [StatusEvent],
}

/// UNHCR's population categories for an operation's own registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Refugees (incl. complementary protection).
    Refugees,
    /// Asylum-seekers with pending claims.
    AsylumSeekers,
    /// Other people in need of international protection.
    Oip,
    /// Stateless persons (not also in a protection category).
    Stateless,
    /// Returned refugees (during the calendar year).
    Returnees,
}

impl Category {
    /// Every category, in output order.
    pub const ALL: [Self; 5] = [Self::Refugees, Self::AsylumSeekers, Self::Oip, Self::Stateless, Self::Returnees];

    /// Column name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Refugees => "refugees",
            Self::AsylumSeekers => "asylum_seekers",
            Self::Oip => "oip",
            Self::Stateless => "stateless",
            Self::Returnees => "returnees",
        }
    }

    /// HXL hashtag.
    pub fn hxl(&self) -> &'static str {
        match self {
            Self::Refugees => "#affected+refugees",
            Self::AsylumSeekers => "#affected+asylum_seekers",
            Self::Oip => "#affected+oip",
            Self::Stateless => "#affected+stateless",
            Self::Returnees => "#affected+returnees",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    None,
    AsylumSeeker,
    Refugee,
    Oip,
}

/// Which events count: effective on or before `date`, and recorded on or before `known_on` if given.
#[inline]
fn counts(e: &StatusEvent, date: NaiveDate, known_on: Option<NaiveDate>) -> bool {
    e.date <= date && known_on.is_none_or(|k| e.recorded <= k)
}

/// A person's category at the end of `date`, from their events (see the module docs for the mapping).
pub fn category_at(events: &[StatusEvent], date: NaiveDate, known_on: Option<NaiveDate>) -> Option<Category> {
    if events.windows(2).all(|w| w[0].date <= w[1].date) {
        category_sorted(events, date, known_on)
    } else {
        let mut v = events.to_vec();
        v.sort_by_key(|e| e.date);
        category_sorted(&v, date, known_on)
    }
}

fn category_sorted(events: &[StatusEvent], date: NaiveDate, known_on: Option<NaiveDate>) -> Option<Category> {
    let mut status = Status::None;
    let mut stateless = false;
    let mut gone = false;
    let mut returned: Option<NaiveDate> = None;
    for e in events {
        if e.date > date {
            break;
        }
        if !counts(e, date, known_on) {
            continue;
        }
        match e.kind {
            EventKind::ClaimLodged => {
                if status != Status::Refugee || gone {
                    status = Status::AsylumSeeker;
                }
                gone = false;
                returned = None;
            }
            EventKind::Decision { outcome, .. } | EventKind::FinalOutcome { outcome } => {
                let last = matches!(e.kind, EventKind::FinalOutcome { .. });
                match outcome {
                    Outcome::Recognised | Outcome::Complementary => status = Status::Refugee,
                    Outcome::Rejected if last && status == Status::AsylumSeeker => status = Status::None,
                    Outcome::Rejected => {}
                    Outcome::Closed if status == Status::AsylumSeeker => status = Status::None,
                    Outcome::Closed => {}
                }
            }
            EventKind::OipRecorded => {
                if status == Status::None {
                    status = Status::Oip;
                }
                gone = false;
            }
            EventKind::StatelessDetermined => stateless = true,
            EventKind::NationalityAcquired => {
                stateless = false;
                status = Status::None;
            }
            EventKind::Cessation => {
                if status == Status::Refugee {
                    status = Status::None;
                }
            }
            EventKind::ResettlementDeparture | EventKind::LeftOperation => {
                gone = true;
                status = Status::None;
                returned = None;
            }
            EventKind::VoluntaryReturn => {
                gone = true;
                status = Status::None;
                returned = Some(e.date);
            }
        }
    }
    if gone {
        return returned.filter(|r| r.year() == date.year()).map(|_| Category::Returnees);
    }
    match status {
        Status::Refugee => Some(Category::Refugees),
        Status::AsylumSeeker => Some(Category::AsylumSeekers),
        Status::Oip => Some(Category::Oip),
        Status::None if stateless => Some(Category::Stateless),
        Status::None => None,
    }
}

const NCAT: usize = 5;
const NSEX: usize = 4;
const NAGE: usize = 6;
const BLOCK: usize = NCAT * NSEX * NAGE;

/// Dense per-origin counters: origin slot from the three letters of the code (26³ slots, allocated lazily).
#[derive(Debug, Clone)]
struct Dense<const W: usize> {
    slot: Vec<u32>,
    blocks: Vec<(Place, Vec<u64>)>,
}

impl<const W: usize> Dense<W> {
    fn new() -> Self {
        Self { slot: vec![u32::MAX; 26 * 26 * 26], blocks: Vec::new() }
    }

    #[inline]
    fn block(&mut self, p: Place) -> &mut [u64] {
        let b = p.code().as_bytes();
        let i = (b[0].wrapping_sub(b'A') as usize % 26) * 676 + (b[1].wrapping_sub(b'A') as usize % 26) * 26
            + (b[2].wrapping_sub(b'A') as usize % 26);
        let mut s = self.slot[i];
        if s == u32::MAX || self.blocks[s as usize].0 != p {
            // Slot collision is impossible for distinct upper-case codes; the check keeps this safe anyway.
            match self.blocks.iter().position(|(q, _)| *q == p) {
                Some(k) => s = k as u32,
                None => {
                    self.blocks.push((p, vec![0; W]));
                    s = (self.blocks.len() - 1) as u32;
                }
            }
            self.slot[i] = s;
        }
        &mut self.blocks[s as usize].1
    }

    fn merge(&mut self, other: Dense<W>) {
        for (p, v) in other.blocks {
            let b = self.block(p);
            for (a, x) in b.iter_mut().zip(v) {
                *a += x;
            }
        }
    }
}

/// Counts persons by category × origin × sex × age bracket at a date. Add persons one by one (or in
/// parallel chunks and [`StockCounter::merge`]), then [`StockCounter::finish`].
#[derive(Debug, Clone)]
pub struct StockCounter {
    date: NaiveDate,
    known_on: Option<NaiveDate>,
    dense: Dense<BLOCK>,
    persons: u64,
}

impl StockCounter {
    /// A counter for the stock at the end of `date`, as known on `known_on` (all recorded events if `None`).
    pub fn new(date: NaiveDate, known_on: Option<NaiveDate>) -> Self {
        Self { date, known_on, dense: Dense::new(), persons: 0 }
    }

    /// Counts one person.
    #[inline]
    pub fn add(&mut self, p: &PersonHistory<'_>) {
        self.persons += 1;
        let Some(cat) = category_at(p.events, self.date, self.known_on) else { return };
        let age = p.birth.map(|b| AgeBracket::of_age(b.age_on(self.date))).unwrap_or(AgeBracket::Unknown);
        let k = (cat as usize * NSEX + p.sex.index()) * NAGE + age.index();
        self.dense.block(p.origin)[k] += 1;
    }

    /// Counts one person whose category at the date is already known (e.g. from a maintained snapshot).
    #[inline]
    pub fn add_classified(&mut self, cat: Option<Category>, sex: StatSex, birth: Option<BirthDate>, origin: Place) {
        self.persons += 1;
        let Some(cat) = cat else { return };
        let age = birth.map(|b| AgeBracket::of_age(b.age_on(self.date))).unwrap_or(AgeBracket::Unknown);
        let k = (cat as usize * NSEX + sex.index()) * NAGE + age.index();
        self.dense.block(origin)[k] += 1;
    }

    /// Adds another counter's counts (same date).
    pub fn merge(&mut self, other: StockCounter) {
        self.persons += other.persons;
        self.dense.merge(other.dense);
    }

    /// The stock.
    pub fn finish(self) -> Stock {
        let mut cells = BTreeMap::new();
        for (p, v) in self.dense.blocks {
            for s in 0..NSEX {
                for a in 0..NAGE {
                    let mut c = [0u64; NCAT];
                    for (k, x) in c.iter_mut().enumerate() {
                        *x = v[(k * NSEX + s) * NAGE + a];
                    }
                    if c.iter().any(|x| *x > 0) {
                        cells.insert((p, StatSex::ALL[s], AgeBracket::ALL[a]), c);
                    }
                }
            }
        }
        Stock { date: self.date, known_on: self.known_on, persons_seen: self.persons, cells }
    }
}

/// The stock at a date, by origin × sex × age bracket, with one count per [`Category`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stock {
    /// The date (end of day).
    pub date: NaiveDate,
    /// Events recorded after this day were ignored (`None`: all events).
    pub known_on: Option<NaiveDate>,
    /// Persons examined (counted or not).
    pub persons_seen: u64,
    /// Counts per category in [`Category::ALL`] order; only non-zero combinations are present.
    pub cells: BTreeMap<(Place, StatSex, AgeBracket), [u64; NCAT]>,
}

/// The stock at `date` (see [`StockCounter`] for large or parallel inputs).
pub fn stock_at<'a>(persons: impl IntoIterator<Item = PersonHistory<'a>>, date: NaiveDate, known_on: Option<NaiveDate>) -> Stock {
    let mut c = StockCounter::new(date, known_on);
    for p in persons {
        c.add(&p);
    }
    c.finish()
}

impl Stock {
    /// Total of one category.
    pub fn total(&self, cat: Category) -> u64 {
        self.cells.values().map(|v| v[cat as usize]).sum()
    }

    /// Everyone counted (all categories) per origin, e.g. for [`crate::estimate::registered_with_estimates`].
    pub fn by_origin(&self) -> Vec<(Place, u64)> {
        let mut out: Vec<(Place, u64)> = Vec::new();
        for ((p, _, _), v) in &self.cells {
            let n: u64 = v.iter().sum();
            match out.last_mut() {
                Some((q, m)) if q == p => *m += n,
                _ => out.push((*p, n)),
            }
        }
        out
    }

    /// As a table: origin, sex, age bracket, one column per category and a total; with totals per origin and
    /// a grand total (margins published with the table and protected by disclosure control).
    pub fn to_table(&self, operation: &str) -> Table {
        let mut cols = vec![
            Column::key("origin", "#country+code+origin"),
            Column::info("origin_name", "#country+name+origin"),
            Column::key("sex", "#group+sex"),
            Column::key("age_bracket", "#group+age"),
        ];
        for c in Category::ALL {
            cols.push(Column::count(c.name(), c.hxl()));
        }
        cols.push(Column::total("total", "#population+total", (4..4 + NCAT).collect()));
        let reference = match self.known_on {
            Some(k) => format!("stock at end of {} as recorded by {}", self.date, k),
            None => format!("stock at end of {}", self.date),
        };
        let mut t = Table::new(format!("Registered population by category, {}", self.date), cols, Provenance::registry(operation, reference));
        for ((p, s, a), v) in &self.cells {
            let mut row = vec![Cell::text(p.code()), Cell::text(p.default_label()), Cell::text(s.code()), Cell::text(a.label())];
            row.extend(v.iter().map(|x| Cell::Count(*x)));
            row.push(Cell::Count(v.iter().sum()));
            t.rows.push(row);
        }
        t.add_margins(&[vec![2, 3], vec![0, 2, 3]], &[(1, 0)]);
        t.notes.push("Categories follow UNHCR's: refugees include complementary protection; a stateless refugee is counted once, as a refugee; returnees are those who returned during the calendar year.".into());
        t.notes.push("Age at the reference date, UNHCR brackets; a year-only date of birth counts from 1 July.".into());
        t
    }
}

/// A flow: something that happened to a person during a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// Claims lodged or reopened.
    NewClaims,
    /// First-instance decisions: recognised.
    FirstRecognised,
    /// First-instance decisions: complementary protection.
    FirstComplementary,
    /// First-instance decisions: rejected.
    FirstRejected,
    /// First-instance decisions: otherwise closed.
    FirstClosed,
    /// Appeal decisions: recognised.
    AppealRecognised,
    /// Appeal decisions: complementary protection.
    AppealComplementary,
    /// Appeal decisions: rejected.
    AppealRejected,
    /// Appeal decisions: otherwise closed.
    AppealClosed,
    /// Final outcomes: recognised.
    FinalRecognised,
    /// Final outcomes: complementary.
    FinalComplementary,
    /// Final outcomes: rejected.
    FinalRejected,
    /// Final outcomes: closed.
    FinalClosed,
    /// Recorded as OIP.
    OipRecorded,
    /// Stateless determinations.
    StatelessDetermined,
    /// Naturalisations / nationality acquired.
    Naturalisations,
    /// Cessations, cancellations, revocations.
    Cessations,
    /// Resettlement departures.
    ResettlementDepartures,
    /// Voluntary returns.
    VoluntaryReturns,
    /// Other departures.
    LeftOperation,
}

impl Flow {
    /// Every flow, in output order.
    pub const ALL: [Self; 20] = [
        Self::NewClaims,
        Self::FirstRecognised,
        Self::FirstComplementary,
        Self::FirstRejected,
        Self::FirstClosed,
        Self::AppealRecognised,
        Self::AppealComplementary,
        Self::AppealRejected,
        Self::AppealClosed,
        Self::FinalRecognised,
        Self::FinalComplementary,
        Self::FinalRejected,
        Self::FinalClosed,
        Self::OipRecorded,
        Self::StatelessDetermined,
        Self::Naturalisations,
        Self::Cessations,
        Self::ResettlementDepartures,
        Self::VoluntaryReturns,
        Self::LeftOperation,
    ];

    /// The flow an event counts in.
    pub fn of(kind: EventKind) -> Self {
        let by = |o: Outcome, r, c, j, x| match o {
            Outcome::Recognised => r,
            Outcome::Complementary => c,
            Outcome::Rejected => j,
            Outcome::Closed => x,
        };
        match kind {
            EventKind::ClaimLodged => Self::NewClaims,
            EventKind::Decision { instance: Instance::First, outcome } => {
                by(outcome, Self::FirstRecognised, Self::FirstComplementary, Self::FirstRejected, Self::FirstClosed)
            }
            EventKind::Decision { instance: Instance::Appeal, outcome } => {
                by(outcome, Self::AppealRecognised, Self::AppealComplementary, Self::AppealRejected, Self::AppealClosed)
            }
            EventKind::FinalOutcome { outcome } => {
                by(outcome, Self::FinalRecognised, Self::FinalComplementary, Self::FinalRejected, Self::FinalClosed)
            }
            EventKind::OipRecorded => Self::OipRecorded,
            EventKind::StatelessDetermined => Self::StatelessDetermined,
            EventKind::NationalityAcquired => Self::Naturalisations,
            EventKind::Cessation => Self::Cessations,
            EventKind::ResettlementDeparture => Self::ResettlementDepartures,
            EventKind::VoluntaryReturn => Self::VoluntaryReturns,
            EventKind::LeftOperation => Self::LeftOperation,
        }
    }

    /// Column name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::NewClaims => "new_claims",
            Self::FirstRecognised => "first_recognised",
            Self::FirstComplementary => "first_complementary",
            Self::FirstRejected => "first_rejected",
            Self::FirstClosed => "first_closed",
            Self::AppealRecognised => "appeal_recognised",
            Self::AppealComplementary => "appeal_complementary",
            Self::AppealRejected => "appeal_rejected",
            Self::AppealClosed => "appeal_closed",
            Self::FinalRecognised => "final_recognised",
            Self::FinalComplementary => "final_complementary",
            Self::FinalRejected => "final_rejected",
            Self::FinalClosed => "final_closed",
            Self::OipRecorded => "oip_recorded",
            Self::StatelessDetermined => "stateless_determined",
            Self::Naturalisations => "naturalisations",
            Self::Cessations => "cessations",
            Self::ResettlementDepartures => "resettlement_departures",
            Self::VoluntaryReturns => "voluntary_returns",
            Self::LeftOperation => "left_operation",
        }
    }

    /// HXL hashtag.
    pub fn hxl(&self) -> &'static str {
        match self {
            Self::NewClaims => "#affected+asylum_seekers+new",
            Self::FirstRecognised => "#affected+recognised+first_instance",
            Self::FirstComplementary => "#affected+complementary+first_instance",
            Self::FirstRejected => "#affected+rejected+first_instance",
            Self::FirstClosed => "#affected+closed+first_instance",
            Self::AppealRecognised => "#affected+recognised+appeal",
            Self::AppealComplementary => "#affected+complementary+appeal",
            Self::AppealRejected => "#affected+rejected+appeal",
            Self::AppealClosed => "#affected+closed+appeal",
            Self::FinalRecognised => "#affected+recognised+final",
            Self::FinalComplementary => "#affected+complementary+final",
            Self::FinalRejected => "#affected+rejected+final",
            Self::FinalClosed => "#affected+closed+final",
            Self::OipRecorded => "#affected+oip+new",
            Self::StatelessDetermined => "#affected+stateless+new",
            Self::Naturalisations => "#affected+refugees+naturalised",
            Self::Cessations => "#affected+refugees+ceased",
            Self::ResettlementDepartures => "#affected+refugees+resettled",
            Self::VoluntaryReturns => "#affected+returnees",
            Self::LeftOperation => "#affected+departed",
        }
    }
}

const NFLOW: usize = 20;

/// Events during a period, by origin × sex × age bracket (age on the event's date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flows {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Events recorded after this day were ignored (`None`: all events).
    pub known_on: Option<NaiveDate>,
    /// Counts per [`Flow`] in [`Flow::ALL`] order.
    pub cells: BTreeMap<(Place, StatSex, AgeBracket), [u64; NFLOW]>,
}

/// The flows over `from..=to`.
pub fn flows<'a>(
    persons: impl IntoIterator<Item = PersonHistory<'a>>,
    from: NaiveDate,
    to: NaiveDate,
    known_on: Option<NaiveDate>,
) -> Flows {
    let mut cells: BTreeMap<(Place, StatSex, AgeBracket), [u64; NFLOW]> = BTreeMap::new();
    for p in persons {
        for e in p.events {
            if e.date < from || !counts(e, to, known_on) {
                continue;
            }
            let age = p.birth.map(|b| AgeBracket::of_age(b.age_on(e.date))).unwrap_or(AgeBracket::Unknown);
            cells.entry((p.origin, p.sex, age)).or_insert([0; NFLOW])[Flow::of(e.kind) as usize] += 1;
        }
    }
    Flows { from, to, known_on, cells }
}

impl Flows {
    /// Total of one flow.
    pub fn total(&self, f: Flow) -> u64 {
        self.cells.values().map(|v| v[f as usize]).sum()
    }

    /// First-instance refugee recognition rate and total protection rate (UNHCR definitions).
    pub fn first_instance_rates(&self) -> (Option<f64>, Option<f64>) {
        rates(self.total(Flow::FirstRecognised), self.total(Flow::FirstComplementary), self.total(Flow::FirstRejected))
    }

    /// Final recognition rate and total protection rate, over claims whose outcome became final in the period.
    pub fn final_rates(&self) -> (Option<f64>, Option<f64>) {
        rates(self.total(Flow::FinalRecognised), self.total(Flow::FinalComplementary), self.total(Flow::FinalRejected))
    }

    /// As a table: origin, sex, age bracket and one column per flow, with origin totals and a grand total.
    pub fn to_table(&self, operation: &str) -> Table {
        let mut cols = vec![
            Column::key("origin", "#country+code+origin"),
            Column::info("origin_name", "#country+name+origin"),
            Column::key("sex", "#group+sex"),
            Column::key("age_bracket", "#group+age"),
        ];
        for f in Flow::ALL {
            cols.push(Column::count(f.name(), f.hxl()));
        }
        let reference = format!("events from {} to {}{}", self.from, self.to, self.known_on.map(|k| format!(" as recorded by {k}")).unwrap_or_default());
        let mut t = Table::new(format!("Flows {} to {}", self.from, self.to), cols, Provenance::registry(operation, reference));
        for ((p, s, a), v) in &self.cells {
            let mut row = vec![Cell::text(p.code()), Cell::text(p.default_label()), Cell::text(s.code()), Cell::text(a.label())];
            row.extend(v.iter().map(|x| Cell::Count(*x)));
            t.rows.push(row);
        }
        t.add_margins(&[vec![2, 3], vec![0, 2, 3]], &[(1, 0)]);
        t
    }
}

fn rates(rec: u64, comp: u64, rej: u64) -> (Option<f64>, Option<f64>) {
    let d = rec + comp + rej;
    if d == 0 {
        return (None, None);
    }
    (Some(rec as f64 / d as f64), Some((rec + comp) as f64 / d as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }
    fn ev(y: i32, m: u32, day: u32, kind: EventKind) -> StatusEvent {
        StatusEvent::on(d(y, m, day), kind)
    }
    const FIRST_REJ: EventKind = EventKind::Decision { instance: Instance::First, outcome: Outcome::Rejected };
    const FIRST_REC: EventKind = EventKind::Decision { instance: Instance::First, outcome: Outcome::Recognised };

    #[test]
    fn category_mapping() {
        let h = [ev(2020, 1, 10, EventKind::ClaimLodged), ev(2020, 6, 1, FIRST_REJ), ev(2021, 2, 1, EventKind::Decision { instance: Instance::Appeal, outcome: Outcome::Complementary })];
        assert_eq!(category_at(&h, d(2020, 1, 9), None), None);
        assert_eq!(category_at(&h, d(2020, 1, 10), None), Some(Category::AsylumSeekers));
        assert_eq!(category_at(&h, d(2020, 12, 31), None), Some(Category::AsylumSeekers), "a first-instance rejection is not final");
        assert_eq!(category_at(&h, d(2021, 2, 1), None), Some(Category::Refugees), "complementary protection counts with refugees");
        let h = [ev(2020, 1, 10, EventKind::ClaimLodged), ev(2020, 6, 1, FIRST_REJ), ev(2020, 9, 1, EventKind::FinalOutcome { outcome: Outcome::Rejected })];
        assert_eq!(category_at(&h, d(2020, 12, 31), None), None);
        let h = [ev(2019, 1, 1, EventKind::StatelessDetermined), ev(2020, 1, 1, EventKind::ClaimLodged), ev(2020, 3, 1, FIRST_REC)];
        assert_eq!(category_at(&h, d(2019, 6, 1), None), Some(Category::Stateless));
        assert_eq!(category_at(&h, d(2020, 3, 1), None), Some(Category::Refugees), "a stateless refugee is counted once, as a refugee");
        let h = [ev(2020, 1, 1, FIRST_REC), ev(2022, 5, 1, EventKind::VoluntaryReturn)];
        assert_eq!(category_at(&h, d(2022, 12, 31), None), Some(Category::Returnees));
        assert_eq!(category_at(&h, d(2023, 1, 1), None), None, "returnees are counted in the year of return");
        let h = [ev(2020, 1, 1, FIRST_REC), ev(2022, 5, 1, EventKind::ResettlementDeparture)];
        assert_eq!(category_at(&h, d(2022, 12, 31), None), None);
        let h = [ev(2020, 1, 1, EventKind::OipRecorded), ev(2021, 1, 1, EventKind::ClaimLodged)];
        assert_eq!(category_at(&h, d(2020, 6, 1), None), Some(Category::Oip));
        assert_eq!(category_at(&h, d(2021, 6, 1), None), Some(Category::AsylumSeekers));
        let h = [ev(2020, 1, 1, FIRST_REC), ev(2024, 1, 1, EventKind::Cessation)];
        assert_eq!(category_at(&h, d(2024, 1, 1), None), None);
        let h = [ev(2020, 1, 1, EventKind::ClaimLodged), ev(2020, 2, 1, EventKind::Decision { instance: Instance::First, outcome: Outcome::Closed })];
        assert_eq!(category_at(&h, d(2020, 3, 1), None), None);
        // Unsorted input gives the same answer as sorted.
        let h = [ev(2020, 6, 1, FIRST_REC), ev(2020, 1, 1, EventKind::ClaimLodged)];
        assert_eq!(category_at(&h, d(2020, 3, 1), None), Some(Category::AsylumSeekers));
    }

    #[test]
    fn late_entries_do_not_change_a_figure_as_known_on_a_day() {
        let mut e = ev(2020, 6, 1, FIRST_REC);
        e.recorded = d(2021, 1, 15); // entered late with an earlier effective date
        let h = [ev(2020, 1, 1, EventKind::ClaimLodged), e];
        assert_eq!(category_at(&h, d(2020, 12, 31), Some(d(2021, 1, 1))), Some(Category::AsylumSeekers));
        assert_eq!(category_at(&h, d(2020, 12, 31), None), Some(Category::Refugees));
    }

    #[test]
    fn ages_and_birth_dates() {
        let b = BirthDate::new(2000, None, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.age_on(d(2018, 6, 30)), 17);
        assert_eq!(b.age_on(d(2018, 7, 1)), 18);
        let b = BirthDate::new(2000, Some(3), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.age_on(d(2005, 3, 14)), 4);
        assert_eq!(b.age_on(d(2005, 3, 15)), 5);
        assert_eq!(b.age_on(d(1999, 1, 1)), 0);
        assert!(BirthDate::new(2000, Some(2), Some(30)).is_err());
        assert!(BirthDate::new(2000, None, Some(3)).is_err());
        assert!(BirthDate::new(1700, None, None).is_err());
        let p = nansen_domain::PartialDate::parse("1987-04").unwrap_or_else(|e| panic!("{e:?}"));
        let on = d(2020, 4, 14);
        assert_eq!(BirthDate::from_partial(&p).age_on(on), p.age_on(on).unwrap_or(99));
    }

    #[test]
    fn stock_and_flows_by_group() {
        let syr = Place::parse("SYR").unwrap_or(Place::Unknown);
        let h1 = [ev(2020, 1, 10, EventKind::ClaimLodged), ev(2020, 6, 1, FIRST_REC)];
        let h2 = [ev(2020, 2, 10, EventKind::ClaimLodged), ev(2020, 7, 1, FIRST_REJ)];
        let persons = [
            PersonHistory { id: 1, sex: StatSex::Female, birth: BirthDate::new(1990, None, None).ok(), origin: syr, events: &h1 },
            PersonHistory { id: 2, sex: StatSex::Male, birth: None, origin: syr, events: &h2 },
        ];
        let s = stock_at(persons.iter().copied(), d(2020, 12, 31), None);
        assert_eq!(s.total(Category::Refugees), 1);
        assert_eq!(s.total(Category::AsylumSeekers), 1);
        assert_eq!(s.cells.get(&(syr, StatSex::Male, AgeBracket::Unknown)).map(|v| v[1]), Some(1));
        let f = flows(persons.iter().copied(), d(2020, 1, 1), d(2020, 12, 31), None);
        assert_eq!(f.total(Flow::NewClaims), 2);
        assert_eq!(f.first_instance_rates(), (Some(0.5), Some(0.5)));
        let t = s.to_table("TEST");
        // 2 cells + 1 origin total + 1 grand total.
        assert_eq!(t.rows.len(), 4);
    }
}
