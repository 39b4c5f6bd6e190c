//! The legal assessment: from findings of fact to a recommendation, as an ordered, explainable chain.
//!
//! The officer finds the facts (credibility, country information, the likelihood of harm); this module
//! applies the law to them, in a fixed order, and records every step with its source:
//!
//! 1. **Cessation review** (only for a recognised refugee under review): Art. 1C(1)-(6), with the
//!    "compelling reasons" exception of Art. 1C(5)/(6) second paragraph.
//! 2. **Art. 1D** (Palestine refugees who availed themselves of UNRWA): excluded while assistance continues;
//!    *ipso facto* entitled when it ceased for reasons beyond their control (CJEU *El Kott*, C-364/11).
//! 3. **Inclusion, Art. 1A(2)**, for each country of reference: outside the country, persecution, the actor and
//!    State protection, nexus to a Convention ground, well-founded fear, internal relocation; each nationality
//!    must fail to protect (Art. 1A(2) second paragraph); for a stateless person one country of former habitual
//!    residence suffices (Handbook para. 104).
//! 4. **Geographic limitation** (Art. 1B(1)(a)): in Congo, Madagascar, Monaco and Türkiye, events outside
//!    Europe give no Convention status; UNHCR's mandate still applies.
//! 5. **Regional definitions** where the jurisdiction applies them: OAU Convention Art. I(2), Cartagena III(3).
//! 6. **Exclusion**, once inclusion (or complementary protection) is established — UNHCR's "inclusion before
//!    exclusion" (Guidelines on Exclusion, 2003, para. 31): Art. 1E, Art. 1F(a)-(c). Exclusion overrides inclusion.
//! 7. **Complementary protection**: real risk of serious harm (Art. 3 CAT, Art. 7 ICCPR, death penalty,
//!    indiscriminate violence). Torture and cruel, inhuman or degrading treatment are absolute bars to removal
//!    even when the person is excluded.
//!
//! Deterministic and pure: the same facts and jurisdiction always give the same assessment.

use crate::convention::jurisdiction::{JurisdictionProfile, RegionalInstrument};
use crate::convention::procedure::{CessationClause, Outcome};
use crate::convention::Citation;
use crate::country::Iso3;
use crate::error::{ParseError, ValidationErrors};
use crate::name::Reason;
use crate::operation::DeterminingAuthority;
use serde::{Deserialize, Serialize};

// ───────────────────────────── Facts ─────────────────────────────

/// The findings of fact for one person, as an officer records them. A JSON document with exactly these
/// fields (unknown fields are refused); see `docs/assess/README.md` and `docs/assess/facts.schema.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// Free text for people reading the file (e.g. a summary of the case). Ignored by the assessment.
    #[serde(default)]
    pub note: Option<String>,
    /// The person's nationality or nationalities, or statelessness with the countries of former habitual residence.
    pub nationality: NationalityFacts,
    /// One entry per country of reference: each country of nationality, or each country of former habitual
    /// residence of a stateless person. May be empty only in a cessation review.
    #[serde(default)]
    pub countries: Vec<CountryFacts>,
    /// Art. 1D: Palestine refugees and UNRWA. Absent if not relevant.
    #[serde(default)]
    pub art_1d: Option<Art1DFacts>,
    /// Art. 1E: residence with the rights and obligations of nationals. Absent if not relevant.
    #[serde(default)]
    pub art_1e: Option<Art1EFacts>,
    /// Art. 1F: each allegation considered.
    #[serde(default)]
    pub exclusion: Vec<ExclusionAllegation>,
    /// Art. 1C: present only in a review of an existing refugee status.
    #[serde(default)]
    pub cessation: Option<CessationFacts>,
}

/// Nationality (Art. 1A(2): "the country of his nationality" / "not having a nationality ... the country of
/// his former habitual residence").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum NationalityFacts {
    /// A national of each of these countries (at least one).
    Nationals {
        /// The countries of nationality.
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
        countries: Vec<Iso3>,
    },
    /// Stateless (1954 Convention, Art. 1(1)).
    Stateless {
        /// Countries of former habitual residence (at least one).
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
        former_habitual_residence: Vec<Iso3>,
    },
}

/// The findings about one country of reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CountryFacts {
    /// The country.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub country: Iso3,
    /// The person is outside this country (Handbook paras 88-96).
    pub outside: bool,
    /// For a nationality: false if it is ineffective, i.e. the State would not admit or protect the person
    /// as a national (Handbook para. 107). Default true.
    #[serde(default = "yes")]
    pub nationality_effective: bool,
    /// The harms feared on return.
    #[serde(default)]
    pub harms: Vec<FearedHarm>,
    /// The officer finds that the harms, none persecution on its own, together amount to persecution
    /// (Handbook paras 53, 55: cumulative grounds). Considered only with two or more harms.
    #[serde(default)]
    pub cumulative_effect: bool,
    /// Who would inflict the harm. Required when harms are recorded.
    #[serde(default)]
    pub actor: Option<PersecutionActor>,
    /// The Convention grounds found to be a reason for the harm (or for the failure of protection).
    #[serde(default)]
    pub grounds: Vec<GroundLink>,
    /// Well-foundedness.
    pub fear: Fear,
    /// An internal relocation alternative the decision-maker proposes, if any.
    #[serde(default)]
    pub internal_relocation: Option<InternalRelocation>,
    /// Situations relevant to the regional definitions.
    #[serde(default)]
    pub regional: Option<RegionalFacts>,
    /// Real risk of serious harm (complementary protection).
    #[serde(default)]
    pub serious_harm: SeriousHarmRisk,
    /// The events occurred in Europe (relevant only under the geographic limitation, Art. 1B(1)(a)). If absent,
    /// taken from the country: UN M49 Europe plus the Council of Europe member States.
    #[serde(default)]
    pub events_in_europe: Option<bool>,
}

fn yes() -> bool {
    true
}

/// One harm feared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FearedHarm {
    /// What kind of harm.
    pub kind: HarmKind,
    /// How severe.
    pub severity: Severity,
    /// Short description for the record.
    #[serde(default)]
    pub description: Option<String>,
    /// Required when `kind` is `prosecution`.
    #[serde(default)]
    pub prosecution: Option<ProsecutionFacts>,
}

/// Kinds of harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HarmKind {
    /// Threat to life (always persecution when for a Convention reason: Handbook para. 51; Art. 33(1)).
    ThreatToLife,
    /// Torture.
    Torture,
    /// Arbitrary detention or disappearance.
    ArbitraryDetention,
    /// Sexual or gender-based violence (UNHCR Guidelines on Gender-Related Persecution, 2002).
    SexualViolence,
    /// Another serious violation of human rights (Handbook para. 51).
    SeriousHumanRightsViolation,
    /// Prosecution or punishment under the law (Handbook paras 56-60).
    Prosecution,
    /// Discrimination (Handbook paras 54-55).
    Discrimination,
    /// Harassment or threats short of the above.
    Harassment,
    /// Economic hardship (Handbook paras 62-64).
    EconomicHardship,
    /// Anything else.
    Other,
}

/// Severity of a harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Unfavourable treatment not in itself persecution (Handbook para. 54, first sentence).
    Minor,
    /// Consequences "of a substantially prejudicial nature", e.g. serious restrictions on earning a
    /// livelihood, practising one's religion or access to education (Handbook para. 54).
    SubstantiallyPrejudicial,
    /// A serious violation of human rights (Handbook para. 51).
    Serious,
}

/// Findings on a prosecution (Handbook paras 56-60: prosecution is not persecution unless ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProsecutionFacts {
    /// The law itself is not in conformity with accepted human rights standards (Handbook para. 59).
    pub law_contrary_to_human_rights: bool,
    /// The punishment or its application is excessive or discriminatory for a Convention reason (Handbook
    /// paras 57, 59; e.g. draft evasion where military service would require acts contrary to basic rules of
    /// conduct, paras 169-171).
    pub punishment_excessive_or_discriminatory: bool,
}

/// Who would inflict the harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum PersecutionActor {
    /// The State or its agents.
    State,
    /// Non-State actors (family, clan, armed groups, the local populace).
    NonState {
        /// What the State would do.
        state_protection: StateProtection,
    },
}

/// The State's protection against non-State actors (Handbook para. 65; *Canada (AG) v Ward* \[1993\] 2 SCR 689;
/// *Horvath v SSHD* \[2001\] 1 AC 489).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StateProtection {
    /// Effective protection is available to this person.
    Effective,
    /// The State is unable to protect.
    Unable,
    /// The State is unwilling to protect (or tolerates the harm).
    Unwilling,
}

/// The five Convention grounds (Art. 1A(2); Handbook paras 66-86).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// Race (Handbook para. 68).
    Race,
    /// Religion (Handbook paras 71-73; GIP No. 6, 2004).
    Religion,
    /// Nationality, including ethnic or linguistic groups (Handbook para. 74).
    Nationality,
    /// Membership of a particular social group (Handbook paras 77-79; GIP No. 2, 2002).
    ParticularSocialGroup,
    /// Political opinion (Handbook paras 80-86).
    PoliticalOpinion,
}

/// How the ground is linked to the harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NexusVia {
    /// The persecutor acts for that reason.
    #[default]
    Persecutor,
    /// The persecutor's reason is not a Convention ground, but the State withholds protection for a Convention
    /// reason (*R v IAT, ex p Shah; Islam v SSHD* \[1999\] UKHL 20; UNHCR Gender Guidelines, 2002, para. 21).
    StateFailureToProtect,
}

/// One Convention ground found to be a contributing reason (it need not be the sole or dominant one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroundLink {
    /// The ground.
    pub ground: Ground,
    /// The characteristic is attributed to the person by the persecutor, whether or not they hold it
    /// (imputed political opinion, religion, etc.; Handbook para. 80).
    #[serde(default)]
    pub imputed: bool,
    /// How the ground is linked.
    #[serde(default)]
    pub via: NexusVia,
    /// Required for `particular_social_group`.
    #[serde(default)]
    pub social_group: Option<SocialGroup>,
}

/// A particular social group (UNHCR Guidelines on International Protection No. 2, 2002).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SocialGroup {
    /// The group as defined, e.g. "women in Afghanistan", "gay men in Cameroon".
    pub description: String,
    /// The members share an innate, unchangeable characteristic, or one so fundamental to identity or
    /// conscience that they should not be required to renounce it (protected characteristics:
    /// *Canada (AG) v Ward*; *Matter of Acosta* (BIA 1985)).
    pub protected_characteristic: bool,
    /// The group is perceived as a group by society (social perception: *Applicant A v MIEA* (1997) 190 CLR 225).
    pub socially_perceived: bool,
    /// The group is defined only by the persecution its members suffer (not a social group: *Applicant A*;
    /// GIP No. 2 para. 14).
    #[serde(default)]
    pub defined_solely_by_persecution: bool,
}

/// How likely the feared harm is, assessed on the basis that the person lives openly (*HJ (Iran) and HT
/// (Cameroon) v SSHD* \[2010\] UKSC 31: no one can be required to conceal a protected characteristic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    /// A remote or speculative possibility.
    Remote,
    /// A reasonable possibility / real chance / reasonable degree of likelihood: enough (*INS v Cardoza-Fonseca*
    /// 480 US 421 (1987); *Chan v MIEA* (1989) 169 CLR 379; *R v SSHD, ex p Sivakumaran* \[1988\] AC 958).
    ReasonablePossibility,
    /// More likely than not (more than is needed).
    MoreLikelyThanNot,
}

/// Well-founded fear: subjective fear and an objective basis (Handbook paras 37-50).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Fear {
    /// The person fears return (Handbook paras 37-41).
    pub subjective_fear: bool,
    /// The likelihood of the harm on return.
    pub likelihood: Likelihood,
    /// The person cannot be expected to express fear (a young child, a person with a mental disability):
    /// the objective element then suffices (Handbook paras 206-219; UNHCR GIP No. 8 on child asylum claims,
    /// 2009, para. 11).
    #[serde(default)]
    pub limited_capacity_to_express_fear: bool,
    /// The person would conceal their identity, belief or opinion to avoid harm. Never a reason to refuse
    /// (*HJ and HT* \[2010\] UKSC 31; CJEU *Y and Z* C-71/11 and C-99/11; *X, Y and Z* C-199/12 to C-201/12).
    #[serde(default)]
    pub would_conceal_to_avoid_harm: bool,
}

/// A proposed internal flight or relocation alternative (UNHCR Guidelines on International Protection No. 4:
/// Internal Flight or Relocation Alternative, 2003).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InternalRelocation {
    /// The proposed area.
    pub area: String,
    /// The area is practically, safely and legally accessible (GIP No. 4 paras 7(I)(b), 10).
    pub accessible: bool,
    /// The person would face persecution or other serious harm there, from the original or a new actor
    /// (GIP No. 4 paras 7(I)(c)-(d), 15-21).
    pub risk_in_area: bool,
    /// Relocation would be unduly harsh: the person could not lead a relatively normal life without undue
    /// hardship (GIP No. 4 paras 7(II), 22-30; *Januzi v SSHD* \[2006\] UKHL 5; *AH (Sudan)* \[2007\] UKHL 49).
    pub unduly_harsh: bool,
}

