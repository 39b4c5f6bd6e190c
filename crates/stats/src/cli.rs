//! `nansen stats …`: the command-line entry point over the reference statistics.

use crate::disclosure::suppress_owned;
use crate::error::StatsError;
use crate::output::{write, Format};
use crate::place::Place;
use crate::reference::load::FILES;
use crate::reference::query::{
    GroupBy, Levels, Measure, PyramidQuery, RankQuery, RatesQuery, SeriesQuery, Selection, Side, TopQuery, Units,
};
use crate::reference::ReferenceData;
use crate::table::{Cell, Column, Table};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Statistics: UNHCR reference statistics (refugees, asylum-seekers, decisions, solutions, demographics).
///
/// Every output states its source (UNHCR data is CC BY 4.0 and credited on every output) and the
/// disclosure rule: counts from 1 to THRESHOLD-1 are suppressed, with complementary suppression so they
/// cannot be recovered from the totals published with them. Zeros are shown.
#[derive(Debug, Clone, Parser)]
#[command(name = "stats", about = "Refugee statistics: UNHCR reference data and Nansen's own figures")]
pub struct StatsArgs {
    /// What to compute.
    #[command(subcommand)]
    pub command: StatsCommand,
}

impl StatsArgs {
    /// Parses arguments (the first is the command name), with clap's message on error.
    pub fn try_parse_from_args(args: &[String]) -> Result<Self, String> {
        Self::try_parse_from(args).map_err(|e| e.render().to_string().trim().to_string())
    }
}

/// Options every query takes.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Directory holding the UNHCR files (unhcr_population.csv, …, unhcr_countries.csv).
    #[arg(long, value_name = "DIR", default_value = "data/unhcr", env = "NANSEN_UNHCR_DATA")]
    pub data: PathBuf,
    /// Output format: table (aligned text), csv, json, or hxl (CSV with HXL hashtags).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Disclosure threshold: counts from 1 to N-1 are suppressed (1 suppresses nothing; the output says so).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    pub threshold: u64,
}

/// Which places a query covers.
#[derive(Debug, Clone, Args, Default)]
pub struct Places {
    /// Countries of origin (ISO 3166-1 alpha-3, comma separated; UNK unknown, XXA stateless, TIB Tibetan).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub origin: Vec<String>,
    /// Countries of asylum (ISO 3166-1 alpha-3, comma separated).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub asylum: Vec<String>,
    /// UNHCR regions of origin (e.g. "Asia and the Pacific"; comma separated).
    #[arg(long, value_name = "REGIONS", value_delimiter = ',')]
    pub origin_region: Vec<String>,
    /// UNHCR regions of asylum (e.g. "Europe").
    #[arg(long, value_name = "REGIONS", value_delimiter = ',')]
    pub asylum_region: Vec<String>,
}

/// A range of years.
#[derive(Debug, Clone, Args, Default)]
pub struct YearRange {
    /// First year (inclusive).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<u16>,
    /// Last year (inclusive).
    #[arg(long, value_name = "YEAR")]
    pub to: Option<u16>,
    /// A single year (same as --from Y --to Y).
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["from", "to"])]
    pub year: Option<u16>,
}

