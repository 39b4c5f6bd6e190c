//! Who may do what: staff roles, the permissions they carry, and the rules of need-to-know.
//!
//! **One table.** [`Role::permissions`] is the only place where a role gets a permission; the server
//! maps every route to one [`Permission`] (its policy table) and checks nothing else. Deny by
//! default: a permission not listed for a role is refused.
//!
//! The roles follow UNHCR's separation of duties in refugee status determination (Procedural
//! Standards, 2020, Unit 2) and its policy on the protection of personal data (2015, 2022 General
//! Policy): the host-State liaison learns only whether a person holds a protection status, never the
//! claim; the statistician sees aggregates; the administrator manages users and configuration, not
//! case content.

use crate::convention::procedure::Role as ProcedureRole;
use crate::error::ParseError;
use serde::{Deserialize, Serialize};

/// A staff role. A user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Registers persons and households; lodges claims and records procedural steps.
    RegistrationClerk,
    /// Interviews applicants, assesses claims, takes first-instance decisions.
    EligibilityOfficer,
    /// Reviews assessments before decision (four eyes).
    Reviewer,
    /// Decides appeals (never on a case they decided at first instance; the procedure checks it).
    AppealOfficer,
    /// Protection records, removal requests and the guard's verdicts, voluntary repatriation.
    ProtectionOfficer,
    /// A protection officer who may also cease, cancel or revoke a status, decide under Art. 33(2)
    /// and edit jurisdiction profiles.
    SeniorProtectionOfficer,
    /// Resettlement submissions against State quotas.
    ResettlementOfficer,
    /// UNHCR supervision (Art. 35 of the Convention): reads everything in their operations, reports,
    /// unsuppressed statistics; changes nothing.
    Supervisor,
    /// The host State's liaison: whether a person holds a protection status, and the guard's answer
    /// to removal requests. Never the claim, the narrative or the persecution details.
    HostStateLiaison,
    /// Statistics only: aggregates, including unsuppressed internal figures.
    Statistician,
    /// Users and configuration; no case content.
    Administrator,
}

/// Every role, in a fixed order (for the policy table in the docs and the authorization test).
pub const ROLES: [Role; 11] = [
    Role::RegistrationClerk,
    Role::EligibilityOfficer,
    Role::Reviewer,
    Role::AppealOfficer,
    Role::ProtectionOfficer,
    Role::SeniorProtectionOfficer,
    Role::ResettlementOfficer,
    Role::Supervisor,
    Role::HostStateLiaison,
    Role::Statistician,
    Role::Administrator,
];

/// What a route needs. Each permission is one kind of access to one kind of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// List operations (offices) the user works in.
    OperationRead,
    /// Create operations.
    OperationAdmin,
    /// Read biodata of persons and households, search, their history.
    RegistryRead,
    /// Register and correct persons and households.
    RegistryWrite,
    /// Read sensitive fields: health, gender-based violence and torture needs, claim narratives and
    /// interview records, persecution facts, exclusion findings.
    SensitiveRead,
    /// Read claims and where they stand.
    ClaimRead,
    /// Lodge claims and take procedural steps (the procedure's own role rules apply on top).
    ClaimAct,
    /// Record a legal assessment, or run the assessment engine on facts.
    AssessmentWrite,
    /// Read full protection records.
    ProtectionRead,
    /// Update protection records.
    ProtectionWrite,
    /// Whether a person holds a protection status — nothing else (what a host State needs).
    StatusRead,
    /// Ask whether a removal may go ahead (the guard answers person by person).
    RemovalRequest,
    /// Read removal requests and the guard's verdicts.
    RemovalRead,
    /// Record the execution of an approved removal (re-evaluated by the guard at that moment).
    RemovalExecute,
    /// Voluntary repatriation: record and read.
    Repatriation,
    /// Review possible duplicate registrations; merge and undo.
    DuplicateReview,
    /// Unsuppressed internal statistics.
    StatisticsInternal,
    /// Read jurisdiction profiles (which instruments bind a State).
    JurisdictionRead,
    /// Edit jurisdiction profiles.
    JurisdictionWrite,
    /// Manage user accounts and their roles.
    UserAdmin,
    /// Read the audit and access logs.
    AuditRead,
    /// Record and revoke data-sharing agreements with third parties.
    SharingAdmin,
    /// Read agreements and their transfer logs, and send personal data to a third party under a
    /// recorded agreement (only its fields; never to the authorities of a person's country of origin).
    SharingTransfer,
    /// Assign cases (households) to staff, end assignments, and see who a case is assigned to. A
    /// user whose account is limited to assigned cases sees nothing else of their operations.
    CaseAssign,
    /// Read resettlement quotas and submissions (who was submitted to which State, its decision,
    /// departures).
    ResettlementRead,
    /// Submit refugees for resettlement and record the State's decision, withdrawals and departures.
    ResettlementWrite,
    /// Set a resettlement State's yearly quota of places for an operation.
    ResettlementQuota,
}

