//! Runs every example facts file in `docs/assess/examples/` through `assess_json` and checks it against
//! its `NAME.expected.json`, and checks every example (and a maximal facts document produced by the code)
//! against the hand-written JSON Schema `docs/assess/facts.schema.json`.
//!
//! Reading files is fine here: the no-I/O rule binds the domain crate's code, not its tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nansen_domain::convention::assessment::{assess_json, Facts};
use nansen_domain::convention::jurisdiction::profile_for;
use nansen_domain::Iso3;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/assess")
}

/// The example facts files (not the `.expected.json` siblings), sorted.
fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(docs().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.to_string_lossy().ends_with(".expected.json"))
        .collect();
    v.sort();
    v
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_example_gives_its_expected_recommendation() {
    let files = examples();
    assert!(files.len() >= 9, "at least the nine required scenarios, found {}", files.len());
    for f in files {
        let expected_path = f.with_extension("expected.json");
        let expected = read_json(&expected_path);
        let jurisdiction = Iso3::parse(expected["jurisdiction"].as_str().unwrap()).unwrap();
        let text = std::fs::read_to_string(&f).unwrap();
        let a = assess_json(&text, &profile_for(jurisdiction)).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let got = serde_json::to_value(&a).unwrap();
        let trail: Vec<String> = a.reasons.iter().map(|r| format!("  {:?} {:?}: {} [{}]", r.step, r.finding, r.explanation, r.citation)).collect();
        assert_eq!(got["recommendation"], expected["recommendation"], "{}\n{}", f.display(), trail.join("\n"));
        if let Some(b) = expected.get("basis") {
            assert_eq!(&got["basis"], b, "{}\n{}", f.display(), trail.join("\n"));
        }
        if let Some(n) = expected.get("absolute_bars").and_then(Value::as_u64) {
            assert_eq!(a.absolute_bars.len() as u64, n, "{}", f.display());
        }
        assert!(!a.reasons.is_empty(), "{}: the assessment explains itself", f.display());
    }
}

#[test]
fn the_nine_required_scenarios_are_present() {
    let names: Vec<String> = examples().iter().map(|p| p.file_stem().unwrap().to_string_lossy().into_owned()).collect();
    for required in [
        "syrian_political_dissident",
        "economic_migrant_no_nexus",
        "reasonable_internal_relocation",
        "war_criminal_1fa",
        "palestine_refugee_unrwa_ceased",
        "second_nationality_protects",
        "oau_generalized_violence",
        "torture_risk_no_nexus",
        "cessation_compelling_reasons",
    ] {
        assert!(names.iter().any(|n| n == required), "missing example {required}");
    }
}

#[test]
fn every_example_is_a_valid_facts_document() {
    for f in examples() {
        let text = std::fs::read_to_string(&f).unwrap();
        let facts: Facts = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        facts.check().unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
}

// ───────────── A small JSON Schema (draft 2020-12) checker: the subset the facts schema uses ─────────────

fn resolve<'a>(root: &'a Value, r: &str) -> &'a Value {
    let path = r.strip_prefix("#/").unwrap_or_else(|| panic!("only local references are supported: {r}"));
    path.split('/').fold(root, |v, k| &v[k])
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        other => panic!("unsupported type {other}"),
    }
}

/// Returns the errors found at `path`.
fn validate(root: &Value, schema: &Value, v: &Value, path: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return validate(root, resolve(root, r), v, path);
    }
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(s) => type_ok(s, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
            _ => panic!("bad type"),
        };
        if !ok {
            errs.push(format!("{path}: expected type {t}, found {v}"));
            return errs;
        }
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            errs.push(format!("{path}: expected {c}, found {v}"));
        }
    }
    if let Some(Value::Array(allowed)) = schema.get("enum") {
        if !allowed.contains(v) {
            errs.push(format!("{path}: {v} is not one of {allowed:?}"));
        }
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        assert_eq!(p, "^[A-Z]{3}$", "only the ISO3 pattern is supported");
        let s = v.as_str().unwrap_or("");
        if !(s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())) {
            errs.push(format!("{path}: {v} does not match {p}"));
        }
    }
    if let Some(Value::Array(options)) = schema.get("oneOf") {
        let matching = options.iter().filter(|o| validate(root, o, v, path).is_empty()).count();
        if matching != 1 {
            errs.push(format!("{path}: {v} matches {matching} of the oneOf alternatives, not exactly one"));
        }
    }
    if let (Some(n), Some(a)) = (schema.get("minItems").and_then(Value::as_u64), v.as_array()) {
        if (a.len() as u64) < n {
            errs.push(format!("{path}: at least {n} items needed"));
        }
    }
    if let (Some(items), Some(a)) = (schema.get("items"), v.as_array()) {
        for (i, x) in a.iter().enumerate() {
            errs.extend(validate(root, items, x, &format!("{path}[{i}]")));
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(req)) = schema.get("required") {
            for r in req {
                if !obj.contains_key(r.as_str().unwrap()) {
                    errs.push(format!("{path}: missing required field {r}"));
                }
            }
        }
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => errs.extend(validate(root, s, x, &format!("{path}.{k}"))),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => errs.push(format!("{path}: unknown field {k}")),
                None => {}
            }
        }
    }
    errs
}

fn schema() -> Value {
    let s = read_json(&docs().join("facts.schema.json"));
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    s
}

#[test]
fn every_example_validates_against_the_schema() {
    let s = schema();
    for f in examples() {
        let errs = validate(&s, &s, &read_json(&f), "$");
        assert!(errs.is_empty(), "{}:\n{}", f.display(), errs.join("\n"));
    }
}

