//! The household exchange formats (documented in docs/import-format.md).
//!
//! - CSV: one row per person; rows with the same `household_key` form one household.
//! - JSON: an array of households in the API's `HouseholdInput` shape.
//! - JSON Lines (`.jsonl`): one such household per line.
//!
//! A file is parsed and validated completely before anything is written. Any error refuses the
//! whole file, with the row (line) number of each problem.

use chrono::NaiveDate;
use nansen_domain::person::DocumentInput;
use nansen_domain::{HouseholdInput, MemberInput, NewHousehold, PersonInput};
use nansen_store::HouseholdView;
use std::collections::HashMap;
use std::io::{Read, Write};

/// The CSV columns, in export order. Import recognises them by name; unknown columns are refused.
pub const CSV_COLUMNS: &[&str] = &[
    "household_key",
    "relationship",
    "given_name",
    "family_name",
    "given_name_original",
    "family_name_original",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "country_of_birth",
    "citizenship",
    "languages",
    "document_kind",
    "document_number",
    "document_issuing_country",
    "document_expiry_date",
    "specific_needs",
    "arrival_date",
    "address",
    "case_number",
];

/// File formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CSV, one row per person.
    Csv,
    /// A JSON array of households.
    Json,
    /// One JSON household per line.
    Jsonl,
}

impl Format {
    /// Guesses the format from a file name.
    pub fn from_path(p: &std::path::Path) -> Option<Self> {
        match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            _ => None,
        }
    }
}

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line (CSV, JSON Lines) or element number (JSON array, from 1).
    pub row: usize,
    /// The field, when known.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "row {}: {}", self.row, self.message)
        } else {
            write!(f, "row {}: {}: {}", self.row, self.field, self.message)
        }
    }
}

/// A household read from a file, with the row number of each member.
pub struct Parsed {
    /// The raw household.
    pub input: HouseholdInput,
    /// Row of the household's first line.
    pub row: usize,
    /// Row of each member.
    pub member_rows: Vec<usize>,
}

fn split_list(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Reads a CSV file into raw households.
pub fn read_csv<R: Read>(r: R) -> Result<Vec<Parsed>, Vec<RowError>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(r);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![RowError { row: 1, field: String::new(), message: format!("the header row cannot be read: {e}") }]),
    };
    if headers.is_empty() || headers.iter().all(|h| h.trim().is_empty()) {
        return Err(vec![RowError { row: 1, field: String::new(), message: "the file is empty: it needs a header row and one row per person".into() }]);
    }
    let mut errors = Vec::new();
    let mut col: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}');
        match CSV_COLUMNS.iter().find(|c| **c == h) {
            Some(c) => {
                if col.insert(c, i).is_some() {
                    errors.push(RowError { row: 1, field: h.into(), message: "this column appears twice".into() });
                }
            }
            None => errors.push(RowError { row: 1, field: h.into(), message: format!("unknown column; the columns are: {}", CSV_COLUMNS.join(", ")) }),
        }
    }
    for required in ["household_key", "relationship", "given_name", "sex"] {
        if !col.contains_key(required) {
            errors.push(RowError { row: 1, field: required.into(), message: "this column is required".into() });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut order: Vec<String> = Vec::new();
    let mut households: HashMap<String, Parsed> = HashMap::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map(|p| p.line() as usize).unwrap_or(0);
                errors.push(RowError { row, field: String::new(), message: format!("malformed CSV: {e}") });
                if errors.len() > 1000 {
                    break;
                }
                continue;
            }
        }
        let row = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let get = |name: &str| col.get(name).and_then(|i| rec.get(*i)).unwrap_or("");
        let key = get("household_key").trim().to_owned();
        if key.is_empty() {
            errors.push(RowError { row, field: "household_key".into(), message: "required: rows with the same key form one household".into() });
            continue;
        }
        let documents = match opt(get("document_number")) {
            None => Vec::new(),
            Some(number) => vec![DocumentInput {
                kind: opt(get("document_kind")),
                number: Some(number),
                issuing_country: opt(get("document_issuing_country")),
                expiry_date: opt(get("document_expiry_date")),
            }],
        };
        let person = PersonInput {
            given_name: opt(get("given_name")),
            family_name: opt(get("family_name")),
            given_name_original: opt(get("given_name_original")),
            family_name_original: opt(get("family_name_original")),
            sex: opt(get("sex")),
            date_of_birth: opt(get("date_of_birth")),
            place_of_birth: opt(get("place_of_birth")),
            country_of_birth: opt(get("country_of_birth")),
            citizenship: opt(get("citizenship")),
            languages: split_list(get("languages")),
            documents,
            specific_needs: split_list(get("specific_needs")),
        };
        let member = MemberInput { relationship: opt(get("relationship")), person };
        let (arrival, address) = (opt(get("arrival_date")), opt(get("address")));
        let h = households.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Parsed { input: HouseholdInput { registration_key: Some(key.clone()), arrival_date: None, address: None, members: Vec::new() }, row, member_rows: Vec::new() }
        });
        for (field, new, slot) in [("arrival_date", arrival, &mut h.input.arrival_date), ("address", address, &mut h.input.address)] {
            match (&*slot, new) {
                (_, None) => {}
                (None, Some(v)) => *slot = Some(v),
                (Some(old), Some(v)) if *old != v => errors.push(RowError {
                    row,
                    field: field.into(),
                    message: format!("differs from the household's first row (line {}): {old:?} vs {v:?}; household fields must agree", h.row),
                }),
                _ => {}
            }
        }
        h.input.members.push(member);
        h.member_rows.push(row);
    }
    if order.is_empty() && errors.is_empty() {
        errors.push(RowError { row: 1, field: String::new(), message: "the file has a header but no rows".into() });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(order.into_iter().filter_map(|k| households.remove(&k)).collect())
}

