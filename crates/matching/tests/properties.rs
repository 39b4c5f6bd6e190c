//! Properties: scores are probabilities and comparison is symmetric.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nansen_matching::{explain_pair, BirthDate, Model, Record};
use proptest::prelude::*;

fn record() -> impl Strategy<Value = Record> {
    let name = prop_oneof![
        "[A-Za-z]{1,12}",
        Just("Mohammed".to_owned()),
        Just("Muhammad".to_owned()),
        Just("Kim".to_owned()),
        Just("محمد".to_owned()),
        Just("김정은".to_owned()),
        Just("ተስፋይ".to_owned()),
        "\\PC{0,8}",
    ];
    (name.clone(), name.clone(), proptest::option::of(name), proptest::option::of(1900u16..2030), proptest::option::of("[0-9A-Z]{0,9}"))
        .prop_map(|(g, s, orig, year, doc)| {
            let mut r = Record::new("x");
            r.set_field("given_name", &g);
            r.set_field("surname", &s);
            r.name_original = orig;
            r.date_of_birth = year.and_then(|y| BirthDate::parse_lenient(&format!("{y}-03-07")));
            r.document_number = doc;
            r
        })
}

proptest! {
    #[test]
    fn scores_are_probabilities_and_symmetric(a in record(), b in record()) {
        let model = Model::fallback();
        let ab = explain_pair(&model, &a, &b);
        let ba = explain_pair(&model, &b, &a);
        prop_assert!((0.0..=1.0).contains(&ab.score));
        prop_assert!((ab.score - ba.score).abs() < 1e-9, "{} vs {}", ab.score, ba.score);
        let levels_ab: Vec<_> = ab.explanation.iter().map(|c| c.level.clone()).collect();
        let levels_ba: Vec<_> = ba.explanation.iter().map(|c| c.level.clone()).collect();
        prop_assert_eq!(levels_ab, levels_ba);
    }

    #[test]
    fn a_record_matches_itself(a in record()) {
        let m = explain_pair(&Model::fallback(), &a, &a);
        prop_assert!(m.explanation.iter().all(|c| c.weight >= 0.0 || c.level == "missing"), "{:?}", m.explanation);
    }

    #[test]
    fn transliteration_never_panics(s in "\\PC{0,40}") {
        let _ = nansen_matching::translit::to_latin(&s);
        let _ = nansen_matching::names::canonical_tokens(&s);
    }
}
