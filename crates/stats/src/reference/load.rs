//! Streaming loader for the six UNHCR CSV files.

use super::{PlaceId, ReferenceData, NOT_REPORTED};
use crate::error::StatsError;
use crate::place::Place;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// The files of a release, in load order.
pub const FILES: [&str; 6] = [
    "unhcr_countries.csv",
    "unhcr_population.csv",
    "unhcr_asylum_applications.csv",
    "unhcr_asylum_decisions.csv",
    "unhcr_solutions.csv",
    "unhcr_demographics.csv",
];

const DEMO_F: [&str; 6] = ["f_0_4", "f_5_11", "f_12_17", "f_18_59", "f_60", "f_other"];
const DEMO_M: [&str; 6] = ["m_0_4", "m_5_11", "m_12_17", "m_18_59", "m_60", "m_other"];

impl ReferenceData {
    /// Loads a release from a directory holding the six `unhcr_*.csv` files (see [`FILES`]).
    ///
    /// Refuses a directory that lacks a file, a file that lacks a required column, and any field that is not
    /// what its column needs, naming the file, line and column.
    pub fn load_dir(dir: &Path) -> Result<Self, StatsError> {
        let expected = FILES.join(", ");
        for f in FILES {
            if !dir.join(f).is_file() {
                return Err(StatsError::MissingFile { dir: dir.to_path_buf(), file: f, expected });
            }
        }
        let mut data = ReferenceData::default();
        data.load_countries(open(&dir.join(FILES[0]))?, FILES[0])?;
        data.load_population(open(&dir.join(FILES[1]))?, FILES[1])?;
        data.load_applications(open(&dir.join(FILES[2]))?, FILES[2])?;
        data.load_decisions(open(&dir.join(FILES[3]))?, FILES[3])?;
        data.load_solutions(open(&dir.join(FILES[4]))?, FILES[4])?;
        data.load_demographics(open(&dir.join(FILES[5]))?, FILES[5])?;
        data.attribution = read_attribution(&dir.join("README.md")).unwrap_or_default();
        Ok(data)
    }

    /// Loads `unhcr_countries.csv` (codes, labels, regions). Rows without an `iso3` code are skipped unless
    /// their UNHCR code is a pseudo-origin (`TIB`, `UKN`, `STA`); repeated codes fill each other's gaps.
    pub fn load_countries<R: Read>(&mut self, r: R, file: &str) -> Result<(), StatsError> {
        let mut rd = Csv::new(r, file, &["iso3", "unhcr_code", "name", "name_in_statistics", "unhcr_region"])?;
        let unsd = rd.optional("unsd_region");
        let mut rec = csv::ByteRecord::new();
        while rd.read(&mut rec)? {
            self.rows.countries += 1;
            let iso = rd.text(&rec, 0)?;
            let unhcr = rd.text(&rec, 1)?;
            let code = if iso.is_empty() {
                match unhcr.as_str() {
                    "TIB" | "UKN" | "STA" => unhcr.clone(),
                    _ => continue,
                }
            } else {
                iso
            };
            let place = rd.place_of(&code, 0)?;
            let id = self.intern_place(place);
            let (name, stat, region) = (rd.text(&rec, 2)?, rd.text(&rec, 3)?, rd.text(&rec, 4)?);
            let unsd_region = match unsd {
                Some(i) => rd.text_at(&rec, i)?,
                None => String::new(),
            };
            let info = &mut self.places[id as usize];
            if info.unhcr_code.is_empty() {
                info.unhcr_code = unhcr;
            }
            let label = if !stat.is_empty() { stat } else { name };
            if !label.is_empty() && info.label == place.default_label() {
                info.label = label;
            }
            if info.region.is_none() && !region.is_empty() {
                info.region = Some(region);
            }
            if info.unsd_region.is_none() && !unsd_region.is_empty() {
                info.unsd_region = Some(unsd_region);
            }
        }
        Ok(())
    }

    /// Loads `unhcr_population.csv`.
    pub fn load_population<R: Read>(&mut self, r: R, file: &str) -> Result<(), StatsError> {
        let mut cols = vec!["year", "coo_iso", "coa_iso"];
        cols.extend(super::PopulationColumn::ALL.iter().map(|c| c.name()));
        let mut rd = Csv::new(r, file, &cols)?;
        let mut rec = csv::ByteRecord::new();
        while rd.read(&mut rec)? {
            let (y, o, a) = self.ids(&rd, &rec)?;
            let t = &mut self.population;
            t.year.push(y);
            t.origin.push(o);
            t.asylum.push(a);
            for k in 0..9 {
                let v = rd.count(&rec, 3 + k)?;
                t.counts[k].push(v);
            }
            self.rows.population += 1;
        }
        Ok(())
    }

