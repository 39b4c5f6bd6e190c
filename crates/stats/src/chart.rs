//! Charts as accessible SVG: a time series, a ranking over years (bump chart) and a population pyramid
//! by UNHCR's age brackets.
//!
//! Every chart is one `<svg role="img">` with a `<title>` and a `<desc>` (named by `aria-labelledby`),
//! text labels for its axes and its lines or bars, no external font (generic `sans-serif`), no script
//! and no external reference. The drawing is always left-to-right (`direction="ltr"` on the root, so time
//! runs the same way in a right-to-left page); labels keep their own script's direction. Values that are
//! not published (suppressed, not reported) are gaps, never zeros. Pure functions: data in, text out.

use std::fmt::Write;

const W: f64 = 720.0;
const H: f64 = 380.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;

/// Colours that stay distinguishable for common colour-vision deficiencies (Okabe–Ito), cycled.
pub const PALETTE: [&str; 8] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => o.push(c),
        }
    }
    o
}

/// Maps a value range linearly onto a pixel range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// From the domain `d0..d1` to the range `r0..r1` (a degenerate domain maps to the middle).
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        Self { d0, d1, r0, r1 }
    }
    /// The pixel position of `v`.
    pub fn map(&self, v: f64) -> f64 {
        if (self.d1 - self.d0).abs() < f64::EPSILON {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// A "nice" upper bound for an axis (1, 2, 2.5 or 5 × a power of ten) and its tick step.
pub fn nice_max(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 0.25);
    }
    let p = 10f64.powf(max.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= max {
            return (m * p, m * p / 4.0);
        }
    }
    (10.0 * p, 2.5 * p)
}

/// A number with thousands separators, or in millions / thousands when large.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

fn open(id: &str, title: &str, desc: &str, out: &mut String) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" direction="ltr" font-family="sans-serif" font-size="12" class="chart"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, s: &str) {
    let _ = write!(out, r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">{}</text>"#, esc(s));
}

/// One line of a time series: a label and `(year, value)` points; `None` is a gap (not published).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points in year order.
    pub points: Vec<(i32, Option<f64>)>,
}

