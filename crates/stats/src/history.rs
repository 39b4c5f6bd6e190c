//! Registry statistics from the stored history: the registry's own events (persons, claims, protection
//! records, removals, voluntary repatriations, resettlement submissions) are folded, in the order the store streams them, into each person's statistical
//! history ([`crate::registry::StatusEvent`]s and a timeline of sex, date of birth and citizenship), from
//! which [`RegistryHistory::stock_at`] and [`RegistryHistory::flows`] compute figures for any date.
//!
//! # Reproducibility
//!
//! An event counts from the UTC day it was recorded (`Event::at`): the registry has no back-dated entries,
//! so the effective date is the recording date. A person's sex, age and origin at a date are those their
//! record held at the end of that day (corrections made later are applied from the day they were made).
//! A figure for a past date therefore depends only on events recorded up to that day, and later
//! registrations, steps of a procedure or corrections never change it.
//!
//! # From registry events to UNHCR's categories
//!
//! | registry event | statistical event |
//! |---|---|
//! | `claim_lodged`; a `claim_step` that reopens a closed claim | claim lodged |
//! | `claim_step` into `decided` / `appeal_decided` | first-instance / appeal decision (excluded counts as rejected) |
//! | `claim_step` into `final` | final outcome |
//! | `claim_step` into `closed` | otherwise closed (at the appeal instance when an appeal was pending) |
//! | `claim_step` into `ceased`, `cancelled`, `revoked` | cessation |
//! | `protection_updated`: screening found protection needs | recorded as in need of international protection |
//! | `protection_updated`: derivative refugee status granted | first-instance recognition |
//! | citizenship `stateless` in the person's record | stateless from the day it was recorded |
//! | `removal_executed` | left the operation, for each person removed |
//! | `resettlement_departed` | resettlement departure, for each person whose departure it records |
//! | `repatriation_departed` | voluntary return, for each participant whose departure it records |
//!
//! A departure takes the person out of the stock from that day, like a removal; a voluntary return also
//! counts them as a returnee for the rest of that calendar year. A departure carries the day the person
//! left, which may be earlier than the day it was recorded; like every other event it counts from the day
//! it was **recorded**, so that recording a departure later never changes a figure already published.
//! The evaluation of a repatriation (`repatriation_evaluated`) and the steps of a submission before
//! departure change no figure. A person registered with no claim, no protection need and no
//! statelessness holds no category and is reported as "registered, no category".

use crate::categories::StatSex;
use crate::place::Place;
use crate::registry::{self, BirthDate, EventKind as K, Flows, Instance, Outcome as O, PersonHistory, Stock, StockCounter, StatusEvent};
use chrono::NaiveDate;
use nansen_domain::convention::guard::Screening;
use nansen_domain::convention::procedure::{ClaimState, DerivativeStatus, Outcome, Stage};
use nansen_domain::protection::DerivativeRecord;
use nansen_domain::{Citizenship, EntityKind, Event, EventKind, PartialDate, Sex};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// The entity kinds whose events the statistics read (households carry nothing statistical).
pub const KINDS: [EntityKind; 6] = [EntityKind::Person, EntityKind::Claim, EntityKind::Protection, EntityKind::Removal, EntityKind::Repatriation, EntityKind::Resettlement];

/// A person's statistical attributes from a day on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Snapshot {
    from: NaiveDate,
    sex: StatSex,
    birth: Option<BirthDate>,
    origin: Place,
    /// The day the person's record last became stateless, while it says stateless.
    stateless_since: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
struct PersonLine {
    snapshots: Vec<Snapshot>,
    events: Vec<StatusEvent>,
}

impl PersonLine {
    fn at(&self, date: NaiveDate) -> Option<&Snapshot> {
        let n = self.snapshots.partition_point(|s| s.from <= date);
        n.checked_sub(1).map(|i| &self.snapshots[i])
    }
}

/// Problems met while folding the history (the figures are still computed from everything else).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FoldReport {
    /// Events read.
    pub events: u64,
    /// Events that could not be read as expected (unknown person, unexpected data); each is named in `problems`.
    pub unreadable: u64,
    /// The first problems (at most 20), each naming the event.
    pub problems: Vec<String>,
}