/// The statistics commands.
#[derive(Debug, Clone, Subcommand)]
pub enum StatsCommand {
    /// Validate a UNHCR release (the six unhcr_*.csv files) and copy it into the data directory.
    ///
    /// Every file is read completely and checked (required columns by name, years, codes, counts) before
    /// anything is copied; errors name the file, line and column. Extra columns and any column order are
    /// accepted, so later releases in the same format load unchanged. The release's README.md (with the
    /// CC BY 4.0 attribution) is copied with it; if it has none, one is written with the standard attribution.
    #[command(name = "import-unhcr")]
    ImportUnhcr {
        /// Directory holding the release's CSV files.
        dir: PathBuf,
        /// Where to copy the validated files.
        #[arg(long, value_name = "PATH", default_value = "data/unhcr")]
        into: PathBuf,
        /// Only validate and summarise; copy nothing.
        #[arg(long)]
        check: bool,
        /// Output format of the summary.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Time series by year, optionally by origin, asylum country or region.
    ///
    /// Measures: refugees, asylum_seekers, returned_refugees, idps, returned_idps, stateless, ooc, oip, hst,
    /// refugees_incl_oip (refugees + oip), resettlement, naturalisation. Stocks are at year end; returns,
    /// resettlement and naturalisation are counts during the year. Example:
    /// `nansen stats series --measure refugees,asylum_seekers --origin SYR,AFG --by origin --from 2010`.
    Series {
        /// Data directory, format, threshold.
        #[command(flatten)]
        common: Common,
        /// Measures, comma separated.
        #[arg(long, value_delimiter = ',', default_value = "refugees")]
        measure: Vec<String>,
        /// Places covered.
        #[command(flatten)]
        places: Places,
        /// Group by origin, asylum, origin-region, asylum-region (comma separated). Without it: one total per year.
        #[arg(long, value_delimiter = ',')]
        by: Vec<String>,
        /// Years covered.
        #[command(flatten)]
        years: YearRange,
    },
    /// Top N countries of origin (or of asylum) per year.
    ///
    /// Only countries are ranked; unknown, stateless and Tibetan origins are listed without a rank. Ties
    /// share a rank. Example: `nansen stats top --measure refugees --side origin --n 10 --year 2025`.
    Top {
        /// Data directory, format, threshold.
        #[command(flatten)]
        common: Common,
        /// The measure ranked.
        #[arg(long, default_value = "refugees")]
        measure: String,
        /// Rank countries of origin or of asylum.
        #[arg(long, value_enum, default_value = "origin")]
        side: SideArg,
        /// How many.
        #[arg(long, default_value_t = 10)]
        n: usize,
        /// Restrict the other side (e.g. --side origin --asylum DEU: origins of refugees in Germany).
        #[command(flatten)]
        places: Places,
        /// Years covered.
        #[command(flatten)]
        years: YearRange,
    },
    /// One country's rank among countries over the years.
    ///
    /// Example: is China among the top 20 countries of origin of refugees every year since 2003?
    /// `nansen stats rank CHN --side origin --measure refugees --from 2003 --top 20`.
    Rank {
        /// Data directory, format, threshold.
        #[command(flatten)]
        common: Common,
        /// The country (ISO 3166-1 alpha-3).
        country: String,
        /// As a country of origin or of asylum.
        #[arg(long, value_enum, default_value = "origin")]
        side: SideArg,
        /// The measure ranked.
        #[arg(long, default_value = "refugees")]
        measure: String,
        /// Also say whether the rank is within the top N each year.
        #[arg(long, value_name = "N")]
        top: Option<u32>,
        /// Restrict the other side.
        #[command(flatten)]
        places: Places,
        /// Years covered.
        #[command(flatten)]
        years: YearRange,
    },
    /// Refugee recognition rate and total protection rate (UNHCR definitions).
    ///
    /// Recognition rate = recognised / (recognised + complementary + rejected); total protection rate =
    /// (recognised + complementary) / (recognised + complementary + rejected); otherwise-closed decisions
    /// are not substantive and excluded. Levels: first-instance (dec_level FI, NA, IN), appeal (AR, JR),
    /// all, or a list of codes. Example: `nansen stats rates --origin SYR --asylum DEU --year 2016`.
    Rates {
        /// Data directory, format, threshold.
        #[command(flatten)]
        common: Common,
        /// Places covered.
        #[command(flatten)]
        places: Places,
        /// Group by origin, asylum, origin-region, asylum-region (comma separated).
        #[arg(long, value_delimiter = ',')]
        by: Vec<String>,
        /// Years covered.
        #[command(flatten)]
        years: YearRange,
        /// Decision levels: first-instance, appeal, all, or dec_level codes (e.g. FI,AR).
        #[arg(long, default_value = "all")]
        level: String,
        /// Procedure types: G (government), J (joint), U (UNHCR); comma separated; default all.
        #[arg(long, value_delimiter = ',')]
        procedure: Vec<String>,
        /// Count persons, cases (one case may cover several persons) or both.
        #[arg(long, default_value = "both")]
        units: String,
    },
    /// The operation's own registry: stock at a date or flows over a period, from the event history.
    ///
    /// Reads the registry database (`--db URL`, or NANSEN_DATABASE_URL), streams the operation's history
    /// (persons, claims, protection records, removals) and computes the figures UNHCR's way: refugees
    /// (with complementary protection), asylum-seekers, others in need of international protection,
    /// stateless persons and returnees, by origin, sex and age bracket. A date counts the events recorded up
    /// to the end of that day (UTC), so a past figure never changes. Small cells are suppressed.
    /// Examples: `nansen stats registry --operation JOR-AMM --at 2025-12-31`;
    /// `nansen stats registry --operation JOR-AMM --from 2025-01-01 --to 2025-12-31 --format hxl`.
    Registry(RegistryArgs),
    /// Demographic pyramid by UNHCR age brackets (0-4, 5-11, 12-17, 18-59, 60+) and sex.
    ///
    /// Population types: REF, ASY, OIP, STA, RET, IDP, RDP, OOC, HST (comma separated; default REF).
    /// Example: `nansen stats pyramid --origin SSD --asylum UGA --pop-type REF`.
    Pyramid {
        /// Data directory, format, threshold.
        #[command(flatten)]
        common: Common,
        /// Places covered.
        #[command(flatten)]
        places: Places,
        /// The year (default: the latest in the demographics file).
        #[arg(long, value_name = "YEAR")]
        year: Option<u16>,
        /// Population types, comma separated.
        #[arg(long, value_delimiter = ',', default_value = "REF")]
        pop_type: Vec<String>,
    },
}

/// Options of `nansen stats registry`.
#[derive(Debug, Clone, Args)]
pub struct RegistryArgs {
    /// The operation's code (e.g. JOR-AMM; `nansen operation list` shows them).
    #[arg(long, value_name = "CODE")]
    pub operation: String,
    /// Stock at the end of this day (UTC), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    pub at: Option<chrono::NaiveDate>,
    /// Flows: first day of the period (inclusive), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<chrono::NaiveDate>,
    /// Flows: last day of the period (inclusive), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<chrono::NaiveDate>,
    /// Output format: table (aligned text), csv, json, or hxl (CSV with HXL hashtags).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Disclosure threshold: counts from 1 to N-1 are suppressed (1 suppresses nothing; the output says so).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    pub threshold: u64,
}

/// What a registry query asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryQuery {
    /// The stock at the end of a day.
    Stock(chrono::NaiveDate),
    /// The flows over a period (inclusive).
    Flows(chrono::NaiveDate, chrono::NaiveDate),
}

