//! Encryption at rest: envelope encryption of sensitive fields.
//!
//! A **master key** (32 random bytes, given to Nansen from a key file or the environment, never
//! stored in the database) wraps the **data keys** held in the `keyring` table. Data keys seal
//! individual JSON values with XChaCha20-Poly1305. A sealed value is itself JSON —
//! `{"$sealed":1,"k":<data key id>,"n":"<nonce, base64>","c":"<ciphertext, base64>"}` — so that the
//! columns' `json_valid` checks hold and a sealed value can sit anywhere inside a document.
//!
//! The associated data of every seal is `nansen-seal-v1|<table>|<row id>|<column>/<path>`: a
//! ciphertext moved to another row, column or position fails authentication instead of being read
//! as someone else's data. A value that fails authentication is an error, never garbage.
//!
//! What is sealed (see [`Sealer::seal_event`] and the callers of [`Sealer::seal_column`]):
//! `persons.data.specific_needs`; `claims.state`; `assessments.facts` and `assessments.result`;
//! and in `events.data` the same values: a person's `details.specific_needs` and the `before`/`after`
//! of a `specific_needs` change, a claim event's `state`, `action` and `recommendation`; and the
//! `reason` of every event (it may say why a decision was taken).

use crate::StoreError;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Key length in bytes (master key and data keys).
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const MARK: &str = "$sealed";

/// The master key (key-encryption key). Its bytes are wiped from memory when it is dropped and
/// never shown by `Debug`.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; KEY_LEN]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.fingerprint())
    }
}

/// Why a master key could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be read.
    #[error("cannot read the key file {path}: {source}; check the path given with --key-file or NANSEN_KEY_FILE")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The key file could not be written.
    #[error("cannot write the key file {path}: {source}; choose a path in a folder you may write to")]
    Write {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The key file already exists.
    #[error("the key file {0} already exists; Nansen never overwrites a key (data sealed under it would be lost): choose another path")]
    Exists(String),
    /// Other users may read the key file.
    #[error("the key file {path} may be read by other users (mode {mode:o}); restrict it with `chmod 600 {path}` and start again")]
    TooOpen {
        /// The file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// The text is not a key.
    #[error("{0} is not a Nansen master key: expected 32 bytes in base64 on one line, as written by `nansen keys init`")]
    Format(String),
}

impl MasterKey {
    /// A new random key (from the operating system's generator, through `rand`'s CSPRNG).
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        rand::rng().fill_bytes(k.as_mut());
        Self(k)
    }

    /// Parses base64 text (surrounding white space is ignored). `what` names the source in errors.
    pub fn from_base64(text: &str, what: &str) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(B64.decode(text.trim()).map_err(|_| KeyError::Format(what.to_owned()))?);
        let arr: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| KeyError::Format(what.to_owned()))?;
        Ok(Self(Zeroizing::new(arr)))
    }

    /// The key in base64 (what a key file holds).
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(B64.encode(self.0.as_ref()))
    }

    /// Reads a key file. On Unix, a file that group or others may read is refused.
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(path).map_err(|source| KeyError::Read { path: shown.clone(), source })?;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyError::TooOpen { path: shown, mode });
            }
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| KeyError::Read { path: shown.clone(), source })?);
        Self::from_base64(&text, &format!("the key file {shown}"))
    }

    /// Writes this key to a new file readable by its owner only (mode 0600); refuses to overwrite.
    pub fn write_new(&self, path: &Path) -> Result<(), KeyError> {
        use std::io::Write;
        let shown = path.display().to_string();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                KeyError::Exists(shown.clone())
            } else {
                KeyError::Write { path: shown.clone(), source }
            }
        })?;
        let mut text = self.to_base64();
        text.push('\n');
        f.write_all(text.as_bytes()).and_then(|_| f.sync_all()).map_err(|source| KeyError::Write { path: shown, source })
    }

    /// The key's bytes, for ciphers outside the store (encrypted exports and backups).
    pub fn expose_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// A short public fingerprint (first 8 bytes of SHA-256 of the key, hex) to tell keys apart in
    /// messages without revealing them.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(self.0.as_ref())[..8])
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }

    /// Wraps a data key: base64 of nonce ‖ ciphertext, bound to the data key's id.
    pub(crate) fn wrap(&self, id: i64, dek: &[u8; KEY_LEN]) -> Result<String, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = format!("nansen-dek-v1|{id}");
        let ct = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: dek, aad: aad.as_bytes() })
            .map_err(|_| StoreError::Invalid("a data key could not be wrapped".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(B64.encode(out))
    }

    /// Unwraps a data key; `None` when this master key does not open it (wrong key or altered row).
    pub(crate) fn unwrap_key(&self, id: i64, wrapped: &str) -> Option<Zeroizing<[u8; KEY_LEN]>> {
        let raw = B64.decode(wrapped.trim()).ok()?;
        if raw.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let aad = format!("nansen-dek-v1|{id}");
        let plain = Zeroizing::new(self.cipher().decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: aad.as_bytes() }).ok()?);
        let arr: [u8; KEY_LEN] = plain.as_slice().try_into().ok()?;
        Some(Zeroizing::new(arr))
    }
}

