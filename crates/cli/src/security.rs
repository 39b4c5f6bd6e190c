//! The CLI's side of encryption at rest, encrypted exports and backups, and audit checkpoints:
//! where the master key comes from, `nansen keys`, `nansen backup`, `nansen encrypt|decrypt`, and
//! `nansen audit keygen|checkpoint`. See docs/security.md.

use crate::{checkpoint, sealed_file};
use anyhow::{bail, Context, Result};
use nansen_store::{AnyStore, DbUrl, MasterKey};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// The master key of this run, resolved once from `--key-file`/`NANSEN_KEY_FILE` or `NANSEN_KEY`.
static KEY: RwLock<Option<MasterKey>> = RwLock::new(None);

/// Resolves the master key: `--key-file` (or `NANSEN_KEY_FILE`), else `NANSEN_KEY` (base64).
pub fn resolve_key(key_file: Option<&Path>) -> Result<Option<MasterKey>> {
    if let Some(p) = key_file {
        return Ok(Some(MasterKey::from_file(p)?));
    }
    match std::env::var("NANSEN_KEY") {
        Ok(v) if !v.trim().is_empty() => Ok(Some(MasterKey::from_base64(&v, "NANSEN_KEY")?)),
        _ => Ok(None),
    }
}

/// Sets the master key used by every database this run opens.
pub fn set_key(key: Option<MasterKey>) {
    if let Ok(mut k) = KEY.write() {
        *k = key;
    }
}

/// The master key of this run, if one was given.
pub fn key() -> Option<MasterKey> {
    KEY.read().ok().and_then(|k| k.clone())
}

/// Uses (creating it if needed) the key file beside a demo database, `PATH.key`.
pub fn use_demo_key(db_path: &str) -> Result<()> {
    let p = PathBuf::from(format!("{db_path}.key"));
    let k = if p.exists() {
        MasterKey::from_file(&p)?
    } else {
        let k = MasterKey::generate();
        k.write_new(&p)?;
        k
    };
    println!("Demo master key: {} (sensitive fields of the demo database are encrypted with it)", p.display());
    set_key(Some(k));
    Ok(())
}

/// `nansen keys …`
#[derive(clap::Subcommand)]
pub enum KeysCmd {
    /// Create a new master key file (32 random bytes in base64, mode 0600). Never overwrites.
    ///
    /// Keep it apart from the database and its backups: whoever holds both can read everything.
    Init {
        /// Where to write the key.
        #[arg(long)]
        out: PathBuf,
    },
    /// Rotate the master key: rewrap every data key of the database under the new key and start a
    /// new data key for new writes. Afterwards only the new key opens the database.
    ///
    /// The current key comes from --key-file (or NANSEN_KEY_FILE / NANSEN_KEY). Stop servers first
    /// and restart them with the new key.
    Rotate {
        /// The new master key (create it with `nansen keys init`).
        #[arg(long)]
        new_key_file: PathBuf,
    },
}

/// Runs `nansen keys …`.
pub async fn keys(cmd: KeysCmd, db: &str) -> Result<()> {
    match cmd {
        KeysCmd::Init { out } => {
            let k = MasterKey::generate();
            k.write_new(&out)?;
            println!("master key written to {} (fingerprint {}); keep a copy somewhere safe and apart from the database", out.display(), k.fingerprint());
            Ok(())
        }
        KeysCmd::Rotate { new_key_file } => {
            let Some(old) = key() else { bail!("give the current master key with --key-file FILE (or NANSEN_KEY_FILE / NANSEN_KEY) to rotate it") };
            let new = MasterKey::from_file(&new_key_file)?;
            let url = DbUrl::parse(db).map_err(anyhow::Error::msg)?;
            let r = nansen_store::rotate_master_key(&url, &old, &new).await.with_context(|| format!("cannot rotate the key of {url}"))?;
            println!(
                "rotated: {} data key(s) rewrapped under the new master key (fingerprint {}); new writes use data key {}. Only {} opens {url} now.",
                r.rewrapped,
                new.fingerprint(),
                r.new_data_key,
                new_key_file.display()
            );
            Ok(())
        }
    }
}

/// `nansen encrypt` / `nansen decrypt`.
#[derive(clap::Args)]
pub struct CryptArgs {
    /// Key file (as written by `nansen keys init`).
    #[arg(long)]
    key: PathBuf,
    /// Input file; standard input when left out.
    #[arg(long, short)]
    input: Option<PathBuf>,
    /// Output file (never overwritten); standard output when left out.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

fn reader(p: &Option<PathBuf>) -> Result<Box<dyn Read>> {
    Ok(match p {
        Some(p) => Box::new(std::io::BufReader::new(std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?)),
        None => Box::new(std::io::stdin().lock()),
    })
}

fn create_new(p: &Path) -> Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(p).with_context(|| format!("cannot create {} (an existing file is never overwritten)", p.display()))
}

fn writer(p: &Option<PathBuf>) -> Result<Box<dyn Write>> {
    Ok(match p {
        Some(p) => Box::new(std::io::BufWriter::new(create_new(p)?)),
        None => Box::new(std::io::stdout().lock()),
    })
}

