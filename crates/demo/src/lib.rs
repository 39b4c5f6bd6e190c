//! # nansen-demo
//!
//! Realistic, deterministic demo registration data: a multi-origin caseload of households
//! ([`HouseholdInput`]) for one fictional operation, ready to be parsed with
//! [`nansen_domain::NewHousehold::parse`] and registered.
//!
//! The caseload mixes seven origins in roughly these shares (see [`ORIGIN_SHARES`]): Syria,
//! Afghanistan, South Sudan, Myanmar (mostly Rohingya), the DPRK, Eritrea and Venezuela. Names
//! follow each culture's conventions and come in the original script where one is used
//! (Arabic, Perso-Arabic, Hangul, Ge'ez, Burmese) together with a Latin transliteration, with the
//! spelling variants that real registration data shows (Mohammed, Muhammad, Mohamad …).
//! Households have plausible structures (couples with children, female-headed households,
//! single adults, unaccompanied children, grandparents caring for grandchildren), dates of birth
//! are known to a realistic precision (full, year-month or year only), and some people hold
//! documents or have specific needs.
//!
//! **The name lists are hand-written for demonstration.** They hold common names; any likeness
//! to a real person is chance. Towns of origin and transit are real; the places of asylum
//! (Kalindi camp, Amaro Settlement, Port Lessa …) are fictional.
//!
//! Everything is a pure function of the seed, the household's index and `today`: the same
//! arguments give the same households on every machine.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod names;
mod places;

use chrono::{Datelike, NaiveDate, TimeDelta};
use names::Entry;
use nansen_domain::person::DocumentInput;
use nansen_domain::{HouseholdInput, MemberInput, PersonInput};
use places::Transit;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The origins of the demo caseload (ISO 3166-1 alpha-3 of the country of origin) with their
/// target share of households, in percent.
pub const ORIGIN_SHARES: [(&str, u32); 7] = [("SYR", 25), ("AFG", 20), ("SSD", 15), ("MMR", 10), ("PRK", 5), ("ERI", 15), ("VEN", 10)];

/// `households` demo households for `seed`, as of `today`: the first `households` items of
/// [`households`]. Household `i` has the registration key `DEMO-{seed}-{i:06}`.
///
/// Dates (births, flight, arrival within the three years before `today`) are drawn relative to
/// `today` and never lie after it; the origins' displacement histories (Syria from 2012, the
/// Rohingya exodus of 2017, Afghanistan after August 2021 …) assume a present-day `today`.
pub fn generate(seed: u64, households: usize, today: NaiveDate) -> Vec<HouseholdInput> {
    self::households(seed, today).take(households).collect()
}

/// An endless stream of demo households for `seed`, as of `today` (household 0, 1, 2 …).
pub fn households(seed: u64, today: NaiveDate) -> impl Iterator<Item = HouseholdInput> {
    (0u64..).map(move |i| household(seed, i, today))
}

/// Demo household number `index` for `seed`, as of `today`. Each household is drawn from its
/// own random stream, so it does not depend on how many households are generated.
pub fn household(seed: u64, index: u64, today: NaiveDate) -> HouseholdInput {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    Gen::new(rng, today).household(format!("DEMO-{seed}-{index:06}"))
}

// ---------------------------------------------------------------------------------------------
// Names

/// One name part in Latin letters and, where the culture uses another script, in that script
/// (empty when there is none).
#[derive(Debug, Clone, Default, PartialEq)]
struct Nm {
    latin: String,
    orig: String,
}

impl Nm {
    fn join(&self, other: &Nm) -> Nm {
        let orig = if self.orig.is_empty() || other.orig.is_empty() { String::new() } else { format!("{} {}", self.orig, other.orig) };
        Nm { latin: format!("{} {}", self.latin, other.latin), orig }
    }
    /// Word `i` of a multi-word name (the words of the Latin and the original form correspond).
    fn word(&self, i: usize) -> Option<Nm> {
        let latin = self.latin.split(' ').nth(i)?.to_owned();
        let orig = self.orig.split(' ').nth(i).unwrap_or_default().to_owned();
        Some(Nm { latin, orig })
    }
    /// All words after the first, if any.
    fn rest(&self) -> Option<Nm> {
        let (_, latin) = self.latin.split_once(' ')?;
        let orig = self.orig.split_once(' ').map(|(_, o)| o.to_owned()).unwrap_or_default();
        Some(Nm { latin: latin.to_owned(), orig })
    }
}

/// A person's name: given name, the name their children inherit as a patronym (in patronymic
/// cultures), and the family name.
#[derive(Debug, Clone, Default)]
struct Named {
    given: Nm,
    patronym: Nm,
    family: Option<Nm>,
}

/// The naming (and language) community a household belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Arab,
    Kurd,
    Pashtun,
    Tajik,
    Dinka,
    Nuer,
    Bari,
    Rohingya,
    Burmese,
    Korean,
    Tigrinya,
    Venezuelan,
}

impl Group {
    fn origin(self) -> &'static str {
        match self {
            Group::Arab | Group::Kurd => "SYR",
            Group::Pashtun | Group::Tajik => "AFG",
            Group::Dinka | Group::Nuer | Group::Bari => "SSD",
            Group::Rohingya | Group::Burmese => "MMR",
            Group::Korean => "PRK",
            Group::Tigrinya => "ERI",
            Group::Venezuelan => "VEN",
        }
    }
    fn towns(self) -> &'static [&'static str] {
        match self {
            Group::Arab => places::SYR_TOWNS,
            Group::Kurd => places::SYR_KURDISH_TOWNS,
            Group::Pashtun => places::AFG_PASHTO_TOWNS,
            Group::Tajik => places::AFG_DARI_TOWNS,
            Group::Dinka => places::SSD_DINKA_TOWNS,
            Group::Nuer => places::SSD_NUER_TOWNS,
            Group::Bari => places::SSD_BARI_TOWNS,
            Group::Rohingya => places::MMR_ROHINGYA_TOWNS,
            Group::Burmese => places::MMR_BURMESE_TOWNS,
            Group::Korean => places::PRK_TOWNS,
            Group::Tigrinya => places::ERI_TOWNS,
            Group::Venezuelan => places::VEN_TOWNS,
        }
    }
    fn transit(self) -> &'static [Transit] {
        match self {
            Group::Arab | Group::Kurd => places::SYR_TRANSIT,
            Group::Pashtun | Group::Tajik => places::AFG_TRANSIT,
            Group::Dinka | Group::Nuer | Group::Bari => places::SSD_TRANSIT,
            Group::Rohingya => places::ROHINGYA_TRANSIT,
            Group::Burmese => places::BURMESE_TRANSIT,
            Group::Korean => places::PRK_TRANSIT,
            Group::Tigrinya => places::ERI_TRANSIT,
            Group::Venezuelan => places::VEN_TRANSIT,
        }
    }
    /// Cultures where a child's family name is the father's given name.
    fn patronymic(self) -> bool {
        matches!(self, Group::Dinka | Group::Nuer | Group::Bari | Group::Tigrinya)
    }
    /// Cultures without inherited family names.
    fn no_family_names(self) -> bool {
        matches!(self, Group::Rohingya | Group::Burmese)
    }
    fn local_male(self) -> &'static [Entry] {
        match self {
            Group::Nuer => names::NUER_MALE,
            Group::Bari => names::BARI_MALE,
            _ => names::DINKA_MALE,
        }
    }
    fn local_female(self) -> &'static [Entry] {
        match self {
            Group::Nuer => names::NUER_FEMALE,
            Group::Bari => names::BARI_FEMALE,
            _ => names::DINKA_FEMALE,
        }
    }
}