impl RegistryQuery {
    /// Checks a period: `from` must not be after `to`.
    pub fn flows(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<Self, StatsError> {
        if from > to {
            return Err(StatsError::query(format!("the period starts ({from}) after it ends ({to}); give --from before --to")));
        }
        Ok(Self::Flows(from, to))
    }

    /// The unsuppressed table over a folded history, with what was read stated in its notes. Rates are noted
    /// only when none of their counts would be suppressed at `threshold`.
    pub fn table(&self, h: &crate::history::RegistryHistory, operation: &str, threshold: u64) -> Table {
        let mut t = match *self {
            Self::Stock(at) => {
                let s = h.stock_at(at);
                let counted: u64 = s.cells.values().flat_map(|v| v.iter()).sum();
                let mut t = s.to_table(operation);
                t.notes.push(format!(
                    "{} persons registered by {at}; {} of them hold no UNHCR category at that date (no claim, protection need or statelessness recorded, or gone).",
                    s.persons_seen,
                    s.persons_seen - counted
                ));
                t
            }
            Self::Flows(from, to) => {
                let f = h.flows(from, to);
                let mut t = f.to_table(operation);
                let pct = |x: Option<f64>| x.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_else(|| "n/a".into());
                let (r1, p1) = f.first_instance_rates();
                // Rates are stated only when every count they come from is large enough to publish.
                if [crate::registry::Flow::FirstRecognised, crate::registry::Flow::FirstComplementary, crate::registry::Flow::FirstRejected].iter().all(|x| {
                    let n = f.total(*x);
                    n == 0 || n >= threshold
                }) {
                    t.notes.push(format!("First-instance recognition rate {}, total protection rate {} (UNHCR definitions).", pct(r1), pct(p1)));
                }
                t
            }
        };
        let r = h.report();
        let upto = match *self {
            Self::Stock(d) | Self::Flows(_, d) => d,
        };
        t.notes.push(format!("Computed from the {} history events recorded up to {upto} (UTC); events recorded later never change these figures.", h.events_up_to(upto)));
        if r.unreadable > 0 {
            t.notes.push(format!("{} events could not be read and were left out; first: {}", r.unreadable, r.problems.first().cloned().unwrap_or_default()));
        }
        t
    }
}

impl RegistryArgs {
    /// The query the options ask for.
    pub fn query(&self) -> Result<RegistryQuery, StatsError> {
        match (self.at, self.from, self.to) {
            (Some(at), None, None) => Ok(RegistryQuery::Stock(at)),
            (None, Some(f), Some(t)) => RegistryQuery::flows(f, t),
            _ => Err(StatsError::query("give either --at DATE (stock) or --from DATE --to DATE (flows)")),
        }
    }
}

/// `origin` or `asylum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SideArg {
    /// Country of origin.
    Origin,
    /// Country of asylum.
    Asylum,
}

