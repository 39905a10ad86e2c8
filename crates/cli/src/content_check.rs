//! `onramp content check [DIR]`: stale entries and broken internal links in
//! a content pack (the built-in one by default). Exits 1 when there are any,
//! so the content repository's CI can run it.

use crate::config::Settings;
use crate::content::{CONTENT, embedded_program_dir, read_program_dir};
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use clap::Subcommand;
use onramp_core::catalogue::{Catalogues, FILES, parse_catalogues};
use onramp_core::program::Program;
use onramp_handbook::freshness;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ContentCommand {
    /// List entries not reviewed for --max-age-days and internal links that
    /// point to no imported handbook page; exit 1 when there are any.
    Check {
        /// A content pack folder (with catalogues/ and programs/); the
        /// built-in pack when left out.
        dir: Option<PathBuf>,
        /// Entries reviewed longer ago than this are stale.
        #[arg(long, default_value_t = freshness::DEFAULT_MAX_AGE_DAYS)]
        max_age_days: i64,
    },
}

fn load_dir(dir: &Path) -> CliResult<(Catalogues, Vec<(String, Program)>)> {
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is not a folder",
            dir.display()
        )));
    }
    let files: Vec<(String, String)> = FILES
        .iter()
        .filter_map(|name| {
            let path = dir.join("catalogues").join(name);
            std::fs::read_to_string(&path)
                .ok()
                .map(|t| (format!("catalogues/{name}"), t))
        })
        .collect();
    let catalogues = parse_catalogues(&files).map_err(|d| {
        CliError::Usage(
            d.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let mut programs = Vec::new();
    if let Ok(read) = std::fs::read_dir(dir.join("programs")) {
        let mut dirs: Vec<PathBuf> = read
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for d in dirs {
            let files = read_program_dir(&d)?;
            let program =
                crate::content::parse(&files).map_err(|p| CliError::Usage(p.join("\n")))?;
            programs.push((
                format!(
                    "programs/{}",
                    d.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                ),
                program,
            ));
        }
    }
    Ok((catalogues, programs))
}

fn load_builtin() -> CliResult<(Catalogues, Vec<(String, Program)>)> {
    let catalogues = crate::cert::builtin_catalogues()?;
    let mut programs = Vec::new();
    if let Some(dir) = CONTENT.get_dir("programs") {
        for sub in dir.dirs() {
            let path = sub.path().to_string_lossy().replace('\\', "/");
            let files = embedded_program_dir(&path)?;
            let program =
                crate::content::parse(&files).map_err(|p| CliError::Failed(p.join("\n")))?;
            programs.push((path, program));
        }
    }
    Ok((catalogues, programs))
}

pub async fn run(command: ContentCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let ContentCommand::Check { dir, max_age_days } = command;
    if max_age_days < 0 {
        return Err(CliError::Usage("--max-age-days: must be 0 or more".into()));
    }
    let (catalogues, programs) = match &dir {
        Some(d) => load_dir(d)?,
        None => load_builtin()?,
    };
    let all = freshness::entries(&catalogues, &programs);
    let today = chrono::Utc::now().date_naive();
    let urls = serve::with_app(settings, |app| async move {
        Ok(onramp_app::handbook::imported_urls(&app.store).await?)
    })
    .await?;
    let report = freshness::check(&all, today, max_age_days, urls.as_ref());
    if json {
        print_json(&report)?;
    } else {
        for s in &report.stale {
            println!(
                "stale: {}: {} (owner {}, reviewed {}, {} days ago)",
                s.file, s.entry, s.owner, s.reviewed_at, s.days
            );
        }
        for b in &report.broken_links {
            println!("broken link: {}: {} → {}", b.file, b.entry, b.url);
        }
        if !report.handbook_imported {
            eprintln!(
                "note: no handbook is imported, so internal links were not checked (onramp handbook import DIR)"
            );
        }
        eprintln!(
            "{} entries: {} stale (older than {max_age_days} days), {} of {} internal links broken.",
            report.entries,
            report.stale.len(),
            report.broken_links.len(),
            report.links_checked
        );
    }
    if report.is_clean() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{} stale entries and {} broken links",
            report.stale.len(),
            report.broken_links.len()
        )))
    }
}