/// Every person's statistical history in one operation, built from the registry's events.
#[derive(Debug, Clone, Default)]
pub struct RegistryHistory {
    persons: HashMap<Uuid, PersonLine>,
    claims: HashMap<Uuid, Uuid>,
    report: FoldReport,
    per_day: std::collections::BTreeMap<NaiveDate, u64>,
}

fn outcome(o: Outcome) -> O {
    match o {
        Outcome::Recognised => O::Recognised,
        Outcome::ComplementaryProtection => O::Complementary,
        Outcome::Rejected | Outcome::Excluded => O::Rejected,
    }
}

fn origin_of(c: &Citizenship) -> Place {
    match c {
        Citizenship::Countries(v) => v.first().map(|i| Place::Country(*i)).unwrap_or(Place::Unknown),
        Citizenship::Stateless => Place::Stateless,
        Citizenship::Undetermined => Place::Unknown,
    }
}

impl RegistryHistory {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// What was read and what could not be.
    pub fn report(&self) -> &FoldReport {
        &self.report
    }

    /// Events recorded up to the end of `date` (what a figure for that date was computed from).
    pub fn events_up_to(&self, date: NaiveDate) -> u64 {
        self.per_day.range(..=date).map(|(_, n)| n).sum()
    }

    /// Persons registered (at any date).
    pub fn persons(&self) -> usize {
        self.persons.len()
    }

    fn problem(&mut self, e: &Event, what: &str) {
        self.report.unreadable += 1;
        if self.report.problems.len() < 20 {
            self.report.problems.push(format!("event {} ({} of {} {}): {what}", e.id, e.kind.as_str(), e.entity_kind.as_str(), e.entity_id));
        }
    }

    fn person_event(&mut self, e: &Event, person: Uuid, kind: K) {
        let date = e.at.date_naive();
        match self.persons.get_mut(&person) {
            Some(p) => p.events.push(StatusEvent::on(date, kind)),
            None => self.problem(e, "names a person not registered before it"),
        }
    }

