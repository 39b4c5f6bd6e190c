//! The `keyring` table: loading the data keys with the master key, creating the first one, and
//! rotating the master key. Written once, instantiated per backend by [`keyring_impl!`].

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rotation {
    /// Data keys rewrapped under the new master key (all of them, the new one excluded).
    pub rewrapped: usize,
    /// The data key that seals new writes from now on.
    pub new_data_key: i64,
}

macro_rules! keyring_impl {
    ($Conn:ty) => {
        use crate::keyring::Rotation;
        use crate::seal::{new_data_key, MasterKey, Sealer};
        use crate::{Result, StoreError};
        use sqlx::Connection;

        const KEYS: &str = "SELECT id, wrapped FROM keyring ORDER BY id";
        const INSERT_KEY: &str = "INSERT INTO keyring (id, created_at, wrapped) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING";
        const REWRAP: &str = "UPDATE keyring SET wrapped = $1, rewrapped_at = $2 WHERE id = $3";

        fn now() -> String {
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        }

        fn unwrap_all(rows: &[(i64, String)], key: &MasterKey) -> Result<Vec<(i64, zeroize::Zeroizing<[u8; crate::seal::KEY_LEN]>)>> {
            rows.iter()
                .map(|(id, w)| key.unwrap_key(*id, w).map(|k| (*id, k)).ok_or_else(|| StoreError::WrongKey { fingerprint: key.fingerprint(), data_key: *id }))
                .collect()
        }

        /// Loads the data keys with `key`. A database without a keyring opened with a key gets its
        /// first data key; opened without one it stays unencrypted.
        pub(crate) async fn load_keys(conn: &mut $Conn, key: Option<&MasterKey>) -> Result<Sealer> {
            let mut rows: Vec<(i64, String)> = sqlx::query_as(KEYS).fetch_all(&mut *conn).await?;
            let Some(key) = key else {
                return if rows.is_empty() { Ok(Sealer::default()) } else { Err(StoreError::KeyRequired) };
            };
            if rows.is_empty() {
                let dek = new_data_key();
                sqlx::query(INSERT_KEY).bind(1_i64).bind(now()).bind(key.wrap(1, &dek)?).execute(&mut *conn).await?;
                rows = sqlx::query_as(KEYS).fetch_all(&mut *conn).await?;
            }
            Ok(Sealer::new(unwrap_all(&rows, key)?))
        }

        /// Rewraps every data key under `new` and adds a fresh data key for new writes, in one
        /// transaction. Nothing sealed is rewritten.
        pub(crate) async fn rotate(conn: &mut $Conn, old: &MasterKey, new: &MasterKey) -> Result<Rotation> {
            if old.fingerprint() == new.fingerprint() {
                return Err(StoreError::Invalid("the new master key is the same as the current one: create a new key with `nansen keys init --out FILE`".into()));
            }
            let mut tx = conn.begin().await?;
            let rows: Vec<(i64, String)> = sqlx::query_as(KEYS).fetch_all(&mut *tx).await?;
            if rows.is_empty() {
                return Err(StoreError::Invalid(
                    "this database has no keyring, so nothing is encrypted yet: open it once with a master key (e.g. `nansen migrate --key-file FILE`) instead of rotating".into(),
                ));
            }
            let keys = unwrap_all(&rows, old)?;
            let at = now();
            for (id, dek) in &keys {
                sqlx::query(REWRAP).bind(new.wrap(*id, dek)?).bind(&at).bind(*id).execute(&mut *tx).await?;
            }
            let next = keys.iter().map(|k| k.0).max().unwrap_or(0) + 1;
            let dek = new_data_key();
            let added = sqlx::query(INSERT_KEY).bind(next).bind(&at).bind(new.wrap(next, &dek)?).execute(&mut *tx).await?;
            if added.rows_affected() != 1 {
                return Err(StoreError::Invalid("another rotation ran at the same time; run the rotation again".into()));
            }
            tx.commit().await?;
            Ok(Rotation { rewrapped: keys.len(), new_data_key: next })
        }
    };
}
pub(crate) use keyring_impl;
