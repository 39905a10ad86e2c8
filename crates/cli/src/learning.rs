//! `onramp learning import` (a learning platform's CSV export) and
//! `onramp webinar add | list`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use chrono::{Duration, Utc};
use clap::Subcommand;
use onramp_core::calendar::{from_local, parse_local};
use onramp_core::catalogue::Catalogues;
use onramp_core::learning::{match_module, read_export};
use onramp_store::{ModuleRecord, NewWebinar, Store};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum LearningCommand {
    /// Record module completions from the learning platform's CSV export.
    ///
    /// Columns are found by header name: the learner's email, the module (its
    /// id or title, e.g. a "Course Title" column), the completion date, and
    /// optionally a certificate or evidence link; other columns are ignored.
    /// A row that cannot be read fails the whole file (nothing is stored);
    /// rows for people without a running onboarding or for courses outside
    /// their pathway are reported and skipped; the rest is stored at once.
    Import {
        file: PathBuf,
        /// Check and report, store nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
pub enum WebinarCommand {
    /// Add a webinar (it appears on /webinars and in everyone's calendar feed).
    Add {
        #[arg(long)]
        title: String,
        /// Local start time, YYYY-MM-DDTHH:MM.
        #[arg(long)]
        start: String,
        /// The time zone of --start (IANA name).
        #[arg(long, default_value = "UTC")]
        time_zone: String,
        /// Length in minutes.
        #[arg(long, default_value_t = 60)]
        duration: i32,
        #[arg(long)]
        host: String,
        #[arg(long)]
        registration_url: Option<String>,
    },
    /// Webinars of the last 30 days and the coming year.
    List,
}

/// A row that was not imported, and why.
#[derive(Debug, Serialize)]
struct Skipped {
    line: u64,
    email: String,
    module: String,
    reason: String,
}

#[derive(Debug, Serialize)]
struct ImportReport {
    file: String,
    rows: usize,
    imported: usize,
    /// Of those, modules that were not recorded before.
    new: usize,
    skipped: Vec<Skipped>,
    dry_run: bool,
}

// Long: reads, matches and reports one learning export; the report needs every step's counts.
async fn import(store: &Store, file: &Path, dry_run: bool) -> CliResult<ImportReport> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Usage(format!("{name}: cannot read: {e}")))?;
    let rows = read_export(&text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("{name}:{e}")).collect();
        CliError::Usage(format!(
            "{}\nnothing was imported ({} problem{})",
            lines.join("\n"),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ))
    })?;
    let catalogues = Catalogues::builtin();
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    for row in &rows {
        let skip = |reason: String| Skipped {
            line: row.line,
            email: row.email.clone(),
            module: row.module.clone(),
            reason,
        };
        let Some(person) = store.person_by_email(&row.email).await? else {
            skipped.push(skip("no person in Onramp has this email".into()));
            continue;
        };
        let running = store
            .onboardings_of(person.id)
            .await?
            .into_iter()
            .filter(|o| o.status == "active")
            .max_by_key(|o| o.start_date);
        let Some(onboarding) = running else {
            skipped.push(skip("has no running onboarding".into()));
            continue;
        };
        let pathway = store
            .enrolment(onboarding.id, person.id, person.segment.as_deref())
            .await?
            .and_then(|id| catalogues.pathway(&id));
        let Some(pathway) = pathway else {
            skipped.push(skip("is not enrolled in a learning pathway".into()));
            continue;
        };
        let Some(module) = match_module(pathway, &row.module) else {
            skipped.push(skip(format!(
                "not a module of the pathway `{}`",
                pathway.id
            )));
            continue;
        };
        records.push(ModuleRecord {
            person_id: person.id,
            pathway_id: pathway.id.clone(),
            module_id: module.id.clone(),
            completed_on: row.completed_on,
            evidence_url: row.evidence_url.clone(),
            source: "import",
        });
    }
    let mut new = 0;
    for r in &records {
        let done = store.module_completions(r.person_id, &r.pathway_id).await?;
        if !done.contains_key(&r.module_id) {
            new += 1;
        }
    }
    let imported = if dry_run {
        0
    } else {
        store.record_modules(None, &records).await?
    };
    Ok(ImportReport {
        file: name,
        rows: rows.len(),
        imported,
        new,
        skipped,
        dry_run,
    })
}

pub async fn run(command: LearningCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let LearningCommand::Import { file, dry_run } = command;
    let store = serve::open_store(settings).await?;
    let report = import(&store, &file, dry_run).await;
    store.close().await;
    let report = report?;
    if json {
        return print_json(&report);
    }
    for s in &report.skipped {
        eprintln!(
            "{}:{}: skipped {} / {}: {}",
            report.file, s.line, s.email, s.module, s.reason
        );
    }
    if report.dry_run {
        println!(
            "{} completed rows checked ({} new); nothing stored (--dry-run); {} would be skipped.",
            report.rows,
            report.new,
            report.skipped.len()
        );
    } else {
        println!(
            "Imported {} module completions ({} new) from {} completed rows; {} skipped.",
            report.imported,
            report.new,
            report.rows,
            report.skipped.len()
        );
    }
    Ok(())
}

pub async fn run_webinar(
    command: WebinarCommand,
    settings: &Settings,
    json: bool,
) -> CliResult<()> {
    let store = serve::open_store(settings).await?;
    let result = webinar(&store, command, json).await;
    store.close().await;
    result
}

async fn webinar(store: &Store, command: WebinarCommand, json: bool) -> CliResult<()> {
    match command {
        WebinarCommand::Add {
            title,
            start,
            time_zone,
            duration,
            host,
            registration_url,
        } => {
            let local = parse_local("--start", &start).map_err(CliError::Usage)?;
            let starts_at = from_local(local, &time_zone)
                .map_err(|m| CliError::Usage(m.replace("time_zone:", "--time-zone:")))?;
            if let Some(u) = &registration_url
                && !(u.starts_with("https://") || u.starts_with("http://"))
            {
                return Err(CliError::Usage(format!(
                    "--registration-url: `{u}` is not an http(s) link"
                )));
            }
            let w = store
                .add_webinar(
                    None,
                    &NewWebinar {
                        title,
                        starts_at,
                        duration_minutes: duration,
                        host,
                        registration_url,
                    },
                )
                .await
                .map_err(|e| match e {
                    onramp_store::StoreError::Invalid(m) => CliError::Usage(m),
                    other => other.into(),
                })?;
            if json {
                print_json(&w)
            } else {
                println!("Added webinar {} at {}.", w.id, w.starts_at);
                Ok(())
            }
        }
        WebinarCommand::List => {
            let now = Utc::now();
            let list = store
                .webinars(now - Duration::days(30), now + Duration::days(365), 500)
                .await?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("No webinars (add one with `onramp webinar add`).");
            }
            for w in list {
                println!(
                    "{}\t{}\t{} min\t{}\t{}",
                    w.id,
                    w.starts_at.format("%Y-%m-%d %H:%M UTC"),
                    w.duration_minutes,
                    w.title,
                    w.recording_url.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
    }
}