impl From<SideArg> for Side {
    fn from(s: SideArg) -> Self {
        match s {
            SideArg::Origin => Side::Origin,
            SideArg::Asylum => Side::Asylum,
        }
    }
}

fn q<T>(r: Result<T, String>) -> Result<T, StatsError> {
    r.map_err(StatsError::Query)
}

fn selection(codes: &[String], regions: &[String], what: &str) -> Result<Selection, StatsError> {
    match (codes.is_empty(), regions.is_empty()) {
        (true, true) => Ok(Selection::All),
        (false, true) => Ok(Selection::Places(codes.iter().map(|c| q(Place::parse(c))).collect::<Result<_, _>>()?)),
        (true, false) => Ok(Selection::Regions(regions.to_vec())),
        (false, false) => Err(StatsError::query(format!("give either --{what} or --{what}-region, not both"))),
    }
}

impl Places {
    fn origin(&self) -> Result<Selection, StatsError> {
        selection(&self.origin, &self.origin_region, "origin")
    }
    fn asylum(&self) -> Result<Selection, StatsError> {
        selection(&self.asylum, &self.asylum_region, "asylum")
    }
}

impl YearRange {
    fn get(&self) -> Result<Option<(u16, u16)>, StatsError> {
        let r = match (self.year, self.from, self.to) {
            (Some(y), _, _) => Some((y, y)),
            (None, None, None) => None,
            (None, f, t) => Some((f.unwrap_or(0), t.unwrap_or(u16::MAX))),
        };
        if let Some((a, b)) = r {
            if a > b {
                return Err(StatsError::query(format!("--from {a} is after --to {b}")));
            }
        }
        Ok(r)
    }
}

fn group_by(v: &[String]) -> Result<Vec<GroupBy>, StatsError> {
    if v.len() > 4 {
        return Err(StatsError::query("group by at most four classifications"));
    }
    v.iter().map(|s| q(GroupBy::parse(s))).collect()
}

impl StatsCommand {
    /// The common options of a query command (`None` for `import-unhcr`).
    pub fn common(&self) -> Option<&Common> {
        match self {
            Self::ImportUnhcr { .. } | Self::Registry(_) => None,
            Self::Series { common, .. }
            | Self::Top { common, .. }
            | Self::Rank { common, .. }
            | Self::Rates { common, .. }
            | Self::Pyramid { common, .. } => Some(common),
        }
    }