/// Every permission, in a fixed order.
pub const PERMISSIONS: [Permission; 27] = [
    Permission::OperationRead,
    Permission::OperationAdmin,
    Permission::RegistryRead,
    Permission::RegistryWrite,
    Permission::SensitiveRead,
    Permission::ClaimRead,
    Permission::ClaimAct,
    Permission::AssessmentWrite,
    Permission::ProtectionRead,
    Permission::ProtectionWrite,
    Permission::StatusRead,
    Permission::RemovalRequest,
    Permission::RemovalRead,
    Permission::RemovalExecute,
    Permission::Repatriation,
    Permission::DuplicateReview,
    Permission::StatisticsInternal,
    Permission::JurisdictionRead,
    Permission::JurisdictionWrite,
    Permission::UserAdmin,
    Permission::AuditRead,
    Permission::SharingAdmin,
    Permission::SharingTransfer,
    Permission::CaseAssign,
    Permission::ResettlementRead,
    Permission::ResettlementWrite,
    Permission::ResettlementQuota,
];

impl Role {
    /// The permissions this role carries: **the** policy table. Anything not listed is denied.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission as P;
        match self {
            Role::RegistrationClerk => {
                &[P::OperationRead, P::RegistryRead, P::RegistryWrite, P::ClaimRead, P::ClaimAct, P::StatusRead, P::DuplicateReview, P::JurisdictionRead]
            }
            Role::EligibilityOfficer | Role::Reviewer => &[
                P::OperationRead,
                P::RegistryRead,
                P::SensitiveRead,
                P::ClaimRead,
                P::ClaimAct,
                P::AssessmentWrite,
                P::ProtectionRead,
                P::StatusRead,
                P::DuplicateReview,
                P::JurisdictionRead,
            ],
            Role::AppealOfficer => &[
                P::OperationRead,
                P::RegistryRead,
                P::SensitiveRead,
                P::ClaimRead,
                P::ClaimAct,
                P::AssessmentWrite,
                P::ProtectionRead,
                P::StatusRead,
                P::JurisdictionRead,
            ],
            Role::ProtectionOfficer => &[
                P::OperationRead,
                P::RegistryRead,
                P::RegistryWrite,
                P::SensitiveRead,
                P::ClaimRead,
                P::ProtectionRead,
                P::ProtectionWrite,
                P::StatusRead,
                P::RemovalRequest,
                P::RemovalRead,
                P::RemovalExecute,
                P::Repatriation,
                P::DuplicateReview,
                P::JurisdictionRead,
                P::SharingTransfer,
            ],
            Role::SeniorProtectionOfficer => &[
                P::OperationRead,
                P::RegistryRead,
                P::RegistryWrite,
                P::SensitiveRead,
                P::ClaimRead,
                P::ClaimAct,
                P::AssessmentWrite,
                P::ProtectionRead,
                P::ProtectionWrite,
                P::StatusRead,
                P::RemovalRequest,
                P::RemovalRead,
                P::RemovalExecute,
                P::Repatriation,
                P::DuplicateReview,
                P::JurisdictionRead,
                P::JurisdictionWrite,
                P::SharingAdmin,
                P::SharingTransfer,
                P::CaseAssign,
                P::ResettlementRead,
                P::ResettlementWrite,
                P::ResettlementQuota,
            ],
            Role::ResettlementOfficer => &[
                P::OperationRead,
                P::RegistryRead,
                P::ClaimRead,
                P::ProtectionRead,
                P::StatusRead,
                P::Repatriation,
                P::JurisdictionRead,
                P::SharingTransfer,
                P::ResettlementRead,
                P::ResettlementWrite,
            ],
            Role::Supervisor => &[
                P::OperationRead,
                P::RegistryRead,
                P::SensitiveRead,
                P::ClaimRead,
                P::ProtectionRead,
                P::StatusRead,
                P::RemovalRead,
                P::StatisticsInternal,
                P::JurisdictionRead,
                P::AuditRead,
                P::ResettlementRead,
            ],
            Role::HostStateLiaison => &[P::OperationRead, P::StatusRead, P::RemovalRequest, P::RemovalRead],
            Role::Statistician => &[P::OperationRead, P::StatisticsInternal, P::JurisdictionRead],
            Role::Administrator => &[P::OperationRead, P::OperationAdmin, P::UserAdmin, P::JurisdictionRead, P::JurisdictionWrite, P::AuditRead],
        }
    }

    /// True when this role carries `p`.
    pub fn may(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }

    /// The role's role in the status-determination procedure, if it takes part in it.
    pub fn procedure_role(self) -> Option<ProcedureRole> {
        match self {
            Role::RegistrationClerk => Some(ProcedureRole::RegistrationClerk),
            Role::EligibilityOfficer => Some(ProcedureRole::EligibilityOfficer),
            Role::Reviewer => Some(ProcedureRole::Supervisor),
            Role::AppealOfficer => Some(ProcedureRole::AppealOfficer),
            Role::SeniorProtectionOfficer => Some(ProcedureRole::SeniorProtectionOfficer),
            _ => None,
        }
    }

    /// The snake_case name used in the API, the CLI and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::RegistrationClerk => "registration_clerk",
            Role::EligibilityOfficer => "eligibility_officer",
            Role::Reviewer => "reviewer",
            Role::AppealOfficer => "appeal_officer",
            Role::ProtectionOfficer => "protection_officer",
            Role::SeniorProtectionOfficer => "senior_protection_officer",
            Role::ResettlementOfficer => "resettlement_officer",
            Role::Supervisor => "supervisor",
            Role::HostStateLiaison => "host_state_liaison",
            Role::Statistician => "statistician",
            Role::Administrator => "administrator",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim().to_ascii_lowercase().replace('-', "_");
        ROLES.iter().copied().find(|r| r.as_str() == t).ok_or_else(|| {
            ParseError::new("invalid_role", format!("{s:?} is not a role; use one of: {}", ROLES.map(Role::as_str).join(", ")))
        })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Permission {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::OperationRead => "operation_read",
            Permission::OperationAdmin => "operation_admin",
            Permission::RegistryRead => "registry_read",
            Permission::RegistryWrite => "registry_write",
            Permission::SensitiveRead => "sensitive_read",
            Permission::ClaimRead => "claim_read",
            Permission::ClaimAct => "claim_act",
            Permission::AssessmentWrite => "assessment_write",
            Permission::ProtectionRead => "protection_read",
            Permission::ProtectionWrite => "protection_write",
            Permission::StatusRead => "status_read",
            Permission::RemovalRequest => "removal_request",
            Permission::RemovalRead => "removal_read",
            Permission::RemovalExecute => "removal_execute",
            Permission::Repatriation => "repatriation",
            Permission::DuplicateReview => "duplicate_review",
            Permission::StatisticsInternal => "statistics_internal",
            Permission::JurisdictionRead => "jurisdiction_read",
            Permission::JurisdictionWrite => "jurisdiction_write",
            Permission::UserAdmin => "user_admin",
            Permission::AuditRead => "audit_read",
            Permission::SharingAdmin => "sharing_admin",
            Permission::SharingTransfer => "sharing_transfer",
            Permission::CaseAssign => "case_assign",
            Permission::ResettlementRead => "resettlement_read",
            Permission::ResettlementWrite => "resettlement_write",
            Permission::ResettlementQuota => "resettlement_quota",
        }
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The roles a user holds: never empty, no repeats, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Roles(Vec<Role>);

