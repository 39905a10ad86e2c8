//! `onramp onboarding …`: start, list, show and export onboardings.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::serve::with_app;
use chrono::{NaiveDate, Utc};
use clap::{Subcommand, ValueEnum};
use onramp_app::{App, Caller, onboarding};
use onramp_store::{OnboardingFilter, StartRequest};

#[derive(Subcommand)]
pub enum OnboardingCommand {
    /// Start an onboarding for a person (the program is chosen by their segment and region).
    Create {
        /// The new hire's email (the person must exist: see `onramp user add`).
        #[arg(long)]
        email: String,
        /// The first day, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        start: String,
        /// The manager's email (default: the person's manager).
        #[arg(long, value_name = "EMAIL")]
        manager: Option<String>,
        /// The People Connect member's email.
        #[arg(long, value_name = "EMAIL")]
        people_connect: Option<String>,
        /// The Enablement program manager's email.
        #[arg(long, value_name = "EMAIL")]
        enablement: Option<String>,
        /// The buddy's email.
        #[arg(long, value_name = "EMAIL")]
        buddy: Option<String>,
        /// A program id instead of the one for the person's segment and region.
        #[arg(long, value_name = "ID")]
        program: Option<String>,
    },
    /// List onboardings with their progress, newest start first.
    List {
        /// How many to show.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Show one onboarding with its tasks.
    Show {
        /// The onboarding's id.
        id: i64,
    },
    /// Write an onboarding as a GitLab issue description (a section per phase, `- [ ]` items).
    Export {
        /// The onboarding's id.
        id: i64,
        /// Output format.
        #[arg(long, value_enum, default_value = "gitlab")]
        format: ExportFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// GitLab-flavoured Markdown that `onramp program import-gitlab` reads back.
    Gitlab,
}

pub async fn run(command: OnboardingCommand, settings: &Settings, json: bool) -> CliResult<()> {
    with_app(settings, |app| async move {
        run_with(&app, command, json).await
    })
    .await
}

/// The person with this email, named by the flag that gave it.
async fn person_id(app: &App, flag: &str, email: Option<&str>) -> CliResult<Option<i64>> {
    onboarding::person_id_by_email(app, flag, email)
        .await
        .map_err(|e| match e {
            onramp_app::Error::Invalid { .. } => CliError::Usage(e.to_string()),
            other => other.into(),
        })
}

// Long: one match over the subcommands; each arm is a few lines.
async fn run_with(app: &App, command: OnboardingCommand, json: bool) -> CliResult<()> {
    let by = Caller::Operator;
    match command {
        OnboardingCommand::Create {
            email,
            start,
            manager,
            people_connect,
            enablement,
            buddy,
            program,
        } => {
            let start_date = NaiveDate::parse_from_str(&start, "%Y-%m-%d").map_err(|_| {
                CliError::Usage(format!("--start: `{start}` is not a date as YYYY-MM-DD"))
            })?;
            let person = person_id(app, "--email", Some(&email))
                .await?
                .ok_or_else(|| CliError::Usage("--email is required".into()))?;
            let request = StartRequest {
                person_id: person,
                start_date,
                manager_id: person_id(app, "--manager", manager.as_deref()).await?,
                people_connect_id: person_id(app, "--people-connect", people_connect.as_deref())
                    .await?,
                enablement_id: person_id(app, "--enablement", enablement.as_deref()).await?,
                buddy_id: person_id(app, "--buddy", buddy.as_deref()).await?,
                program,
            };
            let warnings = onboarding::start_warnings(app, by, &request).await?;
            let o = onboarding::start(app, by, &request).await?;
            let (_, _, tasks) = onboarding::record(app, by, o.id).await?;
            // What People Connect would have been asked to look at on the page.
            for w in &warnings {
                eprintln!("Note: {}", w.message);
            }
            if json {
                crate::print_json(
                    &serde_json::json!({"onboarding": o, "tasks": tasks.len(), "warnings": warnings}),
                )
            } else {
                println!(
                    "Started onboarding {} for {email} on {start_date}: {} tasks, last due {}.",
                    o.id,
                    tasks.len(),
                    o.due_date.map_or("-".to_string(), |d| d.to_string())
                );
                Ok(())
            }
        }
        OnboardingCommand::List { limit } => {
            let rows = onboarding::list(
                app,
                by,
                &OnboardingFilter::All,
                Utc::now().date_naive(),
                limit.clamp(1, 10_000),
                0,
            )
            .await?
            .rows;
            if json {
                return crate::print_json(&rows);
            }
            if rows.is_empty() {
                println!(
                    "No onboardings yet. Start one with `onramp onboarding create --email E --start YYYY-MM-DD`."
                );
            }
            for r in rows {
                println!(
                    "{:>5}  {:<24} {:<11} {:>3}%  {:>3}/{:<3} overdue {:<3} {}",
                    r.id,
                    r.person_name,
                    r.start_date,
                    r.percent(),
                    r.finished_tasks,
                    r.total_tasks,
                    r.overdue_tasks,
                    r.status
                );
            }
            Ok(())
        }
        OnboardingCommand::Show { id } => {
            let (o, person, tasks) = onboarding::record(app, by, id).await?;
            if json {
                return crate::print_json(
                    &serde_json::json!({"onboarding": o, "person": person, "tasks": tasks}),
                );
            }
            let done = tasks
                .iter()
                .filter(|t| matches!(t.status.as_str(), "done" | "skipped"))
                .count();
            println!(
                "Onboarding {id}: {} <{}>, started {}, {} ({done}/{} tasks finished)",
                person.name,
                person.email,
                o.start_date,
                o.status,
                tasks.len()
            );
            let mut phase = String::new();
            for t in &tasks {
                if t.phase != phase {
                    phase = t.phase.clone();
                    println!("\n{phase}");
                }
                println!(
                    "  [{:<7}] {} {:<14} {}",
                    t.status, t.due_date, t.owner_role, t.title
                );
            }
            Ok(())
        }
        OnboardingCommand::Export {
            id,
            format: ExportFormat::Gitlab,
        } => {
            print!("{}", onboarding::export_gitlab(app, by, id).await?);
            Ok(())
        }
    }
}
