//! Writers: aligned text, CSV, JSON and HXL-tagged CSV. Every format carries the title, the provenance
//! (with the attribution the licence requires) and the disclosure statement.
//!
//! * **table**: aligned columns, then notes, source and disclosure lines.
//! * **csv**: RFC 4180; the first lines start with `# ` and hold the title, source and disclosure statement
//!   (read with `pandas.read_csv(f, comment="#")`); then the header and the rows.
//! * **json**: `{title, columns:[{name,hxl,role}], rows:[{column: value}], notes, provenance, disclosure}`.
//!   Withheld cells are the string `"suppressed"`, unreported or not applicable cells are `null`, ranges are
//!   `{low, high}`.
//! * **hxl**: CSV with the Humanitarian Exchange Language hashtag row under the header. Rows above the
//!   header hold the title, source and disclosure statement (HXL processors ignore rows above the header).
//!
//! In text and CSV, withheld cells read `suppressed`, unreported or not applicable cells are empty, ranges
//! read `low-high`, and rates are proportions with four decimals.

use crate::error::StatsError;
use crate::table::{Cell, Role, Table};
use serde_json::{json, Map, Value};
use std::io::Write;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for reading.
    Table,
    /// CSV (RFC 4180) with `#` comment lines on top.
    Csv,
    /// JSON.
    Json,
    /// CSV with an HXL hashtag row.
    Hxl,
}

/// Writes a table in a format.
pub fn write(t: &Table, format: Format, w: &mut dyn Write) -> Result<(), StatsError> {
    match format {
        Format::Table => write_text(t, w),
        Format::Csv => write_csv(t, w, false),
        Format::Json => write_json(t, w),
        Format::Hxl => write_csv(t, w, true),
    }
}

fn is_numeric(c: &Cell) -> bool {
    matches!(c, Cell::Int(_) | Cell::Count(_) | Cell::Rate(_) | Cell::Range(_))
}

