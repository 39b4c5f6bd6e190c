//! The demo caseload is valid, deterministic and shaped like the operation it pretends to be.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use nansen_demo::{generate, household, households, ORIGIN_SHARES};
use nansen_domain::date::Precision;
use nansen_domain::{HouseholdInput, NewHousehold, PartialDate, PersonInput};
use std::collections::{BTreeSet, HashMap, HashSet};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

fn pa(h: &HouseholdInput) -> &PersonInput {
    &h.members.iter().find(|m| m.relationship.as_deref() == Some("PA")).expect("a principal applicant").person
}

fn origin(h: &HouseholdInput) -> &str {
    pa(h).country_of_birth.as_deref().expect("the PA's country of birth")
}

fn people(hs: &[HouseholdInput]) -> impl Iterator<Item = &PersonInput> {
    hs.iter().flat_map(|h| h.members.iter().map(|m| &m.person))
}

#[test]
fn every_household_parses() {
    let hs = generate(42, 2000, today());
    assert_eq!(hs.len(), 2000);
    let failures: Vec<String> =
        hs.iter().filter_map(|h| NewHousehold::parse(h, today()).err().map(|e| format!("{:?}: {e}", h.registration_key))).take(5).collect();
    assert!(failures.is_empty(), "{} households failed, first:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn parses_for_other_seeds_and_dates() {
    for (seed, day) in
        [(1u64, today()), (7, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()), (u64::MAX, NaiveDate::from_ymd_opt(2031, 12, 31).unwrap())]
    {
        for h in generate(seed, 500, day) {
            if let Err(e) = NewHousehold::parse(&h, day) {
                panic!("{:?}: {e}", h.registration_key);
            }
        }
    }
}

#[test]
fn deterministic_per_seed() {
    let a = generate(42, 300, today());
    assert_eq!(a, generate(42, 300, today()));
    assert_ne!(a, generate(43, 300, today()));
    // Household i does not depend on how many are generated, nor on the route taken to it.
    assert_eq!(&a[..100], &generate(42, 100, today())[..]);
    assert_eq!(a[250], household(42, 250, today()));
    assert_eq!(households(42, today()).nth(17), Some(a[17].clone()));
}

#[test]
fn registration_keys_are_stable_and_unique() {
    let hs = generate(42, 2000, today());
    assert_eq!(hs[7].registration_key.as_deref(), Some("DEMO-42-000007"));
    let keys: HashSet<_> = hs.iter().map(|h| h.registration_key.clone()).collect();
    assert_eq!(keys.len(), hs.len());
    for h in &hs {
        assert_eq!(h.members.iter().filter(|m| m.relationship.as_deref() == Some("PA")).count(), 1);
        let address = h.address.as_deref().unwrap();
        assert!(!address.contains(['<', '>', '{', '}', '\\']), "{address}");
        let arrival = NaiveDate::parse_from_str(h.arrival_date.as_deref().unwrap(), "%Y-%m-%d").unwrap();
        assert!(arrival <= today() && (today() - arrival).num_days() <= 3 * 366, "{arrival}");
    }
}

#[test]
fn origin_shares_match_the_targets() {
    let hs = generate(42, 5000, today());
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for h in &hs {
        *counts.entry(origin(h)).or_default() += 1;
    }
    assert_eq!(counts.values().sum::<usize>(), 5000);
    for (code, pct) in ORIGIN_SHARES {
        let share = 100.0 * *counts.get(code).unwrap_or(&0) as f64 / 5000.0;
        assert!((share - f64::from(pct)).abs() < 2.5, "{code}: {share:.1}% against {pct}%");
    }
}

#[test]
fn dates_of_birth_are_partial_sometimes_and_never_in_the_future() {
    let hs = generate(42, 2000, today());
    let mut precisions = BTreeSet::new();
    let mut total = 0;
    for p in people(&hs) {
        if let Some(d) = &p.date_of_birth {
            let d = PartialDate::parse(d).unwrap();
            assert!(!d.is_after(today()) && d.bounds().0 <= today(), "{d}");
            precisions.insert(d.precision());
            total += 1;
        }
    }
    assert_eq!(precisions.len(), 3, "{precisions:?}");
    assert!(precisions.contains(&Precision::Year) && precisions.contains(&Precision::Month) && precisions.contains(&Precision::Day));
    assert!(total > 5000);
}

#[test]
fn children_are_younger_than_their_parent_and_parents_older() {
    let hs = generate(42, 2000, today());
    let dob = |p: &PersonInput| p.date_of_birth.as_deref().map(|d| PartialDate::parse(d).unwrap().bounds());
    let mut checked = 0;
    for h in &hs {
        let Some((_, pa_latest)) = dob(pa(h)) else { continue };
        let (pa_earliest, _) = dob(pa(h)).unwrap();
        for m in &h.members {
            let Some((earliest, latest)) = dob(&m.person) else { continue };
            match m.relationship.as_deref() {
                Some("CHD" | "STC" | "GCH") => {
                    assert!(earliest > pa_latest, "{:?}: a child born {earliest} is not younger than the PA", h.registration_key);
                    checked += 1;
                }
                Some("PAR" | "GPA") => assert!(latest < pa_earliest, "{:?}: a parent is not older than the PA", h.registration_key),
                _ => {}
            }
        }
    }
    assert!(checked > 2000);
}

#[test]
fn brothers_and_sisters_are_born_at_least_a_year_apart() {
    let hs = generate(42, 2000, today());
    for h in hs.iter().filter(|h| matches!(origin(h), "SYR" | "PRK" | "ERI" | "VEN")) {
        let births: Vec<NaiveDate> = h
            .members
            .iter()
            .filter(|m| matches!(m.relationship.as_deref(), Some("CHD" | "STC")))
            .filter_map(|m| m.person.date_of_birth.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()))
            .collect();
        for (i, a) in births.iter().enumerate() {
            for b in &births[i + 1..] {
                assert!((*a - *b).num_days().abs() >= 400, "{:?}: children born {a} and {b}", h.registration_key);
            }
        }
    }
}