/// A line chart of values over years, one line per series, labelled at its last point.
pub fn time_series(id: &str, title: &str, desc: &str, series: &[Series]) -> String {
    let mut out = String::new();
    open(id, title, desc, &mut out);
    let years: Vec<i32> = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
    let (y0, y1) = (years.iter().copied().min().unwrap_or(0), years.iter().copied().max().unwrap_or(0));
    let max = series.iter().flat_map(|s| s.points.iter().filter_map(|p| p.1)).fold(0.0, f64::max);
    let (top, step) = nice_max(max);
    let x = Scale::new(y0 as f64, y1 as f64, LEFT, W - RIGHT);
    let y = Scale::new(0.0, top, H - BOTTOM, TOP);
    axes(&mut out, &x, &y, y0, y1, top, step);
    for (i, s) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let _ = write!(out, r#"<g class="series" stroke="{colour}" fill="none" stroke-width="2"><title>{}</title>"#, esc(&s.label));
        for run in s.points.split(|p| p.1.is_none()).filter(|r| !r.is_empty()) {
            let pts: Vec<String> = run.iter().map(|(yr, v)| format!("{:.1},{:.1}", x.map(*yr as f64), y.map(v.unwrap_or(0.0)))).collect();
            let _ = write!(out, r#"<polyline points="{}"/>"#, pts.join(" "));
        }
        out.push_str("</g>");
        if let Some((yr, Some(v))) = s.points.iter().rev().find(|p| p.1.is_some()) {
            let _ = write!(out, r#"<g fill="{colour}">"#);
            text(&mut out, x.map(*yr as f64) + 6.0, y.map(*v) + 4.0, "start", &format!("{} {}", s.label, short_number(*v)));
            out.push_str("</g>");
        }
    }
    out.push_str("</svg>");
    out
}

fn axes(out: &mut String, x: &Scale, y: &Scale, y0: i32, y1: i32, top: f64, step: f64) {
    out.push_str(r##"<g class="axes" stroke="#555" fill="#333">"##);
    let _ = write!(out, r#"<line x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#, H - BOTTOM, W - RIGHT, H - BOTTOM);
    let _ = write!(out, r#"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{:.1}"/>"#, H - BOTTOM);
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let py = y.map(v);
        let _ = write!(out, r##"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#ddd"/>"##, W - RIGHT);
        out.push_str(r#"<g stroke="none">"#);
        text(out, LEFT - 6.0, py + 4.0, "end", &short_number(v));
        out.push_str("</g>");
        v += step;
    }
    let span = (y1 - y0).max(1);
    let every = [1, 2, 5, 10, 20, 25, 50].into_iter().find(|e| span / e <= 10).unwrap_or(100);
    out.push_str(r#"<g stroke="none">"#);
    for yr in (y0..=y1).filter(|yr| (yr - y0) % every == 0 || *yr == y1) {
        text(out, x.map(yr as f64), H - BOTTOM + 16.0, "middle", &yr.to_string());
    }
    out.push_str("</g></g>");
}

/// One line of a bump chart: a label and its rank per year (`None`: not in the ranking that year).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Label (country name).
    pub label: String,
    /// `(year, rank)`; rank 1 is the top.
    pub ranks: Vec<(i32, Option<u32>)>,
}

/// A bump chart: rank (1 at the top, `depth` at the bottom) over years, one line per label, with a dot
/// and the rank number at each year and the label at the line's last point.
pub fn bump(id: &str, title: &str, desc: &str, rankings: &[Ranking], depth: u32) -> String {
    let mut out = String::new();
    open(id, title, desc, &mut out);
    let years: Vec<i32> = rankings.iter().flat_map(|r| r.ranks.iter().map(|p| p.0)).collect();
    let (y0, y1) = (years.iter().copied().min().unwrap_or(0), years.iter().copied().max().unwrap_or(0));
    let depth = depth.max(1);
    let x = Scale::new(y0 as f64, y1 as f64, LEFT, W - RIGHT);
    let y = Scale::new(1.0, depth as f64, TOP + 8.0, H - BOTTOM - 8.0);
    out.push_str(r##"<g class="axes" fill="#333">"##);
    for r in 1..=depth {
        text(&mut out, LEFT - 20.0, y.map(r as f64) + 4.0, "end", &format!("#{r}"));
    }
    for yr in y0..=y1 {
        if (yr - y0) % ((y1 - y0) / 10 + 1) == 0 || yr == y1 {
            text(&mut out, x.map(yr as f64), H - 8.0, "middle", &yr.to_string());
        }
    }
    out.push_str("</g>");
    for (i, r) in rankings.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let _ = write!(out, r#"<g class="ranking" stroke="{colour}" fill="{colour}"><title>{}</title>"#, esc(&r.label));
        let inside = |p: &(i32, Option<u32>)| p.1.filter(|k| *k <= depth);
        for run in r.ranks.split(|p| inside(p).is_none()).filter(|s| !s.is_empty()) {
            let pts: Vec<String> = run.iter().map(|p| format!("{:.1},{:.1}", x.map(p.0 as f64), y.map(inside(p).unwrap_or(depth) as f64))).collect();
            let _ = write!(out, r#"<polyline fill="none" stroke-width="2.5" points="{}"/>"#, pts.join(" "));
        }
        for p in r.ranks.iter().filter(|p| inside(p).is_some()) {
            let k = inside(p).unwrap_or(depth);
            let _ = write!(out, r#"<circle cx="{:.1}" cy="{:.1}" r="4"><title>{} {}: #{k}</title></circle>"#, x.map(p.0 as f64), y.map(k as f64), esc(&r.label), p.0);
        }
        if let Some(p) = r.ranks.iter().rev().find(|p| inside(p).is_some()) {
            out.push_str(r#"<g stroke="none">"#);
            text(&mut out, x.map(p.0 as f64) + 8.0, y.map(inside(p).unwrap_or(depth) as f64) + 4.0, "start", &r.label);
            out.push_str("</g>");
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// One age bracket of a pyramid: label, female and male counts (`None`: not published).
#[derive(Debug, Clone, PartialEq)]
pub struct Bracket {
    /// The bracket ("0-4", …, "60+").
    pub label: String,
    /// Females.
    pub female: Option<f64>,
    /// Males.
    pub male: Option<f64>,
}

/// A population pyramid: youngest bracket at the bottom, males to the left and females to the right of
/// the centre, each bar's length proportional to its share of the total, labelled with its count and share.
pub fn pyramid(id: &str, title: &str, desc: &str, brackets: &[Bracket]) -> String {
    let mut out = String::new();
    open(id, title, desc, &mut out);
    let total: f64 = brackets.iter().map(|b| b.female.unwrap_or(0.0) + b.male.unwrap_or(0.0)).sum();
    let max = brackets.iter().flat_map(|b| [b.female, b.male]).flatten().fold(0.0, f64::max);
    let mid = W / 2.0;
    let half = W / 2.0 - 110.0;
    let len = Scale::new(0.0, max.max(1.0), 0.0, half);
    let n = brackets.len().max(1) as f64;
    let row = (H - TOP - BOTTOM) / n;
    out.push_str(r##"<g fill="#333">"##);
    text(&mut out, mid - 40.0, H - 12.0, "end", "Males");
    text(&mut out, mid + 40.0, H - 12.0, "start", "Females");
    out.push_str("</g>");
    for (i, b) in brackets.iter().enumerate() {
        let yb = H - BOTTOM - (i as f64 + 1.0) * row;
        let h = row * 0.8;
        let cy = yb + h / 2.0 + 4.0;
        let _ = write!(out, r#"<g class="bracket"><title>{}</title>"#, esc(&b.label));
        text(&mut out, mid, cy, "middle", &b.label);
        for (v, left, colour) in [(b.male, true, PALETTE[0]), (b.female, false, PALETTE[1])] {
            match v {
                Some(v) => {
                    let w = len.map(v);
                    let x0 = if left { mid - 30.0 - w } else { mid + 30.0 };
                    let share = if total > 0.0 { v / total * 100.0 } else { 0.0 };
                    let _ = write!(out, r#"<rect x="{x0:.1}" y="{yb:.1}" width="{w:.1}" height="{h:.1}" fill="{colour}"/>"#);
                    let (tx, anchor) = if left { (x0 - 4.0, "end") } else { (x0 + w + 4.0, "start") };
                    text(&mut out, tx, cy, anchor, &format!("{} ({share:.1}%)", short_number(v)));
                }
                None => {
                    let (tx, anchor) = if left { (mid - 34.0, "end") } else { (mid + 34.0, "start") };
                    text(&mut out, tx, cy, anchor, "not published");
                }
            }
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A strict check that `s` is well-formed XML as these charts write it: balanced, properly nested
    /// elements, quoted attributes, no stray `<` or `&`. Returns the element names in document order.
    pub fn well_formed(s: &str) -> Result<Vec<String>, String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'<' => {
                    let end = s[i..].find('>').ok_or("unclosed tag")? + i;
                    let tag = &s[i + 1..end];
                    if let Some(name) = tag.strip_prefix('/') {
                        let open = stack.pop().ok_or(format!("</{name}> closes nothing"))?;
                        if open != name {
                            return Err(format!("</{name}> closes <{open}>"));
                        }
                    } else {
                        let self_closing = tag.ends_with('/');
                        let body = tag.trim_end_matches('/');
                        let name = body.split_whitespace().next().ok_or("empty tag")?.to_string();
                        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':') {
                            return Err(format!("bad element name {name:?}"));
                        }
                        // Attributes: name="value" pairs with no < inside values.
                        let mut rest = body[name.len()..].trim();
                        while !rest.is_empty() {
                            let eq = rest.find("=\"").ok_or(format!("unquoted attribute in <{name}>: {rest}"))?;
                            let close = rest[eq + 2..].find('"').ok_or("unterminated attribute")? + eq + 2;
                            if rest[eq + 2..close].contains('<') {
                                return Err("< in an attribute".into());
                            }
                            rest = rest[close + 1..].trim();
                        }
                        names.push(name.clone());
                        if !self_closing {
                            stack.push(name);
                        }
                    }
                    i = end + 1;
                }
                b'&' => {
                    let end = s[i..].find(';').ok_or("bare &")? + i;
                    if !["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(&&s[i..=end]) {
                        return Err(format!("unknown entity {}", &s[i..=end]));
                    }
                    i = end + 1;
                }
                _ => i += 1,
            }
        }
        if let Some(open) = stack.pop() {
            return Err(format!("<{open}> is never closed"));
        }
        Ok(names)
    }

    fn attr<'a>(s: &'a str, el: &str, name: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(p) = rest.find(&format!("<{el} ")) {
            let tag = &rest[p..rest[p..].find('>').map(|e| p + e).unwrap_or(rest.len())];
            if let Some(a) = tag.find(&format!(" {name}=\"")) {
                let v = &tag[a + name.len() + 3..];
                out.push(&v[..v.find('"').unwrap_or(0)]);
            }
            rest = &rest[p + 1..];
        }
        out
    }

    fn accessible(svg: &str, title: &str) {
        let names = well_formed(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert_eq!(names[0], "svg");
        assert_eq!(names[1], "title");
        assert_eq!(names[2], "desc");
        assert!(svg.contains(&format!("<title id=\"c-t\">{}</title>", esc(title))));
        assert!(svg.contains(r#"role="img""#) && svg.contains(r#"aria-labelledby="c-t c-d""#));
        assert!(svg.contains(r#"direction="ltr""#));
        for forbidden in ["<script", "href", "@import", "url(", "font-face"] {
            assert!(!svg.contains(forbidden), "{forbidden}");
        }
    }

    fn points(s: &str) -> Vec<(f64, f64)> {
        s.split(' ')
            .filter_map(|p| p.split_once(','))
            .map(|(x, y)| (x.parse().unwrap_or(f64::NAN), y.parse().unwrap_or(f64::NAN)))
            .collect()
    }

    #[test]
    fn time_series_maps_values_to_geometry() {
        let s = Series { label: "Refugees <SYR & AFG>".into(), points: vec![(2000, Some(0.0)), (2001, Some(50.0)), (2002, None), (2003, Some(100.0))] };
        let svg = time_series("c", "Refugees by year", "Two lines", &[s]);
        accessible(&svg, "Refugees by year");
        assert!(svg.contains("Refugees &lt;SYR &amp; AFG&gt;"));
        let lines = attr(&svg, "polyline", "points");
        assert_eq!(lines.len(), 2, "a gap splits the line: {lines:?}");
        let a = points(lines[0]);
        let b = points(lines[1]);
        // 2000 at the left edge of the plot, 2003 at the right; 0 on the baseline, 100 at the top (nice max 100).
        assert_eq!(a[0], (LEFT, H - BOTTOM));
        assert_eq!(b[0], (W - RIGHT, TOP));
        // 50 is half-way up, 2001 a third of the way across.
        assert!((a[1].1 - (H - BOTTOM + TOP) / 2.0).abs() < 0.06, "{a:?}");
        assert!((a[1].0 - (LEFT + (W - RIGHT - LEFT) / 3.0)).abs() < 0.06, "{a:?}");
    }

    #[test]
    fn bump_chart_puts_rank_one_on_top_and_breaks_outside_the_ranking() {
        let r = vec![
            Ranking { label: "Syria".into(), ranks: vec![(2020, Some(1)), (2021, Some(2)), (2022, Some(1))] },
            Ranking { label: "China".into(), ranks: vec![(2020, Some(3)), (2021, Some(12)), (2022, Some(3))] },
        ];
        let svg = bump("c", "Top origins", "Ranks", &r, 10);
        accessible(&svg, "Top origins");
        let lines = attr(&svg, "polyline", "points");
        assert_eq!(lines.len(), 3, "China leaves the top 10 in 2021: {lines:?}");
        let syria = points(lines[0]);
        assert_eq!(syria[0].1, TOP + 8.0);
        assert!((syria[1].1 - Scale::new(1.0, 10.0, TOP + 8.0, H - BOTTOM - 8.0).map(2.0)).abs() < 0.06, "{syria:?}");
        assert_eq!(attr(&svg, "circle", "cx").len(), 5);
        assert!(svg.contains(">#10<"));
    }

    #[test]
    fn pyramid_bars_are_proportional_and_unpublished_cells_are_said() {
        let b = vec![
            Bracket { label: "0-4".into(), female: Some(100.0), male: Some(50.0) },
            Bracket { label: "5-11".into(), female: None, male: Some(25.0) },
            Bracket { label: "60+".into(), female: Some(10.0), male: Some(0.0) },
        ];
        let svg = pyramid("c", "Pyramid", "By age and sex", &b);
        accessible(&svg, "Pyramid");
        let widths: Vec<f64> = attr(&svg, "rect", "width").iter().map(|w| w.parse().unwrap_or(f64::NAN)).collect();
        assert_eq!(widths.len(), 5);
        let full = W / 2.0 - 110.0;
        assert_eq!(widths[1], full, "the largest bar has full length");
        assert!((widths[0] - full / 2.0).abs() < 0.06 && (widths[2] - full / 4.0).abs() < 0.06, "{widths:?}");
        assert!(svg.contains("not published"));
        assert!(svg.contains("(54.1%)"), "100 of 185"); // shares of the total
        // Youngest at the bottom.
        let ys: Vec<f64> = attr(&svg, "rect", "y").iter().map(|w| w.parse().unwrap_or(f64::NAN)).collect();
        assert!(ys[0] > ys[ys.len() - 1]);
    }

    #[test]
    fn checker_rejects_broken_xml() {
        assert!(well_formed("<svg><g></svg>").is_err());
        assert!(well_formed("<svg a=b></svg>").is_err());
        assert!(well_formed("<svg>&</svg>").is_err());
        assert!(well_formed("<svg><title>x</title></svg>").is_ok());
        assert_eq!(nice_max(73.0), (100.0, 25.0));
        assert_eq!(nice_max(2_100_000.0).0, 2_500_000.0);
        assert_eq!(short_number(6_543_210.0), "6.5M");
    }
}
