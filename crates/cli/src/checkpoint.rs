//! Signed audit checkpoints: the head of the audit chain (last entry, its hash, the number of
//! entries, the time), signed with Ed25519, to be kept off the host. A history rewritten and
//! re-hashed from some entry on still forms a valid chain, but no longer holds the checkpointed
//! hash at that entry: `nansen audit verify --checkpoint FILE --public-key F` catches it.
//!
//! Format (JSON): `{"format":"nansen-audit-checkpoint-v1","seq":N,"hash":"<hex>","entries":N,
//! "at":"<RFC 3339>","public_key":"<base64>","signature":"<base64>"}`; the signature covers the
//! canonical JSON (keys sorted, no spaces) of every other field.

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use nansen_store::{AnyStore, MasterKey, Store};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

const FORMAT: &str = "nansen-audit-checkpoint-v1";

/// Writes a new signing key to `out` (0600) and its public key to `out.pub`.
pub fn keygen(out: &Path) -> Result<PathBuf> {
    let seed = MasterKey::generate();
    let public = SigningKey::from_bytes(seed.expose_bytes()).verifying_key();
    let pub_path = PathBuf::from(format!("{}.pub", out.display()));
    if pub_path.exists() {
        bail!("{} already exists; choose another --out", pub_path.display());
    }
    seed.write_new(out)?;
    std::fs::write(&pub_path, format!("{}\n", B64.encode(public.as_bytes()))).with_context(|| format!("cannot write {}", pub_path.display()))?;
    Ok(pub_path)
}

/// Reads a signing key written by [`keygen`].
pub fn signing_key(path: &Path) -> Result<SigningKey> {
    let seed = MasterKey::from_file(path)?;
    Ok(SigningKey::from_bytes(seed.expose_bytes()))
}

/// Reads a public key (base64 of 32 bytes, as in the `.pub` file).
pub fn public_key(path: &Path) -> Result<VerifyingKey> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the public key {}", path.display()))?;
    let bytes: [u8; 32] = B64
        .decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("{} is not an Ed25519 public key (32 bytes in base64, as in the .pub file of `nansen audit keygen`)", path.display()))?;
    VerifyingKey::from_bytes(&bytes).with_context(|| format!("{} is not a valid Ed25519 public key", path.display()))
}

fn signed_part(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("signature");
    }
    v
}

/// A signed checkpoint of the store's audit chain as it is now.
pub async fn make(store: &AnyStore, key: &SigningKey) -> Result<Value> {
    let (seq, hash) = store.audit_head().await?.unwrap_or((0, nansen_store::audit::GENESIS.to_owned()));
    let mut v = json!({
        "format": FORMAT,
        "seq": seq,
        "hash": hash,
        "entries": seq,
        "at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "public_key": B64.encode(key.verifying_key().as_bytes()),
    });
    let sig = key.sign(nansen_store::audit::canonical(&v).as_bytes());
    v["signature"] = Value::String(B64.encode(sig.to_bytes()));
    Ok(v)
}