/// A fresh random data key.
pub(crate) fn new_data_key() -> Zeroizing<[u8; KEY_LEN]> {
    let mut k = Zeroizing::new([0u8; KEY_LEN]);
    rand::rng().fill_bytes(k.as_mut());
    k
}

struct Ring {
    keys: HashMap<i64, XChaCha20Poly1305>,
    active: i64,
}

/// Seals and opens values with the data keys of one database. Without a keyring (a database
/// opened without a master key that never had one) it passes values through unchanged.
#[derive(Clone, Default)]
pub(crate) struct Sealer(Option<Arc<Ring>>);

/// A step of a path inside a JSON document.
#[derive(Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn push_seg(path: &mut String, seg: Seg<'_>) {
    path.push('/');
    match seg {
        // JSON Pointer escaping, so that a key holding '/' cannot imitate a deeper path.
        Seg::Key(k) => path.push_str(&k.replace('~', "~0").replace('/', "~1")),
        Seg::Index(i) => path.push_str(&i.to_string()),
    }
}

fn aad(table: &str, id: &str, path: &str) -> String {
    format!("nansen-seal-v1|{table}|{id}|{path}")
}

fn is_sealed(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key(MARK))
}

fn corrupt(msg: String) -> StoreError {
    StoreError::Corrupt(msg)
}

impl Sealer {
    /// A sealer over unwrapped data keys; `active` seals new values.
    pub(crate) fn new(keys: Vec<(i64, Zeroizing<[u8; KEY_LEN]>)>) -> Self {
        let active = keys.iter().map(|k| k.0).max().unwrap_or(0);
        let keys = keys.into_iter().map(|(id, k)| (id, XChaCha20Poly1305::new(k.as_ref().into()))).collect();
        Self(Some(Arc::new(Ring { keys, active })))
    }

    /// True when values are sealed on write.
    pub(crate) fn enabled(&self) -> bool {
        self.0.is_some()
    }