    /// Loads `unhcr_solutions.csv`.
    pub fn load_solutions<R: Read>(&mut self, r: R, file: &str) -> Result<(), StatsError> {
        let mut cols = vec!["year", "coo_iso", "coa_iso"];
        cols.extend(super::SolutionsColumn::ALL.iter().map(|c| c.name()));
        let mut rd = Csv::new(r, file, &cols)?;
        let mut rec = csv::ByteRecord::new();
        while rd.read(&mut rec)? {
            let (y, o, a) = self.ids(&rd, &rec)?;
            let t = &mut self.solutions;
            t.year.push(y);
            t.origin.push(o);
            t.asylum.push(a);
            for k in 0..4 {
                let v = rd.count(&rec, 3 + k)?;
                t.counts[k].push(v);
            }
            self.rows.solutions += 1;
        }
        Ok(())
    }

    /// Loads `unhcr_asylum_applications.csv`.
    pub fn load_applications<R: Read>(&mut self, r: R, file: &str) -> Result<(), StatsError> {
        let cols = ["year", "coo_iso", "coa_iso", "procedure_type", "app_type", "dec_level", "app_pc", "applied"];
        let mut rd = Csv::new(r, file, &cols)?;
        let mut rec = csv::ByteRecord::new();
        while rd.read(&mut rec)? {
            let (y, o, a) = self.ids(&rd, &rec)?;
            let p = self.code(&rd, &rec, 3)?;
            let at = self.code(&rd, &rec, 4)?;
            let l = self.code(&rd, &rec, 5)?;
            let c = rd.person_or_case(&rec, 6)?;
            let v = rd.count(&rec, 7)?;
            let t = &mut self.applications;
            t.year.push(y);
            t.origin.push(o);
            t.asylum.push(a);
            t.procedure.push(p);
            t.app_type.push(at);
            t.level.push(l);
            t.cases.push(c);
            t.applied.push(v);
            self.rows.applications += 1;
        }
        Ok(())
    }

    /// Loads `unhcr_asylum_decisions.csv`.
    pub fn load_decisions<R: Read>(&mut self, r: R, file: &str) -> Result<(), StatsError> {
        let cols = [
            "year",
            "coo_iso",
            "coa_iso",
            "procedure_type",
            "dec_level",
            "dec_pc",
            "dec_recognized",
            "dec_other",
            "dec_rejected",
            "dec_closed",
            "dec_total",
        ];
        let mut rd = Csv::new(r, file, &cols)?;
        let mut rec = csv::ByteRecord::new();
        while rd.read(&mut rec)? {
            let (y, o, a) = self.ids(&rd, &rec)?;
            let p = self.code(&rd, &rec, 3)?;
            let l = self.code(&rd, &rec, 4)?;
            let c = rd.person_or_case(&rec, 5)?;
            let vals = [rd.count(&rec, 6)?, rd.count(&rec, 7)?, rd.count(&rec, 8)?, rd.count(&rec, 9)?, rd.count(&rec, 10)?];
            let t = &mut self.decisions;
            t.year.push(y);
            t.origin.push(o);
            t.asylum.push(a);
            t.procedure.push(p);
            t.level.push(l);
            t.cases.push(c);
            t.recognized.push(vals[0]);
            t.other.push(vals[1]);
            t.rejected.push(vals[2]);
            t.closed.push(vals[3]);
            t.total.push(vals[4]);
            self.rows.decisions += 1;
        }
        Ok(())
    }

