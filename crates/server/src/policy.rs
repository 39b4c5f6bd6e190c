//! The declared policy table: every route the server answers, and what it needs.
//!
//! The authorization middleware ([`crate::auth::guard`]) looks up each request's route here and
//! refuses any route that is missing (deny by default). A route needs nothing (public), a signed-in
//! user, or one [`Permission`]; which role carries which permission is decided once, in
//! [`nansen_domain::access::Role::permissions`]. The table is printed in `docs/security.md` by
//! `nansen policy` and checked route by route, role by role, by `tests/authorization.rs`.

use axum::http::Method;
use nansen_domain::access::{Permission, Role, ROLES};

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not (health check, the OpenAPI document, sign-in, public statistics).
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user holding this permission.
    Permission(Permission),
}

/// One route.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// HTTP method.
    pub method: &'static str,
    /// The route as registered (`{id}` marks a parameter).
    pub path: &'static str,
    /// What it needs.
    pub need: Need,
    /// True when a read through this route is a read of personal data and is written to the access
    /// log (every write is logged regardless).
    pub logged_read: bool,
}

const fn public(method: &'static str, path: &'static str) -> Rule {
    Rule { method, path, need: Need::Public, logged_read: false }
}
const fn signed_in(method: &'static str, path: &'static str) -> Rule {
    Rule { method, path, need: Need::SignedIn, logged_read: false }
}
const fn needs(method: &'static str, path: &'static str, p: Permission) -> Rule {
    Rule { method, path, need: Need::Permission(p), logged_read: false }
}
/// A read of personal data: needs `p` and is logged.
const fn reads(method: &'static str, path: &'static str, p: Permission) -> Rule {
    Rule { method, path, need: Need::Permission(p), logged_read: true }
}

use Permission as P;