/// Checks the signature of `checkpoint` with `public` (never with the key the file names), then
/// that the chain verifies and still holds the checkpointed hash at the checkpointed entry.
/// Returns a sentence describing what was confirmed.
pub async fn verify(store: &AnyStore, checkpoint: &Value, public: &VerifyingKey) -> Result<String> {
    if checkpoint.get("format").and_then(Value::as_str) != Some(FORMAT) {
        bail!("this is not a Nansen audit checkpoint (format {FORMAT} expected)");
    }
    let sig = checkpoint
        .get("signature")
        .and_then(Value::as_str)
        .and_then(|s| B64.decode(s).ok())
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .context("the checkpoint has no valid signature field")?;
    public
        .verify(nansen_store::audit::canonical(&signed_part(checkpoint)).as_bytes(), &sig)
        .map_err(|_| anyhow::anyhow!("CHECKPOINT SIGNATURE INVALID: the checkpoint was not signed by this public key, or it was altered"))?;
    let seq = checkpoint.get("seq").and_then(Value::as_i64).context("the checkpoint has no seq")?;
    let hash = checkpoint.get("hash").and_then(Value::as_str).context("the checkpoint has no hash")?;
    let at = checkpoint.get("at").and_then(Value::as_str).unwrap_or("?");
    let report = store.verify_audit().await?;
    if let Some(p) = &report.first_problem {
        bail!("AUDIT FAILED ({}): {}", p.kind, p.detail);
    }
    if seq == 0 {
        return Ok(format!("checkpoint of {at} (empty chain) is signed; the chain verifies ({} entries)", report.entries));
    }
    match store.audit_hash_at(seq).await? {
        Some(h) if h == hash => Ok(format!("checkpoint of {at} confirmed: audit entry {seq} still has hash {}…; the chain verifies ({} entries)", &hash[..16.min(hash.len())], report.entries)),
        Some(h) => bail!(
            "CHECKPOINT MISMATCH: audit entry {seq} had hash {hash} at {at} but now has {h}: the history up to that entry was rewritten and re-hashed"
        ),
        None => bail!("CHECKPOINT MISMATCH: audit entry {seq} existed at {at} but is no longer in the chain: the history was cut back"),
    }
}

/// Writes `v` to `path` through a temporary file, so that a reader never sees half a checkpoint.
pub fn write(path: &Path, v: &Value) -> Result<()> {
    let tmp = PathBuf::from(format!("{}.tmp", path.display()));
    std::fs::write(&tmp, format!("{}\n", serde_json::to_string_pretty(v)?)).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Parses `90s`, `15m`, `1h`, `1d`.
pub fn parse_every(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().map_err(|_| format!("{s:?} is not a period: write e.g. 90s, 15m, 1h or 1d"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("{s:?} is not a period: write e.g. 90s, 15m, 1h or 1d")),
    };
    if secs == 0 {
        return Err("the period must be longer than zero".into());
    }
    Ok(Duration::from_secs(secs))
}

/// Writes a checkpoint into `dir` every `every` while the server runs (and once at start), when the
/// chain has grown since the last one. Failures are logged and retried at the next tick.
pub fn spawn_periodic(store: AnyStore, key: SigningKey, dir: PathBuf, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        let mut last: Option<i64> = None;
        loop {
            tick.tick().await;
            match make(&store, &key).await {
                Ok(v) => {
                    let seq = v["seq"].as_i64().unwrap_or(0);
                    if last == Some(seq) {
                        continue;
                    }
                    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
                    let path = dir.join(format!("checkpoint-{seq:012}-{stamp}.json"));
                    match write(&path, &v) {
                        Ok(()) => {
                            tracing::info!(path = %path.display(), seq, "audit checkpoint written");
                            last = Some(seq);
                        }
                        Err(e) => tracing::error!(error = %e, "cannot write the audit checkpoint"),
                    }
                }
                Err(e) => tracing::error!(error = %e, "cannot make an audit checkpoint"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(parse_every("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_every("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_every("2d").unwrap(), Duration::from_secs(172_800));
        assert!(parse_every("0m").is_err());
        assert!(parse_every("1y").is_err());
        assert!(parse_every("h").is_err());
    }

    #[test]
    fn a_changed_field_breaks_the_signature() {
        let key = SigningKey::from_bytes(MasterKey::generate().expose_bytes());
        let mut v = json!({"format": FORMAT, "seq": 3, "hash": "ab", "entries": 3, "at": "t", "public_key": ""});
        let sig = key.sign(nansen_store::audit::canonical(&v).as_bytes());
        v["signature"] = Value::String(B64.encode(sig.to_bytes()));
        let check = |v: &Value| {
            let sig = Signature::from_bytes(&<[u8; 64]>::try_from(B64.decode(v["signature"].as_str().unwrap()).unwrap()).unwrap());
            key.verifying_key().verify(nansen_store::audit::canonical(&signed_part(v)).as_bytes(), &sig).is_ok()
        };
        assert!(check(&v));
        v["hash"] = json!("cd");
        assert!(!check(&v));
    }
}
