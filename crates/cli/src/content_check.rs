//! `onramp content check [DIR]`: stale entries and broken internal links in
//! a content pack (the built-in one by default). Exits 1 when there are any,
//! so the content repository's CI can run it.

use crate::config::Settings;
use crate::content::{CONTENT, embedded_program_dir, read_program_dir};
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use chrono::NaiveDate;
use clap::Subcommand;
use onramp_core::catalogue::{Catalogues, FILES, parse_catalogues};
use onramp_core::program::Program;
use serde::Serialize;
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
        #[arg(long, default_value_t = 182)]
        max_age_days: i64,
    },
}

/// One reviewed entry and its links.
struct Entry {
    file: String,
    id: String,
    owner: String,
    reviewed_at: NaiveDate,
    urls: Vec<String>,
}

#[derive(Serialize)]
struct Stale {
    file: String,
    entry: String,
    owner: String,
    reviewed_at: NaiveDate,
    days: i64,
}

#[derive(Serialize)]
struct Broken {
    file: String,
    entry: String,
    url: String,
}

#[derive(Serialize)]
struct Report {
    entries: usize,
    stale: Vec<Stale>,
    broken_links: Vec<Broken>,
    links_checked: usize,
    /// False when no handbook is imported, so internal links were not checked.
    handbook_imported: bool,
}

fn entries(catalogues: &Catalogues, programs: &[(String, Program)]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut push =
        |file: &str, id: &str, review: &onramp_core::catalogue::Review, urls: Vec<String>| {
            out.push(Entry {
                file: file.to_string(),
                id: id.to_string(),
                owner: review.owner.clone(),
                reviewed_at: review.reviewed_at,
                urls,
            })
        };
    for c in &catalogues.channels {
        push("catalogues/channels.yaml", &c.id, &c.review, Vec::new());
    }
    for r in &catalogues.reading_list {
        push(
            "catalogues/reading-list.yaml",
            &r.id,
            &r.review,
            vec![r.url.clone()],
        );
    }
    for p in &catalogues.product_knowledge {
        push(
            "catalogues/product-knowledge.yaml",
            &p.id,
            &p.review,
            vec![p.url.clone()],
        );
    }
    for c in &catalogues.certifications {
        push(
            "catalogues/certifications.yaml",
            &c.id,
            &c.review,
            vec![c.url.clone()],
        );
    }
    for (path, p) in programs {
        let urls = p
            .tasks
            .iter()
            .flat_map(|t| t.links.iter().map(|l| l.url.clone()))
            .collect();
        out.push(Entry {
            file: format!("{path}/program.md"),
            id: p.id.clone(),
            owner: p.owner.clone(),
            reviewed_at: p.reviewed_at,
            urls,
        });
    }
    out
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
    let all = entries(&catalogues, &programs);
    let today = chrono::Utc::now().date_naive();
    let stale: Vec<Stale> = all
        .iter()
        .filter_map(|e| {
            let days = (today - e.reviewed_at).num_days();
            (days > max_age_days).then(|| Stale {
                file: e.file.clone(),
                entry: e.id.clone(),
                owner: e.owner.clone(),
                reviewed_at: e.reviewed_at,
                days,
            })
        })
        .collect();
    let store = serve::open_store(settings).await?;
    let urls = store.handbook_urls().await;
    let imported = store.handbook_page_count().await.unwrap_or(0) > 0;
    store.close().await;
    let urls = urls?;
    let mut broken = Vec::new();
    let mut checked = 0;
    if imported {
        // Links into the handbook start with one of its top-level folders;
        // others (e.g. Onramp's own /ping/practice) are not the handbook's.
        let roots: std::collections::BTreeSet<&str> = urls
            .paths
            .keys()
            .filter_map(|u| u.trim_start_matches('/').split('/').next())
            .filter(|r| !r.is_empty())
            .collect();
        for e in &all {
            for url in &e.urls {
                let Some(link) = onramp_handbook::links::internal_target("", url) else {
                    continue;
                };
                let root = link
                    .url
                    .trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or_default();
                if !roots.contains(root) {
                    continue;
                }
                checked += 1;
                if urls.path_for(&link.url).is_none() {
                    broken.push(Broken {
                        file: e.file.clone(),
                        entry: e.id.clone(),
                        url: url.clone(),
                    });
                }
            }
        }
    }
    let report = Report {
        entries: all.len(),
        stale,
        broken_links: broken,
        links_checked: checked,
        handbook_imported: imported,
    };
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
        if !imported {
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
    if report.stale.is_empty() && report.broken_links.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{} stale entries and {} broken links",
            report.stale.len(),
            report.broken_links.len()
        )))
    }
}
