//! Reading a backup file back: the header, every table's rows, and the
//! checksums of the manifest, before anything is written.

use super::{FORMAT_VERSION, finish};
use crate::{Result, StoreError};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::BufRead;

/// Bytes as hex text, as a backup stores them.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A backup read back and checked: tables in file order with their column
/// names and rows.
pub(super) struct Parsed {
    pub(super) schema_version: i64,
    pub(super) tables: Vec<(String, Vec<String>, Vec<Vec<Value>>)>,
}

/// Reads and checks a backup: the header, every table's rows against the
/// manifest, and the checksum of the whole file.
// Long: reads the file line by line and checks header, tables and checksum as it goes; the checks share the reader.
pub(super) fn read_backup(input: &mut dyn BufRead, known_schema: i64) -> Result<Parsed> {
    let bad = |m: String| StoreError::Backup(m);
    let mut whole = Sha256::new();
    let mut lines = input.lines().enumerate();
    let mut next_line = || -> Result<Option<(usize, String)>> {
        match lines.next() {
            None => Ok(None),
            Some((n, Ok(line))) => Ok(Some((n + 1, line))),
            Some((n, Err(e))) => Err(bad(format!("line {}: {e}", n + 1))),
        }
    };
    let (_, header_line) = next_line()?.ok_or_else(|| bad("the file is empty".into()))?;
    let header: Value = serde_json::from_str(&header_line)
        .map_err(|_| bad("line 1: not an Onramp backup (no header)".into()))?;
    if header["onramp_backup"] != json!(FORMAT_VERSION) {
        return Err(bad(format!(
            "line 1: not an Onramp backup of format {FORMAT_VERSION}"
        )));
    }
    let schema_version = header["schema_version"]
        .as_i64()
        .ok_or_else(|| bad("line 1: no schema_version".into()))?;
    if schema_version > known_schema {
        return Err(bad(format!(
            "it was made by a newer Onramp (schema version {schema_version}; this one knows up to {known_schema}); restore it with that version or a newer one"
        )));
    }
    whole.update(header_line.as_bytes());
    whole.update(b"\n");
    let mut tables: Vec<(String, Vec<String>, Vec<Vec<Value>>)> = Vec::new();
    let mut sums: Vec<Sha256> = Vec::new();
    loop {
        let Some((n, line)) = next_line()? else {
            return Err(bad(
                "the file ends before its manifest: it is truncated".into()
            ));
        };
        let value: Value =
            serde_json::from_str(&line).map_err(|e| bad(format!("line {n}: not JSON ({e})")))?;
        if let Some(manifest) = value.get("manifest") {
            let expected = value["sha256"].as_str().unwrap_or_default();
            let actual = finish(whole);
            if expected != actual {
                return Err(bad(format!(
                    "line {n}: the file's checksum does not match; it was altered or damaged"
                )));
            }
            for ((name, _, rows), sum) in tables.iter().zip(sums) {
                let entry = &manifest[name];
                if entry["rows"].as_u64() != Some(rows.len() as u64)
                    || entry["sha256"].as_str() != Some(finish(sum).as_str())
                {
                    return Err(bad(format!(
                        "table `{name}` does not match the manifest; the file was altered or damaged"
                    )));
                }
            }
            if let Some((extra, _)) = next_line()? {
                return Err(bad(format!("line {extra}: text after the manifest")));
            }
            return Ok(Parsed {
                schema_version,
                tables,
            });
        }
        whole.update(line.as_bytes());
        whole.update(b"\n");
        if let Some(name) = value.get("table").and_then(Value::as_str) {
            let columns: Vec<String> = value["columns"]
                .as_array()
                .ok_or_else(|| bad(format!("line {n}: a table without columns")))?
                .iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect();
            tables.push((name.to_string(), columns, Vec::new()));
            sums.push(Sha256::new());
            continue;
        }
        let (Value::Array(values), Some((_, columns, rows)), Some(sum)) =
            (value, tables.last_mut(), sums.last_mut())
        else {
            return Err(bad(format!("line {n}: a row outside a table")));
        };
        if values.len() != columns.len() {
            return Err(bad(format!(
                "line {n}: {} values for {} columns",
                values.len(),
                columns.len()
            )));
        }
        sum.update(line.as_bytes());
        sum.update(b"\n");
        rows.push(values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}