/// Situations relevant to the regional definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegionalFacts {
    /// The situations in the country (in part or in whole).
    pub events: Vec<RegionalEvent>,
    /// The person was compelled to leave their place of habitual residence because of them (OAU Art. I(2)).
    pub compelled_to_leave: bool,
    /// The person's life, safety or freedom was threatened by them (Cartagena III(3)).
    pub life_safety_or_freedom_threatened: bool,
}

/// Situations named in OAU Art. I(2) and Cartagena III(3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegionalEvent {
    /// External (foreign) aggression (OAU, Cartagena).
    ExternalAggression,
    /// Occupation (OAU).
    Occupation,
    /// Foreign domination (OAU).
    ForeignDomination,
    /// Generalized violence (Cartagena; under OAU an event seriously disturbing public order).
    GeneralizedViolence,
    /// Internal conflict (Cartagena; under OAU an event seriously disturbing public order).
    InternalConflict,
    /// Massive violation of human rights (Cartagena; under OAU an event seriously disturbing public order).
    MassiveHumanRightsViolations,
    /// Other events seriously disturbing public order (OAU, Cartagena).
    SeriousPublicOrderDisturbance,
}

/// Real risk of serious harm on return (complementary protection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct SeriousHarmRisk {
    /// Substantial grounds for believing the person would be in danger of torture (CAT Art. 3). Absolute.
    pub torture: bool,
    /// Real risk of cruel, inhuman or degrading treatment or punishment (ICCPR Art. 7; Human Rights Committee
    /// General Comment No. 20, para. 9; ECHR Art. 3, *Chahal v UK* (1996)). Absolute.
    pub cruel_inhuman_degrading_treatment: bool,
    /// Real risk of the death penalty or execution (ICCPR Art. 6; EU Qualification Directive Art. 15(a)).
    pub death_penalty: bool,
    /// Serious and individual threat to life by indiscriminate violence in armed conflict (EU Qualification
    /// Directive Art. 15(c); CJEU *Elgafaji* C-465/07).
    pub indiscriminate_violence: bool,
}

/// Art. 1D facts (UNHCR Guidelines on International Protection No. 13, 2017).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Art1DFacts {
    /// The person actually availed themselves of UNRWA protection or assistance; registration with UNRWA is
    /// sufficient proof (CJEU *Bolbol* C-31/09). Merely being eligible is not enough.
    pub availed_of_unrwa: bool,
    /// Their situation now.
    pub situation: UnrwaSituation,
}

/// Whether UNRWA protection or assistance continues (Art. 1D second paragraph: "ceased for any reason").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnrwaSituation {
    /// Still receiving it, or able to return to UNRWA's area of operations and receive it.
    Receiving,
    /// Left UNRWA's area voluntarily and could return and receive it again.
    LeftVoluntarily,
    /// Forced to leave for reasons beyond their control: personal safety at serious risk and UNRWA unable to
    /// secure living conditions in line with its mission (CJEU *El Kott* C-364/11, 2012).
    CeasedBeyondControl,
    /// UNRWA's mandate ended or it can no longer carry out its mission.
    UnrwaEnded,
}

/// Art. 1E facts (Handbook paras 144-146; UNHCR Note on the Interpretation of Art. 1E, 2009).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Art1EFacts {
    /// The country of residence.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub country: Iso3,
    /// The competent authorities recognise the rights and obligations attached to nationality, including
    /// secure residence, the right to return and protection against deportation.
    pub rights_of_nationals: bool,
    /// The person has a well-founded fear in that country (then 1E cannot apply).
    pub well_founded_fear_there: bool,
}

/// An Art. 1F clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Art1FClause {
    /// 1F(a): a crime against peace, a war crime, or a crime against humanity.
    #[serde(rename = "1F(a)")]
    A,
    /// 1F(b): a serious non-political crime outside the country of refuge prior to admission as a refugee.
    #[serde(rename = "1F(b)")]
    B,
    /// 1F(c): acts contrary to the purposes and principles of the United Nations.
    #[serde(rename = "1F(c)")]
    C,
}

/// The international crime alleged under 1F(a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InternationalCrime {
    /// Crime against peace (aggression).
    CrimeAgainstPeace,
    /// War crime.
    WarCrime,
    /// Crime against humanity.
    CrimeAgainstHumanity,
    /// Genocide (treated as a crime against humanity for 1F(a)).
    Genocide,
}

/// A defence negating individual responsibility (UNHCR Guidelines on Exclusion, 2003, paras 21-22; Background
/// Note paras 62-70; Rome Statute Arts 31-33).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Defence {
    /// Duress (threat of imminent death or serious harm; necessary and reasonable response).
    Duress,
    /// Self-defence or defence of others.
    SelfDefence,
    /// Mental disease or defect destroying capacity to appreciate the conduct.
    MentalIncapacity,
    /// Involuntary intoxication.
    InvoluntaryIntoxication,
    /// Below the age of criminal responsibility at the time (Guidelines para. 28).
    UnderAgeOfResponsibility,
    /// Superior orders, where the person was legally obliged, did not know and the order was not manifestly
    /// unlawful. Never a defence to genocide or crimes against humanity (Rome Statute Art. 33(2)).
    SuperiorOrdersNotManifestlyUnlawful,
}

/// Findings for a 1F(b) crime (Handbook paras 151-161; Guidelines on Exclusion paras 14-16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SeriousCrimeFacts {
    /// A serious crime (e.g. murder, rape, armed robbery; not petty offences).
    pub serious: bool,
    /// Non-political: the political motive does not predominate, or the act is grossly disproportionate to it
    /// (Guidelines para. 15; *T v Immigration Officer* \[1996\] AC 742).
    pub non_political: bool,
    /// Committed outside the country of refuge before admission as a refugee (Handbook para. 153).
    pub outside_country_of_refuge_before_admission: bool,
}

/// One exclusion allegation under Art. 1F.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExclusionAllegation {
    /// The clause.
    pub clause: Art1FClause,
    /// What the person is alleged to have done.
    pub description: String,
    /// There are "serious reasons for considering" that the person committed the act: clear and credible
    /// evidence, though not proof beyond reasonable doubt (Guidelines on Exclusion para. 35; *Al-Sirri*
    /// \[2012\] UKSC 54).
    pub serious_reasons_for_considering: bool,
    /// The person is individually responsible: committed, ordered, incited or made a significant contribution
    /// with knowledge (Guidelines paras 18-19; *JS (Sri Lanka) v SSHD* \[2010\] UKSC 15). Membership of an
    /// organisation alone is not enough.
    pub individual_responsibility: bool,
    /// Defences found to apply.
    #[serde(default)]
    pub defences: Vec<Defence>,
    /// Required for 1F(a).
    #[serde(default)]
    pub crime: Option<InternationalCrime>,
    /// Required for 1F(b).
    #[serde(default)]
    pub serious_crime: Option<SeriousCrimeFacts>,
}

/// Art. 1C(1): all three elements are needed (Handbook paras 118-125).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReAvailment {
    /// The act was voluntary.
    pub voluntary: bool,
    /// The person intended to re-avail themselves of the protection of their country of nationality.
    pub intention: bool,
    /// The person actually obtained that protection (e.g. a passport used to travel there).
    pub protection_obtained: bool,
}

/// A change of circumstances in the country of origin (Art. 1C(5)/(6)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeOfCircumstances {
    /// Fundamental: the circumstances that justified the fear have been removed (UNHCR Guidelines on
    /// International Protection No. 3: Cessation, 2003, paras 10-12; Handbook para. 135).
    pub fundamental: bool,
    /// Durable: stable, not transitory (GIP No. 3 paras 13-14).
    pub durable: bool,
    /// Effective protection is available in the country (GIP No. 3 paras 15-16; CJEU *Abdulla* C-175/08).
    pub effective_protection_available: bool,
}

/// Facts for a review of an existing refugee status under Art. 1C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct CessationFacts {
    /// Art. 1C(1).
    pub reavailment: Option<ReAvailment>,
    /// Art. 1C(2): voluntarily re-acquired a nationality lost (Handbook paras 126-128).
    pub reacquired_nationality_voluntarily: bool,
    /// Art. 1C(3): acquired a new nationality and enjoys its protection (Handbook paras 129-132).
    pub new_nationality_with_protection: bool,
    /// Art. 1C(4): voluntarily re-established in the country left (Handbook paras 133-134).
    pub reestablished_voluntarily: bool,
    /// Art. 1C(5)/(6): the change in the country of origin or former habitual residence.
    pub change_of_circumstances: Option<ChangeOfCircumstances>,
    /// Compelling reasons arising out of previous persecution for refusing to return (Art. 1C(5)/(6) second
    /// paragraph; Handbook para. 136; GIP No. 3 paras 20-21).
    pub compelling_reasons: bool,
}

/// Facts that have passed [`Facts::check`]: consistent, complete, ready to assess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFacts(Facts);

impl CheckedFacts {
    /// The facts.
    pub fn facts(&self) -> &Facts {
        &self.0
    }
}

impl Facts {
    /// The countries of reference (nationalities, or former habitual residences).
    pub fn reference_countries(&self) -> &[Iso3] {
        match &self.nationality {
            NationalityFacts::Nationals { countries } => countries,
            NationalityFacts::Stateless { former_habitual_residence } => former_habitual_residence,
        }
    }

    /// Checks that the facts are complete and consistent, reporting every problem with its field.
    pub fn check(self) -> Result<CheckedFacts, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let refs = self.reference_countries().to_vec();
        if refs.is_empty() {
            let field = match self.nationality {
                NationalityFacts::Nationals { .. } => "nationality.countries",
                NationalityFacts::Stateless { .. } => "nationality.former_habitual_residence",
            };
            e.push(
                field,
                ParseError::new("no_country_of_reference", "list at least one country (nationality, or former habitual residence if stateless)"),
            );
        }
        let review = self.cessation.is_some();
        for c in &refs {
            if !review && !self.countries.iter().any(|x| x.country == *c) {
                e.push(
                    "countries",
                    ParseError::new(
                        "country_not_assessed",
                        format!(
                            "there are no findings for {c}: Art. 1A(2) requires each country of nationality (or of former habitual residence) to be assessed; add an entry with \"country\": \"{c}\""
                        ),
                    ),
                );
            }
        }
        for (i, c) in self.countries.iter().enumerate() {
            let at = |f: &str| format!("countries[{i}].{f}");
            if !refs.contains(&c.country) {
                e.push(
                    at("country"),
                    ParseError::new(
                        "not_a_country_of_reference",
                        format!("{} is not listed in nationality; add it there, or remove this entry", c.country),
                    ),
                );
            }
            if self.countries.iter().filter(|x| x.country == c.country).count() > 1 {
                e.push(at("country"), ParseError::new("duplicate_country", format!("{} has more than one entry; merge them", c.country)));
            }
            if !c.harms.is_empty() && c.actor.is_none() {
                e.push(at("actor"), ParseError::new("actor_missing", "harms are recorded but not who would inflict them; set actor to state or non_state"));
            }
            for (h, harm) in c.harms.iter().enumerate() {
                if harm.kind == HarmKind::Prosecution && harm.prosecution.is_none() {
                    e.push(
                        format!("countries[{i}].harms[{h}].prosecution"),
                        ParseError::new(
                            "prosecution_facts_missing",
                            "a prosecution is persecution only if the law or the punishment is persecutory (Handbook paras 56-60); record law_contrary_to_human_rights and punishment_excessive_or_discriminatory",
                        ),
                    );
                }
            }
            for (g, link) in c.grounds.iter().enumerate() {
                if link.ground == Ground::ParticularSocialGroup && link.social_group.is_none() {
                    e.push(
                        format!("countries[{i}].grounds[{g}].social_group"),
                        ParseError::new("social_group_missing", "define the particular social group (description, protected_characteristic, socially_perceived)"),
                    );
                }
            }
        }
        for (i, a) in self.exclusion.iter().enumerate() {
            if a.clause == Art1FClause::A && a.crime.is_none() {
                e.push(
                    format!("exclusion[{i}].crime"),
                    ParseError::new("crime_missing", "name the crime for 1F(a): crime_against_peace, war_crime, crime_against_humanity or genocide"),
                );
            }
            if a.clause == Art1FClause::B && a.serious_crime.is_none() {
                e.push(
                    format!("exclusion[{i}].serious_crime"),
                    ParseError::new(
                        "serious_crime_missing",
                        "record for 1F(b) whether the crime is serious, non-political and committed outside the country of refuge before admission",
                    ),
                );
            }
        }
        if e.is_empty() {
            Ok(CheckedFacts(self))
        } else {
            Err(e)
        }
    }
}

// ───────────────────────────── Results ─────────────────────────────

/// The recommended outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// Recognise as a refugee (or, in a cessation review, maintain refugee status).
    Recognised,
    /// Grant complementary protection.
    ComplementaryProtection,
    /// Reject.
    Rejected,
    /// Exclude (Art. 1D first paragraph, 1E or 1F).
    Excluded,
    /// Refugee status has ceased (Art. 1C).
    Ceased,
}

