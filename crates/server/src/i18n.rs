//! The interface's languages: Fluent message files under `locales/`, one per language, compiled
//! into the binary; the user's choice in the `nansen_lang` cookie (else the browser's
//! `Accept-Language`, else English); dates and numbers written the way each language writes them.
//!
//! Templates ask for text with `{{ chrome.t("key") }}`. A key missing from a language falls back
//! to English, and the tests check that every key used by a template or handler exists in every
//! language, so the fallback is a safety net rather than a habit.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// The cookie that keeps the user's language.
pub const LANG_COOKIE: &str = "nansen_lang";

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// English (the fallback).
    #[default]
    En,
    /// French.
    Fr,
    /// Arabic (written right to left).
    Ar,
    /// Spanish.
    Es,
    /// Chinese (simplified).
    Zh,
    /// Korean.
    Ko,
}

impl Locale {
    /// Every language, in the order the language menu lists them.
    pub const ALL: [Locale; 6] = [Locale::En, Locale::Fr, Locale::Ar, Locale::Es, Locale::Zh, Locale::Ko];

    /// BCP 47 code (`lang` attribute, cookie value).
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
            Locale::Ar => "ar",
            Locale::Es => "es",
            Locale::Zh => "zh",
            Locale::Ko => "ko",
        }
    }

    /// The language's name in itself, as the language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fr => "Français",
            Locale::Ar => "العربية",
            Locale::Es => "Español",
            Locale::Zh => "中文",
            Locale::Ko => "한국어",
        }
    }

    /// Writing direction (`dir` attribute).
    pub fn dir(self) -> &'static str {
        if self == Locale::Ar {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The language of a tag such as `fr`, `fr-CA` or `zh-Hans-CN`; `None` when Nansen does not
    /// speak it.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The language of a request: the cookie, else the best `Accept-Language` entry Nansen
    /// speaks, else English.
    pub fn of_request(headers: &HeaderMap) -> Locale {
        if let Some(l) = crate::auth::cookie(headers, LANG_COOKIE).and_then(Locale::parse) {
            return l;
        }
        let Some(accept) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Locale::En;
        };
        let mut best: Option<(f32, Locale)> = None;
        for part in accept.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or_default();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Locale::parse(tag) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    fn source(self) -> &'static str {
        match self {
            Locale::En => include_str!(concat!(env!("OUT_DIR"), "/en.ftl")),
            Locale::Fr => include_str!(concat!(env!("OUT_DIR"), "/fr.ftl")),
            Locale::Ar => include_str!(concat!(env!("OUT_DIR"), "/ar.ftl")),
            Locale::Es => include_str!(concat!(env!("OUT_DIR"), "/es.ftl")),
            Locale::Zh => include_str!(concat!(env!("OUT_DIR"), "/zh.ftl")),
            Locale::Ko => include_str!(concat!(env!("OUT_DIR"), "/ko.ftl")),
        }
    }

    fn index(self) -> usize {
        Locale::ALL.iter().position(|l| *l == self).unwrap_or(0)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Locale::of_request(&parts.headers))
    }
}

type Bundle = FluentBundle<FluentResource>;

/// Parses every message file once. A syntax error in a file is a build defect that the tests
/// catch; at run time the messages that did parse are still served.
fn bundles() -> &'static [Bundle] {
    static B: OnceLock<Vec<Bundle>> = OnceLock::new();
    B.get_or_init(|| {
        Locale::ALL
            .into_iter()
            .map(|l| {
                let res = match FluentResource::try_new(l.source().to_string()) {
                    Ok(r) => r,
                    Err((r, errors)) => {
                        tracing::error!(lang = l.code(), ?errors, "message file has errors");
                        r
                    }
                };
                let lang: unic_langid::LanguageIdentifier = l.code().parse().unwrap_or_default();
                let mut b = FluentBundle::new_concurrent(vec![lang]);
                // Pages are HTML: user data is wrapped in <bdi> by the templates, so the Unicode
                // isolation marks Fluent would add are not needed (and would break copy-paste).
                b.set_use_isolating(false);
                if let Err(errors) = b.add_resource(res) {
                    tracing::error!(lang = l.code(), ?errors, "message file has duplicate keys");
                }
                b
            })
            .collect()
    })
}