/// A facts document with every field present, produced by the code itself: the schema must accept it, so
/// the schema cannot silently fall behind the Rust types.
const MAXIMAL: &str = r#"{
  "note": "all fields",
  "nationality": { "kind": "nationals", "countries": ["SYR", "TUR"] },
  "countries": [
    {
      "country": "SYR", "outside": true, "nationality_effective": true,
      "harms": [
        { "kind": "prosecution", "severity": "serious", "description": "x",
          "prosecution": { "law_contrary_to_human_rights": true, "punishment_excessive_or_discriminatory": false } }
      ],
      "cumulative_effect": false,
      "actor": { "kind": "non_state", "state_protection": "unwilling" },
      "grounds": [ { "ground": "particular_social_group", "imputed": true, "via": "state_failure_to_protect",
                     "social_group": { "description": "g", "protected_characteristic": true, "socially_perceived": false, "defined_solely_by_persecution": false } } ],
      "fear": { "subjective_fear": true, "likelihood": "reasonable_possibility", "limited_capacity_to_express_fear": false, "would_conceal_to_avoid_harm": true },
      "internal_relocation": { "area": "a", "accessible": true, "risk_in_area": false, "unduly_harsh": true },
      "regional": { "events": ["occupation"], "compelled_to_leave": true, "life_safety_or_freedom_threatened": false },
      "serious_harm": { "torture": true, "cruel_inhuman_degrading_treatment": true, "death_penalty": false, "indiscriminate_violence": true },
      "events_in_europe": false
    },
    { "country": "TUR", "outside": true, "nationality_effective": false, "fear": { "subjective_fear": false, "likelihood": "remote" } }
  ],
  "art_1d": { "availed_of_unrwa": false, "situation": "receiving" },
  "art_1e": { "country": "JOR", "rights_of_nationals": false, "well_founded_fear_there": false },
  "exclusion": [
    { "clause": "1F(b)", "description": "d", "serious_reasons_for_considering": true, "individual_responsibility": true,
      "defences": ["duress"], "crime": null,
      "serious_crime": { "serious": true, "non_political": true, "outside_country_of_refuge_before_admission": true } }
  ],
  "cessation": null
}"#;

#[test]
fn the_schema_accepts_what_the_code_writes_and_refuses_what_it_refuses() {
    let s = schema();
    let facts: Facts = serde_json::from_str(MAXIMAL).unwrap();
    // Round trip through the Rust types (which write every field, nulls included).
    let written = serde_json::to_value(&facts).unwrap();
    let errs = validate(&s, &s, &written, "$");
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    let review = r#"{ "nationality": { "kind": "stateless", "former_habitual_residence": ["IRQ"] },
        "cessation": { "reavailment": { "voluntary": true, "intention": false, "protection_obtained": true },
                       "reacquired_nationality_voluntarily": false, "new_nationality_with_protection": false,
                       "reestablished_voluntarily": false,
                       "change_of_circumstances": { "fundamental": true, "durable": true, "effective_protection_available": true },
                       "compelling_reasons": false } }"#;
    let written = serde_json::to_value(serde_json::from_str::<Facts>(review).unwrap()).unwrap();
    assert!(validate(&s, &s, &written, "$").is_empty());

    // Both the code and the schema refuse unknown fields and bad values.
    for bad in [
        r#"{ "nationality": { "kind": "nationals", "countries": ["SYR"] }, "colour": "red" }"#,
        r#"{ "nationality": { "kind": "nationals", "countries": ["SYR"], "extra": 1 } }"#,
        r#"{ "nationality": { "kind": "citizen", "countries": ["SYR"] } }"#,
        r#"{ "nationality": { "kind": "nationals", "countries": ["SYR"] }, "countries": [ { "country": "SYR", "outside": true, "fear": { "subjective_fear": true, "likelihood": "certain" } } ] }"#,
        r#"{ "nationality": { "kind": "nationals", "countries": ["SYR"] }, "countries": [ { "country": "SYR", "outside": true } ] }"#,
        r#"{ "nationality": { "kind": "nationals", "countries": ["SYR"] }, "exclusion": [ { "clause": "1F(d)", "description": "x", "serious_reasons_for_considering": true, "individual_responsibility": true } ] }"#,
    ] {
        assert!(serde_json::from_str::<Facts>(bad).is_err(), "the code accepted {bad}");
        let v: Value = serde_json::from_str(bad).unwrap();
        assert!(!validate(&s, &s, &v, "$").is_empty(), "the schema accepted {bad}");
    }
}

#[test]
fn wire_names_are_readable() {
    use nansen_domain::convention::assessment::{AbsoluteBarInstrument, Basis, ExclusionClause, Step};
    use nansen_domain::convention::jurisdiction::{Instrument, RegionalInstrument};
    let names = |v: Vec<Value>| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" ");
    assert_eq!(
        names(vec![
            serde_json::to_value(Basis::Convention1A2).unwrap(),
            serde_json::to_value(Basis::Convention1D2).unwrap(),
            serde_json::to_value(Basis::OauArticleI2).unwrap(),
            serde_json::to_value(Basis::CartagenaIII3).unwrap(),
            serde_json::to_value(Basis::Exclusion(ExclusionClause::Art1Fa)).unwrap(),
            serde_json::to_value(Step::Art1D).unwrap(),
            serde_json::to_value(Step::WellFoundedFear).unwrap(),
            serde_json::to_value(AbsoluteBarInstrument::CatArticle3).unwrap(),
            serde_json::to_value(RegionalInstrument::OauConvention1969).unwrap(),
            serde_json::to_value(Instrument::Protocol1967).unwrap(),
        ]),
        r#""convention_1a2" "convention_1d2" "oau_article_i2" "cartagena_iii3" {"exclusion":"1F(a)"} "art_1d" "well_founded_fear" "cat_article_3" "oau_convention_1969" "protocol_1967""#
    );
}