impl Recommendation {
    /// The claim outcome this corresponds to (none for cessation, which is not a claim decision).
    pub fn claim_outcome(&self) -> Option<Outcome> {
        match self {
            Self::Recognised => Some(Outcome::Recognised),
            Self::ComplementaryProtection => Some(Outcome::ComplementaryProtection),
            Self::Rejected => Some(Outcome::Rejected),
            Self::Excluded => Some(Outcome::Excluded),
            Self::Ceased => None,
        }
    }
}

/// Exclusion clauses, as a basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ExclusionClause {
    /// Art. 1D first paragraph: receiving UNRWA protection or assistance.
    #[serde(rename = "1D")]
    Art1D,
    /// Art. 1E.
    #[serde(rename = "1E")]
    Art1E,
    /// Art. 1F(a).
    #[serde(rename = "1F(a)")]
    Art1Fa,
    /// Art. 1F(b).
    #[serde(rename = "1F(b)")]
    Art1Fb,
    /// Art. 1F(c).
    #[serde(rename = "1F(c)")]
    Art1Fc,
}

/// The legal basis of the recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Art. 1A(2) of the 1951 Convention (as applied by the 1967 Protocol, Art. I(2)).
    #[serde(rename = "convention_1a2")]
    Convention1A2,
    /// Art. 1D second paragraph: *ipso facto* entitled to the benefits of the Convention.
    #[serde(rename = "convention_1d2")]
    Convention1D2,
    /// UNHCR's mandate (Statute para. 6B and the extended mandate), where the State is not bound: a non-party,
    /// or a State keeping the geographic limitation for events outside Europe.
    UnhcrMandate,
    /// 1969 OAU Convention, Art. I(2).
    #[serde(rename = "oau_article_i2")]
    OauArticleI2,
    /// 1984 Cartagena Declaration, conclusion III(3), as incorporated in national law.
    #[serde(rename = "cartagena_iii3")]
    CartagenaIII3,
    /// Complementary protection (CAT Art. 3, ICCPR Arts 6-7, national subsidiary protection).
    Complementary,
    /// An exclusion clause.
    Exclusion(ExclusionClause),
    /// A cessation clause.
    Cessation(CessationClause),
    /// Status maintained: a cessation clause would apply, but compelling reasons arising out of previous
    /// persecution justify refusing to return (Art. 1C(5)/(6) second paragraph).
    CompellingReasons,
    /// Status maintained: no cessation clause applies.
    StatusContinues,
    /// None of the criteria is met.
    CriteriaNotMet,
}

/// A step of the assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Art. 1C cessation review.
    Cessation,
    /// Art. 1D: Palestine refugees and UNRWA.
    #[serde(rename = "art_1d")]
    Art1D,
    /// Multiple nationality, ineffective nationality, statelessness (Art. 1A(2) second paragraph; Handbook 104-107).
    Nationality,
    /// Outside the country of nationality or former habitual residence.
    OutsideCountry,
    /// Whether the harm amounts to persecution.
    Persecution,
    /// The actor of persecution and the availability of State protection.
    StateProtection,
    /// The link to a Convention ground.
    Nexus,
    /// Subjective fear and objective basis.
    WellFoundedFear,
    /// Internal flight or relocation alternative.
    InternalRelocation,
    /// The Art. 1B(1)(a) limitation, and recognition under the mandate.
    GeographicLimitation,
    /// OAU Convention Art. I(2).
    RegionalOau,
    /// Cartagena Declaration III(3).
    RegionalCartagena,
    /// Art. 1E.
    #[serde(rename = "art_1e")]
    Art1E,
    /// Art. 1F.
    #[serde(rename = "art_1f")]
    Art1F,
    /// Complementary protection.
    ComplementaryProtection,
    /// The conclusion.
    Conclusion,
}

/// What a step found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The step's test is satisfied: for an inclusion step, the element is established; for an exclusion,
    /// cessation or limitation step, the clause applies.
    Met,
    /// The step's test is not satisfied.
    NotMet,
    /// The step does not arise on these facts.
    NotApplicable,
}

/// One reasoned step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonStep {
    /// The step.
    pub step: Step,
    /// The country the step concerns, if any.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub country: Option<Iso3>,
    /// The finding.
    pub finding: Finding,
    /// Why, in a sentence.
    pub explanation: String,
    /// The source.
    pub citation: Citation,
}

/// An absolute bar to removal to one country found in the assessment (for the non-refoulement guard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AbsoluteBar {
    /// The country to which the person must not be removed.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub country: Iso3,
    /// The instrument.
    pub instrument: AbsoluteBarInstrument,
}

/// Instruments whose prohibition of removal admits no exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AbsoluteBarInstrument {
    /// Convention against Torture, Art. 3.
    #[serde(rename = "cat_article_3")]
    CatArticle3,
    /// ICCPR, Art. 7 (Human Rights Committee General Comment No. 20 para. 9; No. 31 para. 12).
    #[serde(rename = "iccpr_article_7")]
    IccprArticle7,
}

/// The result: a recommendation, its basis and the ordered chain of reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// The country of asylum whose law was applied.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub jurisdiction: Iso3,
    /// The recommendation.
    pub recommendation: Recommendation,
    /// Its legal basis.
    pub basis: Basis,
    /// The steps, in the order they were taken.
    pub reasons: Vec<ReasonStep>,
    /// Countries to which removal is absolutely barred (torture, cruel, inhuman or degrading treatment),
    /// whatever the recommendation, including exclusion.
    pub absolute_bars: Vec<AbsoluteBar>,
}

// ───────────────────────────── The assessment ─────────────────────────────

/// Countries whose events count as "events occurring in Europe" by default (Art. 1B(1)(a)): UN M49 region
/// Europe, plus the Council of Europe member States M49 puts in Western Asia (Armenia, Azerbaijan, Cyprus,
/// Georgia, Türkiye). **Uncertain:** each State reads "Europe" in its own law (Türkiye's Law on Foreigners and
/// International Protection, 2013, Art. 3, defines European countries by Council of Europe membership); set `events_in_europe`
/// per country to override.
pub const EUROPE: &[&str] = &[
    "ALB", "AND", "ARM", "AUT", "AZE", "BEL", "BGR", "BIH", "BLR", "CHE", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "FRO", "GBR",
    "GEO", "GIB", "GRC", "HRV", "HUN", "IRL", "ISL", "ITA", "LIE", "LTU", "LUX", "LVA", "MCO", "MDA", "MKD", "MLT", "MNE", "NLD", "NOR", "POL",
    "PRT", "ROU", "RUS", "SJM", "SMR", "SRB", "SVK", "SVN", "SWE", "TUR", "UKR", "VAT",
];

struct Chain {
    reasons: Vec<ReasonStep>,
}

impl Chain {
    fn push(&mut self, step: Step, country: Option<Iso3>, finding: Finding, explanation: impl Into<String>, citation: &str) {
        self.reasons.push(ReasonStep { step, country, finding, explanation: explanation.into(), citation: Citation::new(citation) });
    }
}

fn is_persecution(h: &FearedHarm) -> bool {
    match h.kind {
        HarmKind::ThreatToLife | HarmKind::Torture | HarmKind::ArbitraryDetention | HarmKind::SexualViolence => true,
        HarmKind::Prosecution => h.prosecution.is_some_and(|p| p.law_contrary_to_human_rights || p.punishment_excessive_or_discriminatory),
        HarmKind::EconomicHardship => h.severity == Severity::Serious,
        HarmKind::SeriousHumanRightsViolation | HarmKind::Discrimination | HarmKind::Harassment | HarmKind::Other => {
            h.severity >= Severity::SubstantiallyPrejudicial
        }
    }
}

fn valid_group(g: &SocialGroup) -> bool {
    (g.protected_characteristic || g.socially_perceived) && !g.defined_solely_by_persecution
}

/// Applies the Art. 1A(2) test to one country. Records each step; stops at the first element not met.
fn refugee_in_respect_of(c: &CountryFacts, chain: &mut Chain) -> bool {
    let k = Some(c.country);
    // (a) Outside the country.
    if !c.outside {
        chain.push(
            Step::OutsideCountry,
            k,
            Finding::NotMet,
            format!("the person is not outside {}; a refugee must be outside the country of nationality or former habitual residence", c.country),
            "1951 Convention, Art. 1A(2); Handbook paras 88-96",
        );
        return false;
    }
    chain.push(Step::OutsideCountry, k, Finding::Met, format!("the person is outside {}", c.country), "1951 Convention, Art. 1A(2); Handbook para. 88");

    // (b) Persecution.
    let single: Vec<&FearedHarm> = c.harms.iter().filter(|h| is_persecution(h)).collect();
    if let Some(h) = single.first() {
        let (what, cite) = match h.kind {
            HarmKind::ThreatToLife | HarmKind::Torture | HarmKind::ArbitraryDetention => {
                ("a threat to life or freedom, or another serious violation of human rights, is persecution", "Handbook para. 51; Art. 33(1)")
            }
            HarmKind::SexualViolence => ("sexual violence is a serious violation of human rights and persecution", "Handbook para. 51; UNHCR Guidelines on Gender-Related Persecution (2002) para. 9"),
            HarmKind::Prosecution => ("the prosecution is persecutory (the law or the punishment is contrary to human rights or excessive/discriminatory)", "Handbook paras 56-60"),
            HarmKind::EconomicHardship => ("economic measures destroying the economic existence of a group are persecution", "Handbook para. 63"),
            _ => ("the measures have consequences of a substantially prejudicial nature or are serious violations of human rights", "Handbook paras 51, 54"),
        };
        chain.push(Step::Persecution, k, Finding::Met, what, cite);
    } else if c.harms.len() >= 2 && c.cumulative_effect {
        chain.push(
            Step::Persecution,
            k,
            Finding::Met,
            "no single measure is persecution, but taken together they amount to persecution on cumulative grounds",
            "Handbook paras 53, 55",
        );
    } else {
        let explanation = if c.harms.is_empty() {
            "no harm is feared on return".to_string()
        } else if c.harms.iter().all(|h| h.kind == HarmKind::EconomicHardship) {
            "the hardship feared is economic and does not destroy the person's economic existence: the person is an economic migrant, not a refugee".into()
        } else if c.harms.iter().any(|h| h.kind == HarmKind::Prosecution) {
            "prosecution for an offence under a law of general application is not persecution, and neither the law nor the punishment is persecutory".into()
        } else {
            "the harm feared does not reach the level of persecution, alone or cumulatively".into()
        };
        chain.push(Step::Persecution, k, Finding::NotMet, explanation, "Handbook paras 51-65 (incl. 56-60 prosecution, 62-64 economic migrants)");
        return false;
    }

    // (c) The actor and State protection.
    match c.actor {
        Some(PersecutionActor::State) => chain.push(
            Step::StateProtection,
            k,
            Finding::Met,
            "the State is the actor of persecution; its protection is not available",
            "Handbook para. 65; Canada (AG) v Ward [1993] 2 SCR 689",
        ),
        Some(PersecutionActor::NonState { state_protection: StateProtection::Effective }) => {
            chain.push(
                Step::StateProtection,
                k,
                Finding::NotMet,
                "the harm comes from non-State actors and the State offers effective protection against it",
                "Handbook para. 65; Canada (AG) v Ward [1993] 2 SCR 689; Horvath v SSHD [2001] 1 AC 489",
            );
            return false;
        }
        Some(PersecutionActor::NonState { state_protection: p }) => chain.push(
            Step::StateProtection,
            k,
            Finding::Met,
            format!(
                "the harm comes from non-State actors and the State is {} to protect",
                if p == StateProtection::Unable { "unable" } else { "unwilling" }
            ),
            "Handbook para. 65; Canada (AG) v Ward [1993] 2 SCR 689",
        ),
        None => {
            chain.push(Step::StateProtection, k, Finding::NotMet, "no actor of persecution is identified", "Handbook para. 65");
            return false;
        }
    }

    // (d) Nexus.
    let mut invalid_groups = Vec::new();
    let valid: Vec<&GroundLink> = c
        .grounds
        .iter()
        .filter(|g| match (&g.ground, &g.social_group) {
            (Ground::ParticularSocialGroup, Some(sg)) => {
                let ok = valid_group(sg);
                if !ok {
                    invalid_groups.push(sg.description.clone());
                }
                ok
            }
            (Ground::ParticularSocialGroup, None) => false,
            _ => true,
        })
        .collect();
    if valid.is_empty() {
        let explanation = if invalid_groups.is_empty() {
            "the harm is not for reasons of race, religion, nationality, membership of a particular social group or political opinion".to_string()
        } else {
            format!(
                "{:?} is not a particular social group: it shares neither a protected characteristic nor a social perception, or is defined only by the persecution",
                invalid_groups.join("; ")
            )
        };
        chain.push(
            Step::Nexus,
            k,
            Finding::NotMet,
            explanation,
            "1951 Convention, Art. 1A(2); Handbook paras 66-67; UNHCR GIP No. 2 (2002); Applicant A v MIEA (1997) 190 CLR 225",
        );
        return false;
    }
    let names: Vec<String> = valid
        .iter()
        .map(|g| {
            let mut s = format!("{:?}", g.ground);
            if g.imputed {
                s.push_str(" (imputed)");
            }
            if g.via == NexusVia::StateFailureToProtect {
                s.push_str(" (through the State's failure to protect)");
            }
            s
        })
        .collect();
    let mut cite = String::from("1951 Convention, Art. 1A(2); Handbook paras 66-86");
    if valid.iter().any(|g| g.imputed) {
        cite.push_str("; Handbook para. 80 (imputed opinion)");
    }
    if valid.iter().any(|g| g.via == NexusVia::StateFailureToProtect) {
        cite.push_str("; Islam v SSHD, R v IAT ex p Shah [1999] UKHL 20");
    }
    if valid.iter().any(|g| g.ground == Ground::ParticularSocialGroup) {
        cite.push_str("; UNHCR GIP No. 2 (2002); Ward; Applicant A");
    }
    chain.push(Step::Nexus, k, Finding::Met, format!("a contributing reason for the harm: {}", names.join(", ")), &cite);

    // (e) Well-founded fear.
    let objective = c.fear.likelihood >= Likelihood::ReasonablePossibility;
    let subjective = c.fear.subjective_fear || c.fear.limited_capacity_to_express_fear;
    if !objective {
        chain.push(
            Step::WellFoundedFear,
            k,
            Finding::NotMet,
            "the harm is only a remote possibility; the fear has no objective basis",
            "Handbook paras 38-42; INS v Cardoza-Fonseca 480 US 421 (1987); Chan v MIEA (1989) 169 CLR 379",
        );
        return false;
    }
    if !subjective {
        chain.push(
            Step::WellFoundedFear,
            k,
            Finding::NotMet,
            "the person does not fear return (the subjective element), and nothing prevents them from expressing fear",
            "Handbook paras 37-41",
        );
        return false;
    }
    let mut explanation = String::from("there is a reasonable possibility of persecution on return, and the person fears it");
    let mut cite = String::from("Handbook paras 37-42; INS v Cardoza-Fonseca 480 US 421 (1987); Chan v MIEA (1989) 169 CLR 379; R v SSHD ex p Sivakumaran [1988] AC 958");
    if !c.fear.subjective_fear {
        explanation.push_str("; the subjective element is not required of a person who cannot be expected to express fear");
        cite.push_str("; Handbook paras 206-219 (mentally disturbed persons, unaccompanied minors); UNHCR GIP No. 8 (2009) para. 11");
    }
    if c.fear.would_conceal_to_avoid_harm {
        explanation.push_str("; that the person might conceal their identity, belief or opinion to avoid harm is no reason to refuse");
        cite.push_str("; HJ (Iran) and HT (Cameroon) v SSHD [2010] UKSC 31; CJEU Y and Z C-71/11; X, Y and Z C-199/12");
    }
    chain.push(Step::WellFoundedFear, k, Finding::Met, explanation, &cite);

    // (f) Internal relocation.
    match (&c.internal_relocation, c.actor) {
        (None, _) => chain.push(Step::InternalRelocation, k, Finding::NotApplicable, "no relocation alternative was proposed", "UNHCR GIP No. 4 (2003) para. 6"),
        (Some(r), Some(PersecutionActor::State)) => chain.push(
            Step::InternalRelocation,
            k,
            Finding::Met,
            format!("relocation to {} is presumed not relevant: the State is the actor of persecution and is presumed to act throughout the country", r.area),
            "UNHCR GIP No. 4 (2003) paras 13-14",
        ),
        (Some(r), _) if !r.accessible || r.risk_in_area => chain.push(
            Step::InternalRelocation,
            k,
            Finding::Met,
            format!("relocation to {} is not relevant: the area is not safely and legally accessible, or the person would face persecution or serious harm there", r.area),
            "UNHCR GIP No. 4 (2003) paras 7(I), 9-21",
        ),
        (Some(r), _) if r.unduly_harsh => chain.push(
            Step::InternalRelocation,
            k,
            Finding::Met,
            format!("relocation to {} would be unduly harsh: the person could not lead a relatively normal life there", r.area),
            "UNHCR GIP No. 4 (2003) paras 7(II), 22-30; Januzi v SSHD [2006] UKHL 5; AH (Sudan) v SSHD [2007] UKHL 49",
        ),
        (Some(r), _) => {
            chain.push(
                Step::InternalRelocation,
                k,
                Finding::NotMet,
                format!("relocation to {} is relevant and reasonable: the person can find protection there without undue hardship", r.area),
                "UNHCR GIP No. 4 (2003) paras 7, 22-30; Januzi v SSHD [2006] UKHL 5",
            );
            return false;
        }
    }
    true
}