fn in_ranges(s: &str, ranges: &[(char, char)]) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).all(|c| ranges.iter().any(|(a, b)| (*a..=*b).contains(&c)))
}

#[test]
fn original_names_are_in_the_script_of_the_origin() {
    const ARABIC: &[(char, char)] =
        &[('\u{0600}', '\u{06FF}'), ('\u{0750}', '\u{077F}'), ('\u{FB50}', '\u{FDFF}'), ('\u{FE70}', '\u{FEFF}')];
    const HANGUL: &[(char, char)] = &[('\u{AC00}', '\u{D7A3}'), ('\u{1100}', '\u{11FF}'), ('\u{3130}', '\u{318F}')];
    const ETHIOPIC: &[(char, char)] = &[('\u{1200}', '\u{139F}'), ('\u{2D80}', '\u{2DDF}'), ('\u{AB00}', '\u{AB2F}')];
    const BURMESE: &[(char, char)] = &[('\u{1000}', '\u{109F}'), ('\u{AA60}', '\u{AA7F}'), ('\u{A9E0}', '\u{A9FF}')];
    let hs = generate(42, 2000, today());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for h in &hs {
        let o = origin(h);
        for m in &h.members {
            let p = &m.person;
            for n in [&p.given_name_original, &p.family_name_original].into_iter().flatten() {
                let ok = match o {
                    "SYR" | "AFG" => in_ranges(n, ARABIC),
                    "PRK" => in_ranges(n, HANGUL),
                    "ERI" => in_ranges(n, ETHIOPIC),
                    "MMR" => in_ranges(n, BURMESE),
                    _ => false,
                };
                assert!(ok, "{o}: {n:?} is not in the script of the origin");
                *seen.entry(o).or_default() += 1;
            }
            // Latin fields hold Latin letters only.
            for n in [&p.given_name, &p.family_name].into_iter().flatten() {
                assert!(n.chars().filter(|c| c.is_alphabetic()).all(nansen_domain::name::is_latin), "{n}");
            }
        }
        // Those who write their names in another script have them recorded in it (the given name
        // at least); South Sudanese and Venezuelan names are Latin only.
        match o {
            "SYR" | "AFG" | "PRK" | "ERI" => assert!(pa(h).given_name_original.is_some(), "{:?}", h.registration_key),
            "SSD" | "VEN" => assert!(h.members.iter().all(|m| m.person.given_name_original.is_none())),
            _ => {}
        }
    }
    for o in ["SYR", "AFG", "PRK", "ERI", "MMR"] {
        assert!(seen.get(o).copied().unwrap_or(0) > 10, "{o}: {seen:?}");
    }
}

