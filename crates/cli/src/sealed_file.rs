//! The encrypted file format of exports and backups (`nansen encrypt`, `nansen decrypt`,
//! `nansen export --encrypt-key`, `nansen backup --encrypt-key`): chunked authenticated encryption.
//!
//! ```text
//! header  = "NANSENC1" (8 bytes) ‖ nonce prefix (19 random bytes)
//! chunk i = XChaCha20-Poly1305(key, nonce = prefix ‖ i as u32 big-endian ‖ last,
//!                              associated data = header, plaintext ≤ 65,536 bytes) ‖ 16-byte tag
//! ```
//!
//! `last` is 1 for the final chunk and 0 otherwise; every chunk but the last holds exactly 65,536
//! bytes of plaintext (the last may be empty). Reordered, dropped, duplicated or truncated chunks,
//! a changed header and a changed byte all fail authentication (the STREAM construction of Hoang,
//! Reyhanitabar, Rogaway and Vizár). Decryption writes nothing it has not authenticated: each chunk
//! is checked before its plaintext is written, and a stream that ends before a `last` chunk is an
//! error. The key is 32 bytes in base64, as written by `nansen keys init`.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use nansen_store::MasterKey;
use rand::RngCore;
use std::io::{Read, Write};

const MAGIC: &[u8; 8] = b"NANSENC1";
const PREFIX: usize = 19;
const HEADER: usize = MAGIC.len() + PREFIX;
/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// Why a file could not be encrypted or decrypted.
#[derive(Debug, thiserror::Error)]
pub enum SealedFileError {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Not a file in this format.
    #[error("this is not a Nansen encrypted file (it does not start with NANSENC1); was it encrypted with `nansen encrypt`?")]
    NotSealed,
    /// A chunk did not authenticate.
    #[error("chunk {0} of the encrypted file failed authentication: wrong key, or the file was altered, truncated or reordered; nothing after the last good chunk was written")]
    Auth(u32),
    /// The file ended before its final chunk.
    #[error("the encrypted file ends before its final chunk: it was truncated")]
    Truncated,
    /// More than 2^32 chunks.
    #[error("the input is too large for one encrypted file (more than 256 TiB)")]
    TooLarge,
}

fn cipher(key: &MasterKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.expose_bytes().into())
}

fn nonce(prefix: &[u8], i: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&i.to_be_bytes());
    n[23] = u8::from(last);
    *XNonce::from_slice(&n)
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Encrypts `input` to `output`; returns the plaintext length.
pub fn encrypt(key: &MasterKey, mut input: impl Read, mut output: impl Write) -> Result<u64, SealedFileError> {
    let c = cipher(key);
    let mut header = [0u8; HEADER];
    header[..MAGIC.len()].copy_from_slice(MAGIC);
    rand::rng().fill_bytes(&mut header[MAGIC.len()..]);
    output.write_all(&header)?;
    let prefix = &header[MAGIC.len()..];
    // One chunk of look-ahead, so that the last chunk is known when it is sealed.
    let mut cur = vec![0u8; CHUNK];
    let mut next = vec![0u8; CHUNK];
    let mut n = fill(&mut input, &mut cur)?;
    let mut i: u32 = 0;
    let mut total = 0u64;
    loop {
        let m = if n == CHUNK { fill(&mut input, &mut next)? } else { 0 };
        let last = m == 0;
        let ct = c.encrypt(&nonce(prefix, i, last), Payload { msg: &cur[..n], aad: &header }).map_err(|_| SealedFileError::TooLarge)?;
        output.write_all(&ct)?;
        total += n as u64;
        if last {
            break;
        }
        std::mem::swap(&mut cur, &mut next);
        n = m;
        i = i.checked_add(1).ok_or(SealedFileError::TooLarge)?;
    }
    output.flush()?;
    Ok(total)
}

