//! The statistics page (`/statistics`): charts and tables of the UNHCR reference statistics, every figure
//! published under the default disclosure rule, which the page states with each chart.

use crate::stats_api::{reference_data, reference_table, DEFAULT_THRESHOLD};
use crate::AppState;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use nansen_stats::chart::{self, Bracket, Ranking, Series};
use nansen_stats::{suppress_owned, Cell, Place, Table};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Page routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/statistics", get(statistics))
}

/// A year and a rank in it.
type YearRank = (i32, Option<u32>);

/// One chart with its table, source and disclosure statement.
struct Section {
    heading: String,
    svg: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    source: String,
    statement: String,
    notes: Vec<String>,
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    chrome: crate::pages::Chrome,
    origin: String,
    error: String,
    sections: Vec<Section>,
}

/// Page parameters.
#[derive(Debug, Deserialize)]
struct Params {
    /// A country of origin to focus on (ISO3); empty: everyone.
    origin: Option<String>,
}

fn num(c: &Cell) -> Option<f64> {
    c.count().map(|v| v as f64)
}

fn int(c: &Cell) -> Option<i64> {
    match c {
        Cell::Int(v) => Some(*v),
        _ => None,
    }
}

fn section(heading: String, svg: String, t: &Table, keep: impl Fn(&[Cell]) -> bool) -> Section {
    Section {
        heading,
        svg,
        headers: t.columns.iter().map(|c| c.name.replace('_', " ")).collect(),
        rows: t.rows.iter().filter(|r| keep(r)).map(|r| r.iter().map(Cell::render).collect()).collect(),
        source: t.provenance.line(),
        statement: t.disclosure.statement(),
        notes: t.notes.clone(),
    }
}

async fn published(query: &str, params: &[(&str, String)]) -> Result<Table, String> {
    let p: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let t = reference_table(query, &p).await.map_err(|(_, m)| m)?;
    Ok(suppress_owned(t, DEFAULT_THRESHOLD).into_table())
}

async fn build(origin: Option<Place>) -> Result<Vec<Section>, String> {
    let data = reference_data().await?;
    let (_, last) = data.population_years().ok_or("the reference data holds no population figures")?;
    let (first, last) = (2000.max(last.saturating_sub(25)), last);
    let focus = origin.map(|p| p.code().to_string());
    let of = origin.map(|p| format!(" from {}", p.default_label())).unwrap_or_default();
    let with_origin = |mut v: Vec<(&'static str, String)>| {
        if let Some(o) = &focus {
            v.push(("origin", o.clone()));
        }
        v
    };
    let mut out = Vec::new();

    // 1. Time series.
    let t = published("series", &with_origin(vec![("measure", "refugees,asylum_seekers".into()), ("from", first.to_string()), ("to", last.to_string())])).await?;
    let (y, r, a) = (t.column("year"), t.column("refugees"), t.column("asylum_seekers"));
    let mut lines = Vec::new();
    if let (Some(y), Some(r), Some(a)) = (y, r, a) {
        for (label, c) in [("Refugees", r), ("Asylum-seekers", a)] {
            let points = t.rows.iter().filter_map(|row| int(&row[y]).map(|yr| (yr as i32, num(&row[c])))).collect();
            lines.push(Series { label: label.into(), points });
        }
    }
    let title = format!("Refugees and asylum-seekers{of}, {first}–{last}");
    let svg = chart::time_series("series", &title, &format!("Line chart of the number of refugees and of asylum-seekers{of} at the end of each year from {first} to {last}, from UNHCR's data; the table below gives every figure."), &lines);
    out.push(section(title, svg, &t, |_| true));

    // 2. Ranking over years.
    let from = last.saturating_sub(9);
    let t = published("top", &[("measure", "refugees".into()), ("side", "origin".into()), ("n", "10".into()), ("from", from.to_string()), ("to", last.to_string())]).await?;
    let (y, k, c, n) = (t.column("year"), t.column("rank"), t.column("origin"), t.column("origin_name"));
    let mut by: BTreeMap<String, (String, Vec<YearRank>)> = BTreeMap::new();
    if let (Some(y), Some(k), Some(c), Some(n)) = (y, k, c, n) {
        for row in &t.rows {
            if let (Some(yr), Some(rank)) = (int(&row[y]), int(&row[k])) {
                let e = by.entry(row[c].render()).or_insert_with(|| (row[n].render(), Vec::new()));
                e.1.push((yr as i32, Some(rank as u32)));
            }
        }
    }
    let mut rankings: Vec<Ranking> = by
        .into_values()
        .map(|(label, got)| Ranking { label, ranks: (from as i32..=last as i32).map(|yr| (yr, got.iter().find(|g| g.0 == yr).and_then(|g| g.1))).collect() })
        .collect();
    rankings.sort_by_key(|r| (r.ranks.last().and_then(|x| x.1).unwrap_or(99), r.label.clone()));
    let title = format!("Top 10 countries of origin of refugees, {from}–{last}");
    let svg = chart::bump("bump", &title, &format!("Bump chart: the rank of each country among the ten largest countries of origin of refugees in each year from {from} to {last}; rank 1 is at the top. The table below lists {last}."), &rankings, 10);
    let yc = t.column("year");
    out.push(section(title, svg, &t, |row| yc.and_then(|y| int(&row[y])) == Some(last as i64)));

    // 3. Pyramid.
    let t = published("pyramid", &with_origin(vec![("pop_type", "REF".into())])).await?;
    let (b, f, m) = (t.column("age_bracket"), t.column("female"), t.column("male"));
    let mut brackets = Vec::new();
    if let (Some(b), Some(f), Some(m)) = (b, f, m) {
        for row in &t.rows {
            let label = row[b].render();
            if matches!(row[b], Cell::Text(_)) && label != "unknown" {
                brackets.push(Bracket { label, female: num(&row[f]), male: num(&row[m]) });
            }
        }
    }
    let title = format!("Refugees{of} by age and sex ({})", t.title.trim_start_matches("Population pyramid ").split(' ').next().unwrap_or(""));
    let svg = chart::pyramid("pyramid", &title, "Population pyramid by UNHCR age brackets (0-4, 5-11, 12-17, 18-59, 60+): males to the left, females to the right, youngest at the bottom; bars show counts and shares of the total. The table below gives every figure.", &brackets);
    out.push(section(title, svg, &t, |_| true));
    Ok(out)
}

async fn statistics(viewer: Option<crate::auth::Principal>, locale: crate::i18n::Locale, Query(p): Query<Params>) -> Response {
    let raw = p.origin.unwrap_or_default();
    let (origin, mut error) = match raw.trim() {
        "" => (None, String::new()),
        s => match Place::parse(s) {
            Ok(pl) => (Some(pl), String::new()),
            Err(e) => (None, e),
        },
    };
    let sections = match build(origin).await {
        Ok(s) => s,
        Err(e) => {
            error = format!("The statistics could not be computed: {e}");
            Vec::new()
        }
    };
    let status = if sections.is_empty() && origin.is_none() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    let page = StatisticsPage { chrome: viewer.as_ref().map(crate::pages::Chrome::of).unwrap_or_else(|| crate::pages::Chrome::anonymous(locale)), origin: origin.map(|o| o.code().to_string()).unwrap_or_default(), error, sections };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "statistics page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
