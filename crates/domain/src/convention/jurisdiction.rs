//! Jurisdictions: which refugee instruments bind a country of asylum, and who determines status there.
//!
//! The treaty status comes from the United Nations Treaty Collection record embedded at compile time
//! (`crates/domain/data/treaty_parties.csv`, see the README next to it). Regional instruments,
//! complementary protection and the determining authority are hand-written defaults below, each with its
//! source and its uncertainty. Every profile is plain data: a deployment may load, edit and store its own
//! profile, and check it with [`JurisdictionProfile::validate`].

use crate::country::Iso3;
use crate::error::{ParseError, ValidationErrors};
use crate::operation::DeterminingAuthority;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The UN Treaty Collection record of States parties (UTF-8 CSV with a header row), compiled into the crate.
pub const TREATY_PARTIES_CSV: &str = include_str!("../../data/treaty_parties.csv");

/// The two universal instruments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Convention relating to the Status of Refugees, Geneva, 28 July 1951 (UNTS vol. 189, p. 137).
    #[serde(rename = "convention_1951")]
    Convention1951,
    /// Protocol relating to the Status of Refugees, New York, 31 January 1967 (UNTS vol. 606, p. 267).
    #[serde(rename = "protocol_1967")]
    Protocol1967,
}

/// How a State became a party, as the depositary records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessionAction {
    /// Ratification after signature (Convention Art. 39(2)). The Protocol had no signature stage.
    Ratification,
    /// Accession (Convention Art. 39(3); Protocol Art. V).
    Accession,
    /// Succession by a new State to its predecessor's obligations (UNTC "d").
    Succession,
}

/// A State's instrument of ratification, accession or succession to one treaty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TreatyAccession {
    /// Date of deposit with the UN Secretary-General; for a succession, the date the succession was notified.
    pub date: NaiveDate,
    /// Ratification, accession or succession.
    pub action: AccessionAction,
    /// True if UNTC records a reservation or declaration by this State to this instrument (the reservations
    /// section only; section-B and territorial declarations are not in the record).
    #[serde(default)]
    pub reservations: bool,
}

/// When an instrument became binding on a State.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EntryIntoForce {
    /// In force for the State from this date.
    On {
        /// The first day the instrument binds the State.
        date: NaiveDate,
    },
    /// The State succeeded to its predecessor's obligations. It is usually treated as bound from its
    /// independence, which the record does not hold; `notified_on` is only the date the succession was
    /// notified and must not be read as the date of entry into force.
    BySuccession {
        /// Date the succession was notified to the depositary.
        notified_on: NaiveDate,
    },
}

/// The date the 1951 Convention entered into force: the 90th day after the sixth instrument (Art. 43(1)).
pub fn convention_in_force() -> NaiveDate {
    NaiveDate::from_ymd_opt(1954, 4, 22).unwrap_or(NaiveDate::MIN)
}

/// The date the sixth instrument of ratification or accession to the Convention was deposited (Australia).
fn convention_sixth_instrument() -> NaiveDate {
    NaiveDate::from_ymd_opt(1954, 1, 22).unwrap_or(NaiveDate::MIN)
}

/// The date the 1967 Protocol entered into force: deposit of the sixth instrument of accession (Art. VIII(1)).
pub fn protocol_in_force() -> NaiveDate {
    NaiveDate::from_ymd_opt(1967, 10, 4).unwrap_or(NaiveDate::MIN)
}

impl TreatyAccession {
    /// When `instrument` entered into force for the State.
    ///
    /// * Convention: the 90th day after deposit (Art. 43(2)); for the six instruments deposited before the
    ///   Convention itself entered into force, 22 April 1954 (Art. 43(1)).
    /// * Protocol: the date of deposit (Art. VIII(2)); for the first six, 4 October 1967 (Art. VIII(1)).
    /// * Succession: see [`EntryIntoForce::BySuccession`]; no date is invented.
    pub fn entry_into_force(&self, instrument: Instrument) -> EntryIntoForce {
        if self.action == AccessionAction::Succession {
            return EntryIntoForce::BySuccession { notified_on: self.date };
        }
        let date = match instrument {
            Instrument::Convention1951 => {
                if self.date <= convention_sixth_instrument() {
                    convention_in_force()
                } else {
                    self.date.checked_add_days(Days::new(90)).unwrap_or(NaiveDate::MAX)
                }
            }
            Instrument::Protocol1967 => self.date.max(protocol_in_force()),
        };
        EntryIntoForce::On { date }
    }