#[test]
fn naming_conventions_hold() {
    let hs = generate(42, 3000, today());
    let mut afghans_without_family_name = 0;
    let mut spellings = HashSet::new();
    for h in &hs {
        let o = origin(h);
        let p = pa(h);
        let father = h.members.iter().find(|m| {
            (m.relationship.as_deref() == Some("PA") || m.relationship.as_deref() == Some("SPS")) && m.person.sex.as_deref() == Some("M")
        });
        for m in h.members.iter().filter(|m| m.relationship.as_deref() == Some("CHD")) {
            let c = &m.person;
            match (o, father) {
                // Eritrean children carry their father's given name as family name.
                ("ERI", Some(f)) => {
                    let fam = c.family_name.as_deref().unwrap();
                    assert!(fam.starts_with(f.person.given_name.as_deref().unwrap()), "{fam} vs {:?}", f.person.given_name);
                }
                // Korean and Syrian children carry their father's family name.
                ("PRK" | "SYR", Some(f)) => assert_eq!(c.family_name, f.person.family_name),
                // Venezuelan children: father's first surname, then mother's first surname.
                ("VEN", Some(f)) => {
                    let fam = c.family_name.as_deref().unwrap();
                    let first = f.person.family_name.as_deref().unwrap().split(' ').next().unwrap();
                    assert!(fam.starts_with(first) && fam.split(' ').count() == 2, "{fam}");
                }
                _ => {}
            }
        }
        if o == "AFG" && p.family_name.is_none() {
            afghans_without_family_name += 1;
        }
        if o == "MMR" {
            assert!(h.members.iter().all(|m| m.person.family_name.is_none()));
        }
        if o == "VEN" {
            assert_eq!(p.family_name.as_deref().unwrap().split(' ').count(), 2);
        }
        spellings.insert(p.given_name.clone().unwrap());
    }
    assert!(afghans_without_family_name > 50);
    assert!(spellings.contains("Mohammed") && spellings.contains("Muhammad"), "spelling variants appear");
}

#[test]
fn caseload_is_realistic() {
    let hs = generate(42, 5000, today());
    let n_people = people(&hs).count();
    let with_needs = people(&hs).filter(|p| !p.specific_needs.is_empty()).count();
    let share_needs = with_needs as f64 / n_people as f64;
    assert!((0.10..=0.22).contains(&share_needs), "{share_needs}");
    let single = hs.iter().filter(|h| h.members.len() == 1).count();
    let female_headed = hs
        .iter()
        .filter(|h| {
            pa(h).sex.as_deref() == Some("F") && !h.members.iter().any(|m| m.relationship.as_deref() == Some("SPS")) && h.members.len() > 1
        })
        .count();
    let uac = hs.iter().filter(|h| pa(h).specific_needs.iter().any(|n| n == "UC-UM")).count();
    let stateless = people(&hs).filter(|p| p.citizenship.as_deref() == Some("stateless")).count();
    let documented = people(&hs).filter(|p| !p.documents.is_empty()).count();
    let mean_size = n_people as f64 / hs.len() as f64;
    assert!(single > 400 && female_headed > 500 && uac > 50, "{single} {female_headed} {uac}");
    assert!(stateless > 500 && documented > 2000 && documented < n_people / 2, "{stateless} {documented}");
    assert!((3.0..=5.5).contains(&mean_size), "{mean_size}");
    let rels: HashSet<_> = hs.iter().flat_map(|h| h.members.iter().filter_map(|m| m.relationship.clone())).collect();
    for r in ["PA", "SPS", "CHD", "STC", "PAR", "SIB", "GCH", "REL"] {
        assert!(rels.contains(r), "{r}");
    }
    eprintln!(
        "{} households, {n_people} people ({mean_size:.2} each); specific needs {:.1}%; single {single}, female-headed {female_headed}, UAC {uac}; stateless {stateless}; with documents {documented}",
        hs.len(),
        100.0 * share_needs
    );
}