/// The countries against which a status must be measured: each effective nationality (all must fail to
/// protect), or each former habitual residence (one suffices). Returns `(countries, all_required)`.
fn countries_to_test<'a>(f: &'a Facts, chain: &mut Chain) -> (Vec<&'a CountryFacts>, bool) {
    match &f.nationality {
        NationalityFacts::Nationals { countries } => {
            let all: Vec<&CountryFacts> = countries.iter().filter_map(|c| f.countries.iter().find(|x| x.country == *c)).collect();
            for c in all.iter().filter(|c| !c.nationality_effective) {
                chain.push(
                    Step::Nationality,
                    Some(c.country),
                    Finding::NotApplicable,
                    format!("the nationality of {} is ineffective (the State would not admit or protect the person) and is disregarded", c.country),
                    "Handbook para. 107",
                );
            }
            let effective: Vec<&CountryFacts> = all.iter().copied().filter(|c| c.nationality_effective).collect();
            if effective.is_empty() {
                // Every nationality is ineffective: the person is in the position of a stateless person.
                (all, false)
            } else {
                (effective, true)
            }
        }
        NationalityFacts::Stateless { .. } => (f.countries.iter().collect(), false),
    }
}

fn cessation_review(f: &Facts, c: &CessationFacts, jurisdiction: Iso3) -> Assessment {
    let mut chain = Chain { reasons: Vec::new() };
    let stateless = matches!(f.nationality, NationalityFacts::Stateless { .. });
    let done = |chain: Chain, recommendation, basis| Assessment { jurisdiction, recommendation, basis, reasons: chain.reasons, absolute_bars: Vec::new() };
    if let Some(r) = c.reavailment {
        if r.voluntary && r.intention && r.protection_obtained {
            chain.push(
                Step::Cessation,
                None,
                Finding::Met,
                "the refugee voluntarily, intentionally and actually re-availed themselves of the protection of their country of nationality",
                "1951 Convention, Art. 1C(1); Handbook paras 118-125",
            );
            return done(chain, Recommendation::Ceased, Basis::Cessation(CessationClause::ReAvailment));
        }
        chain.push(
            Step::Cessation,
            None,
            Finding::NotMet,
            "re-availment needs all three of voluntariness, intention and protection actually obtained; not all are established",
            "1951 Convention, Art. 1C(1); Handbook paras 118-125",
        );
    }
    let voluntary_acts = [
        (c.reacquired_nationality_voluntarily, CessationClause::ReAcquisition, "voluntarily re-acquired the nationality lost", "1951 Convention, Art. 1C(2); Handbook paras 126-128"),
        (
            c.new_nationality_with_protection,
            CessationClause::NewNationality,
            "acquired a new nationality and enjoys the protection of that country",
            "1951 Convention, Art. 1C(3); Handbook paras 129-132",
        ),
        (
            c.reestablished_voluntarily,
            CessationClause::ReEstablishment,
            "voluntarily re-established themselves in the country they left",
            "1951 Convention, Art. 1C(4); Handbook paras 133-134",
        ),
    ];
    for (applies, clause, what, cite) in voluntary_acts {
        if applies {
            chain.push(Step::Cessation, None, Finding::Met, format!("the refugee {what}"), cite);
            return done(chain, Recommendation::Ceased, Basis::Cessation(clause));
        }
    }
    let (clause, cite) = if stateless {
        (CessationClause::CircumstancesCeasedStateless, "1951 Convention, Art. 1C(6); Handbook paras 135-139; UNHCR GIP No. 3 (2003)")
    } else {
        (CessationClause::CircumstancesCeasedNational, "1951 Convention, Art. 1C(5); Handbook paras 135-136; UNHCR GIP No. 3 (2003) paras 10-16; CJEU Abdulla C-175/08")
    };
    match c.change_of_circumstances {
        Some(ch) if ch.fundamental && ch.durable && ch.effective_protection_available => {
            chain.push(
                Step::Cessation,
                None,
                Finding::Met,
                "the circumstances in connection with which the person was recognised have ceased to exist: the change is fundamental, durable and effective protection is available",
                cite,
            );
            if c.compelling_reasons {
                chain.push(
                    Step::Cessation,
                    None,
                    Finding::NotApplicable,
                    "compelling reasons arising out of previous persecution justify the refusal to return: the status is maintained (the exception is applied to every refugee, not only those under Art. 1A(1))",
                    "1951 Convention, Art. 1C(5)/(6) second paragraph; Handbook para. 136; UNHCR GIP No. 3 (2003) paras 20-21",
                );
                chain.push(Step::Conclusion, None, Finding::Met, "refugee status continues under the compelling-reasons exception", "Handbook para. 136");
                return done(chain, Recommendation::Recognised, Basis::CompellingReasons);
            }
            chain.push(Step::Conclusion, None, Finding::Met, "refugee status has ceased", cite);
            done(chain, Recommendation::Ceased, Basis::Cessation(clause))
        }
        Some(_) => {
            chain.push(
                Step::Cessation,
                None,
                Finding::NotMet,
                "the change of circumstances is not shown to be fundamental, durable and to restore effective protection",
                cite,
            );
            chain.push(Step::Conclusion, None, Finding::Met, "refugee status continues", "Handbook paras 111-116 (cessation clauses are interpreted restrictively)");
            done(chain, Recommendation::Recognised, Basis::StatusContinues)
        }
        None => {
            chain.push(Step::Conclusion, None, Finding::Met, "no cessation clause applies; refugee status continues", "Handbook paras 111-116");
            done(chain, Recommendation::Recognised, Basis::StatusContinues)
        }
    }
}

/// Every listed situation counts under OAU Art. I(2): it names aggression, occupation and domination, and
/// generalized violence, internal conflict and massive violations are "events seriously disturbing public
/// order" (UNHCR GIP No. 12, 2016).
fn oau_event(_: RegionalEvent) -> bool {
    true
}

fn cartagena_event(e: RegionalEvent) -> bool {
    !matches!(e, RegionalEvent::Occupation | RegionalEvent::ForeignDomination)
}

/// Evaluates one regional definition over the countries to test.
fn regional(instr: RegionalInstrument, tested: &[&CountryFacts], all_required: bool, chain: &mut Chain) -> bool {
    let (step, cite) = match instr {
        RegionalInstrument::OauConvention1969 => (Step::RegionalOau, "1969 OAU Convention, Art. I(2) (and I(3) on several nationalities); UNHCR GIP No. 12 (2016)"),
        RegionalInstrument::CartagenaDeclaration1984 => (Step::RegionalCartagena, "1984 Cartagena Declaration, conclusion III(3); UNHCR GIP No. 12 (2016)"),
    };
    let mut results = Vec::new();
    for c in tested {
        let ok = match &c.regional {
            Some(r) if c.outside => match instr {
                RegionalInstrument::OauConvention1969 => r.compelled_to_leave && r.events.iter().any(|e| oau_event(*e)),
                RegionalInstrument::CartagenaDeclaration1984 => r.life_safety_or_freedom_threatened && r.events.iter().any(|e| cartagena_event(*e)),
            },
            _ => false,
        };
        let explanation = match (instr, ok) {
            (RegionalInstrument::OauConvention1969, true) => format!(
                "the person was compelled to leave because of external aggression, occupation, foreign domination or events seriously disturbing public order in part or all of {}; no internal flight alternative is required by this definition",
                c.country
            ),
            (RegionalInstrument::OauConvention1969, false) => {
                format!("no event within Art. I(2) compelled the person to leave {}", c.country)
            }
            (RegionalInstrument::CartagenaDeclaration1984, true) => format!(
                "the person's life, safety or freedom was threatened by generalized violence, foreign aggression, internal conflict, massive violation of human rights or other circumstances seriously disturbing public order in {}",
                c.country
            ),
            (RegionalInstrument::CartagenaDeclaration1984, false) => {
                format!("no situation within conclusion III(3) threatened the person's life, safety or freedom in {}", c.country)
            }
        };
        chain.push(step, Some(c.country), if ok { Finding::Met } else { Finding::NotMet }, explanation, cite);
        results.push(ok);
    }
    if results.is_empty() {
        return false;
    }
    if all_required {
        results.iter().all(|r| *r)
    } else {
        results.iter().any(|r| *r)
    }
}