/// The shape of a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Single,
    Couple,
    FemaleHeaded,
    SingleFather,
    Unaccompanied,
    Grandparent,
}

const KINDS: [Kind; 6] = [Kind::Single, Kind::Couple, Kind::FemaleHeaded, Kind::SingleFather, Kind::Unaccompanied, Kind::Grandparent];

/// Relative frequency of each [`Kind`] (in [`KINDS`] order) per origin.
fn kind_weights(origin: &str) -> [u32; 6] {
    match origin {
        "SYR" => [10, 62, 20, 3, 1, 4],
        "AFG" => [12, 60, 14, 3, 7, 4],
        "SSD" => [8, 43, 33, 2, 5, 9],
        "MMR" => [8, 60, 22, 3, 3, 4],
        "PRK" => [40, 14, 40, 2, 3, 1],
        "ERI" => [37, 35, 17, 2, 7, 2],
        _ => [16, 54, 24, 4, 1, 1],
    }
}

/// Relative frequency of 0, 1, … 6 children in a couple's household, per origin.
fn children_weights(origin: &str) -> [u32; 7] {
    match origin {
        "SYR" => [10, 15, 22, 22, 15, 10, 6],
        "AFG" => [7, 11, 17, 20, 19, 15, 11],
        "SSD" => [7, 13, 18, 20, 18, 13, 11],
        "MMR" => [7, 12, 18, 20, 18, 14, 11],
        "PRK" => [22, 46, 24, 6, 2, 0, 0],
        "ERI" => [16, 24, 25, 17, 10, 5, 3],
        _ => [12, 26, 30, 18, 9, 4, 1],
    }
}

/// One household member while the household is being composed.
#[derive(Debug, Clone)]
struct Member {
    rel: &'static str,
    female: bool,
    name: Named,
    born: NaiveDate,
    /// Born in the country of origin whatever the household's dates say (adults who fled).
    born_in_origin: bool,
    citizenship: String,
    needs: Vec<&'static str>,
}

// ---------------------------------------------------------------------------------------------
// Dates

fn shift(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_add_signed(TimeDelta::days(days)).unwrap_or(d)
}