    /// Folds one event. Events must come in the order they were recorded (the store streams them so).
    pub fn push(&mut self, e: &Event) {
        self.report.events += 1;
        *self.per_day.entry(e.at.date_naive()).or_default() += 1;
        match (e.entity_kind, e.kind) {
            (EntityKind::Person, EventKind::PersonRegistered) => self.registered(e),
            (EntityKind::Person, EventKind::PersonUpdated) => self.updated(e),
            (EntityKind::Claim, EventKind::ClaimLodged) => {
                let Some(person) = e.data.get("person_id").and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok()) else {
                    return self.problem(e, "has no person_id");
                };
                self.claims.insert(e.entity_id, person);
                self.person_event(e, person, K::ClaimLodged);
            }
            (EntityKind::Claim, EventKind::ClaimStep) => self.claim_step(e),
            (EntityKind::Protection, EventKind::ProtectionUpdated) => self.protection(e),
            (EntityKind::Removal, EventKind::RemovalExecuted) => {
                let ids: Vec<Uuid> = e
                    .data
                    .get("executed_for")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok())).collect())
                    .unwrap_or_default();
                for p in ids {
                    self.person_event(e, p, K::LeftOperation);
                }
            }
            (EntityKind::Resettlement, EventKind::ResettlementDeparted) => self.departures(e, "departures", K::ResettlementDeparture),
            (EntityKind::Repatriation, EventKind::RepatriationDeparted) => self.departures(e, "departed", K::VoluntaryReturn),
            _ => {}
        }
    }

    /// One status event per person of a departure event's list `field` (`[{"person": …, "departed_on": …}]`).
    fn departures(&mut self, e: &Event, field: &str, kind: K) {
        let Some(list) = e.data.get(field).and_then(Value::as_array) else { return self.problem(e, "has no list of departures") };
        let mut ids = Vec::with_capacity(list.len());
        for d in list {
            match d.get("person").and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok()) {
                Some(p) => ids.push(p),
                None => return self.problem(e, "names a departure without a person"),
            }
        }
        for p in ids {
            self.person_event(e, p, kind);
        }
    }

    fn registered(&mut self, e: &Event) {
        let details = e.data.get("details").cloned().map(serde_json::from_value::<nansen_domain::PersonDetails>);
        let Some(Ok(d)) = details else { return self.problem(e, "holds no readable details") };
        let date = e.at.date_naive();
        let stateless = d.citizenship == Citizenship::Stateless;
        let snap = Snapshot {
            from: date,
            sex: d.sex.into(),
            birth: d.date_of_birth.as_ref().map(BirthDate::from_partial),
            origin: origin_of(&d.citizenship),
            stateless_since: stateless.then_some(date),
        };
        self.persons.insert(e.entity_id, PersonLine { snapshots: vec![snap], events: Vec::new() });
    }

    fn updated(&mut self, e: &Event) {
        let date = e.at.date_naive();
        let Some(mut snap) = self.persons.get(&e.entity_id).and_then(|p| p.snapshots.last().copied()) else {
            return self.problem(e, "updates a person not registered before it");
        };
        let Some(changes) = e.data.get("changes").and_then(Value::as_array) else { return self.problem(e, "has no changes") };
        let mut changed = false;
        for c in changes {
            let after = c.get("after").filter(|v| !v.is_null());
            match c.get("field").and_then(Value::as_str) {
                Some("sex") => {
                    let Some(Ok(s)) = after.cloned().map(serde_json::from_value::<Sex>) else { return self.problem(e, "has an unreadable sex") };
                    snap.sex = s.into();
                    changed = true;
                }
                Some("date_of_birth") => {
                    snap.birth = match after.map(|v| serde_json::from_value::<PartialDate>(v.clone())) {
                        None => None,
                        Some(Ok(p)) => Some(BirthDate::from_partial(&p)),
                        Some(Err(_)) => return self.problem(e, "has an unreadable date of birth"),
                    };
                    changed = true;
                }
                Some("citizenship") => {
                    let c = match after.and_then(Value::as_str) {
                        None => Citizenship::Undetermined,
                        Some(s) => match Citizenship::parse(s) {
                            Ok(c) => c,
                            Err(_) => return self.problem(e, "has an unreadable citizenship"),
                        },
                    };
                    snap.origin = origin_of(&c);
                    let stateless = c == Citizenship::Stateless;
                    snap.stateless_since = match (stateless, snap.stateless_since) {
                        (true, Some(d)) => Some(d),
                        (true, None) => Some(date),
                        (false, _) => None,
                    };
                    changed = true;
                }
                _ => {}
            }
        }
        if changed {
            snap.from = date;
            if let Some(p) = self.persons.get_mut(&e.entity_id) {
                // Several corrections on one day: the last one holds for that day.
                if p.snapshots.last().is_some_and(|s| s.from == date) {
                    p.snapshots.pop();
                }
                p.snapshots.push(snap);
            }
        }
    }

    fn claim_step(&mut self, e: &Event) {
        let Some(&person) = self.claims.get(&e.entity_id) else { return self.problem(e, "is a step of a claim not lodged before it") };
        let state = e.data.get("state").cloned().map(serde_json::from_value::<ClaimState>);
        let Some(Ok(state)) = state else { return self.problem(e, "holds no readable claim state") };
        let from = e.data.get("from").and_then(Value::as_str).unwrap_or("");
        let action = e.data.get("action").and_then(|a| a.get("action")).and_then(Value::as_str).unwrap_or("");
        let kind = match state.stage() {
            _ if action == "reopen" => Some(K::ClaimLodged),
            Stage::Decided { outcome: o, .. } => Some(K::Decision { instance: Instance::First, outcome: outcome(*o) }),
            Stage::AppealDecided { outcome: o, .. } => Some(K::Decision { instance: Instance::Appeal, outcome: outcome(*o) }),
            Stage::Final { outcome: o } => Some(K::FinalOutcome { outcome: outcome(*o) }),
            Stage::Closed { .. } => {
                let instance = if from.starts_with("appeal") { Instance::Appeal } else { Instance::First };
                Some(K::Decision { instance, outcome: O::Closed })
            }
            Stage::Ceased { .. } | Stage::Cancelled | Stage::Revoked { .. } => Some(K::Cessation),
            _ => None,
        };
        if let Some(k) = kind {
            self.person_event(e, person, k);
        }
    }

    fn protection(&mut self, e: &Event) {
        let Some(changes) = e.data.get("changes").and_then(Value::as_array) else { return self.problem(e, "has no changes") };
        let mut kinds = Vec::new();
        for c in changes {
            let after = c.get("after").cloned().unwrap_or(Value::Null);
            let before = c.get("before").cloned().unwrap_or(Value::Null);
            match c.get("field").and_then(Value::as_str) {
                Some("screening") => {
                    let needs = |v: Value| matches!(serde_json::from_value::<Screening>(v), Ok(Screening::Screened { protection_needs_indicated: true, .. }));
                    if needs(after) && !needs(before) {
                        kinds.push(K::OipRecorded);
                    }
                }
                Some("derivative") => {
                    let granted = |v: Value| matches!(serde_json::from_value::<DerivativeRecord>(v), Ok(DerivativeRecord { status: DerivativeStatus::DerivativeRefugee, .. }));
                    if granted(after) && !granted(before) {
                        kinds.push(K::Decision { instance: Instance::First, outcome: O::Recognised });
                    }
                }
                _ => {}
            }
        }
        for k in kinds {
            self.person_event(e, e.entity_id, k);
        }
    }

    /// The events of one person as of `date`: their status events and, if their record says stateless at
    /// that date, the determination from the day it started.
    fn events_at(line: &PersonLine, snap: &Snapshot, buf: &mut Vec<StatusEvent>) {
        buf.clear();
        buf.extend_from_slice(&line.events);
        if let Some(since) = snap.stateless_since {
            let i = buf.partition_point(|e| e.date <= since);
            buf.insert(i, StatusEvent::on(since, K::StatelessDetermined));
        }
    }

    /// The stock at the end of `date` (UTC), by origin × sex × age bracket, in UNHCR's categories.
    /// `persons_seen` counts everyone registered by that day.
    pub fn stock_at(&self, date: NaiveDate) -> Stock {
        let mut c = StockCounter::new(date, None);
        let mut buf = Vec::new();
        for (id, line) in &self.persons {
            let Some(snap) = line.at(date) else { continue };
            Self::events_at(line, snap, &mut buf);
            c.add(&PersonHistory { id: id.as_u128(), sex: snap.sex, birth: snap.birth, origin: snap.origin, events: &buf });
        }
        c.finish()
    }

    /// The flows over `from..=to` (UTC days), by origin × sex × age bracket at the event. Sex and origin are
    /// those recorded at the end of `to`.
    pub fn flows(&self, from: NaiveDate, to: NaiveDate) -> Flows {
        let mut kept: Vec<(u128, Snapshot, Vec<StatusEvent>)> = Vec::new();
        for (id, line) in &self.persons {
            let Some(snap) = line.at(to) else { continue };
            let mut ev: Vec<StatusEvent> = line.events.iter().copied().filter(|e| e.date >= from && e.date <= to).collect();
            // Every day the record became stateless within the period.
            let mut was = false;
            for s in line.snapshots.iter().filter(|s| s.from <= to) {
                let now = s.stateless_since.is_some();
                if now && !was && s.from >= from {
                    ev.push(StatusEvent::on(s.from, K::StatelessDetermined));
                }
                was = now;
            }
            if !ev.is_empty() {
                kept.push((id.as_u128(), *snap, ev));
            }
        }
        registry::flows(
            kept.iter().map(|(id, s, ev)| PersonHistory { id: *id, sex: s.sex, birth: s.birth, origin: s.origin, events: ev }),
            from,
            to,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::AgeBracket;
    use crate::registry::{Category, Flow};
    use chrono::{TimeZone, Utc};
    use nansen_domain::{EventId, OperationId};
    use serde_json::json;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    struct H {
        op: OperationId,
        out: Vec<Event>,
    }

    impl H {
        fn ev(&mut self, day: NaiveDate, kind: EntityKind, id: Uuid, ek: EventKind, data: Value) {
            let at = Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap_or_default());
            self.out.push(Event { id: EventId::generate(), operation_id: self.op, entity_kind: kind, entity_id: id, version: 1, actor: "t".into(), at, kind: ek, reason: None, data });
        }
        fn person(&mut self, day: NaiveDate, sex: &str, dob: &str, cit: &str) -> Uuid {
            let id = Uuid::now_v7();
            let details = json!({"given_name": "Amina", "sex": sex, "date_of_birth": dob, "citizenship": cit});
            self.ev(day, EntityKind::Person, id, EventKind::PersonRegistered, json!({"household_id": Uuid::now_v7(), "relationship": "PA", "details": details}));
            id
        }
        fn claim(&mut self, day: NaiveDate, person: Uuid) -> Uuid {
            let id = Uuid::now_v7();
            let state = ClaimState::lodged(nansen_domain::convention::procedure::Track::Regular, day);
            self.ev(day, EntityKind::Claim, id, EventKind::ClaimLodged, json!({"person_id": person, "track": "regular", "state": state}));
            id
        }
        fn step(&mut self, day: NaiveDate, claim: Uuid, from: &str, action: &str, stage: Value) {
            let state = json!({"track": "regular", "stage": stage, "since": day, "lodged_on": d(2020, 1, 1)});
            self.ev(day, EntityKind::Claim, claim, EventKind::ClaimStep, json!({"action": {"action": action}, "role": "eligibility_officer", "from": from, "state": state}));
        }
        fn history(&self) -> RegistryHistory {
            let mut h = RegistryHistory::new();
            for e in &self.out {
                h.push(e);
            }
            h
        }
    }

    #[test]
    fn stock_and_flows_from_registry_events() {
        let mut h = H { op: OperationId::generate(), out: Vec::new() };
        let a = h.person(d(2020, 1, 1), "F", "1990", "SYR");
        let ca = h.claim(d(2020, 1, 1), a);
        let b = h.person(d(2020, 1, 1), "M", "2015-03", "stateless");
        let before = h.history();
        h.step(d(2020, 3, 1), ca, "reviewed", "decide", json!({"stage": "decided", "outcome": "recognised", "decided_by": "x", "reasons": "Reasons given in full."}));
        h.step(d(2020, 3, 2), ca, "notified", "finalise", json!({"stage": "final", "outcome": "recognised"}));
        let h2 = h.history();
        assert_eq!(h2.report().unreadable, 0, "{:?}", h2.report().problems);
        let s = h2.stock_at(d(2020, 2, 1));
        assert_eq!(s.total(Category::AsylumSeekers), 1);
        assert_eq!(s.total(Category::Stateless), 1);
        assert_eq!(s, before.stock_at(d(2020, 2, 1)), "later steps do not change a past figure");
        let s = h2.stock_at(d(2020, 3, 1));
        assert_eq!(s.total(Category::Refugees), 1);
        let syr = Place::parse("SYR").unwrap_or(Place::Unknown);
        assert_eq!(s.cells.get(&(syr, StatSex::Female, AgeBracket::A18to59)).map(|v| v[0]), Some(1));
        assert_eq!(s.cells.get(&(Place::Stateless, StatSex::Male, AgeBracket::A0to4)).map(|v| v[3]), Some(1));
        let f = h2.flows(d(2020, 1, 1), d(2020, 12, 31));
        assert_eq!(f.total(Flow::NewClaims), 1);
        assert_eq!(f.total(Flow::FirstRecognised), 1);
        assert_eq!(f.total(Flow::FinalRecognised), 1);
        assert_eq!(f.total(Flow::StatelessDetermined), 1);
        assert_eq!(h2.stock_at(d(2019, 12, 31)).persons_seen, 0, "nobody was registered yet");
        let _ = b;
    }

    #[test]
    fn corrections_apply_from_the_day_they_were_made() {
        let mut h = H { op: OperationId::generate(), out: Vec::new() };
        let a = h.person(d(2020, 1, 1), "U", "1990", "undetermined");
        h.claim(d(2020, 1, 1), a);
        let changes = json!({"changes": [{"field": "sex", "before": "U", "after": "F"}, {"field": "citizenship", "before": "undetermined", "after": "AFG"}, {"field": "date_of_birth", "before": "1990", "after": null}]});
        h.ev(d(2020, 6, 1), EntityKind::Person, a, EventKind::PersonUpdated, changes);
        let hist = h.history();
        let early = hist.stock_at(d(2020, 5, 31));
        assert_eq!(early.cells.keys().next(), Some(&(Place::Unknown, StatSex::Unknown, AgeBracket::A18to59)));
        let late = hist.stock_at(d(2020, 6, 1));
        let afg = Place::parse("AFG").unwrap_or(Place::Unknown);
        assert_eq!(late.cells.keys().next(), Some(&(afg, StatSex::Female, AgeBracket::Unknown)));
    }

    #[test]
    fn protection_records_and_removals() {
        let mut h = H { op: OperationId::generate(), out: Vec::new() };
        let a = h.person(d(2021, 1, 1), "M", "1980", "VEN");
        let screened = json!({"kind": "screened", "on": "2021-01-02", "protection_needs_indicated": true});
        h.ev(d(2021, 1, 2), EntityKind::Protection, a, EventKind::ProtectionUpdated, json!({"changes": [{"field": "screening", "before": {"kind": "not_screened"}, "after": screened}], "why": ""}));
        h.ev(d(2021, 5, 1), EntityKind::Removal, Uuid::now_v7(), EventKind::RemovalExecuted, json!({"executed_for": [a], "refused": 0}));
        h.ev(d(2021, 5, 2), EntityKind::Removal, Uuid::now_v7(), EventKind::RemovalExecuted, json!({"executed_for": [Uuid::now_v7()], "refused": 0}));
        let hist = h.history();
        assert_eq!(hist.report().unreadable, 1, "a removal of an unknown person is reported");
        assert_eq!(hist.stock_at(d(2021, 3, 1)).total(Category::Oip), 1);
        assert_eq!(hist.stock_at(d(2021, 5, 1)).total(Category::Oip), 0);
        let f = hist.flows(d(2021, 1, 1), d(2021, 12, 31));
        assert_eq!((f.total(Flow::OipRecorded), f.total(Flow::LeftOperation)), (1, 1));
    }

    #[test]
    fn departures_are_counted_and_never_change_a_past_figure() {
        let mut h = H { op: OperationId::generate(), out: Vec::new() };
        let (a, b, c) = (h.person(d(2022, 1, 1), "F", "1990", "SYR"), h.person(d(2022, 1, 1), "M", "1988", "SYR"), h.person(d(2022, 1, 1), "F", "2012", "SYR"));
        let derivative = |p: Uuid| json!({"changes": [{"field": "derivative", "before": null, "after": {"principal": p, "claim": Uuid::now_v7(), "status": {"status": "derivative_refugee"}}}], "why": ""});
        for p in [a, b, c] {
            h.ev(d(2022, 2, 1), EntityKind::Protection, p, EventKind::ProtectionUpdated, derivative(p));
        }
        let before = h.history();
        let sub = Uuid::now_v7();
        // Departures recorded in June: the resettlement of two persons (one left in May, recorded late) and one return.
        h.ev(d(2022, 6, 10), EntityKind::Resettlement, sub, EventKind::ResettlementAccepted, json!({"from": "submitted", "status": "accepted", "departures": []}));
        h.ev(d(2022, 6, 15), EntityKind::Resettlement, sub, EventKind::ResettlementDeparted, json!({"from": "accepted", "status": "departed", "departures": [{"person": a, "departed_on": "2022-05-30"}, {"person": b, "departed_on": "2022-06-15"}]}));
        h.ev(d(2022, 6, 20), EntityKind::Repatriation, Uuid::now_v7(), EventKind::RepatriationDeparted, json!({"destination": "SYR", "departed_on": "2022-06-20", "departed": [{"person": c, "departed_on": "2022-06-20"}], "refused": []}));
        let after = h.history();
        assert_eq!(after.report().unreadable, 0, "{:?}", after.report().problems);
        // A past date's figures are the same before and after the later departures…
        for date in [d(2022, 3, 1), d(2022, 5, 31), d(2022, 6, 14)] {
            assert_eq!(after.stock_at(date), before.stock_at(date), "stock at {date}");
            assert_eq!(after.flows(d(2022, 1, 1), date), before.flows(d(2022, 1, 1), date), "flows to {date}");
        }
        assert_eq!(after.stock_at(d(2022, 5, 31)).total(Category::Refugees), 3, "a departure counts from the day it was recorded");
        // …and the departures are counted from the day they were recorded.
        let f = after.flows(d(2022, 1, 1), d(2022, 12, 31));
        assert_eq!((f.total(Flow::ResettlementDepartures), f.total(Flow::VoluntaryReturns)), (2, 1));
        let june = after.stock_at(d(2022, 6, 30));
        assert_eq!(june.total(Category::Refugees), 0, "departed persons left the stock");
        assert_eq!(june.total(Category::Returnees), 1);
        assert_eq!(after.stock_at(d(2023, 1, 1)).total(Category::Returnees), 0, "returnees are counted in the year of return");
        // A departure naming nobody readable is reported, not counted.
        h.ev(d(2022, 7, 1), EntityKind::Repatriation, Uuid::now_v7(), EventKind::RepatriationDeparted, json!({"departed": [{"departed_on": "2022-07-01"}]}));
        assert_eq!(h.history().report().unreadable, 1);
    }
}