    /// The unsuppressed result table of a query command over loaded data (the API and the CLI share this).
    pub fn table(&self, data: &ReferenceData) -> Result<Table, StatsError> {
        match self {
            Self::ImportUnhcr { .. } => Err(StatsError::query("import-unhcr is not a query")),
            Self::Registry(_) => Err(StatsError::query("registry statistics read the database: run `nansen stats registry --db URL …`")),
            Self::Series { measure, places, by, years, .. } => {
                let measures = measure.iter().map(|m| q(Measure::parse(m))).collect::<Result<_, _>>()?;
                let query = SeriesQuery { measures, origin: places.origin()?, asylum: places.asylum()?, by: group_by(by)?, years: years.get()? };
                Ok(data.series(&query)?.to_table())
            }
            Self::Top { measure, side, n, places, years, .. } => {
                let side: Side = (*side).into();
                let other = match side {
                    Side::Origin => places.asylum()?,
                    Side::Asylum => places.origin()?,
                };
                let query = TopQuery { measure: q(Measure::parse(measure))?, side, other, years: years.get()?, n: *n };
                Ok(data.top(&query)?.to_table())
            }
            Self::Rank { country, side, measure, top, places, years, .. } => {
                let side: Side = (*side).into();
                let other = match side {
                    Side::Origin => places.asylum()?,
                    Side::Asylum => places.origin()?,
                };
                let mut yr = years.get()?;
                if let Some((a, b)) = yr {
                    if b == u16::MAX {
                        yr = Some((a, data.population_years().map(|p| p.1).unwrap_or(a)));
                    }
                }
                let query = RankQuery { place: q(Place::parse(country))?, side, measure: q(Measure::parse(measure))?, other, years: yr, top: *top };
                Ok(data.rank(&query)?.to_table())
            }
            Self::Rates { places, by, years, level, procedure, units, .. } => {
                let query = RatesQuery {
                    origin: places.origin()?,
                    asylum: places.asylum()?,
                    by: group_by(by)?,
                    years: years.get()?,
                    levels: Levels::parse(level),
                    procedures: procedure.iter().map(|p| p.trim().to_ascii_uppercase()).collect(),
                    units: q(Units::parse(units))?,
                };
                data.rates_table(&query)
            }
            Self::Pyramid { places, year, pop_type, .. } => {
                let query = PyramidQuery { year: *year, origin: places.origin()?, asylum: places.asylum()?, pop_types: pop_type.clone() };
                Ok(data.pyramid(&query)?.to_table())
            }
        }
    }
}

/// Runs a stats command, writing to `out`.
pub fn run(args: &StatsArgs, out: &mut dyn Write) -> Result<(), StatsError> {
    match &args.command {
        StatsCommand::ImportUnhcr { dir, into, check, format } => import(dir, into, *check, *format, out),
        StatsCommand::Registry(_) => Err(StatsError::query("registry statistics read the database: run `nansen stats registry --db URL …`")),
        cmd => {
            let Some(common) = cmd.common() else { return Ok(()) };
            let data = ReferenceData::load_dir(&common.data)?;
            let table = cmd.table(&data)?;
            let published = suppress_owned(table, common.threshold).into_table();
            write(&published, common.format, out)
        }
    }
}

/// The entry point the `nansen` binary calls for `nansen stats …`: runs and writes to standard output.
pub fn cli(args: StatsArgs) -> Result<(), StatsError> {
    let mut buf = Vec::new();
    run(&args, &mut buf)?;
    let mut out = std::io::stdout().lock();
    match out.write_all(&buf).and_then(|_| out.flush()) {
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(StatsError::from),
    }
}