    /// True if the instrument binds the State on `day`. A succession counts as binding (the State is bound
    /// from independence at the latest when it notified the succession).
    pub fn in_force_on(&self, instrument: Instrument, day: NaiveDate) -> bool {
        match self.entry_into_force(instrument) {
            EntryIntoForce::On { date } => day >= date,
            EntryIntoForce::BySuccession { notified_on } => day >= notified_on,
        }
    }
}

/// A regional refugee instrument with a broader refugee definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegionalInstrument {
    /// 1969 OAU Convention Governing the Specific Aspects of Refugee Problems in Africa, Art. I(2):
    /// "external aggression, occupation, foreign domination or events seriously disturbing public order
    /// in either part or the whole of his country of origin or nationality".
    #[serde(rename = "oau_convention_1969")]
    OauConvention1969,
    /// 1984 Cartagena Declaration on Refugees, conclusion III(3): lives, safety or freedom threatened by
    /// "generalized violence, foreign aggression, internal conflicts, massive violation of human rights or
    /// other circumstances which have seriously disturbed public order". A declaration, binding only where
    /// national law incorporates it.
    #[serde(rename = "cartagena_declaration_1984")]
    CartagenaDeclaration1984,
}

/// What the system knows about a country of asylum. Plain data: edit it for a deployment, then
/// [`validate`](JurisdictionProfile::validate) it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JurisdictionProfile {
    /// The country of asylum.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub country: Iso3,
    /// Party to the 1951 Convention, if it is.
    pub convention_party: Option<TreatyAccession>,
    /// Party to the 1967 Protocol, if it is.
    pub protocol_party: Option<TreatyAccession>,
    /// True if the State keeps the Art. 1B(1)(a) declaration ("events occurring in Europe"), kept under
    /// Protocol Art. I(3). Today: Congo, Madagascar, Monaco and Türkiye.
    pub geographic_limitation: bool,
    /// Regional instruments whose definition the State applies.
    #[serde(default)]
    pub regional: Vec<RegionalInstrument>,
    /// True if national law grants a complementary (subsidiary) protection status to people at real risk of
    /// serious harm who are not refugees. The absolute bars of Art. 3 CAT and Art. 7 ICCPR apply regardless.
    pub complementary_protection: bool,
    /// Who determines refugee status: the State, UNHCR under its mandate, or both jointly.
    pub authority: DeterminingAuthority,
}

impl JurisdictionProfile {
    /// True if the State is bound by the refugee definition of Art. 1A(2), through the Convention, the
    /// Protocol (Art. I(1) of which applies Arts 2-34 of the Convention) or both.
    pub fn is_party(&self) -> bool {
        self.convention_party.is_some() || self.protocol_party.is_some()
    }

    /// True if the State applies `instrument`.
    pub fn applies(&self, instrument: RegionalInstrument) -> bool {
        self.regional.contains(&instrument)
    }

    /// True if the Convention's refugee definition (through either instrument) binds the State on `day`.
    pub fn bound_on(&self, day: NaiveDate) -> bool {
        self.convention_party.is_some_and(|a| a.in_force_on(Instrument::Convention1951, day))
            || self.protocol_party.is_some_and(|a| a.in_force_on(Instrument::Protocol1967, day))
    }

    /// Checks the profile's internal consistency. Every problem is reported with the field and what to do.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let opened = NaiveDate::from_ymd_opt(1951, 7, 28).unwrap_or(NaiveDate::MIN);
        let protocol_opened = NaiveDate::from_ymd_opt(1967, 1, 31).unwrap_or(NaiveDate::MIN);
        if let Some(c) = &self.convention_party {
            if c.date < opened {
                errs.push(
                    "convention_party.date",
                    ParseError::new(
                        "date_before_treaty",
                        format!("{} is before the Convention was adopted (1951-07-28); give the date the instrument was deposited", c.date),
                    ),
                );
            }
        }
        if let Some(p) = &self.protocol_party {
            if p.date < protocol_opened {
                errs.push(
                    "protocol_party.date",
                    ParseError::new(
                        "date_before_treaty",
                        format!("{} is before the Protocol was opened for accession (1967-01-31); give the date the instrument was deposited", p.date),
                    ),
                );
            }
            if p.action == AccessionAction::Ratification {
                errs.push(
                    "protocol_party.action",
                    ParseError::new(
                        "protocol_not_ratified",
                        "the 1967 Protocol had no signature stage and is joined by accession or succession only (Art. V); use accession or succession",
                    ),
                );
            }
        }
        if self.geographic_limitation && self.convention_party.is_none() {
            errs.push(
                "geographic_limitation",
                ParseError::new(
                    "limitation_without_convention",
                    "the geographic limitation is a declaration under Art. 1B(1) of the 1951 Convention, which this profile does not mark as joined; \
                     set convention_party, or set geographic_limitation to false (Protocol Art. I(3) keeps only existing declarations)",
                ),
            );
        }
        let mut seen = Vec::new();
        for (i, r) in self.regional.iter().enumerate() {
            if seen.contains(r) {
                errs.push(
                    format!("regional[{i}]"),
                    ParseError::new("duplicate_instrument", "this regional instrument is listed twice; list it once"),
                );
            }
            seen.push(*r);
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }
}

