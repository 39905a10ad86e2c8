//! `onramp learning import` (a learning platform's CSV export) and
//! `onramp webinar add | list`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use clap::Subcommand;
use onramp_app::learning::{CompletionImport, import_completions};
use onramp_app::webinar::WebinarInput;
use onramp_app::{App, Caller};
use onramp_core::learning::read_export;
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

/// What an import of one file did.
#[derive(Debug, Serialize)]
struct ImportReport {
    file: String,
    #[serde(flatten)]
    outcome: CompletionImport,
}

/// Reads and checks the export, then hands its rows to the use case.
async fn import(app: &App, file: &Path, dry_run: bool) -> CliResult<ImportReport> {
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
    let outcome = import_completions(app, Caller::Operator, &rows, dry_run).await?;
    Ok(ImportReport {
        file: name,
        outcome,
    })
}

pub async fn run(command: LearningCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let LearningCommand::Import { file, dry_run } = command;
    let report = serve::with_app(
        settings,
        |app| async move { import(&app, &file, dry_run).await },
    )
    .await?;
    if json {
        return print_json(&report);
    }
    let outcome = &report.outcome;
    for s in &outcome.skipped {
        eprintln!(
            "{}:{}: skipped {} / {}: {}",
            report.file, s.line, s.email, s.module, s.reason
        );
    }
    if outcome.dry_run {
        println!(
            "{} completed rows checked ({} new); nothing stored (--dry-run); {} would be skipped.",
            outcome.rows,
            outcome.new,
            outcome.skipped.len()
        );
    } else {
        println!(
            "Imported {} module completions ({} new) from {} completed rows; {} skipped.",
            outcome.imported,
            outcome.new,
            outcome.rows,
            outcome.skipped.len()
        );
    }
    Ok(())
}

pub async fn run_webinar(
    command: WebinarCommand,
    settings: &Settings,
    json: bool,
) -> CliResult<()> {
    serve::with_app(
        settings,
        |app| async move { webinar(&app, command, json).await },
    )
    .await
}

/// The webinar fields whose flags have other names.
const WEBINAR_FLAGS: &[(&str, &str)] = &[("starts_at", "start"), ("duration_minutes", "duration")];

async fn webinar(app: &App, command: WebinarCommand, json: bool) -> CliResult<()> {
    match command {
        WebinarCommand::Add {
            title,
            start,
            time_zone,
            duration,
            host,
            registration_url,
        } => {
            let input = WebinarInput {
                title,
                starts_at: start,
                time_zone: Some(time_zone),
                duration_minutes: duration.to_string(),
                host,
                registration_url,
            };
            let w = onramp_app::webinar::add(app, Caller::Operator, &input)
                .await
                .map_err(CliError::flagged_as(WEBINAR_FLAGS))?;
            if json {
                print_json(&w)
            } else {
                println!("Added webinar {} at {}.", w.id, w.starts_at);
                Ok(())
            }
        }
        WebinarCommand::List => {
            let list = onramp_app::webinar::schedule(app).await?;
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