/// Evaluates Art. 1F. Returns the first clause established.
fn art_1f(f: &Facts, chain: &mut Chain) -> Option<ExclusionClause> {
    if f.exclusion.is_empty() {
        chain.push(Step::Art1F, None, Finding::NotApplicable, "no exclusion allegation", "1951 Convention, Art. 1F; UNHCR Guidelines on Exclusion (2003)");
        return None;
    }
    let mut found = None;
    for a in &f.exclusion {
        let (clause, cite) = match a.clause {
            Art1FClause::A => (ExclusionClause::Art1Fa, "1951 Convention, Art. 1F(a); UNHCR Guidelines on Exclusion (2003) paras 11-13"),
            Art1FClause::B => (ExclusionClause::Art1Fb, "1951 Convention, Art. 1F(b); Handbook paras 151-161; UNHCR Guidelines on Exclusion (2003) paras 14-16"),
            Art1FClause::C => (
                ExclusionClause::Art1Fc,
                "1951 Convention, Art. 1F(c); UNHCR Guidelines on Exclusion (2003) para. 17; CJEU B and D C-57/09; Al-Sirri v SSHD [2012] UKSC 54",
            ),
        };
        let not_met = |chain: &mut Chain, why: String, c: &str| chain.push(Step::Art1F, None, Finding::NotMet, format!("{}: {why}", a.description), c);
        if !a.serious_reasons_for_considering {
            not_met(chain, "there are no serious reasons for considering that the person committed the act".into(), "UNHCR Guidelines on Exclusion (2003) para. 35; Al-Sirri v SSHD [2012] UKSC 54");
            continue;
        }
        if !a.individual_responsibility {
            not_met(
                chain,
                "individual responsibility is not established (membership of an organisation is not enough)".into(),
                "UNHCR Guidelines on Exclusion (2003) paras 18-19; JS (Sri Lanka) v SSHD [2010] UKSC 15",
            );
            continue;
        }
        let manifestly_unlawful = matches!(a.crime, Some(InternationalCrime::Genocide | InternationalCrime::CrimeAgainstHumanity));
        let defence = a
            .defences
            .iter()
            .find(|d| !(manifestly_unlawful && **d == Defence::SuperiorOrdersNotManifestlyUnlawful));
        if let Some(d) = defence {
            not_met(chain, format!("the defence of {d:?} negates individual responsibility"), "UNHCR Guidelines on Exclusion (2003) paras 21-22; Rome Statute Arts 31-33");
            continue;
        }
        if a.clause == Art1FClause::B {
            if let Some(sc) = a.serious_crime {
                if !(sc.serious && sc.non_political && sc.outside_country_of_refuge_before_admission) {
                    not_met(
                        chain,
                        "1F(b) needs a serious, non-political crime committed outside the country of refuge before admission; not all are established".into(),
                        cite,
                    );
                    continue;
                }
            }
        }
        let mut explanation = format!("{}: serious reasons for considering the person individually responsible, without a defence", a.description);
        if manifestly_unlawful && a.defences.contains(&Defence::SuperiorOrdersNotManifestlyUnlawful) {
            explanation.push_str("; superior orders are no defence to genocide or crimes against humanity (Rome Statute Art. 33(2))");
        }
        chain.push(Step::Art1F, None, Finding::Met, explanation, cite);
        found = found.or(Some(clause));
    }
    found
}

/// Assesses checked facts under the law of `jurisdiction`. Pure and deterministic.
pub fn assess(facts: &CheckedFacts, jurisdiction: &JurisdictionProfile) -> Assessment {
    let f = &facts.0;
    let j = jurisdiction;
    if let Some(c) = &f.cessation {
        return cessation_review(f, c, j.country);
    }
    let mut chain = Chain { reasons: Vec::new() };
    let (tested, all_required) = countries_to_test(f, &mut chain);

    // Absolute bars are recorded whatever the outcome.
    let mut absolute_bars = Vec::new();
    for c in &f.countries {
        if c.serious_harm.torture {
            absolute_bars.push(AbsoluteBar { country: c.country, instrument: AbsoluteBarInstrument::CatArticle3 });
        }
        if c.serious_harm.cruel_inhuman_degrading_treatment {
            absolute_bars.push(AbsoluteBar { country: c.country, instrument: AbsoluteBarInstrument::IccprArticle7 });
        }
    }
    let finish = |chain: Chain, recommendation, basis, bars: Vec<AbsoluteBar>| Assessment {
        jurisdiction: j.country,
        recommendation,
        basis,
        reasons: chain.reasons,
        absolute_bars: bars,
    };

    // 1. Art. 1D.
    let mut inclusion: Option<Basis> = None;
    match f.art_1d {
        None => {}
        Some(d) if !d.availed_of_unrwa => chain.push(
            Step::Art1D,
            None,
            Finding::NotApplicable,
            "the person never actually availed themselves of UNRWA protection or assistance; Art. 1D does not apply and the claim is assessed under Art. 1A(2)",
            "1951 Convention, Art. 1D; CJEU Bolbol C-31/09 (2010)",
        ),
        Some(d) => match d.situation {
            UnrwaSituation::Receiving | UnrwaSituation::LeftVoluntarily => {
                chain.push(
                    Step::Art1D,
                    None,
                    Finding::Met,
                    "the person is receiving UNRWA protection or assistance, or left UNRWA's area voluntarily and could receive it again: the Convention does not apply (Art. 1D first paragraph)",
                    "1951 Convention, Art. 1D first paragraph; CJEU Bolbol C-31/09; CJEU El Kott C-364/11; UNHCR GIP No. 13 (2017)",
                );
                chain.push(Step::Conclusion, None, Finding::Met, "excluded under Art. 1D first paragraph", "1951 Convention, Art. 1D");
                return finish(chain, Recommendation::Excluded, Basis::Exclusion(ExclusionClause::Art1D), absolute_bars);
            }
            UnrwaSituation::CeasedBeyondControl | UnrwaSituation::UnrwaEnded => {
                chain.push(
                    Step::Art1D,
                    None,
                    Finding::Met,
                    "UNRWA protection or assistance has ceased for reasons beyond the person's control: they are ipso facto entitled to the benefits of the Convention, without having to show a well-founded fear under Art. 1A(2), unless 1E or 1F applies",
                    "1951 Convention, Art. 1D second paragraph; CJEU El Kott C-364/11 (2012); UNHCR GIP No. 13 (2017)",
                );
                inclusion = Some(if j.is_party() { Basis::Convention1D2 } else { Basis::UnhcrMandate });
            }
        },
    }

    // 2. Art. 1A(2).
    if inclusion.is_none() {
        let results: Vec<(Iso3, bool)> = tested.iter().map(|c| (c.country, refugee_in_respect_of(c, &mut chain))).collect();
        let included = !results.is_empty() && if all_required { results.iter().all(|(_, r)| *r) } else { results.iter().any(|(_, r)| *r) };
        if all_required && results.len() > 1 {
            let protected: Vec<String> = results.iter().filter(|(_, r)| !*r).map(|(c, _)| c.to_string()).collect();
            if protected.is_empty() {
                chain.push(
                    Step::Nationality,
                    None,
                    Finding::Met,
                    "the person lacks the protection of each country of nationality",
                    "1951 Convention, Art. 1A(2) second paragraph; Handbook paras 106-107",
                );
            } else {
                chain.push(
                    Step::Nationality,
                    None,
                    Finding::NotMet,
                    format!("the person can avail themselves of the protection of {}, a country of nationality; a refugee must lack the protection of each", protected.join(", ")),
                    "1951 Convention, Art. 1A(2) second paragraph; Handbook para. 106",
                );
            }
        }
        if !all_required && results.len() > 1 && included {
            chain.push(
                Step::Nationality,
                None,
                Finding::Met,
                "a stateless person need not meet the criteria in relation to every country of former habitual residence",
                "Handbook para. 104",
            );
        }
        if included {
            let europe = tested
                .iter()
                .filter(|c| results.iter().any(|(k, r)| *k == c.country && *r))
                .all(|c| c.events_in_europe.unwrap_or_else(|| EUROPE.contains(&c.country.as_str())));
            if j.geographic_limitation && !europe {
                chain.push(
                    Step::GeographicLimitation,
                    None,
                    Finding::Met,
                    format!(
                        "{} applies the Convention only to events occurring in Europe and these events did not: no Convention status in this State, but the person is a refugee under UNHCR's mandate and protected from refoulement",
                        j.country
                    ),
                    "1951 Convention, Art. 1B(1)(a); 1967 Protocol, Art. I(3); UNHCR Statute para. 6B",
                );
                inclusion = Some(Basis::UnhcrMandate);
            } else if !j.is_party() {
                chain.push(
                    Step::GeographicLimitation,
                    None,
                    Finding::NotApplicable,
                    format!("{} is party to neither the Convention nor the Protocol: the person is recognised under UNHCR's mandate", j.country),
                    "UNHCR Statute para. 6B; UNGA res. 428(V)",
                );
                inclusion = Some(Basis::UnhcrMandate);
            } else {
                if j.geographic_limitation {
                    chain.push(
                        Step::GeographicLimitation,
                        None,
                        Finding::NotMet,
                        "the events occurred in Europe, so the geographic limitation does not bar Convention status",
                        "1951 Convention, Art. 1B(1)(a)",
                    );
                }
                inclusion = Some(Basis::Convention1A2);
            }
        }
    }

    // 3. Regional definitions.
    if inclusion.is_none() {
        for instr in [RegionalInstrument::OauConvention1969, RegionalInstrument::CartagenaDeclaration1984] {
            if j.applies(instr) && regional(instr, &tested, all_required, &mut chain) {
                inclusion = Some(match instr {
                    RegionalInstrument::OauConvention1969 => Basis::OauArticleI2,
                    RegionalInstrument::CartagenaDeclaration1984 => Basis::CartagenaIII3,
                });
                break;
            }
        }
    }

    // 4. Complementary protection (needed before exclusion, which applies to it too).
    let risk = |c: &&CountryFacts| {
        let s = c.serious_harm;
        let national_scheme = j.complementary_protection || j.authority == DeterminingAuthority::UnhcrMandate;
        s.torture || s.cruel_inhuman_degrading_treatment || (national_scheme && (s.death_penalty || s.indiscriminate_violence))
    };
    let complementary = inclusion.is_none() && !tested.is_empty() && if all_required { tested.iter().all(risk) } else { tested.iter().any(risk) };

    if inclusion.is_none() && !complementary {
        chain.push(
            Step::ComplementaryProtection,
            None,
            Finding::NotMet,
            "no real risk of serious harm on return is established",
            "CAT Art. 3; ICCPR Arts 6-7; EU Qualification Directive Art. 15",
        );
        chain.push(
            Step::Art1F,
            None,
            Finding::NotApplicable,
            "exclusion is not reached: inclusion is considered first and is not established",
            "UNHCR Guidelines on Exclusion (2003) para. 31",
        );
        chain.push(Step::Conclusion, None, Finding::NotMet, "the person does not meet the criteria for refugee status or complementary protection", "1951 Convention, Art. 1A(2)");
        return finish(chain, Recommendation::Rejected, Basis::CriteriaNotMet, absolute_bars);
    }

    // 5. Exclusion: Art. 1E (refugee status only), then Art. 1F.
    if inclusion.is_some() {
        match f.art_1e {
            Some(e) if e.rights_of_nationals && !e.well_founded_fear_there => {
                chain.push(
                    Step::Art1E,
                    Some(e.country),
                    Finding::Met,
                    format!("the authorities of {} recognise the person as having the rights and obligations of a national, and the person has no well-founded fear there", e.country),
                    "1951 Convention, Art. 1E; Handbook paras 144-146; UNHCR Note on Art. 1E (2009)",
                );
                chain.push(Step::Conclusion, None, Finding::Met, "excluded under Art. 1E", "1951 Convention, Art. 1E");
                return finish(chain, Recommendation::Excluded, Basis::Exclusion(ExclusionClause::Art1E), absolute_bars);
            }
            Some(e) => chain.push(
                Step::Art1E,
                Some(e.country),
                Finding::NotMet,
                "the person does not hold the rights and obligations of a national there, or fears persecution there",
                "1951 Convention, Art. 1E; Handbook paras 144-146",
            ),
            None => {}
        }
    }
    if let Some(clause) = art_1f(f, &mut chain) {
        let mut explanation = String::from("excluded: the exclusion finding overrides the inclusion finding");
        if !absolute_bars.is_empty() {
            explanation.push_str("; the person must nevertheless not be removed to a country where they face torture or cruel, inhuman or degrading treatment");
        }
        chain.push(
            Step::Conclusion,
            None,
            Finding::Met,
            explanation,
            "1951 Convention, Art. 1F; UNHCR Guidelines on Exclusion (2003); CAT Art. 3 and ICCPR Art. 7 (absolute)",
        );
        return finish(chain, Recommendation::Excluded, Basis::Exclusion(clause), absolute_bars);
    }

    // 6. Conclusion.
    if let Some(basis) = inclusion {
        chain.push(Step::Conclusion, None, Finding::Met, "the person is a refugee", "1951 Convention, Art. 1A(2) (or the basis recorded)");
        return finish(chain, Recommendation::Recognised, basis, absolute_bars);
    }
    let mut explanation = String::from("not a refugee, but at real risk of serious harm on return");
    if !j.complementary_protection && j.authority != DeterminingAuthority::UnhcrMandate {
        explanation.push_str(
            "; the State has no national complementary status recorded, but the prohibition of removal to torture or cruel, inhuman or degrading treatment applies regardless",
        );
    }
    chain.push(
        Step::ComplementaryProtection,
        None,
        Finding::Met,
        explanation,
        "CAT Art. 3; ICCPR Arts 6-7 (HRC General Comment No. 31 para. 12); EU Qualification Directive Art. 15; CJEU Elgafaji C-465/07",
    );
    chain.push(Step::Conclusion, None, Finding::Met, "complementary protection", "CAT Art. 3; ICCPR Art. 7");
    finish(chain, Recommendation::ComplementaryProtection, Basis::Complementary, absolute_bars)
}