impl Roles {
    /// Parses a non-empty list of roles. The administrator role is never combined with a case role:
    /// whoever manages accounts must not also read case content (separation of duties).
    pub fn parse(roles: &[Role]) -> Result<Self, ParseError> {
        let mut v: Vec<Role> = roles.to_vec();
        v.sort();
        v.dedup();
        if v.is_empty() {
            return Err(ParseError::new("no_role", "give the user at least one role"));
        }
        if v.contains(&Role::Administrator) && v.len() > 1 {
            return Err(ParseError::new(
                "administrator_with_case_role",
                "the administrator role manages users and configuration and cannot be combined with another role; create a second account for case work",
            ));
        }
        Ok(Self(v))
    }
    /// The roles.
    pub fn as_slice(&self) -> &[Role] {
        &self.0
    }
    /// True when any held role carries `p`.
    pub fn may(&self, p: Permission) -> bool {
        self.0.iter().any(|r| r.may(p))
    }
    /// The procedure roles held, least authority first.
    pub fn procedure_roles(&self) -> Vec<ProcedureRole> {
        self.0.iter().filter_map(|r| r.procedure_role()).collect()
    }
}

impl<'de> Deserialize<'de> for Roles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<Role>::deserialize(d)?;
        Roles::parse(&v).map_err(serde::de::Error::custom)
    }
}

