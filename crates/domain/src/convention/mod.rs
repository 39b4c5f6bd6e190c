//! # The 1951 Refugee Convention: the pure legal core
//!
//! Four parts, each a set of functions from data to data (no clock, no files, no network):
//!
//! * [`jurisdiction`]: which instruments bind the country of asylum (1951 Convention, 1967 Protocol, the
//!   geographic limitation of Art. 1B(1)(a), the 1969 OAU Convention, the 1984 Cartagena Declaration,
//!   complementary protection) and who determines status. Built from the UN Treaty Collection record
//!   embedded in the crate.
//! * [`procedure`]: one claim is one explicit state machine, from lodging to a final decision, appeal,
//!   closure, reopening, and the later life of a status (cessation, cancellation, revocation). Also
//!   deadlines, derivative status for family members and prima facie group recognition.
//! * [`assessment`]: the legal test itself, as an ordered, explainable chain of findings with citations:
//!   Art. 1A(2), 1C, 1D, 1E, 1F, the regional definitions and complementary protection.
//! * [`guard`]: the non-refoulement guard (Art. 33 of the Convention, Art. 3 CAT, Art. 7 ICCPR). Every
//!   removal is evaluated person by person; the types make a group-based decision impossible.
//!
//! Sources are cited in the documentation of each rule: the Convention and Protocol, the UNHCR *Handbook
//! on Procedures and Criteria for Determining Refugee Status* (reissued 2019; paragraph numbers are
//! unchanged since 1979), the UNHCR *Guidelines on International Protection*, UNHCR's *Procedural
//! Standards for RSD under UNHCR's Mandate*, Executive Committee (EXCOM) Conclusions and case law.
//!
//! Nothing here replaces a decision-maker: the assessment records and orders findings of fact that a
//! trained officer makes, and applies the law to them; every output says why.

pub mod assessment;
pub mod guard;
pub mod jurisdiction;
pub mod procedure;

use serde::{Deserialize, Serialize};

/// A reference to a legal source: an article, a paragraph of the UNHCR Handbook or Guidelines, a
/// conclusion, a judgment. Free text so that any source can be cited, e.g.
/// `"1951 Convention, Art. 1A(2); UNHCR Handbook paras 51-53"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Citation(String);

impl Citation {
    /// A citation from a fixed text.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
    /// The text of the citation.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Citation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub use assessment::{assess, assess_json, Assessment, Basis, CheckedFacts, Facts, OfficerDecision, Recommendation};
pub use guard::{evaluate_group, evaluate_removal, GuardVerdict, PersonProtectionFacts, RemovalRequest};
pub use jurisdiction::{profile_for, profiles, JurisdictionProfile};
pub use procedure::{pending, Action, ClaimState, Outcome, ProcedureRules, Track};