/// Why a facts document could not be assessed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    /// Not valid JSON, or not the facts format (unknown field, wrong type, missing field).
    #[error("the facts file is not in the expected format at line {line}, column {column}: {message} (see docs/assess/README.md)")]
    Format {
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
        /// What serde reported, e.g. "unknown field `colour`, expected one of ...".
        message: String,
    },
    /// The facts are well-formed but incomplete or inconsistent.
    #[error("the facts are incomplete or inconsistent: {0}")]
    Invalid(#[from] ValidationErrors),
}

/// Parses a JSON facts document and assesses it under `jurisdiction`.
pub fn assess_json(json: &str, jurisdiction: &JurisdictionProfile) -> Result<Assessment, FactsError> {
    let facts: Facts = serde_json::from_str(json).map_err(|e| FactsError::Format { line: e.line(), column: e.column(), message: e.to_string() })?;
    Ok(assess(&facts.check()?, jurisdiction))
}

// ───────────────────────────── Officer decisions ─────────────────────────────

/// The officer's decision on an assessment. A decision that departs from the recommendation must say why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "OfficerDecisionRecord")]
pub struct OfficerDecision {
    recommendation: Recommendation,
    outcome: Recommendation,
    departs_from_recommendation: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    departure_reason: Option<Reason>,
}

/// The stored form of an [`OfficerDecision`], checked on reading.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerDecisionRecord {
    /// The recommendation of the assessment.
    pub recommendation: Recommendation,
    /// The officer's decision.
    pub outcome: Recommendation,
    /// Whether it departs.
    pub departs_from_recommendation: bool,
    /// Why it departs.
    #[serde(default)]
    pub departure_reason: Option<Reason>,
}

/// Why an officer decision was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    /// Departing from the recommendation without a reason.
    #[error("the decision ({outcome:?}) departs from the recommendation ({recommendation:?}); record the reason for departing (facts found differently, or the law applied differently)")]
    DepartureWithoutReason {
        /// The recommendation.
        recommendation: Recommendation,
        /// The decision.
        outcome: Recommendation,
    },
    /// A departure reason given for a decision that follows the recommendation, or a record whose flag is wrong.
    #[error("the record is inconsistent: the decision ({outcome:?}) {follows} the recommendation ({recommendation:?}); correct departs_from_recommendation or remove the departure reason")]
    Inconsistent {
        /// The recommendation.
        recommendation: Recommendation,
        /// The decision.
        outcome: Recommendation,
        /// "follows" or "departs from".
        follows: &'static str,
    },
}

impl OfficerDecision {
    /// Records the officer's decision on `assessment`. `departure_reason` is required if and only if the
    /// outcome differs from the recommendation.
    pub fn new(assessment: &Assessment, outcome: Recommendation, departure_reason: Option<Reason>) -> Result<Self, DecisionError> {
        Self::try_from(OfficerDecisionRecord {
            recommendation: assessment.recommendation,
            outcome,
            departs_from_recommendation: outcome != assessment.recommendation,
            departure_reason,
        })
    }
    /// The recommendation decided on.
    pub fn recommendation(&self) -> Recommendation {
        self.recommendation
    }
    /// The decision.
    pub fn outcome(&self) -> Recommendation {
        self.outcome
    }
    /// True if the decision departs from the recommendation.
    pub fn departs_from_recommendation(&self) -> bool {
        self.departs_from_recommendation
    }
    /// Why, if it departs.
    pub fn departure_reason(&self) -> Option<&Reason> {
        self.departure_reason.as_ref()
    }
}