/// A user name: 3–64 characters of lower-case letters, digits and `. _ -`, starting with a letter.
/// It is also the [`crate::Actor`] recorded on every change the user makes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Parses a user name (case-insensitive; kept in lower case).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&t.len())
            && t.starts_with(|c: char| c.is_ascii_lowercase())
            && t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok {
            Ok(Self(t))
        } else {
            Err(ParseError::new("invalid_username", format!("{s:?} is not a user name: 3 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter")))
        }
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The actor recorded on the user's changes.
    pub fn actor(&self) -> crate::Actor {
        // A user name is always a valid actor name (a subset of its alphabet and length).
        crate::Actor::parse(&self.0).unwrap_or_else(|_| unreachable!("user names are valid actors"))
    }
}

impl Serialize for Username {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed: 12–256 characters, not all the same character, not the user name.
/// Following NIST SP 800-63B: length over composition rules; the caller also rejects known-breached
/// or dictionary passwords where a list is configured.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks a new password.
    pub fn parse(pw: &str, user: &Username) -> Result<Self, ParseError> {
        let n = pw.chars().count();
        if n < 12 {
            return Err(ParseError::new("password_too_short", "choose a password of at least 12 characters (a few unrelated words work well)"));
        }
        if n > 256 {
            return Err(ParseError::new("password_too_long", "a password may have at most 256 characters"));
        }
        let first = pw.chars().next().unwrap_or(' ');
        if pw.chars().all(|c| c == first) {
            return Err(ParseError::new("password_weak", "a password of one repeated character is too easy to guess"));
        }
        if pw.to_lowercase().contains(user.as_str()) {
            return Err(ParseError::new("password_contains_username", "the password must not contain the user name"));
        }
        Ok(Self(pw.to_owned()))
    }
    /// The password.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn administrator_reads_no_case_content() {
        for p in [Permission::RegistryRead, Permission::SensitiveRead, Permission::ClaimRead, Permission::ProtectionRead, Permission::StatusRead, Permission::ResettlementRead, Permission::Repatriation] {
            assert!(!Role::Administrator.may(p), "{p}");
        }
    }

    #[test]
    fn resettlement_is_for_resettlement_and_senior_protection_officers() {
        for r in ROLES {
            let writes = matches!(r, Role::ResettlementOfficer | Role::SeniorProtectionOfficer);
            assert_eq!(r.may(Permission::ResettlementWrite), writes, "{r}");
            assert_eq!(r.may(Permission::ResettlementRead), writes || r == Role::Supervisor, "{r}");
            assert_eq!(r.may(Permission::ResettlementQuota), r == Role::SeniorProtectionOfficer, "{r}");
        }
    }

    #[test]
    fn liaison_learns_status_only() {
        assert!(Role::HostStateLiaison.may(Permission::StatusRead));
        for p in [Permission::RegistryRead, Permission::SensitiveRead, Permission::ClaimRead, Permission::ProtectionRead, Permission::ResettlementRead, Permission::Repatriation] {
            assert!(!Role::HostStateLiaison.may(p), "{p}");
        }
    }

    #[test]
    fn statistician_sees_aggregates_only() {
        let ps = Role::Statistician.permissions();
        assert!(ps.contains(&Permission::StatisticsInternal));
        assert!(!ps.iter().any(|p| matches!(p, Permission::RegistryRead | Permission::ClaimRead | Permission::SensitiveRead | Permission::StatusRead)));
    }

    #[test]
    fn supervisor_reads_everything_and_writes_nothing() {
        for p in [Permission::RegistryRead, Permission::SensitiveRead, Permission::ClaimRead, Permission::ProtectionRead, Permission::RemovalRead] {
            assert!(Role::Supervisor.may(p), "{p}");
        }
        for p in [Permission::RegistryWrite, Permission::ClaimAct, Permission::AssessmentWrite, Permission::ProtectionWrite, Permission::RemovalExecute, Permission::UserAdmin] {
            assert!(!Role::Supervisor.may(p), "{p}");
        }
    }

    #[test]
    fn names_round_trip_and_bad_names_are_refused() {
        for r in ROLES {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::Value::String(r.as_str().into()));
        }
        assert!(Role::parse("root").is_err());
        assert_eq!(Role::parse("Eligibility-Officer").unwrap(), Role::EligibilityOfficer);
        for p in PERMISSIONS {
            assert_eq!(serde_json::to_value(p).unwrap(), serde_json::Value::String(p.as_str().into()));
        }
    }

    #[test]
    fn roles_are_never_empty_and_administrators_do_no_case_work() {
        assert!(Roles::parse(&[]).is_err());
        assert!(Roles::parse(&[Role::Administrator, Role::EligibilityOfficer]).is_err());
        let r = Roles::parse(&[Role::Reviewer, Role::RegistrationClerk, Role::Reviewer]).unwrap();
        assert_eq!(r.as_slice(), &[Role::RegistrationClerk, Role::Reviewer]);
        assert!(serde_json::from_str::<Roles>("[]").is_err());
    }

    #[test]
    fn usernames_and_passwords() {
        assert!(Username::parse("a.officer").is_ok());
        assert_eq!(Username::parse("A.Officer").unwrap().as_str(), "a.officer");
        for bad in ["ab", "1abc", "a b", "a<script>", "", "ä.officer"] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
        let u = Username::parse("amina").unwrap();
        assert!(NewPassword::parse("short", &u).is_err());
        assert!(NewPassword::parse("aaaaaaaaaaaaaa", &u).is_err());
        assert!(NewPassword::parse("my-name-is-amina-ok", &u).is_err());
        assert!(NewPassword::parse("correct horse battery", &u).is_ok());
        assert_eq!(format!("{:?}", NewPassword::parse("correct horse battery", &u).unwrap()), "NewPassword(***)");
    }
}