    /// Loads `unhcr_demographics.csv`.
    pub fn load_demographics<R: Read>(&mut self, r: R, file: &str) -> Result<(), StatsError> {
        let mut cols = vec!["year", "coo_iso", "coa_iso", "pop_type", "location", "loc_type", "acc_type"];
        cols.extend(DEMO_F);
        cols.push("f_total");
        cols.extend(DEMO_M);
        cols.extend(["m_total", "total"]);
        let mut rd = Csv::new(r, file, &cols)?;
        let mut loc_index: std::collections::HashMap<String, u32> = Default::default();
        let mut rec = csv::ByteRecord::new();
        while rd.read(&mut rec)? {
            let (y, o, a) = self.ids(&rd, &rec)?;
            let pt = self.code(&rd, &rec, 3)?;
            let loc_name = rd.text(&rec, 4)?;
            let loc = match loc_index.get(&loc_name) {
                Some(&i) => i,
                None => {
                    let i = self.locations.len() as u32;
                    self.locations.push(loc_name.clone());
                    loc_index.insert(loc_name, i);
                    i
                }
            };
            let lt = self.code(&rd, &rec, 5)?;
            let at = self.code(&rd, &rec, 6)?;
            let mut f = [0u32; 6];
            let mut m = [0u32; 6];
            for k in 0..6 {
                f[k] = rd.count(&rec, 7 + k)?;
                m[k] = rd.count(&rec, 14 + k)?;
            }
            let (ft, mt, tot) = (rd.count(&rec, 13)?, rd.count(&rec, 20)?, rd.count(&rec, 21)?);
            let t = &mut self.demographics;
            t.year.push(y);
            t.origin.push(o);
            t.asylum.push(a);
            t.pop_type.push(pt);
            t.location.push(loc);
            t.loc_type.push(lt);
            t.acc_type.push(at);
            t.female.push(f);
            t.male.push(m);
            t.female_total.push(ft);
            t.male_total.push(mt);
            t.total.push(tot);
            self.rows.demographics += 1;
        }
        Ok(())
    }

    fn ids(&mut self, rd: &Csv<impl Read>, rec: &csv::ByteRecord) -> Result<(u16, PlaceId, PlaceId), StatsError> {
        let y = rd.year(rec, 0)?;
        Ok((y, self.place_field(rd, rec, 1)?, self.place_field(rd, rec, 2)?))
    }

    /// The place in a field, through a cache keyed by the field's bytes.
    fn place_field(&mut self, rd: &Csv<impl Read>, rec: &csv::ByteRecord, k: usize) -> Result<PlaceId, StatsError> {
        let b = rd.raw(rec, k);
        let key = (b.len() == 3).then(|| [b[0], b[1], b[2]]);
        if let Some(id) = key.and_then(|k| self.raw_places.get(&k)) {
            return Ok(*id);
        }
        let id = self.intern_place(rd.place(rec, k)?);
        if let Some(k) = key {
            self.raw_places.insert(k, id);
        }
        Ok(id)
    }

    fn code(&mut self, rd: &Csv<impl Read>, rec: &csv::ByteRecord, k: usize) -> Result<super::CodeId, StatsError> {
        let s = rd.text(rec, k)?;
        if self.codes.len() >= u16::MAX as usize && self.code_id(&s).is_none() {
            return Err(rd.err(rec, k, "too many distinct codes (more than 65,535); this is not a UNHCR release"));
        }
        Ok(self.intern_code(&s))
    }
}

fn open(path: &Path) -> Result<BufReader<File>, StatsError> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|source| StatsError::Io { path: path.to_path_buf(), source })
}

/// The `Source:` attribution paragraph of a data directory's README.md, if any.
pub fn read_attribution(readme: &Path) -> Option<String> {
    let text = std::fs::read_to_string(readme).ok()?;
    let mut lines = text.lines().map(|l| l.trim().trim_start_matches('>').trim());
    let first = lines.find(|l| l.starts_with("Source: UNHCR"))?;
    let mut out = first.to_string();
    for l in lines {
        if l.is_empty() {
            break;
        }
        out.push(' ');
        out.push_str(l);
    }
    Some(out.split_whitespace().collect::<Vec<_>>().join(" ").replace(" ,", ","))
}

/// A CSV reader that knows where its required columns are and reports errors by line and column.
struct Csv<R: Read> {
    rd: csv::Reader<R>,
    file: String,
    names: Vec<String>,
    /// Position in the record of each required column.
    idx: Vec<usize>,
}

impl<R: Read> Csv<R> {
    fn new(r: R, file: &str, required: &[&str]) -> Result<Self, StatsError> {
        let mut rd = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(r);
        let header = rd.byte_headers().map_err(|e| csv_err(file, &e))?.clone();
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let mut idx = Vec::with_capacity(required.len());
        let mut missing = Vec::new();
        for want in required {
            match names.iter().position(|n| n == want) {
                Some(i) => idx.push(i),
                None => missing.push(*want),
            }
        }
        if !missing.is_empty() {
            return Err(StatsError::MissingColumns {
                file: file.to_string(),
                missing: missing.join(", "),
                header: names.join(", "),
            });
        }
        let names = required.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Ok(Self { rd, file: file.to_string(), names, idx })
    }

    /// Position of an optional column, by name.
    fn optional(&mut self, name: &str) -> Option<usize> {
        let header = self.rd.byte_headers().ok()?;
        header.iter().position(|h| h == name.as_bytes())
    }