impl TryFrom<OfficerDecisionRecord> for OfficerDecision {
    type Error = DecisionError;
    fn try_from(r: OfficerDecisionRecord) -> Result<Self, DecisionError> {
        let departs = r.outcome != r.recommendation;
        if departs != r.departs_from_recommendation || (!departs && r.departure_reason.is_some()) {
            return Err(DecisionError::Inconsistent {
                recommendation: r.recommendation,
                outcome: r.outcome,
                follows: if departs { "departs from" } else { "follows" },
            });
        }
        if departs && r.departure_reason.is_none() {
            return Err(DecisionError::DepartureWithoutReason { recommendation: r.recommendation, outcome: r.outcome });
        }
        Ok(Self { recommendation: r.recommendation, outcome: r.outcome, departs_from_recommendation: departs, departure_reason: r.departure_reason })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::convention::jurisdiction::profile_for;

    fn iso(s: &str) -> Iso3 {
        Iso3::parse(s).unwrap()
    }
    fn harm(kind: HarmKind, severity: Severity) -> FearedHarm {
        FearedHarm { kind, severity, description: None, prosecution: None }
    }
    fn ground(g: Ground) -> GroundLink {
        GroundLink { ground: g, imputed: false, via: NexusVia::Persecutor, social_group: None }
    }
    fn group(description: &str, protected: bool, perceived: bool, by_persecution: bool) -> GroundLink {
        GroundLink {
            social_group: Some(SocialGroup {
                description: description.into(),
                protected_characteristic: protected,
                socially_perceived: perceived,
                defined_solely_by_persecution: by_persecution,
            }),
            ..ground(Ground::ParticularSocialGroup)
        }
    }
    fn non_state(p: StateProtection) -> Option<PersecutionActor> {
        Some(PersecutionActor::NonState { state_protection: p })
    }
    /// A person outside `code`, detained arbitrarily by the State for political opinion: a refugee.
    fn country(code: &str) -> CountryFacts {
        CountryFacts {
            country: iso(code),
            outside: true,
            nationality_effective: true,
            harms: vec![harm(HarmKind::ArbitraryDetention, Severity::Serious)],
            cumulative_effect: false,
            actor: Some(PersecutionActor::State),
            grounds: vec![ground(Ground::PoliticalOpinion)],
            fear: Fear { subjective_fear: true, likelihood: Likelihood::ReasonablePossibility, limited_capacity_to_express_fear: false, would_conceal_to_avoid_harm: false },
            internal_relocation: None,
            regional: None,
            serious_harm: SeriousHarmRisk::default(),
            events_in_europe: None,
        }
    }
    /// A country where nothing is feared.
    fn safe(code: &str) -> CountryFacts {
        CountryFacts {
            harms: vec![],
            actor: None,
            grounds: vec![],
            fear: Fear { subjective_fear: false, likelihood: Likelihood::Remote, limited_capacity_to_express_fear: false, would_conceal_to_avoid_harm: false },
            ..country(code)
        }
    }
    fn nationals(cs: Vec<CountryFacts>) -> Facts {
        Facts {
            note: None,
            nationality: NationalityFacts::Nationals { countries: cs.iter().map(|c| c.country).collect() },
            countries: cs,
            art_1d: None,
            art_1e: None,
            exclusion: vec![],
            cessation: None,
        }
    }
    fn stateless(cs: Vec<CountryFacts>) -> Facts {
        Facts { nationality: NationalityFacts::Stateless { former_habitual_residence: cs.iter().map(|c| c.country).collect() }, ..nationals(cs) }
    }
    fn with(code: &str, f: impl FnOnce(&mut CountryFacts)) -> Facts {
        let mut c = country(code);
        f(&mut c);
        nationals(vec![c])
    }
    fn allegation(clause: Art1FClause) -> ExclusionAllegation {
        ExclusionAllegation {
            clause,
            description: "commanded a unit that shelled civilians".into(),
            serious_reasons_for_considering: true,
            individual_responsibility: true,
            defences: vec![],
            crime: (clause == Art1FClause::A).then_some(InternationalCrime::WarCrime),
            serious_crime: (clause == Art1FClause::B).then_some(SeriousCrimeFacts { serious: true, non_political: true, outside_country_of_refuge_before_admission: true }),
        }
    }

    /// The one helper every rule test goes through: assess `facts` in `jurisdiction` and compare.
    fn check(case: &str, facts: Facts, jurisdiction: &str, expected: Recommendation, basis: Basis) -> Assessment {
        let checked = facts.check().unwrap_or_else(|e| panic!("{case}: facts rejected: {e}"));
        let a = assess(&checked, &profile_for(iso(jurisdiction)));
        let trail: Vec<String> = a.reasons.iter().map(|r| format!("{:?}/{:?}: {}", r.step, r.finding, r.explanation)).collect();
        assert_eq!((a.recommendation, a.basis), (expected, basis), "{case}\n{}", trail.join("\n"));
        assert!(a.reasons.iter().all(|r| !r.citation.as_str().is_empty()), "{case}: every step cites a source");
        assert_eq!(a, assess(&checked, &profile_for(iso(jurisdiction))), "{case}: deterministic");
        a
    }
    use Recommendation::{Ceased, ComplementaryProtection as Cp, Excluded, Recognised, Rejected};

    #[test]
    fn persecution_handbook_51_to_60() {
        let cases: Vec<(&str, Facts, Recommendation)> = vec![
            ("para 51: arbitrary detention for political opinion", with("SYR", |_| {}), Recognised),
            ("para 51: threat to life", with("SYR", |c| c.harms = vec![harm(HarmKind::ThreatToLife, Severity::Serious)]), Recognised),
            ("para 54: minor discrimination alone", with("SYR", |c| c.harms = vec![harm(HarmKind::Discrimination, Severity::Minor)]), Rejected),
            (
                "para 54: substantially prejudicial discrimination (e.g. no access to education)",
                with("SYR", |c| c.harms = vec![harm(HarmKind::Discrimination, Severity::SubstantiallyPrejudicial)]),
                Recognised,
            ),
            (
                "para 53: cumulative grounds",
                with("SYR", |c| {
                    c.harms = vec![harm(HarmKind::Discrimination, Severity::Minor), harm(HarmKind::Harassment, Severity::Minor)];
                    c.cumulative_effect = true;
                }),
                Recognised,
            ),
            (
                "para 53: several measures the officer finds not cumulatively persecution",
                with("SYR", |c| c.harms = vec![harm(HarmKind::Discrimination, Severity::Minor), harm(HarmKind::Harassment, Severity::Minor)]),
                Rejected,
            ),
            (
                "para 53: a single minor measure cannot be cumulative",
                with("SYR", |c| {
                    c.harms = vec![harm(HarmKind::Harassment, Severity::Minor)];
                    c.cumulative_effect = true;
                }),
                Rejected,
            ),
            (
                "para 56: prosecution under a law of general application is not persecution",
                with("SYR", |c| {
                    c.harms = vec![ProsecutionHarm::prosecution(false, false)];
                }),
                Rejected,
            ),
            (
                "para 59: prosecution under a law contrary to human rights standards",
                with("SYR", |c| c.harms = vec![ProsecutionHarm::prosecution(true, false)]),
                Recognised,
            ),
            (
                "para 57: excessive, discriminatory punishment",
                with("SYR", |c| c.harms = vec![ProsecutionHarm::prosecution(false, true)]),
                Recognised,
            ),
            (
                "para 62: economic migrant (no nexus, hardship not persecution)",
                with("HND", |c| {
                    c.harms = vec![harm(HarmKind::EconomicHardship, Severity::SubstantiallyPrejudicial)];
                    c.grounds = vec![];
                }),
                Rejected,
            ),
            (
                "para 63: economic measures destroying a group's economic existence",
                with("MMR", |c| {
                    c.harms = vec![harm(HarmKind::EconomicHardship, Severity::Serious)];
                    c.grounds = vec![ground(Ground::Race)];
                }),
                Recognised,
            ),
            ("para 88: not outside the country", with("SYR", |c| c.outside = false), Rejected),
            ("no harm feared", with("SYR", |c| c.harms = vec![]), Rejected),
        ];
        for (name, facts, expected) in cases {
            let basis = if expected == Recognised { Basis::Convention1A2 } else { Basis::CriteriaNotMet };
            check(name, facts, "DEU", expected, basis);
        }
    }

    struct ProsecutionHarm;
    impl ProsecutionHarm {
        fn prosecution(law: bool, punishment: bool) -> FearedHarm {
            FearedHarm {
                prosecution: Some(ProsecutionFacts { law_contrary_to_human_rights: law, punishment_excessive_or_discriminatory: punishment }),
                ..harm(HarmKind::Prosecution, Severity::Serious)
            }
        }
    }

    #[test]
    fn actors_and_state_protection_ward_horvath() {
        let cases = [
            // Ward: where the State is the persecutor, its protection is not available.
            ("Ward: State actor", PersecutionActor::State, Recognised),
            ("Handbook 65 / Ward: non-State actor, State unable", PersecutionActor::NonState { state_protection: StateProtection::Unable }, Recognised),
            ("Handbook 65: non-State actor, State unwilling", PersecutionActor::NonState { state_protection: StateProtection::Unwilling }, Recognised),
            ("Horvath: effective State protection", PersecutionActor::NonState { state_protection: StateProtection::Effective }, Rejected),
        ];
        for (name, actor, expected) in cases {
            let basis = if expected == Recognised { Basis::Convention1A2 } else { Basis::CriteriaNotMet };
            check(name, with("COL", |c| c.actor = Some(actor)), "CAN", expected, basis);
        }
    }

    #[test]
    fn nexus_and_particular_social_group_applicant_a_ward_shah_islam() {
        let cases: Vec<(&str, Vec<GroundLink>, Recommendation)> = vec![
            ("no Convention ground", vec![], Rejected),
            ("race", vec![ground(Ground::Race)], Recognised),
            ("religion", vec![ground(Ground::Religion)], Recognised),
            ("nationality (ethnic group)", vec![ground(Ground::Nationality)], Recognised),
            ("Ward: protected characteristic (sexual orientation)", vec![group("gay men in Uganda", true, false, false)], Recognised),
            ("Applicant A: social perception", vec![group("former police officers", false, true, false)], Recognised),
            ("Applicant A: a group defined only by its persecution", vec![group("people threatened by the gang", false, true, true)], Rejected),
            ("neither protected nor perceived", vec![group("people who owe money", false, false, false)], Rejected),
        ];
        for (name, grounds, expected) in cases {
            let basis = if expected == Recognised { Basis::Convention1A2 } else { Basis::CriteriaNotMet };
            check(name, with("UGA", |c| c.grounds = grounds), "GBR", expected, basis);
        }
        // Handbook para. 80: imputed political opinion.
        let a = check(
            "imputed political opinion",
            with("ERI", |c| c.grounds = vec![GroundLink { imputed: true, ..ground(Ground::PoliticalOpinion) }]),
            "GBR",
            Recognised,
            Basis::Convention1A2,
        );
        assert!(a.reasons.iter().any(|r| r.step == Step::Nexus && r.citation.as_str().contains("para. 80")));
        // Shah and Islam: private violence, nexus through the State's discriminatory failure to protect.
        let a = check(
            "Shah and Islam: nexus through the failure of protection",
            with("PAK", |c| {
                c.actor = non_state(StateProtection::Unwilling);
                c.harms = vec![harm(HarmKind::ThreatToLife, Severity::Serious)];
                c.grounds = vec![GroundLink { via: NexusVia::StateFailureToProtect, ..group("women in Pakistan", true, true, false) }];
            }),
            "GBR",
            Recognised,
            Basis::Convention1A2,
        );
        assert!(a.reasons.iter().any(|r| r.citation.as_str().contains("Shah")));
    }

    #[test]
    fn well_founded_fear_cardoza_fonseca_chan_hj_and_ht() {
        let fear = |subjective, likelihood, limited, conceal| Fear {
            subjective_fear: subjective,
            likelihood,
            limited_capacity_to_express_fear: limited,
            would_conceal_to_avoid_harm: conceal,
        };
        let cases = [
            ("Cardoza-Fonseca: a reasonable possibility suffices", fear(true, Likelihood::ReasonablePossibility, false, false), Recognised),
            ("more likely than not", fear(true, Likelihood::MoreLikelyThanNot, false, false), Recognised),
            ("Chan: a remote possibility is no real chance", fear(true, Likelihood::Remote, false, false), Rejected),
            ("Handbook 38: no subjective fear", fear(false, Likelihood::MoreLikelyThanNot, false, false), Rejected),
            ("Handbook 213-219 / GIP 8: a child cannot be expected to express fear", fear(false, Likelihood::ReasonablePossibility, true, false), Recognised),
            ("HJ and HT: concealment is not required", fear(true, Likelihood::ReasonablePossibility, false, true), Recognised),
        ];
        for (name, fear, expected) in cases {
            let basis = if expected == Recognised { Basis::Convention1A2 } else { Basis::CriteriaNotMet };
            let a = check(
                name,
                with("IRN", |c| {
                    c.fear = fear;
                    c.grounds = vec![group("gay men in Iran", true, true, false)];
                }),
                "GBR",
                expected,
                basis,
            );
            if fear.would_conceal_to_avoid_harm {
                assert!(a.reasons.iter().any(|r| r.citation.as_str().contains("HJ (Iran) and HT (Cameroon)")));
            }
        }
    }

    #[test]
    fn internal_relocation_gip_4_and_januzi() {
        let ifa = |accessible, risk, harsh| InternalRelocation { area: "Kabul".into(), accessible, risk_in_area: risk, unduly_harsh: harsh };
        let cases = [
            ("Januzi: relevant and reasonable IFA", non_state(StateProtection::Unable), ifa(true, false, false), Rejected),
            ("Januzi / AH (Sudan): unduly harsh", non_state(StateProtection::Unable), ifa(true, false, true), Recognised),
            ("GIP 4 para 10: not accessible", non_state(StateProtection::Unable), ifa(false, false, false), Recognised),
            ("GIP 4 para 7(I)(c): risk in the area", non_state(StateProtection::Unable), ifa(true, true, false), Recognised),
            ("GIP 4 para 13: State actor, presumption against IFA", Some(PersecutionActor::State), ifa(true, false, false), Recognised),
        ];
        for (name, actor, r, expected) in cases {
            let basis = if expected == Recognised { Basis::Convention1A2 } else { Basis::CriteriaNotMet };
            check(
                name,
                with("AFG", |c| {
                    c.actor = actor;
                    c.internal_relocation = Some(r);
                }),
                "DEU",
                expected,
                basis,
            );
        }
    }

    #[test]
    fn multiple_nationality_art_1a2_second_paragraph() {
        // Each nationality must fail to protect.
        let a = check("protected by a second nationality", nationals(vec![country("SYR"), safe("TUR")]), "DEU", Rejected, Basis::CriteriaNotMet);
        assert!(a.reasons.iter().any(|r| r.step == Step::Nationality && r.finding == Finding::NotMet && r.explanation.contains("TUR")));
        check("persecuted in both", nationals(vec![country("SYR"), country("IRQ")]), "DEU", Recognised, Basis::Convention1A2);
        // Handbook para. 107: an ineffective nationality is disregarded.
        let mut tur = safe("TUR");
        tur.nationality_effective = false;
        check("ineffective second nationality", nationals(vec![country("SYR"), tur]), "DEU", Recognised, Basis::Convention1A2);
    }

    #[test]
    fn stateless_persons_need_fear_in_one_former_residence_handbook_104() {
        check("stateless, fear in one of two countries", stateless(vec![country("MMR"), safe("BGD")]), "DEU", Recognised, Basis::Convention1A2);
        check("stateless, fear in none", stateless(vec![safe("MMR")]), "DEU", Rejected, Basis::CriteriaNotMet);
    }

    #[test]
    fn article_1d_bolbol_and_el_kott() {
        let d = |availed, situation| Some(Art1DFacts { availed_of_unrwa: availed, situation });
        // El Kott: assistance ceased for reasons beyond control: ipso facto entitled, no 1A(2) fear needed.
        let mut f = nationals(vec![safe("PSE")]);
        f.art_1d = d(true, UnrwaSituation::CeasedBeyondControl);
        check("El Kott: ceased beyond control", f.clone(), "DEU", Recognised, Basis::Convention1D2);
        f.art_1d = d(true, UnrwaSituation::UnrwaEnded);
        check("UNRWA unable to carry out its mission", f.clone(), "DEU", Recognised, Basis::Convention1D2);
        // Art. 1D first paragraph: still receiving, or left voluntarily.
        f.art_1d = d(true, UnrwaSituation::Receiving);
        check("1D first paragraph: receiving", f.clone(), "DEU", Excluded, Basis::Exclusion(ExclusionClause::Art1D));
        f.art_1d = d(true, UnrwaSituation::LeftVoluntarily);
        check("El Kott para 59: voluntary departure", f.clone(), "DEU", Excluded, Basis::Exclusion(ExclusionClause::Art1D));
        // Bolbol: never availed of UNRWA: assessed under 1A(2) like anyone else.
        f.art_1d = d(false, UnrwaSituation::Receiving);
        check("Bolbol: not availed, no fear", f.clone(), "DEU", Rejected, Basis::CriteriaNotMet);
        let mut g = nationals(vec![country("PSE")]);
        g.art_1d = d(false, UnrwaSituation::Receiving);
        check("Bolbol: not availed, persecuted", g, "DEU", Recognised, Basis::Convention1A2);
        // 1D second paragraph remains subject to 1F.
        f.art_1d = d(true, UnrwaSituation::CeasedBeyondControl);
        f.exclusion = vec![allegation(Art1FClause::C)];
        check("1D second paragraph, then 1F(c)", f, "DEU", Excluded, Basis::Exclusion(ExclusionClause::Art1Fc));
    }

    #[test]
    fn article_1e_handbook_144_146() {
        let mut f = with("AFG", |_| {});
        f.art_1e = Some(Art1EFacts { country: iso("IRN"), rights_of_nationals: true, well_founded_fear_there: false });
        check("1E: rights of nationals elsewhere", f.clone(), "DEU", Excluded, Basis::Exclusion(ExclusionClause::Art1E));
        f.art_1e = Some(Art1EFacts { country: iso("IRN"), rights_of_nationals: true, well_founded_fear_there: true });
        check("1E does not apply where the person fears persecution there", f, "DEU", Recognised, Basis::Convention1A2);
    }

    #[test]
    fn article_1f_guidelines_on_exclusion_2003() {
        let excluded = |clause: Art1FClause, change: &dyn Fn(&mut ExclusionAllegation)| {
            let mut a = allegation(clause);
            change(&mut a);
            let mut f = with("LBR", |_| {});
            f.exclusion = vec![a];
            f
        };
        let cases: Vec<(&str, Facts, Recommendation, Basis)> = vec![
            ("1F(a): war crime, individual responsibility", excluded(Art1FClause::A, &|_| {}), Excluded, Basis::Exclusion(ExclusionClause::Art1Fa)),
            (
                "JS (Sri Lanka): membership alone is not individual responsibility",
                excluded(Art1FClause::A, &|a| a.individual_responsibility = false),
                Recognised,
                Basis::Convention1A2,
            ),
            ("Guidelines para 35: no serious reasons for considering", excluded(Art1FClause::A, &|a| a.serious_reasons_for_considering = false), Recognised, Basis::Convention1A2),
            ("Guidelines para 22: duress", excluded(Art1FClause::A, &|a| a.defences = vec![Defence::Duress]), Recognised, Basis::Convention1A2),
            (
                "Guidelines para 28: child below the age of responsibility",
                excluded(Art1FClause::A, &|a| a.defences = vec![Defence::UnderAgeOfResponsibility]),
                Recognised,
                Basis::Convention1A2,
            ),
            (
                "Rome Statute 33(2): superior orders no defence to crimes against humanity",
                excluded(Art1FClause::A, &|a| {
                    a.crime = Some(InternationalCrime::CrimeAgainstHumanity);
                    a.defences = vec![Defence::SuperiorOrdersNotManifestlyUnlawful];
                }),
                Excluded,
                Basis::Exclusion(ExclusionClause::Art1Fa),
            ),
            (
                "Rome Statute 33(1): superior orders may be a defence to a war crime",
                excluded(Art1FClause::A, &|a| a.defences = vec![Defence::SuperiorOrdersNotManifestlyUnlawful]),
                Recognised,
                Basis::Convention1A2,
            ),
            ("1F(b): serious non-political crime before admission", excluded(Art1FClause::B, &|_| {}), Excluded, Basis::Exclusion(ExclusionClause::Art1Fb)),
            (
                "1F(b), T v Immigration Officer: a political crime",
                excluded(Art1FClause::B, &|a| {
                    a.serious_crime = Some(SeriousCrimeFacts { serious: true, non_political: false, outside_country_of_refuge_before_admission: true })
                }),
                Recognised,
                Basis::Convention1A2,
            ),
            (
                "1F(b), Handbook 153: a crime after admission is not 1F(b)",
                excluded(Art1FClause::B, &|a| {
                    a.serious_crime = Some(SeriousCrimeFacts { serious: true, non_political: true, outside_country_of_refuge_before_admission: false })
                }),
                Recognised,
                Basis::Convention1A2,
            ),
            ("1F(c): B and D, Al-Sirri", excluded(Art1FClause::C, &|_| {}), Excluded, Basis::Exclusion(ExclusionClause::Art1Fc)),
        ];
        for (name, facts, rec, basis) in cases {
            check(name, facts, "DEU", rec, basis);
        }
    }

    #[test]
    fn inclusion_before_exclusion_guidelines_para_31() {
        let mut f = with("LBR", |c| c.harms = vec![]);
        f.exclusion = vec![allegation(Art1FClause::A)];
        let a = check("exclusion not reached when inclusion fails", f, "DEU", Rejected, Basis::CriteriaNotMet);
        let inclusion = a.reasons.iter().position(|r| r.step == Step::Persecution).unwrap();
        let exclusion = a.reasons.iter().position(|r| r.step == Step::Art1F).unwrap();
        assert!(inclusion < exclusion);
        assert_eq!(a.reasons[exclusion].finding, Finding::NotApplicable);
    }

    #[test]
    fn exclusion_keeps_the_absolute_bar_cat_3() {
        let mut f = with("SYR", |c| c.serious_harm.torture = true);
        f.exclusion = vec![allegation(Art1FClause::A)];
        let a = check("excluded torturer at risk of torture", f, "DEU", Excluded, Basis::Exclusion(ExclusionClause::Art1Fa));
        assert_eq!(a.absolute_bars, vec![AbsoluteBar { country: iso("SYR"), instrument: AbsoluteBarInstrument::CatArticle3 }]);
        assert!(a.reasons.last().unwrap().explanation.contains("must nevertheless not be removed"));
    }

    #[test]
    fn geographic_limitation_art_1b1a() {
        // Türkiye keeps the limitation: a Syrian is a mandate refugee, not a Convention refugee there.
        let a = check("Syrian in Türkiye", with("SYR", |_| {}), "TUR", Recognised, Basis::UnhcrMandate);
        assert!(a.reasons.iter().any(|r| r.step == Step::GeographicLimitation && r.finding == Finding::Met));
        check("Ukrainian in Türkiye (events in Europe)", with("UKR", |_| {}), "TUR", Recognised, Basis::Convention1A2);
        check("explicit override of events_in_europe", with("SYR", |c| c.events_in_europe = Some(true)), "TUR", Recognised, Basis::Convention1A2);
        check("Syrian in Germany", with("SYR", |_| {}), "DEU", Recognised, Basis::Convention1A2);
    }

    #[test]
    fn non_parties_recognise_under_the_mandate() {
        check("Iraqi in Lebanon (non-party)", with("IRQ", |_| {}), "LBN", Recognised, Basis::UnhcrMandate);
    }

    #[test]
    fn regional_definitions_oau_i2_and_cartagena_iii3() {
        let conflict = |code: &str, events: Vec<RegionalEvent>| {
            with(code, |c| {
                c.harms = vec![];
                c.grounds = vec![];
                c.actor = None;
                c.fear.likelihood = Likelihood::Remote;
                c.regional = Some(RegionalFacts { events, compelled_to_leave: true, life_safety_or_freedom_threatened: true });
            })
        };
        check("OAU I(2): generalized violence, Kenya", conflict("SSD", vec![RegionalEvent::GeneralizedViolence]), "KEN", Recognised, Basis::OauArticleI2);
        check("OAU I(2): occupation", conflict("COD", vec![RegionalEvent::Occupation]), "UGA", Recognised, Basis::OauArticleI2);
        check("OAU I(2) does not bind Germany", conflict("SSD", vec![RegionalEvent::GeneralizedViolence]), "DEU", Rejected, Basis::CriteriaNotMet);
        check("Cartagena: generalized violence, Mexico", conflict("HND", vec![RegionalEvent::GeneralizedViolence]), "MEX", Recognised, Basis::CartagenaIII3);
        check("Cartagena: massive human-rights violations, Brazil", conflict("VEN", vec![RegionalEvent::MassiveHumanRightsViolations]), "BRA", Recognised, Basis::CartagenaIII3);
        check("Cartagena does not name occupation", conflict("HND", vec![RegionalEvent::Occupation]), "MEX", Rejected, Basis::CriteriaNotMet);
        let mut not_threatened = conflict("HND", vec![RegionalEvent::GeneralizedViolence]);
        if let Some(r) = not_threatened.countries[0].regional.as_mut() {
            r.life_safety_or_freedom_threatened = false;
        }
        check("Cartagena needs a threat to life, safety or freedom", not_threatened, "MEX", Rejected, Basis::CriteriaNotMet);
        // OAU Art. I(3): a second, safe nationality.
        let mut dual = conflict("SSD", vec![RegionalEvent::GeneralizedViolence]);
        dual.countries.push(safe("SDN"));
        dual.nationality = NationalityFacts::Nationals { countries: vec![iso("SSD"), iso("SDN")] };
        check("OAU I(3): each nationality", dual, "KEN", Rejected, Basis::CriteriaNotMet);
        // Convention status comes first: a persecuted person in Kenya is a 1A(2) refugee.
        check("1A(2) before OAU", with("SSD", |_| {}), "KEN", Recognised, Basis::Convention1A2);
        // Regional status is subject to exclusion too (OAU Art. I(5)).
        let mut ex = conflict("SSD", vec![RegionalEvent::GeneralizedViolence]);
        ex.exclusion = vec![allegation(Art1FClause::A)];
        check("OAU I(5) / 1F", ex, "KEN", Excluded, Basis::Exclusion(ExclusionClause::Art1Fa));
    }

    #[test]
    fn complementary_protection_cat_3_iccpr_7_elgafaji() {
        let risk = |code: &str, s: SeriousHarmRisk| {
            with(code, |c| {
                c.grounds = vec![];
                c.serious_harm = s;
            })
        };
        let torture = SeriousHarmRisk { torture: true, ..SeriousHarmRisk::default() };
        let a = check("CAT Art. 3: torture risk without nexus", risk("EGY", torture), "DEU", Cp, Basis::Complementary);
        assert_eq!(a.absolute_bars.len(), 1);
        // Absolute: even without a national complementary scheme (Japan is not on the list).
        let a = check("CAT Art. 3 applies without a national scheme", risk("EGY", torture), "JPN", Cp, Basis::Complementary);
        assert!(a.reasons.iter().any(|r| r.explanation.contains("applies regardless")));
        let violence = SeriousHarmRisk { indiscriminate_violence: true, ..SeriousHarmRisk::default() };
        check("Elgafaji: indiscriminate violence, subsidiary protection", risk("SOM", violence), "DEU", Cp, Basis::Complementary);
        check("indiscriminate violence without a national scheme", risk("SOM", violence), "JPN", Rejected, Basis::CriteriaNotMet);
        let cidt = SeriousHarmRisk { cruel_inhuman_degrading_treatment: true, ..SeriousHarmRisk::default() };
        check("ICCPR Art. 7", risk("EGY", cidt), "JPN", Cp, Basis::Complementary);
        let dp = SeriousHarmRisk { death_penalty: true, ..SeriousHarmRisk::default() };
        check("death penalty, QD Art. 15(a)", risk("IRN", dp), "FRA", Cp, Basis::Complementary);
        // A second nationality without risk: no complementary protection either.
        let mut dual = risk("EGY", torture);
        dual.countries[0].harms = vec![];
        dual.countries.push(safe("JOR"));
        dual.nationality = NationalityFacts::Nationals { countries: vec![iso("EGY"), iso("JOR")] };
        let a = check("a safe second nationality", dual, "DEU", Rejected, Basis::CriteriaNotMet);
        assert_eq!(a.absolute_bars.len(), 1, "the bar to Egypt is still recorded");
    }

    fn review(stateless_person: bool, c: CessationFacts) -> Facts {
        let base = if stateless_person { stateless(vec![]) } else { nationals(vec![]) };
        let nationality = if stateless_person {
            NationalityFacts::Stateless { former_habitual_residence: vec![iso("IRQ")] }
        } else {
            NationalityFacts::Nationals { countries: vec![iso("IRQ")] }
        };
        Facts { nationality, cessation: Some(c), ..base }
    }

    #[test]
    fn cessation_art_1c_and_compelling_reasons() {
        let change = Some(ChangeOfCircumstances { fundamental: true, durable: true, effective_protection_available: true });
        let cases: Vec<(&str, Facts, Recommendation, Basis)> = vec![
            (
                "1C(5): fundamental, durable change",
                review(false, CessationFacts { change_of_circumstances: change, ..CessationFacts::default() }),
                Ceased,
                Basis::Cessation(CessationClause::CircumstancesCeasedNational),
            ),
            (
                "1C(5) second paragraph: compelling reasons (Handbook 136)",
                review(false, CessationFacts { change_of_circumstances: change, compelling_reasons: true, ..CessationFacts::default() }),
                Recognised,
                Basis::CompellingReasons,
            ),
            (
                "1C(6): stateless",
                review(true, CessationFacts { change_of_circumstances: change, ..CessationFacts::default() }),
                Ceased,
                Basis::Cessation(CessationClause::CircumstancesCeasedStateless),
            ),
            (
                "GIP 3 paras 13-14: a transitory change",
                review(
                    false,
                    CessationFacts {
                        change_of_circumstances: Some(ChangeOfCircumstances { fundamental: true, durable: false, effective_protection_available: true }),
                        ..CessationFacts::default()
                    },
                ),
                Recognised,
                Basis::StatusContinues,
            ),
            (
                "Handbook 118-125: re-availment without intention",
                review(
                    false,
                    CessationFacts { reavailment: Some(ReAvailment { voluntary: true, intention: false, protection_obtained: true }), ..CessationFacts::default() },
                ),
                Recognised,
                Basis::StatusContinues,
            ),
            (
                "1C(1): voluntary, intended, obtained",
                review(
                    false,
                    CessationFacts { reavailment: Some(ReAvailment { voluntary: true, intention: true, protection_obtained: true }), ..CessationFacts::default() },
                ),
                Ceased,
                Basis::Cessation(CessationClause::ReAvailment),
            ),
            (
                "1C(3): new nationality; compelling reasons do not apply",
                review(false, CessationFacts { new_nationality_with_protection: true, compelling_reasons: true, ..CessationFacts::default() }),
                Ceased,
                Basis::Cessation(CessationClause::NewNationality),
            ),
            ("1C(2)", review(false, CessationFacts { reacquired_nationality_voluntarily: true, ..CessationFacts::default() }), Ceased, Basis::Cessation(CessationClause::ReAcquisition)),
            ("1C(4)", review(false, CessationFacts { reestablished_voluntarily: true, ..CessationFacts::default() }), Ceased, Basis::Cessation(CessationClause::ReEstablishment)),
            ("nothing applies", review(false, CessationFacts::default()), Recognised, Basis::StatusContinues),
        ];
        for (name, facts, rec, basis) in cases {
            check(name, facts, "DEU", rec, basis);
        }
        assert_eq!(Ceased.claim_outcome(), None);
    }

    #[test]
    fn facts_are_checked_with_field_names() {
        let mut f = nationals(vec![country("SYR")]);
        f.nationality = NationalityFacts::Nationals { countries: vec![iso("SYR"), iso("TUR")] };
        f.countries[0].grounds = vec![ground(Ground::ParticularSocialGroup)];
        f.countries[0].harms.push(harm(HarmKind::Prosecution, Severity::Serious));
        f.exclusion = vec![ExclusionAllegation { crime: None, ..allegation(Art1FClause::A) }];
        let e = f.check().unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["countries", "countries[0].harms[1].prosecution", "countries[0].grounds[0].social_group", "exclusion[0].crime"]);
        assert!(e.errors[0].message.contains("TUR") && e.errors[0].message.contains("Art. 1A(2)"));
        let mut g = nationals(vec![country("SYR")]);
        g.countries[0].actor = None;
        assert_eq!(g.check().unwrap_err().errors[0].code, "actor_missing");
        let h = Facts { nationality: NationalityFacts::Stateless { former_habitual_residence: vec![] }, ..nationals(vec![]) };
        assert_eq!(h.check().unwrap_err().errors[0].code, "no_country_of_reference");
    }