fn year_days(years: f64) -> i64 {
    (years * 365.25).round() as i64
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn age_on(born: NaiveDate, on: NaiveDate) -> u32 {
    on.years_since(born).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// The generator for one household

struct Gen {
    rng: ChaCha8Rng,
    today: NaiveDate,
    g: Group,
    arrival: NaiveDate,
    flight: NaiveDate,
    transit: Transit,
    home: &'static str,
    base_citizenship: &'static str,
    languages: Vec<&'static str>,
    /// Patronymic cultures: whether this family writes father's and grandfather's names.
    long_patronym: bool,
    used_given: Vec<String>,
}

impl Gen {
    fn new(mut rng: ChaCha8Rng, today: NaiveDate) -> Self {
        let weights: Vec<u32> = ORIGIN_SHARES.iter().map(|(_, w)| *w).collect();
        let origin = ORIGIN_SHARES[weighted(&mut rng, &weights)].0;
        let r = rng.random_range(0..100);
        let g = match origin {
            "SYR" if r < 15 => Group::Kurd,
            "SYR" => Group::Arab,
            "AFG" if r < 45 => Group::Pashtun,
            "AFG" => Group::Tajik,
            "SSD" if r < 55 => Group::Dinka,
            "SSD" if r < 90 => Group::Nuer,
            "SSD" => Group::Bari,
            "MMR" if r < 85 => Group::Rohingya,
            "MMR" => Group::Burmese,
            "PRK" => Group::Korean,
            "ERI" => Group::Tigrinya,
            _ => Group::Venezuelan,
        };
        let arrival = shift(today, -rng.random_range(0..=1095));
        let transits = g.transit();
        let transit = transits[rng.random_range(0..transits.len())];
        let towns = g.towns();
        let home = towns[rng.random_range(0..towns.len())];
        let base_citizenship = match g {
            Group::Kurd if rng.random_bool(0.3) => "stateless",
            Group::Rohingya if rng.random_bool(0.88) => "stateless",
            Group::Rohingya => "undetermined",
            _ => g.origin(),
        };
        let languages = match g {
            Group::Arab => vec!["ar"],
            Group::Kurd => vec!["kmr", "ar"],
            Group::Pashtun if rng.random_bool(0.45) => vec!["ps", "prs"],
            Group::Pashtun => vec!["ps"],
            Group::Tajik if rng.random_bool(0.08) => vec!["prs", "ps"],
            Group::Tajik => vec!["prs"],
            // Juba Arabic (pga) is South Sudan's lingua franca.
            Group::Dinka if rng.random_bool(0.5) => vec!["din", "pga"],
            Group::Dinka => vec!["din"],
            Group::Nuer if rng.random_bool(0.5) => vec!["nus", "pga"],
            Group::Nuer => vec!["nus"],
            Group::Bari => vec!["bfa", "pga"],
            Group::Rohingya => vec!["rhg"],
            Group::Burmese => vec!["my"],
            Group::Korean => vec!["ko"],
            Group::Tigrinya => vec!["ti"],
            Group::Venezuelan => vec!["es"],
        };
        let long_patronym = rng.random_bool(0.35);
        let mut gen = Gen {
            rng,
            today,
            g,
            arrival,
            flight: arrival,
            transit,
            home,
            base_citizenship,
            languages,
            long_patronym,
            used_given: Vec::new(),
        };
        gen.flight = gen.flight_date();
        gen
    }

    // --- randomness helpers ---

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi)
        }
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.rng.random_range(0..xs.len())]
    }
    fn between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        if hi <= lo {
            return hi;
        }
        shift(lo, self.range(0, (hi - lo).num_days()))
    }
    fn years_ago(&self, years: f64) -> NaiveDate {
        shift(self.today, -year_days(years))
    }
    /// A birth date for someone aged `age` today.
    fn born_aged(&mut self, age: i64) -> NaiveDate {
        let extra = self.range(0, 364);
        shift(self.today, -(year_days(age as f64) + extra))
    }
    fn entry(&mut self, list: &[Entry]) -> Nm {
        let (latin, orig) = self.pick(list);
        let variants: Vec<&str> = latin.split('|').collect();
        let latin = if variants.len() == 1 || self.chance(0.55) { variants[0] } else { variants[self.rng.random_range(1..variants.len())] };
        Nm { latin: latin.to_owned(), orig: orig.to_owned() }
    }

    /// When the household left its country of origin.
    fn flight_date(&mut self) -> NaiveDate {
        let a = self.arrival;
        let g = self.g;
        let d = match g {
            Group::Arab | Group::Kurd if self.chance(0.8) => {
                let hi = a.min(ymd(2017, 12, 31));
                self.between(ymd(2012, 1, 1), hi)
            }
            Group::Arab | Group::Kurd => self.between(shift(a, -730), a),
            Group::Pashtun | Group::Tajik if self.chance(0.55) => self.between(ymd(2021, 8, 15), a),
            Group::Pashtun | Group::Tajik => self.between(shift(a, -year_days(20.0)), shift(a, -365)),
            Group::Dinka | Group::Nuer | Group::Bari => self.between(ymd(2013, 12, 15), a),
            Group::Rohingya => match self.range(0, 9) {
                0..=6 => self.between(ymd(2017, 8, 25), ymd(2017, 12, 31)),
                7..=8 => self.between(ymd(2012, 6, 1), ymd(2016, 12, 31)),
                _ => self.between(shift(a, -365), a),
            },
            Group::Burmese => self.between(ymd(2021, 2, 1), a),
            Group::Korean => self.between(shift(a, -year_days(12.0)), shift(a, -30)),
            Group::Tigrinya => self.between(shift(a, -year_days(8.0)), a),
            Group::Venezuelan => self.between(ymd(2015, 1, 1).max(shift(a, -year_days(9.0))), a),
        };
        d.min(a)
    }

    // --- names ---

    /// A given name and the patronym it yields.
    fn given(&mut self, female: bool) -> (Nm, Nm) {
        use names::*;
        let g = self.g;
        let n = match g {
            Group::Arab => self.entry(if female { SYR_FEMALE } else { SYR_MALE }),
            Group::Kurd if self.chance(0.6) => self.entry(if female { KURD_FEMALE } else { KURD_MALE }),
            Group::Kurd => self.entry(if female { SYR_FEMALE } else { SYR_MALE }),
            Group::Pashtun | Group::Tajik => self.entry(if female { AFG_FEMALE } else { AFG_MALE }),
            Group::Dinka | Group::Nuer | Group::Bari => {
                let local = self.entry(if female { g.local_female() } else { g.local_male() });
                let christian = self.entry(if female { SSD_CHRISTIAN_FEMALE } else { SSD_CHRISTIAN_MALE });
                // Equatorians (Bari) more often use a Christian name.
                let (c_only, both) = if g == Group::Bari { (45, 70) } else { (22, 37) };
                let r = self.range(0, 99);
                return if r < c_only {
                    (christian.clone(), christian)
                } else if r < both {
                    (christian.join(&local), local)
                } else {
                    (local.clone(), local)
                };
            }
            Group::Rohingya if female => self.entry(ROHINGYA_FEMALE),
            Group::Rohingya => {
                let n = self.entry(ROHINGYA_MALE);
                if !n.latin.contains("Mohammed") && !n.latin.contains("Mohammad") && self.chance(0.12) {
                    let prefix = if self.chance(0.7) { "Mohammed" } else { "Md." };
                    Nm { latin: format!("{prefix} {}", n.latin), orig: String::new() }
                } else {
                    n
                }
            }
            Group::Burmese => {
                let list = if female { BURMESE_FEMALE } else { BURMESE_MALE };
                let first = self.entry(list);
                let mut n = first.clone();
                let parts = if self.chance(0.35) { 3 } else { 2 };
                let mut prev = first.clone();
                for i in 1..parts {
                    // Doubled elements (Su Su, Aye Aye) are common in women's names; tripled ones are not.
                    let mut next = if i == 1 && female && self.chance(0.15) { first.clone() } else { self.entry(list) };
                    while i == 2 && next.orig == prev.orig {
                        next = self.entry(list);
                    }
                    prev = next.clone();
                    n = Nm { latin: format!("{} {}", n.latin, next.latin), orig: format!("{}{}", n.orig, next.orig) };
                }
                n
            }
            Group::Korean => self.entry(if female { KOR_FEMALE } else { KOR_MALE }),
            Group::Tigrinya => self.entry(if female { ERI_FEMALE } else { ERI_MALE }),
            Group::Venezuelan => {
                let (first, second) = if female { (VEN_FEMALE, VEN_FEMALE_SECOND) } else { (VEN_MALE, VEN_MALE_SECOND) };
                let a = self.entry(first);
                if self.chance(0.35) {
                    let b = self.entry(second);
                    if b.latin != a.latin {
                        return (a.join(&b), a);
                    }
                }
                a
            }
        };
        (n.clone(), n)
    }

    /// A given name not yet used in this household (siblings do not share one).
    fn fresh_given(&mut self, female: bool) -> (Nm, Nm) {
        let mut n = self.given(female);
        for _ in 0..8 {
            if !self.used_given.contains(&n.0.latin) {
                break;
            }
            n = self.given(female);
        }
        self.used_given.push(n.0.latin.clone());
        n
    }

    /// A family name for someone of a new lineage (a spouse, or an absent parent).
    fn lineage(&mut self, female: bool) -> Option<Nm> {
        use names::*;
        let g = self.g;
        match g {
            Group::Arab => Some(self.entry(SYR_FAMILY)),
            Group::Kurd if self.chance(0.65) => Some(self.entry(KURD_FAMILY)),
            Group::Kurd => Some(self.entry(SYR_FAMILY)),
            // Many Afghans, women even more than men, have no family name.
            Group::Pashtun => self.chance(if female { 0.35 } else { 0.55 }).then(|| self.entry(AFG_FAMILY_PASHTUN)),
            Group::Tajik => self.chance(if female { 0.4 } else { 0.6 }).then(|| self.entry(AFG_FAMILY_DARI)),
            Group::Dinka | Group::Nuer | Group::Bari | Group::Tigrinya => {
                let list = if g == Group::Tigrinya { ERI_MALE } else { g.local_male() };
                let father = self.entry(list);
                if self.long_patronym {
                    let mut grandfather = self.entry(list);
                    if grandfather.latin == father.latin {
                        grandfather = self.entry(list);
                    }
                    Some(father.join(&grandfather))
                } else {
                    Some(father)
                }
            }
            Group::Rohingya | Group::Burmese => None,
            Group::Korean => Some(self.entry(KOR_FAMILY)),
            Group::Venezuelan => {
                let a = self.entry(VEN_SURNAME);
                let mut b = self.entry(VEN_SURNAME);
                if b.latin == a.latin {
                    b = self.entry(VEN_SURNAME);
                }
                Some(a.join(&b))
            }
        }
    }

    /// Someone of a new lineage: a spouse, or a parent who is not in the household.
    fn new_adult(&mut self, female: bool) -> Named {
        let (given, patronym) = self.fresh_given(female);
        let mut family = self.lineage(female);
        // A patronym is rarely the same as the person's own name (Keat Keat): draw again.
        for _ in 0..4 {
            match &family {
                Some(f) if f.word(0).is_some_and(|w| w.latin == patronym.latin) => family = self.lineage(female),
                _ => break,
            }
        }
        Named { given, patronym, family }
    }

    /// The family name a child of `father` and `mother` receives.
    fn child_family(&mut self, father: &Named, mother: &Named) -> Option<Nm> {
        let g = self.g;
        if g.no_family_names() {
            None
        } else if g.patronymic() {
            match (&father.family, self.long_patronym) {
                (Some(f), true) => Some(father.patronym.join(&f.word(0).unwrap_or_default())),
                _ => Some(father.patronym.clone()),
            }
        } else if g == Group::Venezuelan {
            let p = father.family.as_ref().and_then(|f| f.word(0));
            let m = mother.family.as_ref().and_then(|f| f.word(0));
            match (p, m) {
                (Some(p), Some(m)) => Some(p.join(&m)),
                (p, m) => p.or(m),
            }
        } else {
            father.family.clone()
        }
    }

    fn child_named(&mut self, female: bool, father: &Named, mother: &Named) -> Named {
        let (given, patronym) = self.fresh_given(female);
        let family = self.child_family(father, mother);
        Named { given, patronym, family }
    }

    /// The father (or mother) of `child`, consistent with the child's family name.
    fn parent_of(&mut self, child: &Named, female: bool) -> Named {
        let g = self.g;
        let (given, patronym) = self.fresh_given(female);
        if g.no_family_names() {
            return Named { given, patronym, family: None };
        }
        if g == Group::Venezuelan {
            let own = child.family.as_ref().and_then(|f| f.word(usize::from(female)));
            let other = self.entry(names::VEN_SURNAME);
            return Named { given, patronym, family: Some(own.map(|o| o.join(&other)).unwrap_or(other)) };
        }
        if female {
            let family = self.lineage(true);
            return Named { given, patronym, family };
        }
        if g.patronymic() {
            if let Some(f) = &child.family {
                let father = f.word(0).unwrap_or_default();
                let family = f.rest().or_else(|| self.lineage(false));
                return Named { given: father.clone(), patronym: father, family };
            }
        }
        Named { given, patronym, family: child.family.clone() }
    }

    /// A brother or sister of `sib` (same parents, so the same family name).
    fn sibling_of(&mut self, sib: &Named, female: bool) -> Named {
        let (given, patronym) = self.fresh_given(female);
        Named { given, patronym, family: sib.family.clone() }
    }

    // --- citizenship and places ---

    fn adult_citizenship(&mut self) -> String {
        let base = self.base_citizenship;
        let r = self.range(0, 999);
        match self.g {
            Group::Venezuelan if r < 40 => "VEN;COL".into(),
            Group::Venezuelan if r < 50 => "VEN;ESP".into(),
            Group::Arab if r < 10 => "SYR;TUR".into(),
            Group::Dinka | Group::Nuer | Group::Bari if r < 60 => "undetermined".into(),
            _ if r < 985 || base == "stateless" => base.into(),
            _ => "undetermined".into(),
        }
    }

    /// Citizenship of a child born on `born` whose father holds `father` (or is absent).
    fn child_citizenship(&mut self, father: Option<&str>, born: NaiveDate) -> String {
        let inherited = match father {
            Some(f) => f.split(';').next().unwrap_or(f).to_owned(),
            None => self.base_citizenship.to_owned(),
        };
        let (country, _) = self.birth_country(born, false);
        match (self.g, country) {
            // Children of Venezuelans born in Colombia may hold both nationalities.
            (Group::Venezuelan, Some("COL")) if self.chance(0.8) => "VEN;COL".into(),
            // Children born in China to North Korean women and (absent, often Chinese) fathers are
            // often never registered anywhere; those of two North Korean parents are not Chinese.
            (Group::Korean, Some("CHN")) if father.is_none() => match self.range(0, 9) {
                0..=4 => "undetermined".into(),
                5..=7 => "CHN".into(),
                _ => "PRK".into(),
            },
            (Group::Korean, Some("CHN")) if self.chance(0.3) => "undetermined".into(),
            // Syrian nationality passes through the father: without him, it may not be proven.
            (Group::Arab | Group::Kurd, Some(c)) if c != "SYR" && father.is_none() && self.chance(0.2) => "undetermined".into(),
            _ => inherited,
        }
    }

    /// Country of birth for someone born on `born`: the origin before flight, the transit country
    /// between flight and arrival, unknown (the country of asylum) after.
    fn birth_country(&self, born: NaiveDate, in_origin: bool) -> (Option<&'static str>, bool) {
        if in_origin || born <= self.flight {
            (Some(self.g.origin()), true)
        } else if born <= self.arrival {
            (Some(self.transit.0), false)
        } else {
            (None, false)
        }
    }

    fn birth_place(&mut self, m: &Member) -> (Option<String>, Option<String>) {
        match self.birth_country(m.born, m.born_in_origin) {
            (Some(c), true) => {
                let town = if self.chance(0.03) {
                    None
                } else if self.chance(0.65) {
                    Some(self.home)
                } else {
                    Some(self.pick(self.g.towns()))
                };
                (town.map(str::to_owned), Some(c.to_owned()))
            }
            (Some(c), false) => (Some(self.pick(self.transit.1).to_owned()), Some(c.to_owned())),
            (None, _) => (None, None),
        }
    }

    // --- household composition ---

    fn household(mut self, key: String) -> HouseholdInput {
        let origin = self.g.origin();
        let kind = KINDS[weighted(&mut self.rng, &kind_weights(origin))];
        let mut ms = match kind {
            Kind::Single => self.single(),
            Kind::Couple => self.couple(),
            Kind::FemaleHeaded => self.one_parent(true),
            Kind::SingleFather => self.one_parent(false),
            Kind::Unaccompanied => self.unaccompanied(),
            Kind::Grandparent => self.grandparent(),
        };
        self.context_needs(&mut ms);
        let members = ms.iter().map(|m| MemberInput { relationship: Some(m.rel.to_owned()), person: self.person(m) }).collect();
        let address = self.address();
        HouseholdInput { registration_key: Some(key), arrival_date: Some(self.arrival.to_string()), address: Some(address), members }
    }

    fn member(&mut self, rel: &'static str, female: bool, name: Named, born: NaiveDate, born_in_origin: bool) -> Member {
        let citizenship = self.adult_citizenship();
        Member { rel, female, name, born, born_in_origin, citizenship, needs: Vec::new() }
    }

    fn principal(&mut self, female: bool, age: i64) -> Member {
        let name = self.new_adult(female);
        let born = self.born_aged(age);
        self.member("PA", female, name, born, true)
    }

    fn single(&mut self) -> Vec<Member> {
        let p_female = match self.g {
            Group::Korean => 0.78,
            Group::Tigrinya => 0.4,
            Group::Venezuelan => 0.45,
            _ => 0.3,
        };
        let female = self.chance(p_female);
        let elderly = self.chance(0.1);
        let age = if elderly { 60 + self.range(0, 25) } else { 18 + self.range(0, 12) + self.range(0, 12) };
        let mut pa = self.principal(female, age);
        if elderly && self.chance(0.5) {
            pa.needs.push("ER");
        }
        if female && !elderly && self.chance(0.15) {
            pa.needs.push("WR-SF");
        }
        vec![pa]
    }

    fn adult_age(&mut self) -> i64 {
        let mut age = 18 + self.range(0, 18) + self.range(0, 18);
        if self.chance(0.12) {
            age += self.range(0, 20);
        }
        age
    }

    fn couple(&mut self) -> Vec<Member> {
        let pa_female = self.chance(0.18);
        let age = self.adult_age().max(19);
        let mut pa = self.principal(pa_female, age);
        let gap = self.range(0, 4) + self.range(0, 6);
        let spouse_age = if pa_female { (age + gap).min(90) } else { (age - gap).max(18) };
        let spouse_name = self.new_adult(!pa_female);
        let spouse_born = self.born_aged(spouse_age);
        let mut spouse = self.member("SPS", !pa_female, spouse_name, spouse_born, true);
        if self.base_citizenship == "stateless" && self.g == Group::Kurd && self.chance(0.5) {
            // A stateless Kurdish man's wife may be a Syrian citizen; the children are stateless.
            let wife = if pa_female { &mut pa } else { &mut spouse };
            wife.citizenship = "SYR".into();
        }
        let (father, mother) = if pa_female { (&spouse, &pa) } else { (&pa, &spouse) };
        let (father, mother) = (father.clone(), mother.clone());
        let n = weighted(&mut self.rng, &children_weights(self.g.origin()));
        let mut ms = vec![pa.clone()];
        ms.push(spouse.clone());
        for born in self.child_births(n, mother.born, Some(father.born), 24) {
            let female = self.chance(0.49);
            let name = self.child_named(female, &father.name, &mother.name);
            let citizenship = self.child_citizenship(Some(&father.citizenship), born);
            ms.push(Member { rel: "CHD", female, name, born, born_in_origin: false, citizenship, needs: Vec::new() });
        }
        // A wife's child from an earlier union, older than the couple's children.
        if mother.rel == "SPS" && self.chance(0.03) {
            let eldest = ms.iter().filter(|m| m.rel == "CHD").map(|m| m.born).min();
            let earliest = shift(mother.born, year_days(17.0)).max(self.years_ago(17.5));
            let latest = eldest.map_or(self.today, |e| shift(e, -430));
            if earliest <= latest {
                let born = self.between(earliest, latest);
                let earlier = self.new_adult(false);
                let female = self.chance(0.5);
                let name = self.child_named(female, &earlier, &mother.name);
                let citizenship = self.child_citizenship(None, born);
                ms.push(Member { rel: "STC", female, name, born, born_in_origin: false, citizenship, needs: Vec::new() });
            }
        }
        self.extended(&pa, &mut ms);
        ms
    }

    fn one_parent(&mut self, female: bool) -> Vec<Member> {
        let age = if female { 20 + self.range(0, 15) + self.range(0, 15) } else { 24 + self.range(0, 14) + self.range(0, 14) };
        let mut pa = self.principal(female, age);
        // The other parent: absent, dead or missing; named only through the children.
        let other = self.new_adult(!female);
        let other_born =
            if female { shift(pa.born, -year_days(self.range(0, 10) as f64)) } else { shift(pa.born, year_days(self.range(0, 8) as f64)) };
        let (father, mother, mother_born, father_born) =
            if female { (other, pa.name.clone(), pa.born, other_born) } else { (pa.name.clone(), other, other_born, pa.born) };
        let mut n = weighted(&mut self.rng, &children_weights(self.g.origin())).max(1);
        if !female {
            n = n.min(4);
        }
        let mut ms = Vec::new();
        let births = self.child_births(n, mother_born, Some(father_born), 24);
        for born in &births {
            let child_female = self.chance(0.49);
            let g = self.g;
            let name = match g {
                // Children of single mothers in Venezuela often carry both of her surnames; those of
                // North Korean women born in China, their mother's.
                Group::Venezuelan if female && self.chance(0.3) => {
                    let (given, patronym) = self.fresh_given(child_female);
                    Named { given, patronym, family: mother.family.clone() }
                }
                Group::Korean if female && self.birth_country(*born, false).0 == Some("CHN") => {
                    let (given, patronym) = self.fresh_given(child_female);
                    Named { given, patronym, family: mother.family.clone() }
                }
                _ => self.child_named(child_female, &father, &mother),
            };
            let father_cit = if female { None } else { Some(pa.citizenship.clone()) };
            let citizenship = self.child_citizenship(father_cit.as_deref(), *born);
            ms.push(Member { rel: "CHD", female: child_female, name, born: *born, born_in_origin: false, citizenship, needs: Vec::new() });
        }
        if !births.is_empty() && self.chance(if female { 0.45 } else { 0.5 }) {
            pa.needs.push("SP");
        }
        if female && self.chance(0.15) {
            pa.needs.push("WR");
        }
        if self.chance(0.12) {
            // The other parent is missing: tracing is needed.
            pa.needs.push("FU-TR");
        }
        ms.insert(0, pa.clone());
        self.extended(&pa, &mut ms);
        ms
    }

    /// Sometimes a parent, a sibling or a niece or nephew of the principal applicant lives with them.
    fn extended(&mut self, pa: &Member, ms: &mut Vec<Member>) {
        let p_parent = match self.g {
            Group::Arab | Group::Kurd | Group::Pashtun | Group::Tajik => 0.11,
            _ => 0.07,
        };
        if self.chance(p_parent) {
            let female = self.chance(0.65);
            let gap = if female { 17 + self.range(0, 20) } else { 20 + self.range(0, 24) };
            let born = shift(pa.born, -year_days(gap as f64) - self.range(0, 300));
            if age_on(born, self.today) <= 95 {
                let name = self.parent_of(&pa.name, female);
                let mut m = self.member("PAR", female, name, born, true);
                m.citizenship.clone_from(&pa.citizenship);
                ms.push(m);
            }
        }
        if self.chance(0.07) {
            let female = self.chance(0.5);
            let born = shift(pa.born, self.range(-year_days(12.0), year_days(12.0)));
            let age = age_on(born, self.today);
            if (6..=80).contains(&age) && (born - pa.born).num_days().abs() > 300 {
                let name = self.sibling_of(&pa.name, female);
                let mut m = self.member("SIB", female, name, born, age >= 18);
                m.citizenship.clone_from(&pa.citizenship);
                ms.push(m);
            }
        }
        if self.chance(0.03) {
            // A niece or nephew: the child of a brother of the principal applicant.
            let brother = self.sibling_of(&pa.name, false);
            let mother = self.new_adult(true);
            let female = self.chance(0.5);
            let name = self.child_named(female, &brother, &mother);
            let age = self.range(3, 17);
            let born = self.born_aged(age);
            let citizenship = self.child_citizenship(Some(&pa.citizenship.clone()), born);
            let mut m = Member { rel: "REL", female, name, born, born_in_origin: false, citizenship, needs: Vec::new() };
            if self.chance(0.4) {
                m.needs.push("UC-US");
            }
            ms.push(m);
        }
    }

    /// An unaccompanied child heading a household, sometimes with younger brothers or sisters.
    fn unaccompanied(&mut self) -> Vec<Member> {
        self.flight = self.between(shift(self.arrival, -year_days(1.5)), self.arrival);
        let female = self.chance(match self.g {
            Group::Pashtun | Group::Tajik | Group::Tigrinya => 0.1,
            _ => 0.3,
        });
        let age = self.range(14, 17);
        let mut pa = self.principal(female, age);
        pa.needs.push("UC-UM");
        let mut ms = vec![pa.clone()];
        if self.chance(0.3) {
            let n = self.range(1, 2);
            let mut born = pa.born;
            for _ in 0..n {
                born = shift(born, self.range(450, 1500));
                if age_on(born, self.today) < 4 {
                    break;
                }
                let sib_female = self.chance(0.5);
                let name = self.sibling_of(&pa.name, sib_female);
                let citizenship = pa.citizenship.clone();
                ms.push(Member { rel: "SIB", female: sib_female, name, born, born_in_origin: false, citizenship, needs: vec!["UC-UM"] });
            }
            if ms.len() > 1 {
                ms[0].needs.push("CR-CC");
            }
        }
        ms
    }

    /// A grandparent (sometimes a grandparent couple) caring for grandchildren whose parents are
    /// dead, missing or elsewhere.
    fn grandparent(&mut self) -> Vec<Member> {
        let female = self.chance(0.65);
        let age = 52 + self.range(0, 13) + self.range(0, 13);
        let mut pa = self.principal(female, age);
        if age >= 60 && self.chance(0.5) {
            pa.needs.push("ER");
        }
        let mut ms = vec![pa.clone()];
        let spouse = if self.chance(0.35) {
            let gap = self.range(0, 8);
            let born = shift(pa.born, if female { -year_days(gap as f64) } else { year_days(gap as f64) });
            if age_on(born, self.today) <= 92 {
                let name = self.new_adult(!female);
                let mut s = self.member("SPS", !female, name, born, true);
                s.citizenship.clone_from(&pa.citizenship);
                ms.push(s.clone());
                Some(s)
            } else {
                None
            }
        } else {
            None
        };
        let (grandfather, grandmother) = match (&spouse, female) {
            (Some(s), true) => (s.name.clone(), pa.name.clone()),
            (Some(s), false) => (pa.name.clone(), s.name.clone()),
            (None, true) => (self.new_adult(false), pa.name.clone()),
            (None, false) => (pa.name.clone(), self.new_adult(true)),
        };
        // The grandchildren's parent (a son or a daughter of the grandparent) is not in the household.
        let via_son = self.chance(0.6);
        let parent = self.child_named(!via_son, &grandfather, &grandmother);
        let parent_born = shift(pa.born, year_days(self.range(18, 34) as f64));
        let (father, mother, mother_born) = if via_son {
            let wife = self.new_adult(true);
            (parent, wife, shift(parent_born, year_days(self.range(0, 6) as f64)))
        } else {
            (self.new_adult(false), parent, parent_born)
        };
        let n = self.range(1, 4) as usize;
        let father_cit = pa.citizenship.clone();
        for born in self.child_births(n, mother_born, None, 15) {
            let child_female = self.chance(0.49);
            let name = self.child_named(child_female, &father, &mother);
            let citizenship = self.child_citizenship(Some(&father_cit), born);
            let mut m = Member { rel: "GCH", female: child_female, name, born, born_in_origin: false, citizenship, needs: Vec::new() };
            if self.chance(0.6) {
                m.needs.push("UC-US");
            }
            ms.push(m);
        }
        ms
    }

    /// Birth dates of up to `n` children of a mother born `mother_born` (and a father born
    /// `father_born`), none older than `max_age`, oldest first, at least 14 months apart.
    fn child_births(&mut self, n: usize, mother_born: NaiveDate, father_born: Option<NaiveDate>, max_age: i64) -> Vec<NaiveDate> {
        let mut earliest = shift(mother_born, year_days(17.0)).max(self.years_ago(max_age as f64 + 0.9));
        if let Some(f) = father_born {
            earliest = earliest.max(shift(f, year_days(18.0)));
        }
        let latest = self.today.min(shift(mother_born, year_days(45.0)));
        if n == 0 || earliest > latest {
            return Vec::new();
        }
        let span = (latest - earliest).num_days();
        let mut cur = shift(latest, -self.range(0, span.min(year_days(5.0))));
        let mut out = Vec::new();
        while out.len() < n && cur >= earliest {
            out.push(cur);
            cur = shift(cur, -self.range(430, 1500));
        }
        out.reverse();
        out
    }

    // --- specific needs ---

    /// Needs that depend on the household: pregnancy, breastfeeding.
    fn context_needs(&mut self, ms: &mut [Member]) {
        let today = self.today;
        let couple = ms.iter().any(|m| m.rel == "SPS");
        let infant = ms.iter().any(|m| m.rel == "CHD" && age_on(m.born, today) < 1);
        for m in ms.iter_mut() {
            let age = age_on(m.born, today);
            if !m.female || !(18..=44).contains(&age) || !matches!(m.rel, "PA" | "SPS") {
                continue;
            }
            if infant && self.rng.random_bool(0.35) {
                m.needs.push("WR-LC");
            } else if couple && age <= 42 && self.rng.random_bool(0.05) {
                m.needs.push("WR-PY");
            }
        }
    }

    /// Needs that any person may have, by age and sex.
    fn personal_needs(&mut self, m: &Member, age: u32) -> Vec<&'static str> {
        let mut v = m.needs.clone();
        if age >= 60 {
            if self.chance(0.15) {
                v.push("ER");
            }
            if self.chance(0.22) {
                v.push("SM-CI");
            }
            if age >= 75 && self.chance(0.15) {
                v.push("ER-NF");
            }
        } else if age >= 18 {
            if self.chance(0.03) {
                v.push("SM-CI");
            }
            if self.chance(0.006) {
                v.push("SM-MI");
            }
        }
        if self.chance(0.025) {
            let d = self.pick(&["DS", "DS-PM", "DS-PM", "DS-PS", "DS-BD", "DS-DF", "DS-MM"]);
            v.push(d);
        }
        if (18..=65).contains(&age) {
            let p = match (m.female, self.g) {
                (false, Group::Arab | Group::Kurd | Group::Tigrinya | Group::Korean | Group::Rohingya) => 0.03,
                (false, _) => 0.012,
                (true, _) => 0.005,
            };
            if self.chance(p) {
                v.push(if self.chance(0.5) { "TR" } else { "TR-HO" });
            }
        }
        if age >= 12 && self.chance(if m.female { 0.012 } else { 0.002 }) {
            v.push("SV");
        }
        if (6..=17).contains(&age) && self.chance(0.03) {
            v.push("CR-NE");
        }
        if (10..=17).contains(&age) && self.chance(0.01) {
            v.push("CR-LW");
        }
        let mut out: Vec<&'static str> = Vec::new();
        for n in v {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    // --- rendering ---

    /// The date of birth as registered: full, year-month or year only, depending on the origin
    /// and the person's age. Some origins record many people as born on 1 January.
    fn date_of_birth(&mut self, born: NaiveDate, is_pa: bool) -> Option<String> {
        if !is_pa && self.chance(0.003) {
            return None;
        }
        let age = age_on(born, self.today);
        let bucket = match age {
            0..=4 => 0,
            5..=17 => 1,
            18..=59 => 2,
            _ => 3,
        };
        let table: [(f64, f64); 4] = match self.g {
            Group::Arab | Group::Kurd => [(0.95, 0.03), (0.9, 0.04), (0.8, 0.05), (0.55, 0.1)],
            Group::Pashtun | Group::Tajik => [(0.7, 0.1), (0.4, 0.1), (0.28, 0.1), (0.1, 0.05)],
            Group::Dinka | Group::Nuer | Group::Bari => [(0.6, 0.15), (0.35, 0.15), (0.25, 0.1), (0.08, 0.05)],
            Group::Rohingya => [(0.6, 0.15), (0.4, 0.15), (0.3, 0.15), (0.1, 0.1)],
            Group::Burmese => [(0.95, 0.02), (0.92, 0.03), (0.88, 0.04), (0.7, 0.1)],
            Group::Korean => [(0.95, 0.03), (0.92, 0.03), (0.9, 0.04), (0.75, 0.1)],
            Group::Tigrinya => [(0.85, 0.05), (0.7, 0.1), (0.55, 0.1), (0.3, 0.1)],
            Group::Venezuelan => [(0.99, 0.005), (0.99, 0.005), (0.98, 0.01), (0.95, 0.02)],
        };
        let (full, month) = table[bucket];
        let r: f64 = self.rng.random();
        let jan_first = matches!(self.g, Group::Pashtun | Group::Tajik | Group::Dinka | Group::Nuer | Group::Bari | Group::Rohingya);
        Some(if r < full {
            if jan_first && age >= 5 && self.chance(0.25) {
                format!("{:04}-01-01", born.year())
            } else {
                born.format("%Y-%m-%d").to_string()
            }
        } else if r < full + month {
            born.format("%Y-%m").to_string()
        } else {
            format!("{:04}", born.year())
        })
    }

    fn person_languages(&mut self, age: u32, birth_country: Option<&str>) -> Vec<String> {
        if age < 2 {
            return Vec::new();
        }
        let mut v: Vec<&str> = self.languages.clone();
        let adult = age >= 18;
        let extra: &[(&str, f64)] = match self.g {
            Group::Arab | Group::Kurd if birth_country == Some("TUR") && age >= 4 => &[("tr", 0.5)],
            Group::Arab | Group::Kurd if adult => &[("en", 0.06)],
            Group::Pashtun | Group::Tajik if adult => &[("en", 0.04)],
            Group::Dinka | Group::Nuer | Group::Bari if age >= 12 => &[("en", 0.25)],
            Group::Rohingya if adult => &[("my", 0.1)],
            Group::Korean if adult && (self.arrival - self.flight).num_days() > 3 * 365 => &[("zh", 0.4)],
            Group::Tigrinya if adult => &[("am", 0.08), ("ar", 0.08), ("en", 0.1)],
            Group::Venezuelan if adult => &[("en", 0.05)],
            _ => &[],
        };
        for (l, p) in extra {
            if self.chance(*p) && !v.contains(l) {
                v.push(l);
            }
        }
        v.into_iter().map(str::to_owned).collect()
    }

    fn digits(&mut self, n: u32) -> String {
        (0..n).map(|_| char::from(b'0' + self.rng.random_range(0..10u8))).collect()
    }

    fn passport(&mut self, m: &Member, number: String, valid_years: i64) -> DocumentInput {
        let earliest = shift(m.born, year_days(1.0)).max(shift(self.flight, -year_days(valid_years as f64)));
        let issued = self.between(earliest, self.flight.min(self.today));
        let valid = if age_on(m.born, issued) < 18 { valid_years.min(5) } else { valid_years };
        let expiry = shift(issued, year_days(valid as f64) - 1);
        DocumentInput {
            kind: Some("passport".into()),
            number: Some(number),
            issuing_country: Some(self.g.origin().into()),
            expiry_date: Some(expiry.to_string()),
        }
    }

    fn doc(kind: &str, number: String, country: &str) -> DocumentInput {
        DocumentInput { kind: Some(kind.into()), number: Some(number), issuing_country: Some(country.into()), expiry_date: None }
    }

    /// Documents the person holds, with number formats modelled on each country's.
    fn documents(&mut self, m: &Member, age: u32, birth_country: Option<&str>) -> Vec<DocumentInput> {
        let mut v = Vec::new();
        let origin = self.g.origin();
        let adult = age >= 18;
        let stateless = m.citizenship == "stateless";
        match self.g {
            Group::Arab | Group::Kurd if !stateless => {
                if adult && self.chance(0.35) {
                    let n = format!("{:02}{}", self.range(1, 14), self.digits(9));
                    v.push(Self::doc("national_id", n, origin));
                }
                if adult && self.chance(0.22) {
                    let n = format!("N{}", self.digits(9));
                    v.push(self.passport(m, n, 6));
                }
                if m.rel == "PA" && self.chance(0.3) {
                    let n = format!("{}", self.range(10_000, 9_999_999));
                    v.push(Self::doc("family_book", n, origin));
                }
            }
            Group::Pashtun | Group::Tajik => {
                if age >= 7
                    && self.chance(if m.female {
                        0.22
                    } else if adult {
                        0.5
                    } else {
                        0.1
                    })
                {
                    // The paper tazkira's volume-page-entry number, or the electronic tazkira's.
                    let n = if self.chance(0.6) {
                        format!("{}-{}-{}", self.range(1, 450), self.range(1, 300), self.range(1, 9_999))
                    } else {
                        format!("{}-{:04}-{}", self.range(1397, 1402), self.range(1, 9_999), self.digits(5))
                    };
                    v.push(Self::doc("national_id", n, origin));
                }
                if adult && self.chance(0.08) {
                    let n = format!("P{}", self.digits(8));
                    v.push(self.passport(m, n, 5));
                }
            }
            Group::Dinka | Group::Nuer | Group::Bari => {
                if adult && self.chance(0.08) {
                    let n = self.digits(10);
                    v.push(Self::doc("national_id", n, origin));
                }
                if adult && self.chance(0.04) {
                    let n = format!("S{}", self.digits(8));
                    v.push(self.passport(m, n, 5));
                }
            }
            Group::Burmese => {
                if adult && self.chance(0.6) {
                    // National Registration Card: state/township/(N)number, written without parentheses.
                    let township = self.pick(&["BAHANA", "KAMAYA"]);
                    let n = format!("12/{township}/N/{}", self.digits(6));
                    v.push(Self::doc("national_id", n, origin));
                }
                if adult && self.chance(0.2) {
                    let n = format!("M{}{}", self.pick(&['A', 'B', 'C', 'D', 'E']), self.digits(6));
                    v.push(self.passport(m, n, 5));
                }
            }
            Group::Tigrinya => {
                if adult && self.chance(0.18) {
                    let n = self.digits(7);
                    v.push(Self::doc("national_id", n, origin));
                }
                if adult && self.chance(0.04) {
                    let n = format!("E{}", self.digits(7));
                    v.push(self.passport(m, n, 5));
                }
            }
            Group::Venezuelan => {
                if age >= 9 && self.chance(0.85) {
                    // The cédula's number grows with the year of issue, so with the year of birth.
                    let millions = ((m.born.year() - 1945) as f64 * 0.55).clamp(1.0, 33.0) as i64;
                    let n = (millions + self.range(-1, 1)).max(1) * 1_000_000 + self.range(0, 999_999);
                    v.push(Self::doc("national_id", format!("V-{n}"), origin));
                }
                if age >= 1 && self.chance(if adult { 0.3 } else { 0.12 }) {
                    let n = self.digits(9);
                    v.push(self.passport(m, n, 10));
                }
            }
            Group::Arab | Group::Kurd | Group::Rohingya | Group::Korean => {}
        }
        if age < 18 {
            let p = match (birth_country, self.g) {
                (None, _) => 0.0,
                // Rohingya children get no birth certificates in Rakhine or in the camps of
                // Bangladesh; those of North Korean mothers in China are rarely registered.
                (_, Group::Rohingya | Group::Korean) => 0.0,
                (Some(c), Group::Venezuelan) if c == origin => 0.5,
                (Some(c), Group::Arab | Group::Kurd) if c == origin && !stateless => 0.15,
                (Some(c), _) if c == origin => 0.03,
                (Some(_), _) => 0.2,
            };
            if let Some(country) = birth_country {
                if self.chance(p) {
                    let n = format!("{}/{}", self.range(1, 99_999), m.born.year());
                    v.push(Self::doc("birth_certificate", n, country));
                }
            }
        }
        v
    }

    fn person(&mut self, m: &Member) -> PersonInput {
        let age = age_on(m.born, self.today);
        let (place_of_birth, country_of_birth) = self.birth_place(m);
        let date_of_birth = self.date_of_birth(m.born, m.rel == "PA");
        let languages = self.person_languages(age, country_of_birth.as_deref());
        let documents = self.documents(m, age, country_of_birth.as_deref());
        let specific_needs = self.personal_needs(m, age).into_iter().map(str::to_owned).collect();
        let orig = |n: &Nm| (!n.orig.is_empty()).then(|| n.orig.clone());
        PersonInput {
            given_name: Some(m.name.given.latin.clone()),
            family_name: m.name.family.as_ref().map(|f| f.latin.clone()),
            given_name_original: orig(&m.name.given),
            family_name_original: m.name.family.as_ref().and_then(orig),
            sex: Some(if m.female { "F" } else { "M" }.into()),
            date_of_birth,
            place_of_birth,
            country_of_birth,
            citizenship: Some(m.citizenship.clone()),
            languages,
            documents,
            specific_needs,
        }
    }

    /// An address in the (fictional) country of asylum: a camp block, a settlement plot, the
    /// transit centre for new arrivals, or a street address in town.
    fn address(&mut self) -> String {
        let recent = (self.today - self.arrival).num_days() <= 30;
        if recent && self.chance(0.6) {
            let hall = self.pick(&['A', 'B', 'C', 'D']);
            return format!("{}, Hall {hall}", places::TRANSIT_CENTRE);
        }
        let urban = match self.g {
            Group::Venezuelan | Group::Korean => 0.8,
            Group::Arab | Group::Kurd | Group::Burmese => 0.55,
            Group::Pashtun | Group::Tajik => 0.4,
            _ => 0.15,
        };
        if self.chance(urban) {
            let street = self.pick(places::CITY_STREETS);
            let district = self.pick(places::CITY_DISTRICTS);
            let house = self.range(1, 180);
            if self.chance(0.35) {
                let flat = self.range(1, 24);
                format!("Flat {flat}, {house} {street}, {district}, {}", places::CITY)
            } else {
                format!("{house} {street}, {district}, {}", places::CITY)
            }
        } else if self.chance(0.7) {
            let block = self.pick(&['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
            let (n, zone) = (self.range(1, 40), self.range(1, 4));
            format!("Block {block}-{n:02}, {} {zone}", places::CAMP)
        } else {
            let (village, plot) = (self.range(1, 12), self.range(1, 250));
            format!("Village {village}, Plot {plot}, {}", places::SETTLEMENT)
        }
    }
}

/// Index drawn with the given relative weights.
fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut r = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    weights.len() - 1
}