/// Translates for one language. Cheap to copy; templates reach it through the page's chrome.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    /// The language.
    pub locale: Locale,
}

impl Tr {
    /// A translator for `locale`.
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let bundle = &bundles()[self.locale.index()];
        let msg = bundle.get_message(key)?;
        let pattern = msg.value()?;
        let mut errors = Vec::new();
        let s = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, lang = self.locale.code(), ?errors, "message formatted with errors");
        }
        Some(s.into_owned())
    }

    fn lookup(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        self.format(key, args)
            .or_else(|| Tr::new(Locale::En).format(key, args))
            .unwrap_or_else(|| {
                tracing::warn!(key, "no message for this key in any language");
                key.to_string()
            })
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        self.lookup(key, None)
    }

    /// The text of `key` with one argument (e.g. `{ $count }`).
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        let mut args = FluentArgs::new();
        let v = value.to_string();
        match v.parse::<f64>() {
            Ok(n) => args.set(name.to_string(), FluentValue::from(n)),
            Err(_) => args.set(name.to_string(), FluentValue::from(v)),
        }
        self.lookup(key, Some(&args))
    }

    /// The text of `key` with named arguments.
    pub fn tn(&self, key: &str, values: &[(&str, String)]) -> String {
        let mut args = FluentArgs::new();
        for (k, v) in values {
            args.set(k.to_string(), FluentValue::from(v.clone()));
        }
        self.lookup(key, Some(&args))
    }

    /// A whole number with the language's digit grouping (12,345 · 12 345 · 12.345).
    pub fn number(&self, n: i64) -> String {
        let sep = match self.locale {
            Locale::Fr => "\u{202f}",
            Locale::Es => ".",
            _ => ",",
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            // `%` rather than `is_multiple_of`: the workspace supports Rust 1.85.
            #[allow(clippy::manual_is_multiple_of)]
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(sep);
            }
            out.push(c);
        }
        if n < 0 {
            format!("-{out}")
        } else {
            out
        }
    }

    /// A calendar date in the language's order and month names.
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        self.date_parts(Some(d.day()), Some(d.month()), d.year())
    }

    /// A date that may lack its day or month (registration often knows only the year).
    pub fn date_parts(&self, day: Option<u32>, month: Option<u32>, year: i32) -> String {
        let mut v = vec![("year", year.to_string())];
        let key = match (day, month) {
            (Some(d), Some(m)) => {
                v.push(("day", d.to_string()));
                v.push(("monthnum", m.to_string()));
                v.push(("month", self.t(&format!("month-{m}"))));
                "date-full"
            }
            (None, Some(m)) => {
                v.push(("monthnum", m.to_string()));
                v.push(("month", self.t(&format!("month-{m}"))));
                "date-month"
            }
            _ => "date-year",
        };
        self.tn(key, &v)
    }

    /// A moment, to the minute, in UTC (field offices span time zones; UTC is what the record
    /// keeps and what colleagues elsewhere see).
    pub fn datetime(&self, at: DateTime<Utc>) -> String {
        format!("{} {} UTC", self.date(at.date_naive()), at.format("%H:%M"))
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct SetLanguage {
    set: String,
}

/// `GET /language?set=fr`: keeps the choice in a cookie and goes back to the page it came from
/// (only a path on this server, never another site).
pub(crate) async fn set_language(Query(q): Query<SetLanguage>, headers: HeaderMap) -> Response {
    let Some(l) = Locale::parse(&q.set) else {
        return (StatusCode::BAD_REQUEST, "unknown language: choose one of en, fr, ar, es, zh, ko").into_response();
    };
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(local_path)
        .unwrap_or_else(|| "/".to_string());
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", l.code());
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// The path and query of a URL, when it is a plain path on this server.
fn local_path(url: &str) -> Option<String> {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            &after[after.find('/')?..]
        }
        None => url,
    };
    let ok = rest.starts_with('/')
        && !rest.starts_with("//")
        && !rest.contains('\\')
        && !rest.chars().any(|c| c.is_control())
        && !rest.starts_with("/language");
    ok.then(|| rest.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_message_file_parses_and_has_the_same_keys() {
        let keys = |l: Locale| -> std::collections::BTreeSet<String> {
            let res = FluentResource::try_new(l.source().to_string())
                .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", l.code()));
            res.entries()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                    _ => None,
                })
                .collect()
        };
        let en = keys(Locale::En);
        assert!(en.len() > 20);
        for l in Locale::ALL {
            let k = keys(l);
            let missing: Vec<_> = en.difference(&k).collect();
            let extra: Vec<_> = k.difference(&en).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", l.code());
            assert!(extra.is_empty(), "{} has keys English lacks: {extra:?}", l.code());
        }
    }

    #[test]
    fn every_key_the_code_uses_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for sub in ["templates", "src"] {
            for e in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
                files.push(e.path());
            }
        }
        let en = Tr::new(Locale::En);
        let mut used = 0;
        for f in files {
            // This file names keys only as examples.
            if f.ends_with("i18n.rs") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&f) else { continue };
            for pat in [".t(\"", ".t1(\"", ".tn(\""] {
                for (i, _) in text.match_indices(pat) {
                    let rest = &text[i + pat.len()..];
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    if key.is_empty() || key.contains('{') || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                        continue;
                    }
                    used += 1;
                    assert!(en.format(key, None).is_some() || key.starts_with("month-"), "{}: no message {key:?}", f.display());
                }
            }
        }
        assert!(used > 20, "only {used} keys found: is the scan broken?");
    }

    #[test]
    fn languages_are_chosen_by_cookie_then_accept_language() {
        let mut h = HeaderMap::new();
        assert_eq!(Locale::of_request(&h), Locale::En);
        h.insert(header::ACCEPT_LANGUAGE, "de-DE, fr;q=0.8, ar;q=0.9".parse().unwrap());
        assert_eq!(Locale::of_request(&h), Locale::Ar);
        h.insert(header::COOKIE, "nansen_lang=ko".parse().unwrap());
        assert_eq!(Locale::of_request(&h), Locale::Ko);
        h.insert(header::COOKIE, "nansen_lang=xx".parse().unwrap());
        assert_eq!(Locale::of_request(&h), Locale::Ar);
        assert_eq!(Locale::parse("zh-Hans-CN"), Some(Locale::Zh));
        assert_eq!(Locale::Ar.dir(), "rtl");
        assert_eq!(Locale::Fr.dir(), "ltr");
    }

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(Tr::new(Locale::En).number(1234567), "1,234,567");
        assert_eq!(Tr::new(Locale::Fr).number(-1234), "-1\u{202f}234");
        assert_eq!(Tr::new(Locale::Es).number(999), "999");
        assert_eq!(Tr::new(Locale::En).date(d), "29 November 2026");
        assert_eq!(Tr::new(Locale::Fr).date(d), "29 novembre 2026");
        assert_eq!(Tr::new(Locale::Zh).date(d), "2026年11月29日");
        assert_eq!(Tr::new(Locale::Ko).date(d), "2026년 11월 29일");
        assert_eq!(Tr::new(Locale::Ar).date_parts(None, None, 1990), "1990");
        assert_eq!(Tr::new(Locale::Es).date_parts(None, Some(3), 1990), "marzo de 1990");
    }

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(local_path("http://x:8080/search?name=a"), Some("/search?name=a".into()));
        assert_eq!(local_path("/persons/1"), Some("/persons/1".into()));
        assert_eq!(local_path("//evil.example/"), None);
        assert_eq!(local_path("http://x//evil.example/"), None);
        assert_eq!(local_path("/\\evil"), None);
        assert_eq!(local_path("javascript:alert(1)"), None);
    }
}