/// African States parties to the 1969 OAU Refugee Convention (46 States).
///
/// Source: African Union treaty status list as reported in secondary sources ("ratified by 46 of the 55 AU
/// member States") cross-checked against the UN Treaty Collection registration no. 14691 (which lists, e.g.,
/// Mauritius 1972 and Comoros 2004). **Uncertain:** the UNTC registration list is incomplete (it omits Burundi,
/// the DRC and Mauritania, which the AU lists); Morocco ratified in 1974 but left the OAU in 1984 and is not
/// counted here; South Sudan's status is not confirmed and it is not listed. Non-parties include Djibouti,
/// Eritrea, Madagascar, Namibia, São Tomé and Príncipe and Somalia. Edit per deployment.
pub const OAU_CONVENTION_PARTIES: &[&str] = &[
    "AGO", "BDI", "BEN", "BFA", "BWA", "CAF", "CIV", "CMR", "COD", "COG", "COM", "CPV", "DZA", "EGY", "ETH", "GAB", "GHA", "GIN",
    "GMB", "GNB", "GNQ", "KEN", "LBR", "LBY", "LSO", "MLI", "MOZ", "MRT", "MUS", "MWI", "NER", "NGA", "RWA", "SDN", "SEN", "SLE",
    "SWZ", "SYC", "TCD", "TGO", "TUN", "TZA", "UGA", "ZAF", "ZMB", "ZWE",
];

/// Latin American States whose national law incorporates the Cartagena definition (conclusion III(3)).
///
/// Source: UNHCR's compilations of national refugee legislation in the Americas (e.g. the *Brazil Plan of
/// Action* background documents, 2014). Laws: Argentina Ley 26.165 (2006) art. 4(b); Bolivia Ley 251 (2012);
/// Chile Ley 20.430 (2010) art. 2; Colombia Decreto 1067 (2015); Ecuador (Ley Orgánica de Movilidad Humana,
/// 2017; an earlier 2012 decree had removed it); El Salvador Decreto 918 (2002); Guatemala Código de Migración
/// (2016); Honduras Ley de Migración y Extranjería (2003); Mexico Ley sobre Refugiados, Protección Complementaria
/// y Asilo Político (2011) art. 13(II); Nicaragua Ley 655 (2008); Paraguay Ley 1938 (2002); Peru Ley 27.891
/// (2002); Uruguay Ley 18.076 (2006). **Uncertain:** Brazil's Lei 9.474 (1997) art. 1(III) adopts only "grave
/// and generalized violation of human rights", a partial incorporation, listed here because Brazil applies it
/// widely (e.g. to Venezuelans since 2019). Belize's Refugees Act (1991) uses an OAU-style wording and is not
/// listed. Edit per deployment.
pub const CARTAGENA_STATES: &[&str] =
    &["ARG", "BOL", "BRA", "CHL", "COL", "ECU", "GTM", "HND", "MEX", "NIC", "PER", "PRY", "SLV", "URY"];

/// States with a national complementary / subsidiary protection status.
///
/// Source: the 27 EU Member States (subsidiary protection, Qualification Directive 2011/95/EU Art. 15; Denmark,
/// not bound by the Directive, grants "protection status" under its Aliens Act s. 7(2)), the United Kingdom
/// (humanitarian protection), Norway, Switzerland (provisional admission), Canada (IRPA s. 97), Australia
/// (Migration Act s. 36(2)(aa), since 2012), New Zealand (Immigration Act 2009 s. 131), the United States
/// (withholding of removal and CAT deferral: protection from removal rather than a status) and Mexico (2011
/// law, protección complementaria). **Incomplete:** other States (e.g. in Latin America and Africa) grant
/// humanitarian statuses not listed here. Edit per deployment.
pub const COMPLEMENTARY_PROTECTION_STATES: &[&str] = &[
    "AUS", "AUT", "BEL", "BGR", "CAN", "CHE", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC", "HRV", "HUN",
    "IRL", "ITA", "LTU", "LUX", "LVA", "MEX", "MLT", "NLD", "NOR", "NZL", "POL", "PRT", "ROU", "SVK", "SVN", "SWE", "USA",
];

