//! `nansen`: run, fill, migrate, import into and export from a Nansen registry.

mod checkpoint;
mod sealed_file;
mod security;
mod transfer;
mod users;

use anyhow::{bail, Context, Result};
use chrono::Utc;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use nansen_domain::{Actor, DeterminingAuthority, Iso3, Operation, OperationCode, OperationId, ShortText};
use nansen_server::AppState;
use nansen_store::{connect_with_key, AnyStore, DbUrl, Meta, Store};
use std::io::Write;
use std::path::PathBuf;
use transfer::Format;

/// mimalloc instead of the system allocator: matching and import allocate many small strings on
/// several threads, where glibc's malloc spent about a third of the time (ARCHITECTURE.md,
/// "Dependencies").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Nansen: refugee registration, status determination and protection.
#[derive(Parser)]
#[command(name = "nansen", version, about, long_about = None)]
struct Cli {
    /// Database: sqlite://PATH (the embedded default) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "NANSEN_DATABASE_URL", default_value = "sqlite://nansen.db", hide_env_values = true)]
    db: String,
    /// Log filter, e.g. info, debug, nansen_store=debug.
    #[arg(long, global = true, env = "NANSEN_LOG", default_value = "info")]
    log: String,
    /// Master key file of the database (encryption at rest; `nansen keys init` creates one). The
    /// key may instead be given in base64 in NANSEN_KEY.
    #[arg(long, global = true, env = "NANSEN_KEY_FILE")]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a fresh SQLite database with a realistic demo operation, and serve it.
    ///
    /// Uses sqlite://nansen-demo.db unless --db is given. An existing demo database is replaced;
    /// a database holding anything but demo data is never touched.
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Households to generate (about four persons each).
        #[arg(long, default_value_t = 1500)]
        households: usize,
        /// Seed of the generator: the same seed gives the same people.
        #[arg(long, default_value_t = 1951)]
        seed: u64,
        /// Fill the database and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Serve an existing database (pending migrations are applied first).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Write a signed audit checkpoint into this folder periodically (needs --signing-key).
        #[arg(long, requires = "signing_key")]
        checkpoint_dir: Option<PathBuf>,
        /// How often to write a checkpoint: 90s, 15m, 1h, 1d.
        #[arg(long, default_value = "1h", value_parser = checkpoint::parse_every)]
        checkpoint_every: std::time::Duration,
        /// Ed25519 signing key of the checkpoints (`nansen audit keygen`).
        #[arg(long)]
        signing_key: Option<PathBuf>,
    },
    /// Master keys of encryption at rest: create one, rotate a database's key.
    #[command(subcommand)]
    Keys(security::KeysCmd),
    /// Write a consistent copy of a SQLite database to a file, optionally encrypted.
    Backup(security::BackupArgs),
    /// Encrypt a file or standard input (e.g. a pg_dump) with a key file; see docs/security.md.
    Encrypt(security::CryptArgs),
    /// Decrypt a file written by `nansen encrypt`, `nansen backup --encrypt-key` or `nansen export --encrypt-key`.
    Decrypt(security::CryptArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage operations (an office in a country of asylum).
    #[command(subcommand)]
    Operation(OperationCmd),
    /// Import households from a CSV, JSON or JSON Lines file (format: docs/import-format.md).
    ///
    /// The whole file is validated first; any error refuses it, with row numbers, and nothing is
    /// written. Households whose key is already registered are skipped, so importing a file twice
    /// is harmless.
    Import {
        /// The file.
        file: PathBuf,
        /// Operation code to import into (may be left out when the database has one operation).
        #[arg(long)]
        operation: Option<String>,
        /// File format; by default taken from the extension (.csv, .json, .jsonl).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Who is importing (recorded in the history).
        #[arg(long, default_value = "import")]
        actor: String,
        /// Do not check the imported persons against the registry for likely duplicates (by
        /// default they are checked after the import and the pairs found are queued for review).
        #[arg(long)]
        skip_duplicate_check: bool,
    },
    /// Write synthetic households (the demo's generator) to a JSON Lines or CSV file, for tests,
    /// training and benchmarks. Nothing is written to the database.
    Generate {
        /// Households to generate.
        #[arg(long, default_value_t = 1000)]
        households: usize,
        /// Seed: the same seed gives the same people.
        #[arg(long, default_value_t = 1951)]
        seed: u64,
        /// Output file (.jsonl or .csv).
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Assess a facts file against the Convention and print the recommendation with its reasons.
    ///
    /// Pure: reads no database. The facts format is docs/assess/README.md (JSON Schema:
    /// docs/assess/facts.schema.json). The shipped jurisdiction profile of --jurisdiction applies.
    Assess {
        /// The facts file (JSON).
        file: PathBuf,
        /// Country of asylum whose jurisdiction applies (ISO3), e.g. DEU, UGA, TUR.
        #[arg(long)]
        jurisdiction: String,
        /// Print the assessment as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Find duplicate registrations within one CSV file, or link two files.
    ///
    /// Input: CSV with a header; columns recognised by name: id (required), given_name, surname,
    /// full_name, name_original, date_of_birth (YYYY, YYYY-MM or YYYY-MM-DD), sex, place_of_birth,
    /// citizenship, document_number, address; other columns are ignored. Output: CSV with header
    /// id_l,id_r,score, one row per predicted match, score in [0,1]. The threshold is chosen from the
    /// data by the fitted model unless --threshold is given. See docs/matching.md.
    Dedup {
        /// The (left) input file.
        #[arg(long)]
        input: PathBuf,
        /// A second file to link against the first (linkage instead of deduplication).
        #[arg(long)]
        link: Option<PathBuf>,
        /// Where to write the pairs.
        #[arg(long)]
        output: PathBuf,
        /// Match probability above which a pair is reported, in [0,1].
        #[arg(long)]
        threshold: Option<f64>,
    },
    /// Statistics: UNHCR reference statistics and disclosure-controlled tables (see `nansen stats --help`).
    Stats(nansen_stats::StatsArgs),
    /// The tamper-evident audit chain.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// User accounts: create, list, issue API tokens, disable, unlock, TOTP.
    #[command(subcommand)]
    User(users::UserCmd),
    /// Print the authorization policy: every route, what it needs, which roles may use it.
    Policy,
    /// Show the jurisdiction profile shipped for a country (treaties, limitation, regional instruments).
    Jurisdiction {
        /// ISO3 country code.
        country: String,
    },
    /// Export an operation's households (CSV, JSON or JSON Lines) to a file or standard output.
    Export {
        /// Operation code (may be left out when the database has one operation).
        #[arg(long)]
        operation: Option<String>,
        /// Format.
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Output file; standard output when left out.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Encrypt the export with this key file (`nansen keys init`); read it with `nansen decrypt`.
        #[arg(long)]
        encrypt_key: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the audit chain, check every history event against its entry and every current
    /// record against a replay of its history. Exits 1 at the first broken entry, naming it.
    ///
    /// With --checkpoint and --public-key, also confirms that the chain still holds the entry and
    /// hash of a signed checkpoint (catches a history rewritten and re-hashed).
    Verify {
        /// A checkpoint file written by `nansen audit checkpoint`.
        #[arg(long, requires = "public_key")]
        checkpoint: Option<PathBuf>,
        /// The public key (`.pub` of `nansen audit keygen`) the checkpoint must be signed with.
        #[arg(long)]
        public_key: Option<PathBuf>,
    },
    /// Create an Ed25519 signing key for checkpoints (FILE, mode 0600) and its public key (FILE.pub).
    Keygen {
        /// Where to write the signing key.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a signed checkpoint of the audit chain's head, to keep off this host.
    Checkpoint {
        /// The signing key (`nansen audit keygen`).
        #[arg(long)]
        signing_key: PathBuf,
        /// Output file; standard output when left out.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum OperationCmd {
    /// Create an operation.
    Create {
        /// Short code, e.g. KEN-KAK.
        #[arg(long)]
        code: String,
        /// Name, e.g. "Kakuma field office".
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-3 code of the country of asylum.
        #[arg(long)]
        country: String,
        /// Who determines refugee status: state, unhcr-mandate or joint.
        #[arg(long, value_enum, default_value = "state")]
        authority: Authority,
    },
    /// List operations.
    List,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Authority {
    State,
    UnhcrMandate,
    Joint,
}

impl From<Authority> for DeterminingAuthority {
    fn from(a: Authority) -> Self {
        match a {
            Authority::State => Self::State,
            Authority::UnhcrMandate => Self::UnhcrMandate,
            Authority::Joint => Self::Joint,
        }
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn open(db: &str) -> Result<AnyStore> {
    let url = DbUrl::parse(db).map_err(anyhow::Error::msg)?;
    connect_with_key(&url, security::key().as_ref()).await.with_context(|| format!("cannot open the database {url}"))
}

async fn run(cli: Cli) -> Result<()> {
    security::set_key(security::resolve_key(cli.key_file.as_deref())?);
    match cli.command {
        Command::Demo { addr, households, seed, no_serve } => {
            let db = if std::env::args().any(|a| a == "--db" || a.starts_with("--db=")) || std::env::var_os("NANSEN_DATABASE_URL").is_some() {
                cli.db.clone()
            } else {
                "sqlite://nansen-demo.db".to_string()
            };
            let store = demo(&db, households, seed).await?;
            let accounts = users::demo_accounts(&store).await?;
            println!("Demo accounts (password for all: {}; demo only):", users::DEMO_PASSWORD);
            for (name, role) in accounts {
                let note = if name == users::DEMO_ASSIGNED.0 { format!(" (sees only the {} cases assigned to it)", users::DEMO_ASSIGNED.1) } else { String::new() };
                println!("  {name:<14} {role}{note}");
            }
            if no_serve {
                return Ok(());
            }
            serve(store, &addr).await
        }
        Command::Serve { addr, checkpoint_dir, checkpoint_every, signing_key } => {
            let store = open(&cli.db).await?;
            if let (Some(dir), Some(k)) = (checkpoint_dir, signing_key) {
                std::fs::create_dir_all(&dir).with_context(|| format!("cannot create the checkpoint folder {}", dir.display()))?;
                checkpoint::spawn_periodic(store.clone(), checkpoint::signing_key(&k)?, dir, checkpoint_every);
            }
            serve(store, &addr).await
        }
        Command::Keys(cmd) => security::keys(cmd, &cli.db).await,
        Command::Backup(args) => {
            let store = open(&cli.db).await?;
            let r = security::backup(&store, args).await;
            store.close().await;
            r
        }
        Command::Encrypt(args) => security::crypt(args, false),
        Command::Decrypt(args) => security::crypt(args, true),
        Command::Audit(AuditCmd::Keygen { out }) => {
            let public = checkpoint::keygen(&out)?;
            println!("signing key written to {} (keep it secret); public key to {} (give it to whoever verifies checkpoints)", out.display(), public.display());
            Ok(())
        }
        Command::Audit(AuditCmd::Checkpoint { signing_key, out }) => {
            let store = open(&cli.db).await?;
            let r = security::audit_checkpoint(&store, &signing_key, out.as_deref()).await;
            store.close().await;
            r
        }
        Command::Audit(AuditCmd::Verify { checkpoint: Some(file), public_key: Some(public) }) => {
            let store = open(&cli.db).await?;
            let r = security::audit_verify_checkpoint(&store, &file, &public).await;
            store.close().await;
            println!("{}", r?);
            Ok(())
        }
        Command::Migrate => {
            open(&cli.db).await?;
            println!("migrations applied: {}", DbUrl::parse(&cli.db).map_err(anyhow::Error::msg)?);
            Ok(())
        }
        Command::Operation(OperationCmd::Create { code, name, country, authority }) => {
            let store = open(&cli.db).await?;
            let op = Operation {
                id: OperationId::generate(),
                code: OperationCode::parse(&code).map_err(|e| anyhow::anyhow!("--code: {e}"))?,
                name: ShortText::parse(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?,
                country: Iso3::parse(&country).map_err(|e| anyhow::anyhow!("--country: {e}"))?,
                authority: authority.into(),
            };
            let op = store.create_operation(op, Meta::now(Actor::parse("cli")?)).await?;
            println!("{}\t{}\t{}\t{}", op.id, op.code, op.country, op.name);
            Ok(())
        }
        Command::Operation(OperationCmd::List) => {
            let store = open(&cli.db).await?;
            for op in store.operations().await? {
                let c = store.counts(op.id).await?;
                println!("{}\t{}\t{}\t{}\t{} households\t{} persons", op.id, op.code, op.country, op.name, c.households, c.persons);
            }
            Ok(())
        }
        Command::Import { file, operation, format, actor, skip_duplicate_check } => {
            let store = open(&cli.db).await?;
            let op = pick_operation(&store, operation.as_deref()).await?;
            let actor = Actor::parse(&actor).map_err(|e| anyhow::anyhow!("--actor: {e}"))?;
            import(&store, op, &file, format, actor, !skip_duplicate_check).await
        }
        Command::Generate { households, seed, output } => generate(households, seed, &output),
        Command::Assess { file, jurisdiction, json } => assess(&file, &jurisdiction, json),
        Command::Dedup { input, link, output, threshold } => {
            let r = nansen_matching::dedup_files(&input, link.as_deref(), &output, threshold, true)?;
            eprintln!(
                "{} records{}, {} candidate pairs, {} matches at threshold {:.3} written to {}",
                r.records,
                r.linked_records.map(|n| format!(" linked with {n}")).unwrap_or_default(),
                r.candidate_pairs,
                r.matches,
                r.threshold,
                output.display()
            );
            Ok(())
        }
        Command::Stats(nansen_stats::StatsArgs { command: nansen_stats::StatsCommand::Registry(r) }) => {
            let query = r.query()?;
            let store = open(&cli.db).await?;
            let op = pick_operation(&store, Some(&r.operation)).await?;
            let total = store.counts(op.id).await?.events as u64;
            let pb = ProgressBar::new(total);
            pb.set_style(ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} events ({per_sec}, {eta} left)").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
            pb.set_message("reading");
            let mut history = nansen_stats::RegistryHistory::new();
            store.stream_statistical_events(op.id, |e| history.push(e), &|n| pb.set_position(n)).await?;
            pb.finish_and_clear();
            store.close().await;
            let table = query.table(&history, op.code.as_str(), r.threshold);
            let published = nansen_stats::suppress_owned(table, r.threshold).into_table();
            let mut buf = Vec::new();
            nansen_stats::output::write(&published, r.format, &mut buf)?;
            let mut out = std::io::stdout().lock();
            match out.write_all(&buf).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => Ok(r?),
            }
        }
        Command::Stats(args) => Ok(nansen_stats::cli(args)?),
        Command::User(cmd) => {
            let store = open(&cli.db).await?;
            let r = users::run(&store, cmd).await;
            store.close().await;
            r
        }
        Command::Policy => {
            print!("{}", nansen_server::policy::markdown());
            Ok(())
        }
        Command::Audit(AuditCmd::Verify { .. }) => {
            let store = open(&cli.db).await?;
            let r = store.verify_audit().await?;
            let access = store.accounts().verify_access_log().await?;
            store.close().await;
            if let Some((seq, what)) = &access.first_break {
                bail!("AUDIT FAILED (access log) at access-log entry {seq}: {what}");
            }
            println!("access log verified: {} chained entries", access.entries);
            match &r.first_problem {
                None => {
                    println!("audit verified: {} chained entries, {} events, {} records replayed from their history; nothing altered, removed or reordered", r.entries, r.events, r.records_replayed);
                    Ok(())
                }
                Some(p) => {
                    let at = p.seq.map(|s| format!(" at audit entry {s}")).unwrap_or_default();
                    bail!("AUDIT FAILED ({}){at}: {}", p.kind, p.detail)
                }
            }
        }
        Command::Jurisdiction { country } => {
            let c = Iso3::parse(&country).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&nansen_domain::convention::profile_for(c))?);
            Ok(())
        }
        Command::Export { operation, format, output, encrypt_key } => {
            let store = open(&cli.db).await?;
            let op = pick_operation(&store, operation.as_deref()).await?;
            let r = export(&store, op, format, output.clone(), encrypt_key.as_deref()).await;
            if let (Err(_), Some(_), Some(p)) = (&r, &encrypt_key, &output) {
                let _ = std::fs::remove_file(p); // never leave an authentic but partial export
            }
            r
        }
    }
}

async fn pick_operation(store: &AnyStore, code: Option<&str>) -> Result<Operation> {
    let ops = store.operations().await?;
    match code {
        Some(c) => {
            let c = OperationCode::parse(c).map_err(|e| anyhow::anyhow!("--operation: {e}"))?;
            ops.into_iter().find(|o| o.code == c).with_context(|| format!("no operation with code {c}; list them with `nansen operation list`"))
        }
        None => match ops.len() {
            1 => Ok(ops.into_iter().next().context("no operation")?),
            0 => bail!("the database has no operation yet; create one with `nansen operation create --code … --name … --country …`"),
            _ => bail!("the database has several operations; name one with --operation CODE (see `nansen operation list`)"),
        },
    }
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} households ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

async fn import(store: &AnyStore, op: Operation, file: &std::path::Path, format: Option<Format>, actor: Actor, check_duplicates: bool) -> Result<()> {
    let format = format
        .or_else(|| Format::from_path(file))
        .with_context(|| format!("cannot tell the format of {}: name it .csv, .json or .jsonl, or pass --format", file.display()))?;
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let parsed = match format {
        Format::Csv => transfer::read_csv(f),
        Format::Json => transfer::read_json(f),
        Format::Jsonl => transfer::read_jsonl(f),
    };
    let households = parsed.and_then(|p| transfer::validate(p, Utc::now().date_naive()));
    let households = match households {
        Ok(h) => h,
        Err(errors) => {
            let mut err = std::io::stderr().lock();
            for e in errors.iter().take(200) {
                let _ = writeln!(err, "{}: {e}", file.display());
            }
            if errors.len() > 200 {
                let _ = writeln!(err, "… and {} more", errors.len() - 200);
            }
            bail!("{} refused: {} problem(s); nothing was imported. Correct the rows above and import again", file.display(), errors.len());
        }
    };
    let n = households.len();
    let pb = bar(n as u64, "importing");
    let started = std::time::Instant::now();
    let meta = Meta::now(actor);
    let report = store.import(op.id, households, meta.clone(), &|done| pb.set_position(done as u64)).await?;
    pb.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "imported into {}: {} households, {} persons ({:.0} persons/s); {} households already registered were skipped",
        op.code,
        report.households_created,
        report.persons_created,
        report.persons_created as f64 / secs.max(1e-9),
        report.households_skipped
    );
    if check_duplicates && report.persons_created > 0 {
        let started = std::time::Instant::now();
        let c = nansen_server::duplicates_api::check_import(store, op.id, meta.at, meta.clone())
            .await
            .context("the import is complete and durable, but the duplicate check after it failed: no pair was queued for review; check the database and tell your administrator")?;
        println!(
            "duplicate check: {} imported persons checked against {} registered ({:.1} s); {} likely duplicate pair(s) found, {} queued for review",
            c.checked,
            c.registry,
            started.elapsed().as_secs_f64(),
            c.found,
            c.queued
        );
    }
    Ok(())
}

async fn export(store: &AnyStore, op: Operation, format: Format, output: Option<PathBuf>, encrypt_key: Option<&std::path::Path>) -> Result<()> {
    let total = store.counts(op.id).await?.households;
    let (sink, sealing) = security::export_sink(&output, encrypt_key)?;
    let pb = if output.is_some() { bar(total as u64, "exporting") } else { ProgressBar::hidden() };
    let mut after = None;
    let mut csv_out = None;
    let mut raw: Option<Box<dyn Write>> = None;
    match format {
        Format::Csv => csv_out = Some(transfer::CsvOut::new(sink)?),
        Format::Json | Format::Jsonl => raw = Some(sink),
    }
    let mut first = true;
    if let (Format::Json, Some(w)) = (format, raw.as_mut()) {
        w.write_all(b"[\n")?;
    }
    loop {
        let page = store.households_after(op.id, after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.household.id);
        for v in &page {
            if let Some(c) = csv_out.as_mut() {
                c.household(v)?;
            } else if let Some(w) = raw.as_mut() {
                if format == Format::Json && !first {
                    w.write_all(b",\n")?;
                }
                serde_json::to_writer(&mut *w, &transfer::to_input(v))?;
                if format == Format::Jsonl {
                    w.write_all(b"\n")?;
                }
                first = false;
            }
        }
        pb.inc(page.len() as u64);
    }
    if let Some(c) = csv_out {
        c.finish()?;
    }
    if let Some(mut w) = raw {
        if format == Format::Json {
            w.write_all(b"\n]\n")?;
        }
        w.flush()?;
    }
    security::finish_sink(sealing)?;
    pb.finish_and_clear();
    if let Some(p) = output {
        eprintln!("exported {total} households of {} to {}", op.code, p.display());
    }
    Ok(())
}

fn generate(households: usize, seed: u64, output: &std::path::Path) -> Result<()> {
    let format = Format::from_path(output).context("name the output .jsonl or .csv")?;
    let f = std::io::BufWriter::new(std::fs::File::create(output).with_context(|| format!("cannot create {}", output.display()))?);
    let today = Utc::now().date_naive();
    let pb = bar(households as u64, "generating");
    match format {
        Format::Csv => {
            let mut out = transfer::CsvOut::new(f)?;
            for h in nansen_demo::households(seed, today).take(households) {
                out.raw_household(&h)?;
                pb.inc(1);
            }
            out.finish()?;
        }
        Format::Jsonl | Format::Json => {
            if format == Format::Json {
                bail!("write .jsonl (one household per line); a JSON array would have to be held in memory");
            }
            let mut f = f;
            for h in nansen_demo::households(seed, today).take(households) {
                serde_json::to_writer(&mut f, &h)?;
                f.write_all(b"\n")?;
                pb.inc(1);
            }
            f.flush()?;
        }
    }
    pb.finish_and_clear();
    eprintln!("wrote {households} households to {}", output.display());
    Ok(())
}

fn assess(file: &std::path::Path, jurisdiction: &str, json: bool) -> Result<()> {
    let country = Iso3::parse(jurisdiction).map_err(|e| anyhow::anyhow!("--jurisdiction: {e}"))?;
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let profile = nansen_domain::convention::profile_for(country);
    let a = nansen_domain::convention::assess_json(&text, &profile).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&a)?);
        return Ok(());
    }
    let v = serde_json::to_value(&a)?;
    let text_of = |x: &serde_json::Value| match x {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    println!("recommendation: {}", text_of(&v["recommendation"]));
    println!("basis:          {}", text_of(&v["basis"]));
    println!("jurisdiction:   {} ({})", country, country.name());
    println!("reasons:");
    for (i, r) in v["reasons"].as_array().cloned().unwrap_or_default().iter().enumerate() {
        let place = r.get("country").and_then(|c| c.as_str()).map(|c| format!(" [{c}]")).unwrap_or_default();
        println!("  {:>2}. {}{} — {}: {}", i + 1, text_of(&r["step"]), place, text_of(&r["finding"]), text_of(&r["explanation"]));
        println!("      {}", text_of(&r["citation"]));
    }
    if let Some(bars) = v["absolute_bars"].as_array().filter(|b| !b.is_empty()) {
        println!("absolute bars to removal (no exception):");
        for b in bars {
            println!("  - {b}");
        }
    }
    println!("This is a recommendation; the officer decides, and a departure needs written reasons.");
    Ok(())
}

/// The demo operation's code. A database whose operations all carry it may be replaced by `demo`.
const DEMO_CODE: &str = "DEMO-KAK";

async fn demo(db: &str, households: usize, seed: u64) -> Result<AnyStore> {
    let url = DbUrl::parse(db).map_err(anyhow::Error::msg)?;
    let DbUrl::Sqlite(u) = &url else { bail!("the demo runs on SQLite only: pass --db sqlite://PATH or leave --db out") };
    let path = u.trim_start_matches("sqlite://").trim_start_matches("sqlite:").split('?').next().unwrap_or("").to_string();
    // The demo's master key lives beside it: loaded when it exists, created once the old demo is gone.
    if security::key().is_none() && std::path::Path::new(&format!("{path}.key")).exists() {
        security::use_demo_key(&path)?;
    }
    if std::path::Path::new(&path).exists() {
        let existing = open(db).await?;
        let ops = existing.operations().await?;
        if ops.iter().any(|o| o.code.as_str() != DEMO_CODE) {
            bail!("{path} holds data that is not the demo's; the demo will not replace it. Pass another --db, e.g. --db sqlite://nansen-demo.db");
        }
        existing.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let f = format!("{path}{suffix}");
            if std::path::Path::new(&f).exists() {
                std::fs::remove_file(&f).with_context(|| format!("cannot replace the old demo database {f}"))?;
            }
        }
    }
    if security::key().is_none() {
        security::use_demo_key(&path)?;
    }
    let store = open(db).await?;
    let op = Operation {
        id: OperationId::generate(),
        code: OperationCode::parse(DEMO_CODE)?,
        name: ShortText::parse("Kakuma field office (demo)")?,
        country: Iso3::parse("KEN")?,
        authority: DeterminingAuthority::Joint,
    };
    let op = store.create_operation(op, Meta::now(Actor::parse("demo")?)).await?;
    let today = Utc::now().date_naive();
    let inputs = nansen_demo::generate(seed, households, today);
    let mut valid = Vec::with_capacity(inputs.len());
    for (i, h) in inputs.iter().enumerate() {
        valid.push(nansen_domain::NewHousehold::parse(h, today).map_err(|e| anyhow::anyhow!("demo household {i} is invalid: {e}"))?);
    }
    let pb = bar(valid.len() as u64, "demo data");
    let report = store.import(op.id, valid, Meta::now(Actor::parse("demo")?), &|d| pb.set_position(d as u64)).await?;
    pb.finish_and_clear();
    println!("Demo database {path}: operation {} ({}), {} households, {} persons.", op.code, op.name, report.households_created, report.persons_created);
    Ok(store)
}

async fn serve(store: AnyStore, addr: &str) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}; is another server running there? choose another with --addr"))?;
    let local = listener.local_addr()?;
    println!("Nansen is serving on http://{local}/  (API: http://{local}/api/v1, OpenAPI: http://{local}/api/openapi.json)");
    if store.accounts().count().await? == 0 {
        println!("This database has no accounts yet. Create the first administrator with:\n  nansen user create admin --name \"Your Name\" --role administrator --operation '*'");
    }
    let _ = std::io::stdout().flush();
    let state = AppState::new(store.clone());
    for (op, persons, secs) in state.duplicates.warm(&store).await.context("cannot build the duplicate-check index from the registry")? {
        println!("duplicate-check index of operation {op}: {persons} persons in {secs:.2} s");
    }
    let _ = std::io::stdout().flush();
    let served = nansen_server::serve(state, listener).await;
    store.close().await;
    served.context("the server stopped with an error")
}