/// Runs `nansen encrypt` (`decrypt = false`) or `nansen decrypt`.
pub fn crypt(args: CryptArgs, decrypt: bool) -> Result<()> {
    let key = MasterKey::from_file(&args.key)?;
    let input = reader(&args.input)?;
    let output = writer(&args.output)?;
    let r = if decrypt { sealed_file::decrypt(&key, input, output) } else { sealed_file::encrypt(&key, input, output) };
    match r {
        Ok(n) => {
            if let Some(p) = &args.output {
                eprintln!("{} {n} bytes to {}", if decrypt { "decrypted" } else { "encrypted" }, p.display());
            }
            Ok(())
        }
        Err(e) => {
            if let (true, Some(p)) = (decrypt, &args.output) {
                // Never leave a partial plaintext behind.
                let _ = std::fs::remove_file(p);
            }
            Err(e.into())
        }
    }
}

/// The thread encrypting an export; its result says whether the encrypted file was completed.
pub type Sealing = std::thread::JoinHandle<Result<u64, sealed_file::SealedFileError>>;

/// A writer that encrypts into `file` on a background thread; join the handle after the writer is
/// dropped to learn whether the encrypted file was completed.
pub fn sealing_sink(key: &MasterKey, out: Box<dyn Write + Send>) -> (Box<dyn Write>, Sealing) {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(16);
    let key = key.clone();
    let handle = std::thread::spawn(move || sealed_file::encrypt(&key, ChannelReader { rx, buf: Vec::new(), pos: 0 }, out));
    (Box::new(std::io::BufWriter::with_capacity(sealed_file::CHUNK, ChannelWriter { tx })), handle)
}

struct ChannelWriter {
    tx: std::sync::mpsc::SyncSender<Vec<u8>>,
}

impl Write for ChannelWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.tx.send(b.to_vec()).map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the encryption of the output stopped"))?;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct ChannelReader {
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.buf.len() {
            match self.rx.recv() {
                Ok(b) => {
                    self.buf = b;
                    self.pos = 0;
                }
                Err(_) => return Ok(0), // the writer was dropped: end of input
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Opens the output of an export: plain, or encrypted with the key in `encrypt_key`.
pub fn export_sink(output: &Option<PathBuf>, encrypt_key: Option<&Path>) -> Result<(Box<dyn Write>, Option<Sealing>)> {
    let Some(kf) = encrypt_key else {
        let sink: Box<dyn Write> = match output {
            Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?)),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        return Ok((sink, None));
    };
    let key = MasterKey::from_file(kf)?;
    let out: Box<dyn Write + Send> = match output {
        Some(p) => Box::new(std::io::BufWriter::new(create_new(p)?)),
        None => Box::new(std::io::stdout()),
    };
    let (sink, h) = sealing_sink(&key, out);
    Ok((sink, Some(h)))
}

/// Waits for the encryption of an export to complete.
pub fn finish_sink(h: Option<Sealing>) -> Result<()> {
    if let Some(h) = h {
        h.join().map_err(|_| anyhow::anyhow!("the encryption of the output failed"))??;
    }
    Ok(())
}

/// `nansen backup`.
#[derive(clap::Args)]
pub struct BackupArgs {
    /// The backup file to create (never overwritten).
    #[arg(long)]
    out: PathBuf,
    /// Encrypt the backup with this key file (as written by `nansen keys init`); read it back with
    /// `nansen decrypt`.
    #[arg(long)]
    encrypt_key: Option<PathBuf>,
}

/// Runs `nansen backup`: a consistent copy of a SQLite database, optionally encrypted.
pub async fn backup(store: &AnyStore, args: BackupArgs) -> Result<()> {
    let Some(kf) = args.encrypt_key else {
        store.backup_to(&args.out).await?;
        println!("backup written to {}", args.out.display());
        return Ok(());
    };
    let key = MasterKey::from_file(&kf)?;
    if args.out.exists() {
        bail!("{} already exists; a backup never overwrites a file: choose another --out", args.out.display());
    }
    // The plain copy lives only until it is encrypted, beside the output, readable by its owner only.
    let dir = args.out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new().prefix(".nansen-backup-").tempdir_in(dir).with_context(|| format!("cannot create a temporary folder in {}", dir.display()))?;
    let plain = tmp.path().join("copy.db");
    store.backup_to(&plain).await?;
    let n = {
        let input = std::io::BufReader::new(std::fs::File::open(&plain)?);
        let out = std::io::BufWriter::new(create_new(&args.out)?);
        sealed_file::encrypt(&key, input, out)
    };
    drop(tmp);
    match n {
        Ok(n) => {
            println!("encrypted backup written to {} ({n} bytes of database); restore with `nansen decrypt --key {} -i {} -o nansen.db`", args.out.display(), kf.display(), args.out.display());
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&args.out);
            Err(e.into())
        }
    }
}

/// `nansen audit keygen` and `nansen audit checkpoint`.
pub async fn audit_checkpoint(store: &AnyStore, signing_key: &Path, out: Option<&Path>) -> Result<()> {
    let key = checkpoint::signing_key(signing_key)?;
    let v = checkpoint::make(store, &key).await?;
    match out {
        Some(p) => {
            checkpoint::write(p, &v)?;
            eprintln!("checkpoint of audit entry {} written to {}; copy it off this host", v["seq"], p.display());
        }
        None => println!("{}", serde_json::to_string_pretty(&v)?),
    }
    Ok(())
}

/// Checks a checkpoint file against the database.
pub async fn audit_verify_checkpoint(store: &AnyStore, file: &Path, public: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read the checkpoint {}", file.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    checkpoint::verify(store, &v, &checkpoint::public_key(public)?).await
}