/// Decrypts `input` to `output`; returns the plaintext length.
pub fn decrypt(key: &MasterKey, mut input: impl Read, mut output: impl Write) -> Result<u64, SealedFileError> {
    let c = cipher(key);
    let mut header = [0u8; HEADER];
    if fill(&mut input, &mut header)? != HEADER || &header[..MAGIC.len()] != MAGIC {
        return Err(SealedFileError::NotSealed);
    }
    let prefix = header[MAGIC.len()..].to_vec();
    let mut cur = vec![0u8; CHUNK + TAG];
    let mut next = vec![0u8; CHUNK + TAG];
    let mut n = fill(&mut input, &mut cur)?;
    let mut i: u32 = 0;
    let mut total = 0u64;
    loop {
        if n < TAG {
            return Err(SealedFileError::Truncated);
        }
        // A full chunk may be followed by more; anything shorter must be the last.
        let m = if n == CHUNK + TAG { fill(&mut input, &mut next)? } else { 0 };
        let last = m == 0;
        let plain = c.decrypt(&nonce(&prefix, i, last), Payload { msg: &cur[..n], aad: &header }).map_err(|_| {
            // A full final-looking chunk that is not marked last means the rest was cut off.
            if last && c.decrypt(&nonce(&prefix, i, false), Payload { msg: &cur[..n], aad: &header }).is_ok() {
                SealedFileError::Truncated
            } else {
                SealedFileError::Auth(i)
            }
        })?;
        output.write_all(&plain)?;
        total += plain.len() as u64;
        if last {
            break;
        }
        std::mem::swap(&mut cur, &mut next);
        n = m;
        i = i.checked_add(1).ok_or(SealedFileError::TooLarge)?;
    }
    output.flush()?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn round(len: usize) {
        let key = MasterKey::generate();
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut sealed = Vec::new();
        assert_eq!(encrypt(&key, &data[..], &mut sealed).unwrap(), len as u64);
        let chunks = if len == 0 { 1 } else { len.div_ceil(CHUNK) };
        assert_eq!(sealed.len(), HEADER + len + TAG * chunks);
        let mut back = Vec::new();
        decrypt(&key, &sealed[..], &mut back).unwrap();
        assert_eq!(back, data, "length {len}");
    }

    #[test]
    fn round_trips_at_chunk_boundaries() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17] {
            round(len);
        }
    }

    fn sealed(len: usize) -> (MasterKey, Vec<u8>) {
        let key = MasterKey::generate();
        let data = vec![7u8; len];
        let mut out = Vec::new();
        encrypt(&key, &data[..], &mut out).unwrap();
        (key, out)
    }

    #[test]
    fn wrong_key_flipped_bit_and_header_are_refused() {
        let (key, s) = sealed(1000);
        assert!(matches!(decrypt(&MasterKey::generate(), &s[..], Vec::new()), Err(SealedFileError::Auth(0))));
        let mut bad = s.clone();
        bad[HEADER + 10] ^= 1;
        assert!(matches!(decrypt(&key, &bad[..], Vec::new()), Err(SealedFileError::Auth(0))));
        let mut bad = s.clone();
        bad[9] ^= 1;
        assert!(decrypt(&key, &bad[..], Vec::new()).is_err());
        assert!(matches!(decrypt(&key, &b"plain text"[..], Vec::new()), Err(SealedFileError::NotSealed)));
    }

    #[test]
    fn truncation_and_reordering_are_refused() {
        let (key, s) = sealed(3 * CHUNK + 5);
        // Cut after two whole chunks: the stream ends without its last chunk.
        let cut = &s[..HEADER + 2 * (CHUNK + TAG)];
        let mut out = Vec::new();
        assert!(matches!(decrypt(&key, cut, &mut out), Err(SealedFileError::Truncated)));
        assert_eq!(out.len(), CHUNK, "only authenticated chunks were written");
        // Cut inside the last chunk.
        assert!(decrypt(&key, &s[..s.len() - 3], Vec::new()).is_err());
        // Swap chunks 0 and 1.
        let mut swapped = s[..HEADER].to_vec();
        swapped.extend_from_slice(&s[HEADER + CHUNK + TAG..HEADER + 2 * (CHUNK + TAG)]);
        swapped.extend_from_slice(&s[HEADER..HEADER + CHUNK + TAG]);
        swapped.extend_from_slice(&s[HEADER + 2 * (CHUNK + TAG)..]);
        assert!(matches!(decrypt(&key, &swapped[..], Vec::new()), Err(SealedFileError::Auth(0))));
    }
}
