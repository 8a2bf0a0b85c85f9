//! Content-addressed blob store for scene media: plain files under one directory.
//!
//! Layout: `<dir>/sha256/ab/cd/<hex>` holds verified content named by its SHA-256 (two levels
//! of fan-out keep directories small); `<dir>/parts/<upload_id>` holds an upload in progress.
//! A part is written chunk by chunk at known offsets and flushed to disk before the database
//! records the progress, so the recorded `received_bytes` is always backed by durable bytes;
//! bytes past it (a chunk whose progress was never recorded) are cut off by the next write.
//! Completed content reaches its final name by an atomic rename after an fsync, and the same
//! content uploaded twice is stored once. The calls are blocking std I/O: run them on a
//! blocking thread (`tokio::task::spawn_blocking`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

/// Whether committing a part stored new content or found it already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    AlreadyPresent,
}

/// A lowercase 64-digit hex SHA-256, the only names the store accepts (no path tricks).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn bad_name(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("invalid {what}"))
}

/// Upload ids are UUIDs: letters, digits and dashes only.
fn check_upload_id(id: &str) -> io::Result<()> {
    if !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        Ok(())
    } else {
        Err(bad_name("upload id"))
    }
}

/// Flushes a directory entry change (a rename or a new file) to disk.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl BlobStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        BlobStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where content with this digest lives (whether or not it is there).
    pub fn object_path(&self, sha256: &str) -> io::Result<PathBuf> {
        if !is_sha256_hex(sha256) {
            return Err(bad_name("sha256"));
        }
        Ok(self
            .dir
            .join("sha256")
            .join(&sha256[0..2])
            .join(&sha256[2..4])
            .join(sha256))
    }

    pub fn part_path(&self, upload_id: &str) -> io::Result<PathBuf> {
        check_upload_id(upload_id)?;
        Ok(self.dir.join("parts").join(upload_id))
    }

    pub fn contains(&self, sha256: &str) -> io::Result<bool> {
        Ok(self.object_path(sha256)?.is_file())
    }

    /// Writes `data` at `offset` of the upload's part file, dropping anything past `offset`
    /// first, and flushes it to disk.
    pub fn write_part(&self, upload_id: &str, offset: u64, data: &[u8]) -> io::Result<()> {
        let path = self.part_path(upload_id)?;
        let parts = self.dir.join("parts");
        fs::create_dir_all(&parts)?;
        let created = !path.exists();
        let mut f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        f.set_len(offset)?;
        f.seek(SeekFrom::Start(offset))?;
        f.write_all(data)?;
        f.sync_data()?;
        if created {
            sync_dir(&parts)?;
        }
        Ok(())
    }

    /// SHA-256 (lowercase hex) and length of the upload's part file.
    pub fn digest_part(&self, upload_id: &str) -> io::Result<(String, u64)> {
        digest_file(&self.part_path(upload_id)?)
    }

    /// Moves a verified part to its content address. When the content is already stored,
    /// the part is removed instead: the same bytes are kept once.
    pub fn commit_part(&self, upload_id: &str, sha256: &str) -> io::Result<Stored> {
        let part = self.part_path(upload_id)?;
        let target = self.object_path(sha256)?;
        if target.is_file() {
            fs::remove_file(&part)?;
            return Ok(Stored::AlreadyPresent);
        }
        let parent = target.parent().ok_or_else(|| bad_name("object path"))?;
        fs::create_dir_all(parent)?;
        // The part was fsynced chunk by chunk; the rename is atomic, so the content address
        // never names a partial file.
        File::open(&part)?.sync_all()?;
        fs::rename(&part, &target)?;
        sync_dir(parent)?;
        Ok(Stored::New)
    }

    /// Removes an upload's part file (aborted upload); a missing part is fine.
    pub fn remove_part(&self, upload_id: &str) -> io::Result<()> {
        match fs::remove_file(self.part_path(upload_id)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Length of the part file, if any (for tests and diagnostics).
    pub fn part_len(&self, upload_id: &str) -> io::Result<Option<u64>> {
        match fs::metadata(self.part_path(upload_id)?) {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The stored bytes of `sha256` with the SHA-256 they hash to now (so a caller can tell a
    /// file changed on disk); `None` when the file is missing.
    pub fn read_checked(&self, sha256: &str) -> io::Result<Option<(Vec<u8>, String)>> {
        match fs::read(self.object_path(sha256)?) {
            Ok(data) => {
                let actual = hex::encode(Sha256::digest(&data));
                Ok(Some((data, actual)))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Stores bytes directly under their digest (write temp + fsync + rename); returns the
    /// digest. Used for content that arrives whole (imports, tests).
    pub fn put(&self, data: &[u8]) -> io::Result<String> {
        let sha = hex::encode(Sha256::digest(data));
        let target = self.object_path(&sha)?;
        if target.is_file() {
            return Ok(sha);
        }
        let parent = target.parent().ok_or_else(|| bad_name("object path"))?;
        fs::create_dir_all(parent)?;
        let tmp = parent.join(format!(".{sha}.{}.tmp", std::process::id()));
        let mut f = File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        fs::rename(&tmp, &target)?;
        sync_dir(parent)?;
        Ok(sha)
    }
}

/// SHA-256 (lowercase hex) and length of a file, read in 1 MiB blocks.
pub fn digest_file(path: &Path) -> io::Result<(String, u64)> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hex::encode(h.finalize()), len))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parts_resume_at_offsets_and_content_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let b = BlobStore::new(dir.path());
        let id = "0190f0c2-0000-7000-8000-000000000001";
        b.write_part(id, 0, b"hello ").unwrap();
        // A chunk written but never recorded is cut off by the next write at the recorded offset.
        b.write_part(id, 6, b"garbage!").unwrap();
        b.write_part(id, 6, b"world").unwrap();
        let (sha, len) = b.digest_part(id).unwrap();
        assert_eq!(len, 11);
        assert_eq!(sha, hex::encode(Sha256::digest(b"hello world")));
        assert_eq!(b.commit_part(id, &sha).unwrap(), Stored::New);
        assert_eq!(
            fs::read(b.object_path(&sha).unwrap()).unwrap(),
            b"hello world"
        );
        assert_eq!(b.part_len(id).unwrap(), None);

        let id2 = "0190f0c2-0000-7000-8000-000000000002";
        b.write_part(id2, 0, b"hello world").unwrap();
        assert_eq!(b.commit_part(id2, &sha).unwrap(), Stored::AlreadyPresent);
        assert_eq!(b.put(b"hello world").unwrap(), sha);
        assert!(b.part_path("../etc").is_err());
        assert!(b.object_path("../../x").is_err());
        assert!(b.object_path(&sha.to_uppercase()).is_err());
    }
}