    fn seal_one(&self, v: &Value, aad: &str) -> Result<Value, StoreError> {
        let Some(ring) = &self.0 else { return Ok(v.clone()) };
        let cipher = ring.keys.get(&ring.active).ok_or_else(|| corrupt("the active data key is missing from the keyring".into()))?;
        let plain = Zeroizing::new(serde_json::to_vec(v).map_err(|e| StoreError::Invalid(e.to_string()))?);
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: aad.as_bytes() })
            .map_err(|_| StoreError::Invalid("a value could not be sealed".into()))?;
        Ok(json!({ MARK: 1, "k": ring.active, "n": B64.encode(nonce), "c": B64.encode(ct) }))
    }

    fn open_one(&self, v: &Value, table: &str, id: &str, path: &str) -> Result<Value, StoreError> {
        let Some(ring) = &self.0 else {
            return Err(corrupt(format!("{table} {id} holds an encrypted value at {path} but the store was opened without a master key; open it with --key-file")));
        };
        let bad = || corrupt(format!("the encrypted value of {table} {id} at {path} failed authentication: it was altered, or moved from another record"));
        let k = v.get("k").and_then(Value::as_i64).ok_or_else(bad)?;
        let cipher = ring.keys.get(&k).ok_or_else(|| corrupt(format!("{table} {id} at {path} is sealed with data key {k}, which is not in the keyring")))?;
        let n = v.get("n").and_then(Value::as_str).and_then(|s| B64.decode(s).ok()).filter(|n| n.len() == NONCE_LEN).ok_or_else(bad)?;
        let c = v.get("c").and_then(Value::as_str).and_then(|s| B64.decode(s).ok()).ok_or_else(bad)?;
        let a = aad(table, id, path);
        let plain = Zeroizing::new(cipher.decrypt(XNonce::from_slice(&n), Payload { msg: &c, aad: a.as_bytes() }).map_err(|_| bad())?);
        serde_json::from_slice(&plain).map_err(|_| bad())
    }

    /// Seals a whole column value.
    pub(crate) fn seal_column(&self, v: &Value, table: &str, id: &uuid::Uuid, column: &str) -> Result<Value, StoreError> {
        if !self.enabled() || is_sealed(v) {
            return Ok(v.clone());
        }
        self.seal_one(v, &aad(table, &id.to_string(), column))
    }

    /// Seals a whole column value and returns its JSON text (what is bound to the statement).
    pub(crate) fn seal_column_text<T: serde::Serialize>(&self, v: &T, table: &str, id: &uuid::Uuid, column: &str) -> Result<String, StoreError> {
        let v = serde_json::to_value(v).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(self.seal_column(&v, table, id, column)?.to_string())
    }

    /// Seals the value at `path` inside `root` (a column value), if it is there and not sealed yet.
    pub(crate) fn seal_path(&self, root: &mut Value, table: &str, id: &str, column: &str, path: &[Seg<'_>]) -> Result<(), StoreError> {
        if !self.enabled() {
            return Ok(());
        }
        let mut at = column.to_owned();
        let mut cur = root;
        for seg in path {
            push_seg(&mut at, *seg);
            let next = match (seg, cur) {
                (Seg::Key(k), Value::Object(m)) => m.get_mut(*k),
                (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => return Ok(()),
            }
        }
        if !is_sealed(cur) {
            *cur = self.seal_one(cur, &aad(table, id, &at))?;
        }
        Ok(())
    }

    /// Seals a person's sensitive fields inside `persons.data`.
    pub(crate) fn seal_person_data(&self, data: &mut Value, id: &uuid::Uuid) -> Result<(), StoreError> {
        self.seal_path(data, "persons", &id.to_string(), "data", &[Seg::Key("specific_needs")])
    }

    /// Seals the sensitive parts of an event's data, according to the kind of record it concerns.
    pub(crate) fn seal_event(&self, data: &mut Value, entity_kind: &str, event_id: &uuid::Uuid) -> Result<(), StoreError> {
        if !self.enabled() {
            return Ok(());
        }
        let id = event_id.to_string();
        if entity_kind == "household" {
            // A bulk import's household registration carries its members' details.
            let n = data.get("members").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
            for i in 0..n {
                self.seal_path(data, "events", &id, "data", &[Seg::Key("members"), Seg::Index(i), Seg::Key("details"), Seg::Key("specific_needs")])?;
            }
            return Ok(());
        }
        let (keys, changed_fields): (&[&str], &[&str]) = match entity_kind {
            "person" => (&[], &["specific_needs"]),
            "claim" => (&["state", "action", "recommendation"], &[]),
            _ => return Ok(()),
        };
        for k in keys {
            self.seal_path(data, "events", &id, "data", &[Seg::Key(k)])?;
        }
        if entity_kind == "person" {
            self.seal_path(data, "events", &id, "data", &[Seg::Key("details"), Seg::Key("specific_needs")])?;
        }
        let n = data.get("changes").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
        for i in 0..n {
            let field = data.pointer(&format!("/changes/{i}/field")).and_then(Value::as_str).unwrap_or("").to_owned();
            if changed_fields.contains(&field.as_str()) {
                for side in ["before", "after"] {
                    self.seal_path(data, "events", &id, "data", &[Seg::Key("changes"), Seg::Index(i), Seg::Key(side)])?;
                }
            }
        }
        Ok(())
    }

    /// Seals an event's reason (free text that may tell why a decision was taken).
    pub(crate) fn seal_reason(&self, reason: &str, event_id: &uuid::Uuid) -> Result<String, StoreError> {
        Ok(self.seal_column(&Value::String(reason.to_owned()), "events", event_id, "reason")?.to_string())
    }

    /// Opens what is sealed in an event read back from the database: its data and its reason.
    pub(crate) fn open_event(&self, e: &mut nansen_domain::Event) -> Result<(), StoreError> {
        let id = e.id.to_string();
        self.open(&mut e.data, "events", &id, "data")?;
        if let Some(r) = &e.reason {
            if r.starts_with('{') && r.contains(MARK) {
                let mut v: Value = serde_json::from_str(r).map_err(|x| corrupt(format!("event {id} reason: {x}")))?;
                self.open(&mut v, "events", &id, "reason")?;
                e.reason = Some(v.as_str().ok_or_else(|| corrupt(format!("event {id}: its sealed reason is not text")))?.to_owned());
            }
        }
        Ok(())
    }

    /// Opens every sealed value inside `v`, the value of `column` of row `id` of `table`.
    pub(crate) fn open(&self, v: &mut Value, table: &str, id: &str, column: &str) -> Result<(), StoreError> {
        let mut path = column.to_owned();
        self.walk(v, table, id, &mut path)
    }

    fn walk(&self, v: &mut Value, table: &str, id: &str, path: &mut String) -> Result<(), StoreError> {
        if is_sealed(v) {
            *v = self.open_one(v, table, id, path)?;
            return Ok(());
        }
        let len = path.len();
        match v {
            Value::Object(m) => {
                for (k, c) in m.iter_mut() {
                    push_seg(path, Seg::Key(k));
                    self.walk(c, table, id, path)?;
                    path.truncate(len);
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter_mut().enumerate() {
                    push_seg(path, Seg::Index(i));
                    self.walk(c, table, id, path)?;
                    path.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Parses stored JSON text, opening what is sealed in it, into `T`. `what` names the value in errors.
    pub(crate) fn open_json<T: DeserializeOwned>(&self, text: &str, table: &str, id: &uuid::Uuid, column: &str, what: &str) -> Result<T, StoreError> {
        if !text.contains(MARK) {
            return serde_json::from_str(text).map_err(|e| corrupt(format!("{what}: {e}")));
        }
        let mut v: Value = serde_json::from_str(text).map_err(|e| corrupt(format!("{what}: {e}")))?;
        self.open(&mut v, table, &id.to_string(), column)?;
        serde_json::from_value(v).map_err(|e| corrupt(format!("{what}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sealer() -> Sealer {
        Sealer::new(vec![(1, new_data_key())])
    }

    #[test]
    fn a_sealed_path_hides_the_value_and_opens_back() {
        let s = sealer();
        let id = uuid::Uuid::now_v7();
        let mut v = json!({"given_name": "Amina", "specific_needs": ["SP-GR", "DS-PM"]});
        s.seal_person_data(&mut v, &id).unwrap();
        let text = v.to_string();
        assert!(!text.contains("SP-GR"), "{text}");
        assert!(text.contains("Amina"));
        let back: Value = s.open_json(&text, "persons", &id, "data", "person").unwrap();
        assert_eq!(back, json!({"given_name": "Amina", "specific_needs": ["SP-GR", "DS-PM"]}));
    }

    #[test]
    fn sealing_twice_does_not_seal_the_seal() {
        let s = sealer();
        let id = uuid::Uuid::now_v7();
        let mut v = json!({"specific_needs": ["SP-GR"]});
        s.seal_person_data(&mut v, &id).unwrap();
        let once = v.clone();
        s.seal_person_data(&mut v, &id).unwrap();
        assert_eq!(v, once);
    }

    #[test]
    fn a_ciphertext_moved_to_another_row_or_place_fails_authentication() {
        let s = sealer();
        let (a, b) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let mut va = json!({"specific_needs": ["SP-GR"]});
        s.seal_person_data(&mut va, &a).unwrap();
        // Another row.
        let err = s.open_json::<Value>(&va.to_string(), "persons", &b, "data", "person").unwrap_err();
        assert!(err.to_string().contains("failed authentication"), "{err}");
        // Another position in the same row.
        let moved = json!({"other": va["specific_needs"].clone()});
        assert!(s.open_json::<Value>(&moved.to_string(), "persons", &a, "data", "person").is_err());
        // Another column.
        assert!(s.open_json::<Value>(&va.to_string(), "persons", &a, "state", "person").is_err());
    }

    #[test]
    fn a_flipped_bit_is_an_error_never_garbage() {
        let s = sealer();
        let id = uuid::Uuid::now_v7();
        let sealed = s.seal_column(&json!({"persecution": "detained"}), "claims", &id, "state").unwrap();
        let c = sealed["c"].as_str().unwrap();
        let mut bytes = B64.decode(c).unwrap();
        bytes[0] ^= 1;
        let mut bad = sealed.clone();
        bad["c"] = Value::String(B64.encode(bytes));
        assert!(s.open_json::<Value>(&bad.to_string(), "claims", &id, "state", "claim").is_err());
        assert_eq!(s.open_json::<Value>(&sealed.to_string(), "claims", &id, "state", "claim").unwrap(), json!({"persecution": "detained"}));
    }

    #[test]
    fn another_keyring_cannot_open_and_no_keyring_says_so() {
        let id = uuid::Uuid::now_v7();
        let sealed = sealer().seal_column(&json!("x"), "claims", &id, "state").unwrap().to_string();
        assert!(sealer().open_json::<Value>(&sealed, "claims", &id, "state", "claim").is_err());
        let err = Sealer::default().open_json::<Value>(&sealed, "claims", &id, "state", "claim").unwrap_err();
        assert!(err.to_string().contains("without a master key"), "{err}");
    }

    #[test]
    fn events_seal_the_sensitive_changes_only() {
        let s = sealer();
        let id = uuid::Uuid::now_v7();
        let mut v = json!({"changes": [
            {"field": "given_name", "before": "Amina", "after": "Amena"},
            {"field": "specific_needs", "before": ["SP-GR"], "after": ["SP-GR", "DS-PM"]}
        ]});
        s.seal_event(&mut v, "person", &id).unwrap();
        let text = v.to_string();
        assert!(text.contains("Amena") && !text.contains("DS-PM"), "{text}");
        let back: Value = s.open_json(&text, "events", &id, "data", "event").unwrap();
        assert_eq!(back["changes"][1]["after"], json!(["SP-GR", "DS-PM"]));
    }

    #[test]
    fn master_keys_round_trip_and_wrap_data_keys() {
        let k = MasterKey::generate();
        let again = MasterKey::from_base64(&k.to_base64(), "test").unwrap();
        assert_eq!(k.fingerprint(), again.fingerprint());
        assert!(MasterKey::from_base64("c2hvcnQ=", "test").is_err());
        let dek = new_data_key();
        let w = k.wrap(3, &dek).unwrap();
        assert_eq!(k.unwrap_key(3, &w).unwrap().as_ref(), dek.as_ref());
        assert!(k.unwrap_key(4, &w).is_none(), "bound to its id");
        assert!(MasterKey::generate().unwrap_key(3, &w).is_none(), "another master key");
    }

    #[cfg(unix)]
    #[test]
    fn key_files_are_private_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        let k = MasterKey::generate();
        k.write_new(&p).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(MasterKey::from_file(&p).unwrap().fingerprint(), k.fingerprint());
        assert!(matches!(MasterKey::generate().write_new(&p), Err(KeyError::Exists(_))));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(MasterKey::from_file(&p), Err(KeyError::TooOpen { .. })));
    }
}
