//! Registry statistics at a past date are identical before and after later changes to the registry:
//! events after the date, new persons registered after it, and late entries (recorded after the day the
//! figure was published, even with an earlier effective date) when the figure is reproduced "as known on"
//! its publication day.

use chrono::{Days, NaiveDate};
use nansen_stats::categories::StatSex;
use nansen_stats::disclosure::suppress;
use nansen_stats::registry::{flows, stock_at, BirthDate, EventKind, Instance, Outcome, PersonHistory, StatusEvent};
use nansen_stats::Place;
use proptest::prelude::*;

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default()
}

fn kind() -> impl Strategy<Value = EventKind> {
    let outcome = prop_oneof![Just(Outcome::Recognised), Just(Outcome::Complementary), Just(Outcome::Rejected), Just(Outcome::Closed)];
    let instance = prop_oneof![Just(Instance::First), Just(Instance::Appeal)];
    prop_oneof![
        4 => Just(EventKind::ClaimLodged),
        4 => (instance, outcome.clone()).prop_map(|(instance, outcome)| EventKind::Decision { instance, outcome }),
        2 => outcome.prop_map(|outcome| EventKind::FinalOutcome { outcome }),
        1 => Just(EventKind::OipRecorded),
        1 => Just(EventKind::StatelessDetermined),
        1 => Just(EventKind::NationalityAcquired),
        1 => Just(EventKind::Cessation),
        1 => Just(EventKind::ResettlementDeparture),
        1 => Just(EventKind::VoluntaryReturn),
        1 => Just(EventKind::LeftOperation),
    ]
}

/// Events at day offsets 0..3650 from 2015-01-01, recorded 0..60 days after they take effect.
fn event() -> impl Strategy<Value = StatusEvent> {
    (0u64..3650, 0u64..60, kind()).prop_map(|(d, lag, kind)| {
        let date = day0() + Days::new(d);
        StatusEvent { date, recorded: date + Days::new(lag), kind }
    })
}

#[derive(Debug, Clone)]
struct Person {
    sex: StatSex,
    birth: Option<BirthDate>,
    origin: Place,
    events: Vec<StatusEvent>,
}

fn person() -> impl Strategy<Value = Person> {
    let sex = prop_oneof![Just(StatSex::Female), Just(StatSex::Male), Just(StatSex::Other), Just(StatSex::Unknown)];
    let origin = prop_oneof![Just("SYR"), Just("AFG"), Just("SSD"), Just("UNK"), Just("XXA"), Just("PRK")]
        .prop_map(|c| Place::parse(c).unwrap_or(Place::Unknown));
    let birth = prop_oneof![
        1 => Just(None),
        4 => (1940i32..2024, 0u32..13, 0u32..29).prop_map(|(y, m, d)| {
            BirthDate::new(y, (m > 0).then_some(m), (m > 0 && d > 0).then_some(d)).ok()
        }),
    ];
    (sex, birth, origin, prop::collection::vec(event(), 0..8)).prop_map(|(sex, birth, origin, mut events)| {
        events.sort_by_key(|e| e.date);
        Person { sex, birth, origin, events }
    })
}

fn histories(ps: &[Person]) -> impl Iterator<Item = PersonHistory<'_>> {
    ps.iter().enumerate().map(|(i, p)| PersonHistory { id: i as u128, sex: p.sex, birth: p.birth, origin: p.origin, events: &p.events })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn past_stock_is_unchanged_by_later_events(
        people in prop::collection::vec(person(), 0..60),
        cut in 0u64..3650,
        later in prop::collection::vec((any::<prop::sample::Index>(), event()), 0..40),
        newcomers in prop::collection::vec(person(), 0..10),
    ) {
        let date = day0() + Days::new(cut);
        let published_on = date + Days::new(30);
        let before = stock_at(histories(&people), date, Some(published_on));
        let before_all = stock_at(histories(&people), date, None);
        let before_flows = flows(histories(&people), day0(), date, Some(published_on));
        let before_table = suppress(&before.to_table("TEST"), 5).into_table();

        // Later changes: events whose effective date is after the date, and late entries recorded after the
        // publication day with any effective date; plus persons whose every event is after the date.
        let mut changed = people.clone();
        let mut only_future = people.clone();
        if !changed.is_empty() {
            for (ix, mut e) in later {
                let i = ix.index(changed.len());
                if e.recorded <= published_on {
                    e.recorded = published_on + Days::new(1);
                }
                changed[i].events.push(e);
                changed[i].events.sort_by_key(|e| e.date);
                if e.date > date {
                    only_future[i].events.push(e);
                    only_future[i].events.sort_by_key(|e| e.date);
                }
            }
        }
        for mut p in newcomers {
            for e in &mut p.events {
                if e.date <= date {
                    e.date = date + Days::new(1);
                }
                e.recorded = e.recorded.max(e.date);
            }
            changed.push(p.clone());
            only_future.push(p);
        }

        let after = stock_at(histories(&changed), date, Some(published_on));
        prop_assert_eq!(&before.cells, &after.cells);
        prop_assert_eq!(&before_flows.cells, &flows(histories(&changed), day0(), date, Some(published_on)).cells);
        let after_table = suppress(&after.to_table("TEST"), 5).into_table();
        prop_assert_eq!(before_table.rows, after_table.rows);
        // Without "as known on", events effective after the date never matter either.
        prop_assert_eq!(&before_all.cells, &stock_at(histories(&only_future), date, None).cells);
    }

    #[test]
    fn stock_is_deterministic_and_order_independent(people in prop::collection::vec(person(), 0..40), cut in 0u64..3650) {
        let date = day0() + Days::new(cut);
        let a = stock_at(histories(&people), date, None);
        let mut rev = people.clone();
        rev.reverse();
        let b = stock_at(histories(&rev), date, None);
        prop_assert_eq!(&a.cells, &b.cells);
        // Parallel chunks merged give the same figures.
        let mid = people.len() / 2;
        let mut c1 = nansen_stats::StockCounter::new(date, None);
        let mut c2 = nansen_stats::StockCounter::new(date, None);
        histories(&people[..mid]).for_each(|p| c1.add(&p));
        histories(&people[mid..]).for_each(|p| c2.add(&p));
        c1.merge(c2);
        prop_assert_eq!(&a.cells, &c1.finish().cells);
    }
}