/// The policy table.
pub const POLICY: &[Rule] = &[
    public("GET", "/healthz"),
    public("GET", "/api/openapi.json"),
    public("GET", "/static/app.css"),
    public("GET", "/language"),
    public("GET", "/login"),
    public("POST", "/login"),
    signed_in("POST", "/logout"),
    signed_in("GET", "/"),
    signed_in("GET", "/api/v1/me"),
    signed_in("PUT", "/api/v1/me/password"),
    signed_in("POST", "/api/v1/me/tokens"),
    reads("GET", "/search", P::RegistryRead),
    reads("GET", "/persons/{id}", P::RegistryRead),
    reads("GET", "/households/{id}", P::RegistryRead),
    needs("GET", "/api/v1/operations", P::OperationRead),
    needs("POST", "/api/v1/operations", P::OperationAdmin),
    needs("POST", "/api/v1/operations/{operation_id}/households", P::RegistryWrite),
    needs("POST", "/api/v1/operations/{operation_id}/persons", P::RegistryWrite),
    reads("GET", "/api/v1/households/{id}", P::RegistryRead),
    needs("PUT", "/api/v1/households/{id}", P::RegistryWrite),
    needs("POST", "/api/v1/households/{id}/members", P::RegistryWrite),
    reads("GET", "/api/v1/households/{id}/history", P::RegistryRead),
    reads("GET", "/api/v1/persons", P::RegistryRead),
    reads("GET", "/api/v1/persons/{id}", P::RegistryRead),
    needs("PUT", "/api/v1/persons/{id}", P::RegistryWrite),
    reads("GET", "/api/v1/persons/{id}/history", P::RegistryRead),
    reads("GET", "/api/v1/persons/{id}/status", P::StatusRead),
    needs("POST", "/api/v1/persons/{id}/claims", P::ClaimAct),
    reads("GET", "/api/v1/persons/{id}/claims", P::ClaimRead),
    reads("GET", "/api/v1/claims/{id}", P::ClaimRead),
    needs("POST", "/api/v1/claims/{id}/actions", P::ClaimAct),
    reads("GET", "/api/v1/claims/{id}/history", P::ClaimRead),
    needs("POST", "/api/v1/claims/{id}/assessments", P::AssessmentWrite),
    reads("GET", "/api/v1/claims/{id}/assessments", P::SensitiveRead),
    needs("POST", "/api/v1/assess", P::AssessmentWrite),
    reads("GET", "/api/v1/persons/{id}/protection", P::ProtectionRead),
    needs("PUT", "/api/v1/persons/{id}/protection", P::ProtectionWrite),
    needs("POST", "/api/v1/operations/{operation_id}/removals", P::RemovalRequest),
    reads("GET", "/api/v1/removals/{id}", P::RemovalRead),
    needs("POST", "/api/v1/removals/{id}/execute", P::RemovalExecute),
    needs("GET", "/api/v1/jurisdictions/{country}", P::JurisdictionRead),
    needs("PUT", "/api/v1/jurisdictions/{country}", P::JurisdictionWrite),
    needs("POST", "/api/v1/operations/{operation_id}/repatriations", P::Repatriation),
    reads("GET", "/api/v1/repatriations/{id}", P::Repatriation),
    needs("POST", "/api/v1/repatriations/{id}/depart", P::Repatriation),
    // Durable solutions: quotas are set by a senior protection officer; submissions (who is proposed
    // to which State, its decision, departures) are case content, read and written by resettlement
    // and senior protection officers and read by UNHCR supervision.
    needs("GET", "/api/v1/operations/{operation_id}/resettlement-quotas", P::ResettlementRead),
    needs("PUT", "/api/v1/operations/{operation_id}/resettlement-quotas/{country}/{year}", P::ResettlementQuota),
    needs("POST", "/api/v1/operations/{operation_id}/resettlement-submissions", P::ResettlementWrite),
    reads("GET", "/api/v1/operations/{operation_id}/resettlement-submissions", P::ResettlementRead),
    reads("GET", "/api/v1/resettlement-submissions/{id}", P::ResettlementRead),
    reads("GET", "/api/v1/resettlement-submissions/{id}/history", P::ResettlementRead),
    needs("POST", "/api/v1/resettlement-submissions/{id}/accept", P::ResettlementWrite),
    needs("POST", "/api/v1/resettlement-submissions/{id}/reject", P::ResettlementWrite),
    needs("POST", "/api/v1/resettlement-submissions/{id}/withdraw", P::ResettlementWrite),
    needs("POST", "/api/v1/resettlement-submissions/{id}/depart", P::ResettlementWrite),
    needs("GET", "/api/v1/users", P::UserAdmin),
    needs("POST", "/api/v1/users", P::UserAdmin),
    needs("GET", "/api/v1/users/{id}", P::UserAdmin),
    needs("PUT", "/api/v1/users/{id}", P::UserAdmin),
    needs("POST", "/api/v1/users/{id}/tokens", P::UserAdmin),
    needs("GET", "/api/v1/access-log", P::AuditRead),
    needs("POST", "/api/v1/operations/{operation_id}/duplicate-check", P::RegistryWrite),
    reads("GET", "/api/v1/operations/{operation_id}/duplicates", P::DuplicateReview),
    reads("GET", "/api/v1/duplicates/{id}", P::DuplicateReview),
    needs("POST", "/api/v1/duplicates/{id}/dismiss", P::DuplicateReview),
    needs("POST", "/api/v1/duplicates/{id}/confirm", P::DuplicateReview),
    needs("POST", "/api/v1/duplicates/{id}/merge", P::DuplicateReview),
    needs("POST", "/api/v1/duplicates/{id}/unmerge", P::DuplicateReview),
    // Data sharing: agreements are recorded by a senior protection officer; transfers under them
    // carry personal data out, so they are logged reads.
    needs("GET", "/api/v1/operations/{operation_id}/agreements", P::SharingTransfer),
    needs("POST", "/api/v1/operations/{operation_id}/agreements", P::SharingAdmin),
    needs("GET", "/api/v1/agreements/{id}", P::SharingTransfer),
    needs("POST", "/api/v1/agreements/{id}/revoke", P::SharingAdmin),
    reads("POST", "/api/v1/agreements/{id}/transfers", P::SharingTransfer),
    // Case assignment: who works on which case (users limited to assigned cases see only theirs).
    needs("GET", "/api/v1/households/{id}/assignments", P::CaseAssign),
    needs("POST", "/api/v1/households/{id}/assignments", P::CaseAssign),
    needs("POST", "/api/v1/assignments/{id}/end", P::CaseAssign),
    needs("POST", "/households/{id}/assignments", P::CaseAssign),
    needs("POST", "/assignments/{id}/end", P::CaseAssign),
    // Staff pages: registration of a household (with the duplicate check before saving) and the
    // duplicate review queue with its comparison page and decisions.
    needs("GET", "/register", P::RegistryWrite),
    needs("POST", "/register", P::RegistryWrite),
    reads("GET", "/duplicates", P::DuplicateReview),
    reads("GET", "/duplicates/{id}", P::DuplicateReview),
    needs("POST", "/duplicates/{id}/dismiss", P::DuplicateReview),
    needs("POST", "/duplicates/{id}/confirm", P::DuplicateReview),
    needs("POST", "/duplicates/{id}/merge", P::DuplicateReview),
    needs("POST", "/duplicates/{id}/unmerge", P::DuplicateReview),
    // Pages of status determination and removals (pages_rsd.rs, pages_removal.rs). The decision
    // letter holds the decision's reasons, so it needs sensitive_read.
    reads("GET", "/claims", P::ClaimRead),
    reads("GET", "/claims/{id}", P::ClaimRead),
    needs("POST", "/claims/{id}/actions", P::ClaimAct),
    needs("POST", "/claims/{id}/assessment", P::AssessmentWrite),
    reads("GET", "/claims/{id}/letter", P::SensitiveRead),
    needs("POST", "/persons/{id}/claims", P::ClaimAct),
    reads("GET", "/removals", P::RemovalRead),
    needs("POST", "/removals", P::RemovalRequest),
    reads("GET", "/removals/{id}", P::RemovalRead),
    needs("POST", "/removals/{id}/execute", P::RemovalExecute),
    // Statistics: published (suppressed) figures are public; unsuppressed internal figures are
    // checked inside, against the statistics_internal permission.
    public("GET", "/statistics"),
    public("GET", "/api/v1/operations/{op}/statistics/stock"),
    public("GET", "/api/v1/operations/{op}/statistics/flows"),
    public("GET", "/api/v1/statistics/reference/{query}"),
];