fn json_error(row: usize, e: serde_path_to_error::Error<serde_json::Error>) -> RowError {
    let path = e.path().to_string();
    RowError { row, field: if path == "." { String::new() } else { path }, message: e.into_inner().to_string() }
}

/// Reads a JSON array of households.
pub fn read_json<R: Read>(r: R) -> Result<Vec<Parsed>, Vec<RowError>> {
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(r));
    let v: Vec<HouseholdInput> = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        // the path starts with the element index: [12].members[0]...
        let path = e.path().to_string();
        let row = path.strip_prefix('[').and_then(|p| p.split(']').next()).and_then(|n| n.parse::<usize>().ok()).map(|n| n + 1).unwrap_or(0);
        vec![json_error(row, e)]
    })?;
    if v.is_empty() {
        return Err(vec![RowError { row: 0, field: String::new(), message: "the file holds no households".into() }]);
    }
    Ok(v.into_iter().enumerate().map(|(i, input)| Parsed { member_rows: vec![i + 1; input.members.len()], input, row: i + 1 }).collect())
}

/// Reads JSON Lines, one household per line.
pub fn read_jsonl<R: Read>(r: R) -> Result<Vec<Parsed>, Vec<RowError>> {
    use std::io::BufRead;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in std::io::BufReader::new(r).lines().enumerate() {
        let row = i + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                errors.push(RowError { row, field: String::new(), message: format!("cannot read: {e}") });
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let mut de = serde_json::Deserializer::from_str(&line);
        match serde_path_to_error::deserialize::<_, HouseholdInput>(&mut de) {
            Ok(input) => out.push(Parsed { member_rows: vec![row; input.members.len()], input, row }),
            Err(e) => errors.push(json_error(row, e)),
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(RowError { row: 0, field: String::new(), message: "the file holds no households".into() });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Validates every household; any error refuses the whole file.
pub fn validate(parsed: Vec<Parsed>, today: NaiveDate) -> Result<Vec<NewHousehold>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(parsed.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for p in parsed {
        match p.input.registration_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => errors.push(RowError {
                row: p.row,
                field: "registration_key".into(),
                message: "required for import: a stable key makes importing the same file twice harmless".into(),
            }),
            Some(k) => {
                if let Some(first) = seen.insert(k.to_owned(), p.row) {
                    errors.push(RowError { row: p.row, field: "registration_key".into(), message: format!("{k:?} is used again (first at row {first})") });
                }
            }
        }
        match NewHousehold::parse(&p.input, today) {
            Ok(h) => out.push(h),
            Err(ve) => {
                for fe in ve.errors {
                    // members[i].person.x → the member's own row
                    let row = fe
                        .field
                        .strip_prefix("members[")
                        .and_then(|r| r.split(']').next())
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|i| p.member_rows.get(i).copied())
                        .unwrap_or(p.row);
                    errors.push(RowError { row, field: fe.field, message: fe.message });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|e| e.row);
        Err(errors)
    }
}

/// The household key written by export: the registration key, or the case number for households
/// registered directly in Nansen.
fn export_key(v: &HouseholdView) -> String {
    v.household.details.registration_key.as_ref().map(|k| k.to_string()).unwrap_or_else(|| v.household.case_number.to_string())
}

/// The raw (import) form of a stored household.
pub fn to_input(v: &HouseholdView) -> HouseholdInput {
    HouseholdInput {
        registration_key: Some(export_key(v)),
        arrival_date: v.household.details.arrival_date.map(|d| d.to_string()),
        address: v.household.details.address.as_ref().map(|a| a.to_string()),
        members: v.members.iter().map(|m| MemberInput { relationship: Some(m.relationship.code().into()), person: m.details.to_input() }).collect(),
    }
}

/// Writes households as CSV rows in the import format.
pub struct CsvOut<W: Write> {
    w: csv::Writer<W>,
}

/// One CSV row in [`CSV_COLUMNS`] order.
fn row(key: &str, relationship: &str, p: &PersonInput, arrival: Option<&str>, address: Option<&str>, case_number: &str) -> Vec<String> {
    let doc = p.documents.first().cloned().unwrap_or_default();
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        key.to_owned(),
        relationship.to_owned(),
        s(&p.given_name),
        s(&p.family_name),
        s(&p.given_name_original),
        s(&p.family_name_original),
        s(&p.sex),
        s(&p.date_of_birth),
        s(&p.place_of_birth),
        s(&p.country_of_birth),
        s(&p.citizenship),
        p.languages.join(";"),
        s(&doc.kind),
        s(&doc.number),
        s(&doc.issuing_country),
        s(&doc.expiry_date),
        p.specific_needs.join(";"),
        arrival.unwrap_or("").to_owned(),
        address.unwrap_or("").to_owned(),
        case_number.to_owned(),
    ]
}

impl<W: Write> CsvOut<W> {
    /// Starts a CSV file with its header.
    pub fn new(w: W) -> csv::Result<Self> {
        let mut w = csv::Writer::from_writer(w);
        w.write_record(CSV_COLUMNS)?;
        Ok(Self { w })
    }

    /// Writes one raw (not yet registered) household: one row per member, the first document of each.
    pub fn raw_household(&mut self, h: &HouseholdInput) -> csv::Result<()> {
        let key = h.registration_key.clone().unwrap_or_default();
        for m in &h.members {
            self.w.write_record(row(&key, m.relationship.as_deref().unwrap_or(""), &m.person, h.arrival_date.as_deref(), h.address.as_deref(), ""))?;
        }
        Ok(())
    }

    /// Writes one household: one row per member. A member with several documents exports the first
    /// (the CSV carries one document per row; use JSON to keep them all).
    pub fn household(&mut self, v: &HouseholdView) -> csv::Result<()> {
        let key = export_key(v);
        let h = &v.household.details;
        let arrival = h.arrival_date.map(|d| d.to_string());
        let address = h.address.as_ref().map(|a| a.to_string());
        let case_number = v.household.case_number.to_string();
        for m in &v.members {
            self.w.write_record(row(&key, m.relationship.code(), &m.details.to_input(), arrival.as_deref(), address.as_deref(), &case_number))?;
        }
        Ok(())
    }

    /// Flushes the output.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    const GOOD: &str = "household_key,relationship,given_name,family_name,sex,date_of_birth,citizenship,address\n\
H1,PA,Amina,Haddad,F,1990,SYR,Block A\n\
H2,PA,Omar,Karimi,M,1980-04,AFG,\n\
H1,CHD,Lina,Haddad,F,2015-03-02,SYR,Block A\n";

    #[test]
    fn rows_group_into_households() {
        let p = read_csv(GOOD.as_bytes()).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].input.members.len(), 2);
        assert_eq!(p[0].member_rows, vec![2, 4]);
        let v = validate(p, today()).unwrap();
        assert_eq!(v[0].members.len(), 2);
    }

    #[test]
    fn errors_carry_row_numbers() {
        let bad = "household_key,relationship,given_name,sex,date_of_birth,citizenship\n\
H1,PA,Amina,F,1990,SYR\n\
H1,CHD,Lina,F,2023-02-30,SYR\n\
H2,PA,<script>,M,1980,QQQ\n";
        let e = validate(read_csv(bad.as_bytes()).unwrap(), today()).unwrap_err();
        let rows: Vec<usize> = e.iter().map(|e| e.row).collect();
        assert_eq!(rows, vec![3, 4, 4]);
        assert!(e[0].field.ends_with("date_of_birth"));
    }

    #[test]
    fn empty_header_only_and_unknown_columns_are_refused() {
        assert!(read_csv("".as_bytes()).is_err());
        let e = read_csv("household_key,relationship,given_name,sex\n".as_bytes()).err().unwrap();
        assert!(e[0].message.contains("no rows"));
        let e = read_csv("household_key,relationship,given_name,sex,shoe_size\nH,PA,A,F,42\n".as_bytes()).err().unwrap();
        assert_eq!(e[0].field, "shoe_size");
        let e = read_csv("household_key,relationship,given_name,sex\nH,PA,A\n".as_bytes()).err().unwrap();
        assert!(e[0].message.contains("malformed"), "{}", e[0]);
        assert_eq!(e[0].row, 2);
    }

    #[test]
    fn duplicate_keys_in_one_json_file_are_refused() {
        let j = r#"[{"registration_key":"A","members":[{"relationship":"PA","person":{"given_name":"A","sex":"F"}}]},
                    {"registration_key":"A","members":[{"relationship":"PA","person":{"given_name":"B","sex":"M"}}]}]"#;
        let e = validate(read_json(j.as_bytes()).unwrap(), today()).unwrap_err();
        assert_eq!(e[0].row, 2);
        let e = read_json(r#"[{"registration_key":"A","members":[{"relationship":"PA","person":{"given_name":5}}]}]"#.as_bytes()).err().unwrap();
        assert_eq!(e[0].row, 1);
        assert!(e[0].field.contains("given_name"));
    }
}