fn import(dir: &Path, into: &Path, check: bool, format: Format, out: &mut dyn Write) -> Result<(), StatsError> {
    let start = Instant::now();
    let data = ReferenceData::load_dir(dir)?;
    let elapsed = start.elapsed();
    let copied = if check || same_dir(dir, into) {
        false
    } else {
        std::fs::create_dir_all(into).map_err(|source| StatsError::Io { path: into.to_path_buf(), source })?;
        for f in FILES {
            let to = into.join(f);
            std::fs::copy(dir.join(f), &to).map_err(|source| StatsError::Io { path: to.clone(), source })?;
        }
        let readme = dir.join("README.md");
        let target = into.join("README.md");
        if crate::reference::load::read_attribution(&readme).is_some() {
            std::fs::copy(&readme, &target).map_err(|source| StatsError::Io { path: target.clone(), source })?;
        } else {
            let text = format!(
                "# UNHCR reference statistics\n\nImported by `nansen stats import-unhcr` from {}.\n\n{}\n",
                dir.display(),
                crate::table::UNHCR_ATTRIBUTION
            );
            std::fs::write(&target, text).map_err(|source| StatsError::Io { path: target.clone(), source })?;
        }
        true
    };
    let r = data.rows;
    let mut t = Table::new(
        format!("UNHCR release in {} validated in {} ms", dir.display(), elapsed.as_millis()),
        vec![Column::key("file", "#meta+file"), Column::info("rows", "#meta+rows+num")],
        data.provenance(),
    );
    for (f, n) in FILES.iter().zip([r.countries, r.population, r.applications, r.decisions, r.solutions, r.demographics]) {
        t.rows.push(vec![Cell::text(f.to_string()), Cell::Int(n as i64)]);
    }
    if let Some((a, b)) = data.population_years() {
        t.notes.push(format!("Population years {a}–{b}; {} places, {} UNHCR regions.", data.places.len(), data.regions().len()));
    }
    t.notes.push(if copied { format!("Copied to {}.", into.display()) } else { "Nothing copied.".to_string() });
    t.disclosure = crate::table::Disclosure::Unsuppressed { reason: "file summary, no statistics".into() };
    write(&t, format, out)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn help_documents_every_command() {
        StatsArgs::command().debug_assert();
        let mut cmd = StatsArgs::command();
        let help = cmd.render_long_help().to_string();
        for c in ["import-unhcr", "series", "top", "rank", "rates", "pyramid", "registry"] {
            assert!(help.contains(c), "{c} missing from --help");
        }
        for sub in ["series", "top", "rank", "rates", "pyramid"] {
            let mut s = StatsArgs::command();
            let h = s.find_subcommand_mut(sub).map(|c| c.render_long_help().to_string()).unwrap_or_default();
            assert!(h.contains("--format") && h.contains("--threshold") && h.contains("--data"), "{sub}: {h}");
        }
    }

    #[test]
    fn parses_the_china_question() {
        let a = StatsArgs::try_parse_from(["stats", "rank", "CHN", "--from", "2003", "--top", "20", "--format", "csv"]);
        let a = a.unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(a.command, StatsCommand::Rank { top: Some(20), .. }));
        assert!(StatsArgs::try_parse_from(["stats", "rank", "CHN", "--threshold", "0"]).is_err());
        let r = |args: &[&str]| StatsArgs::try_parse_from(args.iter().copied()).map_err(|e| e.to_string()).and_then(|a| match a.command {
            StatsCommand::Registry(r) => r.query().map_err(|e| e.to_string()),
            _ => Err("not registry".into()),
        });
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap_or_default();
        assert_eq!(r(&["stats", "registry", "--operation", "X", "--at", "2025-12-31"]), Ok(RegistryQuery::Stock(day("2025-12-31"))));
        assert_eq!(r(&["stats", "registry", "--operation", "X", "--from", "2025-01-01", "--to", "2025-06-30"]), Ok(RegistryQuery::Flows(day("2025-01-01"), day("2025-06-30"))));
        assert!(r(&["stats", "registry", "--operation", "X"]).is_err());
        assert!(r(&["stats", "registry", "--operation", "X", "--at", "2025-12-31", "--from", "2025-01-01", "--to", "2025-02-01"]).is_err());
        assert!(r(&["stats", "registry", "--operation", "X", "--from", "2025-03-01", "--to", "2025-02-01"]).is_err_and(|e| e.contains("after it ends")));
        assert!(r(&["stats", "registry", "--operation", "X", "--at", "2025-02-30"]).is_err());
    }
}
