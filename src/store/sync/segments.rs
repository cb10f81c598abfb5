//! Change segments (SPEC §7): each device publishes its own changes as small files
//! under `.clientbook/changes/<device>/`, numbered `000000001.seg`, `000000002.seg`…,
//! each written once under a temporary name of its own, flushed to disk, renamed,
//! and closed by a checksum of everything above it, so that a torn or half-synced
//! copy is told apart from a whole one. No device ever writes or deletes another
//! device's files.
//!
//! A segment is lines of text: a first line naming the format, a JSON header (the
//! base, the device, the segment's number, the clock range it covers and what the
//! device had seen of the others when it wrote it), one JSON line per change, and a
//! last line `#sha256 <hex>` of all the bytes before it.

use super::unseen::{Incoming, Vector};
use crate::store::error::{StoreError, StoreResult};
use crate::store::files;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The first line of every segment.
const MAGIC: &str = "clientbook-segment 1";

/// What a segment says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub base: String,
    pub device: String,
    /// The device's short code (`K2`), for numbering.
    pub code: String,
    pub number: u64,
    /// The clock of the device's change just before this segment's first (0 for none):
    /// a reader that has seen up to `after` may apply this segment.
    pub after: i64,
    /// The clock of its last change.
    pub last: i64,
    pub count: usize,
    /// What the device had seen of each device when it wrote the segment: a change
    /// of this copy newer than that was not seen by the segment's changes (a clash).
    pub seen: Vector,
    /// Clients forgotten since the segment was first written, whose changes in it
    /// were erased when it was written again: a reader that has not had the forget
    /// yet treats them as forgotten, not as changes with values missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forgotten: Vec<String>,
}

/// One change as a segment line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Line {
    #[serde(rename = "h")]
    hlc: i64,
    #[serde(rename = "a", skip_serializing_if = "Option::is_none", default)]
    actor: Option<String>,
    #[serde(rename = "e")]
    entity: String,
    #[serde(rename = "r")]
    row_uuid: String,
    #[serde(rename = "c", skip_serializing_if = "Option::is_none", default)]
    client: Option<String>,
    #[serde(rename = "o")]
    op: String,
    /// The logged fields, as the log holds them (a JSON object).
    #[serde(rename = "f")]
    fields: serde_json::Value,
}

/// A segment read back whole and checked.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub(crate) header: Header,
    pub(crate) changes: Vec<Incoming>,
}

/// The canonical file name of a segment: `000000012.seg`.
pub fn file_name(number: u64) -> String {
    format!("{number:09}.seg")
}

