//! `nansen user …`: accounts from the command line (the first administrator of a new database,
//! API tokens for scripts, unlocking), and `nansen policy`.

use anyhow::{bail, Context, Result};
use chrono::Utc;
use clap::Subcommand;
use nansen_domain::access::{NewPassword, Role, Roles, Username};
use nansen_domain::Iso3;
use nansen_server::auth;
use nansen_store::accounts::{AccessEntry, Accounts, NewUser, OperationScope, User, UserChange};
use nansen_store::{AnyStore, Store};
use std::io::BufRead;

/// Account commands.
#[derive(Subcommand)]
pub enum UserCmd {
    /// Create an account. Without --password-stdin a strong random password is generated and
    /// printed once; give it to the user by a separate channel.
    Create {
        /// Sign-in name (lower-case letters, digits, . _ -).
        username: String,
        /// Name shown on screens.
        #[arg(long)]
        name: String,
        /// A role (repeat for several): registration_clerk, eligibility_officer, reviewer,
        /// appeal_officer, protection_officer, senior_protection_officer, resettlement_officer,
        /// supervisor, host_state_liaison, statistician, administrator.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// An operation code the user works in (repeat for several), or `*` for all.
        #[arg(long = "operation", required = true)]
        operations: Vec<String>,
        /// For a user acting for a State (e.g. a host-State liaison): its ISO3 code. Nansen never
        /// shows them people who are citizens of that State.
        #[arg(long)]
        affiliation: Option<String>,
        /// Inside their operations, show the user only the cases (households) assigned to them
        /// (assign with `POST /api/v1/households/{id}/assignments`).
        #[arg(long)]
        assigned_only: bool,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Issue an API token for a user (printed once; Nansen keeps only its hash).
    Token {
        /// The user.
        username: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// Days until it expires (1–365).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// Change an account.
    Set {
        /// The user.
        username: String,
        /// Disable the account (its sessions and tokens stop working).
        #[arg(long, conflicts_with = "enable")]
        disable: bool,
        /// Enable it again.
        #[arg(long)]
        enable: bool,
        /// Clear a lock after failed sign-ins.
        #[arg(long)]
        unlock: bool,
        /// Set a new password, read from standard input (revokes sessions and tokens).
        #[arg(long)]
        password_stdin: bool,
        /// Turn the TOTP second factor on (prints the secret once) or off.
        #[arg(long, value_parser = ["enable", "disable"])]
        totp: Option<String>,
        /// Limit the user to the cases assigned to them (true), or open every case of their
        /// operations to them (false).
        #[arg(long)]
        assigned_only: Option<bool>,
    },
}

fn cli_entry(action: &str) -> AccessEntry {
    let who = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "unknown".into());
    AccessEntry { at: Utc::now(), actor: format!("cli:{who}"), action: action.into(), target: String::new(), origin: "local".into(), outcome: 1, reason: None }
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// A random password of 20 characters from an alphabet without look-alikes.
pub fn random_password() -> String {
    const A: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let s = auth::random_secret();
    let bytes = hex::decode(s).unwrap_or_default();
    bytes.iter().take(20).map(|b| A[*b as usize % A.len()] as char).collect()
}

async fn find(accounts: &Accounts, name: &str) -> Result<User> {
    let u = Username::parse(name).map_err(|e| anyhow::anyhow!(e.message))?;
    accounts.user_by_name(&u).await?.map(|x| x.0).ok_or_else(|| anyhow::anyhow!("there is no user {name:?}; list them with `nansen user list`"))
}

async fn scope(store: &AnyStore, codes: &[String]) -> Result<OperationScope> {
    if codes.iter().any(|c| c == "*") {
        return Ok(OperationScope::All);
    }
    let ops = store.operations().await?;
    let mut v = Vec::new();
    for c in codes {
        let o = ops
            .iter()
            .find(|o| o.code.as_str().eq_ignore_ascii_case(c))
            .ok_or_else(|| anyhow::anyhow!("there is no operation {c:?}; create it with `nansen operation create` or list them with `nansen operation list`"))?;
        v.push(o.id);
    }
    Ok(OperationScope::Only(v))
}

/// Runs a `nansen user` command.
pub async fn run(store: &AnyStore, cmd: UserCmd) -> Result<()> {
    let accounts = store.accounts();
    match cmd {
        UserCmd::Create { username, name, roles, operations, affiliation, assigned_only, password_stdin } => {
            let username = Username::parse(&username).map_err(|e| anyhow::anyhow!(e.message))?;
            let roles = roles.iter().map(|r| Role::parse(r)).collect::<Result<Vec<_>, _>>().map_err(|e| anyhow::anyhow!(e.message))?;
            let roles = Roles::parse(&roles).map_err(|e| anyhow::anyhow!(e.message))?;
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().count() > 100 {
                bail!("give a display name of 1 to 100 characters with --name");
            }
            let affiliation = affiliation.map(|a| Iso3::parse(&a)).transpose().map_err(|e| anyhow::anyhow!(e.message))?;
            let (password, generated) = if password_stdin { (read_password()?, false) } else { (random_password(), true) };
            let pw = NewPassword::parse(&password, &username).map_err(|e| anyhow::anyhow!(e.message))?;
            let hash = auth::hash_password(pw.expose()).map_err(anyhow::Error::msg)?;
            let operations = scope(store, &operations).await?;
            let u = accounts.create_user(NewUser { username, display_name: name, password_hash: hash, roles, operations, affiliation, assigned_only }, cli_entry("user.create")).await?;
            println!("Created {} ({}) with roles {}.", u.username, u.display_name, u.roles.as_slice().iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "));
            if generated {
                println!("Initial password (shown once): {password}");
            }
        }
        UserCmd::List => {
            let users = accounts.users().await?;
            if users.is_empty() {
                println!("No accounts. Create the first administrator with: nansen user create admin --name \"…\" --role administrator --operation '*'");
            }
            for u in users {
                let ops = match &u.operations {
                    OperationScope::All => "all operations".to_string(),
                    OperationScope::Only(v) => format!("{} operation(s)", v.len()),
                };
                let flags = [u.disabled.then_some("disabled"), u.assigned_only.then_some("assigned cases only"), u.totp_enabled.then_some("TOTP"), u.locked_until.filter(|t| *t > Utc::now().timestamp()).map(|_| "locked")];
                let flags: Vec<&str> = flags.into_iter().flatten().collect();
                println!(
                    "{:<24} {:<28} {:<50} {}{}",
                    u.username.as_str(),
                    u.display_name,
                    u.roles.as_slice().iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","),
                    ops,
                    if flags.is_empty() { String::new() } else { format!(" [{}]", flags.join(", ")) }
                );
            }
        }
        UserCmd::Token { username, name, days } => {
            if !(1..=365).contains(&days) {
                bail!("--days must be between 1 and 365");
            }
            let u = find(&accounts, &username).await?;
            let token = auth::new_api_token();
            let expires = Utc::now().timestamp() + days * 86_400;
            accounts.create_token(u.id, &name, &auth::token_hash(&token), Some(expires), cli_entry("token.create")).await?;
            println!("{token}");
            eprintln!("API token for {} ({name}), valid {days} days. Send it as `Authorization: Bearer <token>`. It is shown only now.", u.username);
        }
        UserCmd::Set { username, disable, enable, unlock, password_stdin, totp, assigned_only } => {
            let u = find(&accounts, &username).await?;
            let mut change = UserChange { unlock, assigned_only, ..Default::default() };
            if disable {
                change.disabled = Some(true);
            } else if enable {
                change.disabled = Some(false);
            }
            if password_stdin {
                let pw = NewPassword::parse(&read_password()?, &u.username).map_err(|e| anyhow::anyhow!(e.message))?;
                change.password_hash = Some(auth::hash_password(pw.expose()).map_err(anyhow::Error::msg)?);
            }
            let secret = match totp.as_deref() {
                Some("enable") => Some(auth::new_totp_secret()),
                _ => None,
            };
            if let Some(t) = &totp {
                change.totp_secret = Some(if t == "enable" { secret.clone() } else { None });
            }
            let u = accounts.update_user(u.id, u.version, change, cli_entry("user.update")).await?;
            println!("Updated {}.", u.username);
            if let Some(s) = secret {
                println!("TOTP secret (shown once): {s}\n{}", auth::totp_uri(u.username.as_str(), &s));
            }
        }
    }
    Ok(())
}

/// The demo's accounts: one per role, all with the same published password. Only `nansen demo`
/// creates them, on a database that holds nothing but demo data.
pub const DEMO_PASSWORD: &str = "nansen-demo-2026";

/// The demo account limited to the cases assigned to it, and how many cases it gets.
pub const DEMO_ASSIGNED: (&str, usize) = ("officer2", 12);

/// Creates the demo accounts. `officer2` works on assigned cases only: the first households of the
/// demo operation are assigned to it, so that the demo shows the scoping.
pub async fn demo_accounts(store: &AnyStore) -> Result<Vec<(String, Role)>> {
    let accounts = store.accounts();
    let roles = [
        ("clerk", Role::RegistrationClerk, "Amina Clerk"),
        ("officer", Role::EligibilityOfficer, "Omar Officer"),
        ("officer2", Role::EligibilityOfficer, "Lena Officer"),
        ("reviewer", Role::Reviewer, "Rita Reviewer"),
        ("appeals", Role::AppealOfficer, "Ade Appeals"),
        ("protection", Role::ProtectionOfficer, "Pia Protection"),
        ("senior", Role::SeniorProtectionOfficer, "Sam Senior"),
        ("resettlement", Role::ResettlementOfficer, "Rosa Resettlement"),
        ("supervisor", Role::Supervisor, "Sara Supervisor"),
        ("liaison", Role::HostStateLiaison, "Liam Liaison"),
        ("statistician", Role::Statistician, "Stan Statistician"),
        ("admin", Role::Administrator, "Ada Admin"),
    ];
    let hash = auth::hash_password(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let mut out = Vec::new();
    for (name, role, display) in roles {
        let username = Username::parse(name).map_err(|e| anyhow::anyhow!(e.message))?;
        let affiliation = (role == Role::HostStateLiaison).then(|| Iso3::parse("KEN")).transpose().map_err(|e| anyhow::anyhow!(e.message))?;
        let roles = Roles::parse(&[role]).map_err(|e| anyhow::anyhow!(e.message))?;
        let assigned_only = name == DEMO_ASSIGNED.0;
        let user = accounts
            .create_user(
                NewUser { username, display_name: display.into(), password_hash: hash.clone(), roles, operations: OperationScope::All, affiliation, assigned_only },
                AccessEntry { actor: "demo".into(), ..cli_entry("user.create") },
            )
            .await?;
        if assigned_only {
            assign_demo_cases(store, &accounts, user.id).await?;
        }
        out.push((name.to_string(), role));
    }
    Ok(out)
}

async fn assign_demo_cases(store: &AnyStore, accounts: &Accounts, user: uuid::Uuid) -> Result<()> {
    let Some(op) = store.operations().await?.first().map(|o| o.id) else { return Ok(()) };
    let found = store.search(&nansen_store::SearchQuery { operation: Some(op), limit: 200, ..Default::default() }).await?;
    let mut households: Vec<nansen_domain::HouseholdId> = Vec::new();
    for p in found.items {
        if households.len() < DEMO_ASSIGNED.1 && !households.contains(&p.household_id) {
            households.push(p.household_id);
        }
    }
    for h in households {
        let log = AccessEntry { actor: "demo".into(), reason: Some("demo: eligibility caseload".into()), ..cli_entry("case.assign") };
        accounts.assign_case(op, h, user, "demo: eligibility caseload", log).await?;
    }
    Ok(())
}