    fn read(&mut self, rec: &mut csv::ByteRecord) -> Result<bool, StatsError> {
        self.rd.read_byte_record(rec).map_err(|e| csv_err(&self.file, &e))
    }

    fn line(rec: &csv::ByteRecord) -> u64 {
        rec.position().map(|p| p.line()).unwrap_or(0)
    }

    fn err(&self, rec: &csv::ByteRecord, k: usize, problem: &str) -> StatsError {
        StatsError::Field {
            file: self.file.clone(),
            line: Self::line(rec),
            column: self.names.get(k).cloned().unwrap_or_default(),
            problem: problem.to_string(),
        }
    }

    fn raw<'a>(&self, rec: &'a csv::ByteRecord, k: usize) -> &'a [u8] {
        rec.get(self.idx[k]).unwrap_or(b"")
    }

    fn text(&self, rec: &csv::ByteRecord, k: usize) -> Result<String, StatsError> {
        std::str::from_utf8(self.raw(rec, k))
            .map(|s| s.trim().to_string())
            .map_err(|_| self.err(rec, k, "not valid UTF-8; re-save the file as UTF-8"))
    }

    fn text_at(&self, rec: &csv::ByteRecord, i: usize) -> Result<String, StatsError> {
        let b = rec.get(i).unwrap_or(b"");
        std::str::from_utf8(b).map(|s| s.trim().to_string()).map_err(|_| StatsError::Field {
            file: self.file.clone(),
            line: Self::line(rec),
            column: format!("#{}", i + 1),
            problem: "not valid UTF-8; re-save the file as UTF-8".into(),
        })
    }

    fn year(&self, rec: &csv::ByteRecord, k: usize) -> Result<u16, StatsError> {
        let b = self.raw(rec, k);
        match parse_u64(b) {
            Some(y) if (1900..=2200).contains(&y) => Ok(y as u16),
            _ => Err(self.err(
                rec,
                k,
                &format!("{:?} is not a year; write the four-digit year (e.g. 2025)", String::from_utf8_lossy(b)),
            )),
        }
    }

    fn place_of(&self, code: &str, k: usize) -> Result<Place, StatsError> {
        Place::from_code(code).ok_or_else(|| StatsError::Field {
            file: self.file.clone(),
            line: self.rd.position().line(),
            column: self.names.get(k).cloned().unwrap_or_default(),
            problem: format!(
                "{code:?} is not a three-letter code; use the ISO 3166-1 alpha-3 code or UNHCR's pseudo-codes UNK, XXA, TIB"
            ),
        })
    }

    fn place(&self, rec: &csv::ByteRecord, k: usize) -> Result<Place, StatsError> {
        let b = self.raw(rec, k);
        let s = std::str::from_utf8(b).unwrap_or("");
        Place::from_code(s).ok_or_else(|| {
            self.err(
                rec,
                k,
                &format!(
                    "{:?} is not a three-letter code; use the ISO 3166-1 alpha-3 code or UNHCR's pseudo-codes UNK (unknown), XXA (stateless), TIB (Tibetan)",
                    String::from_utf8_lossy(b)
                ),
            )
        })
    }

    /// A count: a whole number ≥ 0, or empty for "not reported".
    fn count(&self, rec: &csv::ByteRecord, k: usize) -> Result<u32, StatsError> {
        let b = self.raw(rec, k);
        if b.iter().all(|c| c.is_ascii_whitespace()) {
            return Ok(NOT_REPORTED);
        }
        match parse_u64(b) {
            Some(v) if v < NOT_REPORTED as u64 => Ok(v as u32),
            Some(_) => Err(self.err(rec, k, "count too large (above 4,294,967,294)")),
            None => Err(self.err(
                rec,
                k,
                &format!(
                    "{:?} is not a count; write a whole number ≥ 0 without separators, or leave the field empty if not reported",
                    String::from_utf8_lossy(b)
                ),
            )),
        }
    }

    /// `P` (persons) → false, `C` (cases) → true.
    fn person_or_case(&self, rec: &csv::ByteRecord, k: usize) -> Result<bool, StatsError> {
        match self.raw(rec, k) {
            b"P" | b"p" => Ok(false),
            b"C" | b"c" => Ok(true),
            other => Err(self.err(
                rec,
                k,
                &format!("{:?} is neither P (persons) nor C (cases)", String::from_utf8_lossy(other)),
            )),
        }
    }
}