/// The default regional instruments for `country` (from [`OAU_CONVENTION_PARTIES`] and [`CARTAGENA_STATES`]).
pub fn default_regional(country: Iso3) -> Vec<RegionalInstrument> {
    let mut v = Vec::new();
    if OAU_CONVENTION_PARTIES.contains(&country.as_str()) {
        v.push(RegionalInstrument::OauConvention1969);
    }
    if CARTAGENA_STATES.contains(&country.as_str()) {
        v.push(RegionalInstrument::CartagenaDeclaration1984);
    }
    v
}

/// A problem in a treaty-status CSV (the embedded one, or one a deployment supplies).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("treaty data line {line}: {message}")]
pub struct TreatyDataError {
    /// Line number in the file (1 = header).
    pub line: usize,
    /// What was wrong and what to do.
    pub message: String,
}

/// Splits one CSV line (RFC 4180: quoted fields may hold commas and doubled quotes).
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
        } else if c == ',' {
            fields.push(std::mem::take(&mut cur));
            at_start = true;
        } else {
            cur.push(c);
            at_start = false;
        }
    }
    if quoted {
        return Err("a quoted field is not closed; close it with a double quote".into());
    }
    fields.push(cur);
    Ok(fields)
}

const HEADER: &[&str] = &[
    "iso3",
    "name_untc",
    "name_unhcr",
    "convention_signature",
    "convention_date",
    "convention_action",
    "protocol_date",
    "protocol_action",
    "geographic_limitation",
    "convention_reservations",
    "protocol_reservations",
    "notes",
];

/// Parses a treaty-status CSV with the columns of `treaty_parties.csv` into one default profile per row:
/// treaty status from the file, regional instruments and complementary protection from the lists above,
/// authority [`DeterminingAuthority::State`] (a party is expected to run its own procedure; where UNHCR in fact
/// determines status under its mandate, e.g. in several parties in the Middle East, Asia and Africa, edit the
/// profile).
pub fn parse_treaty_parties(csv: &str) -> Result<Vec<JurisdictionProfile>, TreatyDataError> {
    let mut lines = csv.lines().enumerate();
    let header = lines.next().map(|(_, l)| l.trim_end_matches('\r')).unwrap_or("");
    let cols = split_csv_line(header).map_err(|m| TreatyDataError { line: 1, message: m })?;
    if cols != HEADER {
        return Err(TreatyDataError {
            line: 1,
            message: format!("the header must be {:?}; found {:?}", HEADER.join(","), header),
        });
    }
    let mut out = Vec::new();
    for (i, raw) in lines {
        let line = i + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let err = |message: String| TreatyDataError { line, message };
        let f = split_csv_line(raw).map_err(err)?;
        if f.len() != HEADER.len() {
            return Err(err(format!("expected {} fields, found {}; quote fields that contain commas", HEADER.len(), f.len())));
        }
        let country = Iso3::parse(&f[0]).map_err(|e| err(e.message))?;
        let date = |s: &str, col: &str| -> Result<Option<NaiveDate>, TreatyDataError> {
            if s.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| err(format!("{col} {s:?} is not a date; write YYYY-MM-DD or leave it empty")))
        };
        let action = |s: &str, col: &str| -> Result<AccessionAction, TreatyDataError> {
            match s {
                "ratification" => Ok(AccessionAction::Ratification),
                "accession" => Ok(AccessionAction::Accession),
                "succession" => Ok(AccessionAction::Succession),
                _ => Err(err(format!("{col} {s:?} is not ratification, accession or succession"))),
            }
        };
        let flag = |s: &str, col: &str| -> Result<bool, TreatyDataError> {
            match s {
                "true" => Ok(true),
                "false" | "" => Ok(false),
                _ => Err(err(format!("{col} {s:?} is not true or false"))),
            }
        };
        let convention_party = match date(&f[4], "convention_date")? {
            Some(d) => Some(TreatyAccession {
                date: d,
                action: action(&f[5], "convention_action")?,
                reservations: flag(&f[9], "convention_reservations")?,
            }),
            None => None,
        };
        let protocol_party = match date(&f[6], "protocol_date")? {
            Some(d) => Some(TreatyAccession {
                date: d,
                action: action(&f[7], "protocol_action")?,
                reservations: flag(&f[10], "protocol_reservations")?,
            }),
            None => None,
        };
        let profile = JurisdictionProfile {
            country,
            convention_party,
            protocol_party,
            geographic_limitation: flag(&f[8], "geographic_limitation")?,
            regional: default_regional(country),
            complementary_protection: COMPLEMENTARY_PROTECTION_STATES.contains(&country.as_str()),
            authority: DeterminingAuthority::State,
        };
        profile.validate().map_err(|e| err(e.to_string()))?;
        out.push(profile);
    }
    Ok(out)
}