/// Aligned text.
pub fn write_text(t: &Table, w: &mut dyn Write) -> Result<(), StatsError> {
    writeln!(w, "{}", t.title)?;
    writeln!(w)?;
    let rendered: Vec<Vec<String>> = t.rows.iter().map(|r| r.iter().map(Cell::render).collect()).collect();
    let mut width: Vec<usize> = t.columns.iter().map(|c| c.name.chars().count()).collect();
    for r in &rendered {
        for (i, s) in r.iter().enumerate() {
            width[i] = width[i].max(s.chars().count());
        }
    }
    let right: Vec<bool> = (0..t.columns.len())
        .map(|i| t.columns[i].role != Role::Key && t.rows.iter().any(|r| is_numeric(&r[i])))
        .collect();
    let line = |cells: Vec<String>| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let pad = width[i].saturating_sub(s.chars().count());
                if right[i] {
                    format!("{}{}", " ".repeat(pad), s)
                } else {
                    format!("{}{}", s, " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(w, "{}", line(t.columns.iter().map(|c| c.name.clone()).collect()))?;
    writeln!(w, "{}", line(width.iter().map(|n| "-".repeat(*n)).collect()))?;
    for r in rendered {
        writeln!(w, "{}", line(r))?;
    }
    if t.rows.is_empty() {
        writeln!(w, "(no rows)")?;
    }
    writeln!(w)?;
    for n in &t.notes {
        writeln!(w, "Note: {n}")?;
    }
    writeln!(w, "{}", t.provenance.line())?;
    writeln!(w, "{}", t.disclosure.statement())?;
    Ok(())
}

/// CSV, or HXL-tagged CSV when `hxl` is true.
pub fn write_csv(t: &Table, w: &mut dyn Write, hxl: bool) -> Result<(), StatsError> {
    let mut meta = vec![t.title.clone(), t.provenance.line(), t.disclosure.statement()];
    meta.extend(t.notes.iter().map(|n| format!("Note: {n}")));
    if !hxl {
        for m in &meta {
            writeln!(w, "# {}", m.replace(['\n', '\r'], " "))?;
        }
    }
    let mut cw = csv::WriterBuilder::new().flexible(true).from_writer(w);
    if hxl {
        for m in &meta {
            cw.write_record([m.as_str()])?;
        }
    }
    cw.write_record(t.columns.iter().map(|c| c.name.as_str()))?;
    if hxl {
        cw.write_record(t.columns.iter().map(|c| c.hxl.as_str()))?;
    }
    for r in &t.rows {
        cw.write_record(r.iter().map(Cell::render))?;
    }
    cw.flush()?;
    Ok(())
}

fn json_cell(c: &Cell) -> Value {
    match c {
        Cell::Text(s) => json!(s),
        Cell::Int(v) => json!(v),
        Cell::Count(v) => json!(v),
        Cell::Rate(r) => json!(r),
        Cell::Range(r) => json!({"low": r.low, "high": r.high}),
        Cell::Suppressed => json!("suppressed"),
        Cell::NotReported | Cell::NotApplicable => Value::Null,
        Cell::Total => json!("Total"),
    }
}

/// The table as a JSON value (also used by the API).
pub fn to_json(t: &Table) -> Value {
    let rows: Vec<Value> = t
        .rows
        .iter()
        .map(|r| {
            let mut m = Map::new();
            for (c, cell) in t.columns.iter().zip(r) {
                m.insert(c.name.clone(), json_cell(cell));
            }
            Value::Object(m)
        })
        .collect();
    let mut disclosure = serde_json::to_value(&t.disclosure).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut disclosure {
        m.insert("statement".into(), json!(t.disclosure.statement()));
    }
    json!({
        "title": t.title,
        "columns": t.columns.iter().map(|c| json!({"name": c.name, "hxl": c.hxl, "role": c.role})).collect::<Vec<_>>(),
        "rows": rows,
        "notes": t.notes,
        "provenance": t.provenance,
        "disclosure": disclosure,
    })
}

/// JSON, pretty-printed.
pub fn write_json(t: &Table, w: &mut dyn Write) -> Result<(), StatsError> {
    serde_json::to_writer_pretty(&mut *w, &to_json(t))?;
    writeln!(w)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, Provenance};

    fn t() -> Table {
        let mut t = Table::new(
            "Test",
            vec![Column::key("year", "#date+year"), Column::count("refugees", "#affected+refugees")],
            Provenance::unhcr("year-end figures 2020–2021", crate::table::UNHCR_ATTRIBUTION),
        );
        t.rows.push(vec![Cell::Int(2020), Cell::Count(12)]);
        t.rows.push(vec![Cell::Int(2021), Cell::Suppressed]);
        t
    }

    fn render(f: Format) -> String {
        let mut out = Vec::new();
        write(&t(), f, &mut out).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn every_format_states_source_and_rule() {
        for f in [Format::Table, Format::Csv, Format::Json, Format::Hxl] {
            let s = render(f);
            assert!(s.contains("CC BY 4.0"), "{f:?}: {s}");
            assert!(s.contains("UNSUPPRESSED") || s.contains("Disclosure control"), "{f:?}: {s}");
            assert!(s.contains("suppressed"), "{f:?}");
        }
        let hxl = render(Format::Hxl);
        let lines: Vec<&str> = hxl.lines().collect();
        let h = lines.iter().position(|l| *l == "year,refugees").unwrap_or(0);
        assert_eq!(lines[h + 1], "#date+year,#affected+refugees");
        let csv = render(Format::Csv);
        assert!(csv.lines().filter(|l| !l.starts_with('#')).eq(["year,refugees", "2020,12", "2021,suppressed"]));
        let v: Value = serde_json::from_str(&render(Format::Json)).unwrap_or(Value::Null);
        assert_eq!(v["rows"][1]["refugees"], json!("suppressed"));
        assert_eq!(v["rows"][0]["refugees"], json!(12));
    }
}