/// The number a canonical segment name stands for.
pub fn number_of(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".seg")?;
    (digits.len() == 9 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The bytes of a segment.
pub(crate) fn encode(header: &Header, changes: &[Incoming]) -> StoreResult<Vec<u8>> {
    let mut body = String::with_capacity(128 + changes.len() * 200);
    body.push_str(MAGIC);
    body.push('\n');
    body.push_str(&serde_json::to_string(header)?);
    body.push('\n');
    for change in changes {
        let line = Line {
            hlc: change.hlc,
            actor: change.actor.clone(),
            entity: change.entity.clone(),
            row_uuid: change.row_uuid.clone(),
            client: change.client.clone(),
            op: change.op.clone(),
            fields: serde_json::from_str(&change.fields).unwrap_or(serde_json::Value::Null),
        };
        body.push_str(&serde_json::to_string(&line)?);
        body.push('\n');
    }
    let digest = Sha256::digest(body.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    body.push_str(&format!("#sha256 {hex}\n"));
    Ok(body.into_bytes())
}

/// Why a file is not a whole segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not a segment at all.
    Foreign,
    /// Cut short or damaged on the way (the checksum does not match).
    Torn,
}

/// Reads a segment, checking its checksum; only the header when `header_only` (its
/// checksum is checked all the same: a torn file has no trustworthy header).
pub(crate) fn decode(bytes: &[u8], header_only: bool) -> Result<Segment, Unreadable> {
    let text = std::str::from_utf8(bytes).map_err(|_| Unreadable::Torn)?;
    if !text.starts_with(MAGIC) {
        return Err(Unreadable::Foreign);
    }
    // Written whole, a segment ends with its checksum line's new line.
    if !text.ends_with('\n') {
        return Err(Unreadable::Torn);
    }
    let body_end = text
        .trim_end_matches('\n')
        .rfind('\n')
        .ok_or(Unreadable::Torn)?
        + 1;
    let (body, tail) = text.split_at(body_end);
    let expected = tail
        .trim()
        .strip_prefix("#sha256 ")
        .ok_or(Unreadable::Torn)?;
    let digest = Sha256::digest(body.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    if hex != expected {
        return Err(Unreadable::Torn);
    }
    let mut lines = body.lines().skip(1);
    let header: Header = lines
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or(Unreadable::Torn)?;
    let mut changes = Vec::new();
    if !header_only {
        for line in lines {
            let line: Line = serde_json::from_str(line).map_err(|_| Unreadable::Torn)?;
            changes.push(Incoming {
                hlc: line.hlc,
                device: header.device.clone(),
                actor: line.actor,
                entity: line.entity,
                row_uuid: line.row_uuid,
                client: line.client,
                op: line.op,
                fields: line.fields.to_string(),
            });
        }
    }
    Ok(Segment { header, changes })
}

/// Whether `bytes` are a whole segment (its checksum matches): what a reader of the
/// shared folder may rely on.
pub fn check(bytes: &[u8]) -> Result<(), Unreadable> {
    decode(bytes, true).map(|_| ())
}

/// Writes a segment into `dir` under its canonical name: a temporary file only this
/// process uses, flushed, renamed; the folder flushed after.
pub(crate) fn write(dir: &Path, header: &Header, changes: &[Incoming]) -> StoreResult<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            StoreError::CannotWrite(dir.to_path_buf(), crate::i18n::os_error(&e))
        }
        _ => StoreError::io_at(dir, &e),
    })?;
    let target = dir.join(file_name(header.number));
    let bytes = encode(header, changes)?;
    let partial = files::private_temporary(&target, ".", ".tmp");
    let written = (|| -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&partial, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(match e.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                StoreError::CannotWrite(dir.to_path_buf(), crate::i18n::os_error(&e))
            }
            _ => StoreError::io_at(&target, &e),
        });
    }
    files::sync_folder(dir);
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(hlc: i64) -> Incoming {
        Incoming {
            hlc,
            device: "dev-a".into(),
            actor: Some("mgr".into()),
            entity: "client".into(),
            row_uuid: "row-1".into(),
            client: None,
            op: "update".into(),
            fields: r#"{"city":"Тверь"}"#.into(),
        }
    }

    fn header() -> Header {
        Header {
            base: "base".into(),
            device: "dev-a".into(),
            code: "K2".into(),
            number: 3,
            after: 10,
            last: 12,
            count: 2,
            seen: Vector::new(),
            forgotten: Vec::new(),
        }
    }

    #[test]
    fn a_segment_reads_back_as_written_and_a_torn_one_is_told_apart() {
        let bytes = encode(&header(), &[change(11), change(12)]).unwrap();
        let segment = decode(&bytes, false).unwrap();
        assert_eq!(segment.header, header());
        assert_eq!(segment.changes.len(), 2);
        assert_eq!(segment.changes[1].hlc, 12);
        assert_eq!(segment.changes[1].fields, r#"{"city":"Тверь"}"#);
        for cut in [bytes.len() - 1, bytes.len() / 2, 30, 0] {
            assert!(decode(&bytes[..cut], false).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        let at = flipped.len() / 2;
        flipped[at] ^= 1;
        assert_eq!(decode(&flipped, false).unwrap_err(), Unreadable::Torn);
        assert_eq!(decode(b"hello", false).unwrap_err(), Unreadable::Foreign);
    }

    #[test]
    fn names_are_numbered() {
        assert_eq!(file_name(12), "000000012.seg");
        assert_eq!(number_of("000000012.seg"), Some(12));
        for other in [
            "12.seg",
            "000000012.seg.tmp",
            "000000012.sync-conflict-1.seg",
            "x.db",
        ] {
            assert_eq!(number_of(other), None, "{other}");
        }
    }
}