/// One default profile for every State in the embedded UN Treaty Collection record (149 States), in the
/// record's order. Returns an empty list only if the embedded record were corrupt, which a test rules out.
pub fn profiles() -> Vec<JurisdictionProfile> {
    embedded().to_vec()
}

/// The embedded record, parsed once (from memory; no file is read at run time).
fn embedded() -> &'static [JurisdictionProfile] {
    static PROFILES: std::sync::OnceLock<Vec<JurisdictionProfile>> = std::sync::OnceLock::new();
    PROFILES.get_or_init(|| parse_treaty_parties(TREATY_PARTIES_CSV).unwrap_or_default())
}

/// The default profile for `country`. A State that is party to neither instrument gets a non-party profile:
/// no treaty, no geographic limitation, status determined by UNHCR under its mandate (Statute of the Office of
/// the UNHCR, UNGA res. 428(V), para. 6), plus any regional instrument it applies (e.g. Libya, a party to the
/// OAU Convention but not to the 1951 Convention). Non-refoulement still binds it as customary international
/// law (UNHCR Advisory Opinion on the Extraterritorial Application of Non-Refoulement Obligations, 2007).
pub fn profile_for(country: Iso3) -> JurisdictionProfile {
    embedded().iter().find(|p| p.country == country).cloned().unwrap_or_else(|| JurisdictionProfile {
        country,
        convention_party: None,
        protocol_party: None,
        geographic_limitation: false,
        regional: default_regional(country),
        complementary_protection: COMPLEMENTARY_PROTECTION_STATES.contains(&country.as_str()),
        authority: DeterminingAuthority::UnhcrMandate,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Iso3 {
        Iso3::parse(s).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn embedded_record_parses_into_149_states() {
        let all = parse_treaty_parties(TREATY_PARTIES_CSV).unwrap();
        assert_eq!(all.len(), 149);
        assert_eq!(all.iter().filter(|p| p.convention_party.is_some()).count(), 146);
        assert_eq!(all.iter().filter(|p| p.protocol_party.is_some()).count(), 147);
        assert_eq!(all.iter().filter(|p| p.convention_party.is_some() && p.protocol_party.is_some()).count(), 144);
        assert_eq!(profiles(), all);
    }

    #[test]
    fn exactly_four_states_keep_the_geographic_limitation_art_1b1a() {
        let mut limited: Vec<String> = profiles().into_iter().filter(|p| p.geographic_limitation).map(|p| p.country.to_string()).collect();
        limited.sort();
        assert_eq!(limited, ["COG", "MCO", "MDG", "TUR"]);
    }

    #[test]
    fn convention_enters_into_force_on_the_90th_day_art_43_2() {
        // China acceded to both instruments on 1982-09-24.
        let chn = profile_for(iso("CHN"));
        let c = chn.convention_party.unwrap();
        assert_eq!(c.entry_into_force(Instrument::Convention1951), EntryIntoForce::On { date: d(1982, 12, 23) });
        // Protocol: the date of deposit (Art. VIII(2)).
        let p = chn.protocol_party.unwrap();
        assert_eq!(p.entry_into_force(Instrument::Protocol1967), EntryIntoForce::On { date: d(1982, 9, 24) });
        assert!(chn.bound_on(d(1982, 9, 24)));
        assert!(!chn.bound_on(d(1982, 9, 23)));
    }

    #[test]
    fn first_six_instruments_take_effect_on_22_april_1954_art_43_1() {
        // Denmark made the first ratification (1952-12-04).
        let dnk = profile_for(iso("DNK")).convention_party.unwrap();
        assert_eq!(dnk.entry_into_force(Instrument::Convention1951), EntryIntoForce::On { date: d(1954, 4, 22) });
        // The Holy See's Protocol accession (1967-06-08) took effect with the Protocol itself (Art. VIII(1)).
        let vat = profile_for(iso("VAT")).protocol_party.unwrap();
        assert_eq!(vat.entry_into_force(Instrument::Protocol1967), EntryIntoForce::On { date: d(1967, 10, 4) });
    }

    #[test]
    fn successions_never_use_the_notification_as_entry_into_force() {
        let bih = profile_for(iso("BIH")).convention_party.unwrap();
        assert_eq!(bih.action, AccessionAction::Succession);
        assert!(matches!(bih.entry_into_force(Instrument::Convention1951), EntryIntoForce::BySuccession { .. }));
    }

    #[test]
    fn protocol_only_and_convention_only_states() {
        let usa = profile_for(iso("USA"));
        assert!(usa.convention_party.is_none() && usa.protocol_party.is_some() && usa.is_party());
        let mdg = profile_for(iso("MDG"));
        assert!(mdg.convention_party.is_some() && mdg.protocol_party.is_none() && mdg.geographic_limitation);
    }

    #[test]
    fn south_sudan_added_by_hand() {
        let ssd = profile_for(iso("SSD"));
        assert_eq!(ssd.convention_party.map(|c| c.date), Some(d(2018, 12, 10)));
    }

    #[test]
    fn non_parties_get_a_mandate_profile_with_their_regional_instruments() {
        let lbn = profile_for(iso("LBN"));
        assert!(!lbn.is_party());
        assert_eq!(lbn.authority, DeterminingAuthority::UnhcrMandate);
        assert!(lbn.regional.is_empty());
        // Libya: not a party to the 1951 Convention, but a party to the 1969 OAU Convention.
        let lby = profile_for(iso("LBY"));
        assert!(!lby.is_party() && lby.applies(RegionalInstrument::OauConvention1969));
    }

    #[test]
    fn regional_defaults() {
        assert!(profile_for(iso("KEN")).applies(RegionalInstrument::OauConvention1969));
        assert!(profile_for(iso("MEX")).applies(RegionalInstrument::CartagenaDeclaration1984));
        assert!(profile_for(iso("MEX")).complementary_protection);
        assert!(!profile_for(iso("DEU")).applies(RegionalInstrument::OauConvention1969));
        assert!(profile_for(iso("DEU")).complementary_protection);
        for code in OAU_CONVENTION_PARTIES.iter().chain(CARTAGENA_STATES).chain(COMPLEMENTARY_PROTECTION_STATES) {
            assert!(Iso3::parse(code).is_ok(), "{code}");
        }
        assert_eq!(OAU_CONVENTION_PARTIES.len(), 46);
    }

    #[test]
    fn validation_names_the_field_and_what_to_do() {
        let mut p = profile_for(iso("USA"));
        p.geographic_limitation = true;
        p.regional = vec![RegionalInstrument::CartagenaDeclaration1984, RegionalInstrument::CartagenaDeclaration1984];
        if let Some(pp) = p.protocol_party.as_mut() {
            pp.action = AccessionAction::Ratification;
            pp.date = d(1960, 1, 1);
        }
        let e = p.validate().unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["protocol_party.date", "protocol_party.action", "geographic_limitation", "regional[1]"]);
        assert!(e.errors[2].message.contains("Art. 1B(1)"));
        assert!(profiles().iter().all(|p| p.validate().is_ok()));
    }

    #[test]
    fn profiles_roundtrip_through_json() {
        let p = profile_for(iso("TUR"));
        let back: JurisdictionProfile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert!(serde_json::from_str::<JurisdictionProfile>(r#"{"country":"TUR","colour":"red"}"#).is_err());
    }

    #[test]
    fn bad_csv_is_reported_with_its_line() {
        let bad = format!("{}\nSYR,x,x,,19xx,accession,,,false,false,false,\n", HEADER.join(","));
        let e = parse_treaty_parties(&bad).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("YYYY-MM-DD"));
        assert!(parse_treaty_parties("nonsense").is_err());
        assert!(split_csv_line("a,\"b,c").is_err());
        assert_eq!(split_csv_line(r#"a,"b ""q"", c",d"#).unwrap(), ["a", "b \"q\", c", "d"]);
    }
}