    #[test]
    fn json_errors_say_where_and_what() {
        let j = profile_for(iso("DEU"));
        let e = assess_json(r#"{"nationality": {"kind": "nationals", "countries": ["SYR"]}, "colour": 1}"#, &j).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, FactsError::Format { line: 1, .. }), "{msg}");
        assert!(msg.contains("unknown field `colour`"), "{msg}");
        let e = assess_json(r#"{"nationality": {"kind": "nationals", "countries": ["XYZ"]}}"#, &j).unwrap_err();
        assert!(e.to_string().contains("XYZ"));
        let e = assess_json(r#"{"nationality": {"kind": "nationals", "countries": ["SYR"]}}"#, &j).unwrap_err();
        assert!(matches!(e, FactsError::Invalid(_)), "{e}");
        assert!(assess_json("not json", &j).is_err());
    }

    #[test]
    fn facts_and_assessments_roundtrip_through_json() {
        let f = with("SYR", |c| c.internal_relocation = Some(InternalRelocation { area: "x".into(), accessible: true, risk_in_area: false, unduly_harsh: true }));
        let json = serde_json::to_string(&f).unwrap();
        let back: Facts = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
        let a = assess(&f.check().unwrap(), &profile_for(iso("DEU")));
        let a2: Assessment = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(a2, a);
    }

    #[test]
    fn an_officer_departing_from_the_recommendation_must_give_a_reason() {
        let a = assess(&with("SYR", |_| {}).check().unwrap(), &profile_for(iso("DEU")));
        let follows = OfficerDecision::new(&a, Recognised, None).unwrap();
        assert!(!follows.departs_from_recommendation());
        let e = OfficerDecision::new(&a, Rejected, None).unwrap_err();
        assert!(e.to_string().contains("record the reason"));
        let departs = OfficerDecision::new(&a, Rejected, Some(Reason::parse("The account of detention was found not credible.").unwrap())).unwrap();
        assert!(departs.departs_from_recommendation());
        assert!(OfficerDecision::new(&a, Recognised, Some(Reason::parse("x").unwrap())).is_err());
        // Stored records are re-checked on reading.
        let json = serde_json::to_string(&departs).unwrap();
        assert_eq!(serde_json::from_str::<OfficerDecision>(&json).unwrap(), departs);
        let forged = r#"{"recommendation":"recognised","outcome":"rejected","departs_from_recommendation":false,"departure_reason":null}"#;
        assert!(serde_json::from_str::<OfficerDecision>(forged).is_err());
        let no_reason = r#"{"recommendation":"recognised","outcome":"rejected","departs_from_recommendation":true}"#;
        assert!(serde_json::from_str::<OfficerDecision>(no_reason).is_err());
    }
}
