//! The audit chain: how an entry's hash is computed, and how stored history is checked against it
//! and against the current records (pure functions; the backends read the rows).

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// JSON with object keys sorted at every level, so that the same document hashes alike whichever
/// database stored it (PostgreSQL's `jsonb` reorders keys).
pub fn canonical(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String((*k).clone()).to_string());
                    out.push(':');
                    if let Some(x) = m.get(*k) {
                        write(x, out);
                    }
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(x, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut s = String::new();
    write(v, &mut s);
    s
}

/// SHA-256 in lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The hash of an event's content: its data (canonical JSON) and its reason.
pub fn event_digest(data: &Value, reason: Option<&str>) -> String {
    sha256_hex(&format!("{}|{}", canonical(data), reason.unwrap_or("")))
}

/// The fields an entry's hash covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryFields {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The event audited.
    pub event_id: String,
    /// Operation.
    pub operation_id: String,
    /// When (RFC 3339, microseconds, `Z`).
    pub at: String,
    /// Who.
    pub actor: String,
    /// The event kind.
    pub action: String,
    /// Kind of record.
    pub entity_kind: String,
    /// The record.
    pub entity_id: String,
    /// The record's version after the event.
    pub version: i64,
    /// Hash of the event's data.
    pub data_hash: String,
    /// Hash of the previous entry ([`GENESIS`] for the first).
    pub prev_hash: String,
}

impl EntryFields {
    /// The entry's hash.
    pub fn hash(&self) -> String {
        sha256_hex(&format!(
            "nansen-audit-v1|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            self.seq,
            self.event_id,
            self.operation_id,
            self.at,
            self.actor,
            self.action,
            self.entity_kind,
            self.entity_id,
            self.version,
            self.data_hash,
            self.prev_hash
        ))
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: i64,
    /// Events checked.
    pub events: i64,
    /// Records whose current state was replayed from their history.
    pub records_replayed: i64,
    /// The first problem, if any (verification stops there).
    pub first_problem: Option<AuditProblem>,
}

impl AuditReport {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.first_problem.is_none()
    }
}

/// A broken entry, event or record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditProblem {
    /// `entry_altered`, `entry_removed_or_reordered`, `event_altered`, `event_removed`,
    /// `event_not_audited`, `record_altered`.
    pub kind: &'static str,
    /// The audit entry concerned, if any.
    pub seq: Option<i64>,
    /// What exactly, in words.
    pub detail: String,
}

/// Applies a history's `changes` (top-level field, `after` value) to a record, as the update events
/// recorded them. `None` after means the field was removed.
pub fn apply_changes(state: &mut Value, data: &Value) {
    let (Some(obj), Some(changes)) = (state.as_object_mut(), data.get("changes").and_then(|c| c.as_array())) else { return };
    for c in changes {
        let Some(field) = c.get("field").and_then(|f| f.as_str()) else { continue };
        match c.get("after") {
            None | Some(Value::Null) => {
                obj.remove(field);
            }
            Some(v) => {
                obj.insert(field.to_owned(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn canonical_json_ignores_key_order_and_spacing() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": {"y": [1, 2], "x": "é"}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":"é","y":[1,2]},"b":1}"#).unwrap();
        assert_eq!(canonical(&a), canonical(&b));
        assert_eq!(canonical(&a), r#"{"a":{"x":"é","y":[1,2]},"b":1}"#);
    }

    #[test]
    fn the_hash_covers_every_field() {
        let e = EntryFields {
            seq: 1,
            event_id: "e".into(),
            operation_id: "o".into(),
            at: "t".into(),
            actor: "a".into(),
            action: "k".into(),
            entity_kind: "person".into(),
            entity_id: "p".into(),
            version: 1,
            data_hash: "d".into(),
            prev_hash: GENESIS.into(),
        };
        let h = e.hash();
        let mut changed = e.clone();
        changed.actor = "b".into();
        assert_ne!(changed.hash(), h);
        let mut changed = e.clone();
        changed.version = 2;
        assert_ne!(changed.hash(), h);
    }

    #[test]
    fn changes_replay_onto_a_record() {
        let mut s: Value = serde_json::from_str(r#"{"given_name": "Fatima", "place_of_birth": "Homs"}"#).unwrap();
        let d: Value = serde_json::from_str(r#"{"changes": [{"field": "given_name", "before": "Fatima", "after": "Fatma"}, {"field": "place_of_birth", "before": "Homs"}]}"#).unwrap();
        apply_changes(&mut s, &d);
        assert_eq!(canonical(&s), r#"{"given_name":"Fatma"}"#);
    }
}
