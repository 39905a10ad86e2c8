//! `onramp backup FILE` and `onramp restore FILE` (format: onramp_store::backup).

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use std::io::{BufReader, BufWriter};
use std::path::Path;

pub async fn backup(settings: &Settings, file: &Path, json: bool) -> CliResult<()> {
    let store = serve::open_store(settings).await?;
    // Written beside the target and moved into place once complete, so a
    // failed backup never leaves a half file under the name.
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temporary = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| CliError::Usage(format!("{}: cannot write here: {e}", dir.display())))?;
    let mut out = BufWriter::new(temporary.as_file());
    let result = store.backup(&mut out).await;
    drop(out);
    store.close().await;
    let report = result?;
    temporary
        .persist(file)
        .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    if json {
        return print_json(&report);
    }
    let rows: usize = report.tables.values().sum();
    println!(
        "Backed up {rows} rows of {} tables (schema version {}) to {}.",
        report.tables.len(),
        report.schema_version,
        file.display()
    );
    Ok(())
}

pub async fn restore(settings: &Settings, file: &Path, json: bool) -> CliResult<()> {
    let input = std::fs::File::open(file)
        .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    let store = serve::open_store(settings).await?;
    let result = store.restore(&mut BufReader::new(input)).await;
    store.close().await;
    let report = result.map_err(|e| match CliError::from(e) {
        CliError::Usage(m) => CliError::Usage(format!("{}: {m}", file.display())),
        other => other,
    })?;
    if json {
        return print_json(&report);
    }
    let rows: usize = report.tables.values().sum();
    println!(
        "Restored {rows} rows of {} tables from {} (schema version {}).",
        report.tables.len(),
        file.display(),
        report.schema_version
    );
    Ok(())
}