/// The rule for a request's matched route, if the route is in the table.
pub fn rule(method: &Method, path: &str) -> Option<&'static Rule> {
    POLICY.iter().find(|r| r.path == path && r.method == method.as_str())
}

/// True when `role` alone may use `r`.
pub fn allows(r: &Rule, role: Role) -> bool {
    match r.need {
        Need::Public | Need::SignedIn => true,
        Need::Permission(p) => role.may(p),
    }
}

/// The table as Markdown: one row per route, one column per role (for docs/security.md).
pub fn markdown() -> String {
    let mut s = String::from("| route | needs |");
    for r in ROLES {
        s.push_str(&format!(" {} |", short(r)));
    }
    s.push_str("\n|---|---|");
    for _ in ROLES {
        s.push_str(":-:|");
    }
    s.push('\n');
    for r in POLICY {
        let need = match r.need {
            Need::Public => "public".to_string(),
            Need::SignedIn => "signed in".to_string(),
            Need::Permission(p) => format!("`{p}`{}", if r.logged_read { " (read logged)" } else { "" }),
        };
        s.push_str(&format!("| `{} {}` | {need} |", r.method, r.path));
        for role in ROLES {
            s.push_str(if allows(r, role) { " ✓ |" } else { " · |" });
        }
        s.push('\n');
    }
    s.push_str("\nRoles: ");
    s.push_str(&ROLES.iter().map(|r| format!("{} = `{}`", short(*r), r.as_str())).collect::<Vec<_>>().join(", "));
    s.push_str(".\n");
    s
}

fn short(r: Role) -> &'static str {
    match r {
        Role::RegistrationClerk => "REG",
        Role::EligibilityOfficer => "ELIG",
        Role::Reviewer => "REV",
        Role::AppealOfficer => "APP",
        Role::ProtectionOfficer => "PROT",
        Role::SeniorProtectionOfficer => "SPO",
        Role::ResettlementOfficer => "RST",
        Role::Supervisor => "SUP",
        Role::HostStateLiaison => "HSL",
        Role::Statistician => "STAT",
        Role::Administrator => "ADM",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_route_appears_once() {
        for (i, a) in POLICY.iter().enumerate() {
            for b in &POLICY[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "{} {} is listed twice", a.method, a.path);
            }
        }
    }

    #[test]
    fn unknown_routes_have_no_rule() {
        assert!(rule(&Method::GET, "/api/v1/secret").is_none());
        assert!(rule(&Method::DELETE, "/api/v1/persons/{id}").is_none());
    }

    #[test]
    fn markdown_has_a_row_per_route() {
        let md = markdown();
        assert_eq!(md.lines().filter(|l| l.starts_with("| `")).count(), POLICY.len());
    }
}