fn csv_err(file: &str, e: &csv::Error) -> StatsError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    StatsError::Csv { file: file.to_string(), line, message: e.to_string() }
}

/// Parses ASCII digits (surrounding spaces allowed); `None` for anything else, or overflow.
fn parse_u64(b: &[u8]) -> Option<u64> {
    let s = trim(b);
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u64;
    }
    Some(v)
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map(|e| e + 1).unwrap_or(start);
    &b[start..end.max(start)]
}

/// The default data directory, `data/unhcr`, relative to the working directory.
pub fn default_dir() -> PathBuf {
    PathBuf::from("data/unhcr")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pop(csv: &str) -> Result<ReferenceData, StatsError> {
        let mut d = ReferenceData::default();
        d.load_population(csv.as_bytes(), "unhcr_population.csv")?;
        Ok(d)
    }

    #[test]
    fn columns_by_name_extra_columns_and_empty_as_not_reported() {
        let d = pop("extra,hst,oip,ooc,stateless,returned_idps,idps,returned_refugees,asylum_seekers,refugees,coa_iso,coo_iso,year\n\
                     x,0,,0,0,0,0,0,7,180000,AUS,UNK,1951\n");
        let d = d.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.population.year, vec![1951]);
        assert_eq!(d.population.counts[0], vec![180000]);
        assert_eq!(d.population.counts[1], vec![7]);
        assert_eq!(d.population.counts[7], vec![NOT_REPORTED]);
        assert_eq!(d.places[d.population.origin[0] as usize].place, Place::Unknown);
    }

    #[test]
    fn missing_columns_are_named() {
        let e = pop("year,coo_iso,coa_iso,refugees\n2020,SYR,DEU,1\n").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("asylum_seekers") && e.contains("hst") && e.contains("unhcr_population.csv"), "{e}");
    }

    #[test]
    fn bad_fields_have_line_and_column() {
        let h = "year,coo_iso,coa_iso,refugees,asylum_seekers,returned_refugees,idps,returned_idps,stateless,ooc,oip,hst\n";
        let e = pop(&format!("{h}2020,SYR,DEU,1,0,0,0,0,0,0,,0\n2020,SYR,DEU,1.5,0,0,0,0,0,0,,0\n"));
        let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("line 3") && msg.contains("refugees") && msg.contains("1.5"), "{msg}");
        let e = pop(&format!("{h}2020,SYRIA,DEU,1,0,0,0,0,0,0,,0\n"));
        let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("line 2") && msg.contains("coo_iso"), "{msg}");
        let e = pop(&format!("{h}20x0,SYR,DEU,1,0,0,0,0,0,0,,0\n"));
        assert!(e.err().map(|e| e.to_string()).unwrap_or_default().contains("not a year"));
        let e = pop(&format!("{h}2020,SYR,DEU,1,0\n"));
        assert!(e.err().map(|e| e.to_string()).unwrap_or_default().contains("malformed CSV"));
    }

    #[test]
    fn na_is_a_code_not_missing() {
        let mut d = ReferenceData::default();
        let csv = "year,coo_iso,coa_iso,procedure_type,dec_level,dec_pc,dec_recognized,dec_other,dec_rejected,dec_closed,dec_total\n\
                   2016,SYR,DEU,G,NA,P,164926,121182,158,5398,291664\n";
        d.load_decisions(csv.as_bytes(), "d.csv").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.codes[d.decisions.level[0] as usize], "NA");
        assert!(!d.decisions.cases[0]);
    }

    #[test]
    fn countries_fill_gaps_and_skip_codeless_rows() {
        let mut d = ReferenceData::default();
        let csv = "iso3,unhcr_code,name,name_in_statistics,unhcr_region,unsd_region\n\
                   ,CRB,CRB,,,\n,TIB,Tibetan,,Asia and the Pacific,\nTIB,TIB,,Tibetan,,\nXXX,UKN,Unknown,,,\nDEU,GFR,Germany,Germany,Europe,Europe\n";
        d.load_countries(csv.as_bytes(), "c.csv").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.places.len(), 3);
        let tib = d.place_id(Place::Tibetan).map(|i| d.place(i).clone());
        assert_eq!(tib.as_ref().and_then(|t| t.region.clone()).as_deref(), Some("Asia and the Pacific"));
        let deu = d.place_id(Place::parse("DEU").unwrap_or(Place::Unknown)).map(|i| d.place(i).clone());
        assert_eq!(deu.map(|p| (p.unhcr_code, p.label)), Some(("GFR".into(), "Germany".into())));
    }
}
