//! `onramp buddy …` and `onramp timeoff add`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use chrono::NaiveDate;
use clap::Subcommand;
use onramp_app::{App, Caller, buddy, onboarding};
use onramp_core::access::OnboardingAction;

#[derive(Subcommand)]
pub enum BuddyCommand {
    /// Ranked buddy candidates for a new hire, with reasons, and who is excluded and why.
    Suggest {
        /// The new hire.
        #[arg(long)]
        email: String,
    },
    /// Make someone the new hire's buddy (or backup buddy), ending the current one.
    Assign {
        #[arg(long)]
        email: String,
        #[arg(long, value_name = "EMAIL")]
        buddy: String,
        /// Assign the backup buddy, who stands in during the buddy's absences.
        #[arg(long)]
        backup: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// End the buddy (or backup buddy) assignment without a successor.
    End {
        #[arg(long)]
        email: String,
        #[arg(long)]
        backup: bool,
    },
}

#[derive(Subcommand)]
pub enum TimeOffCommand {
    /// Record time off (buddy suggestions skip people away in a hire's first weeks).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

fn date(flag: &str, value: &str) -> CliResult<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| CliError::Usage(format!("{flag}: expected YYYY-MM-DD, got `{value}`")))
}

pub async fn run(command: BuddyCommand, settings: &Settings, json: bool) -> CliResult<()> {
    serve::with_app(settings, |app| async move {
        run_with(&app, command, json).await
    })
    .await
}

async fn run_with(app: &App, command: BuddyCommand, json: bool) -> CliResult<()> {
    let by = Caller::Operator;
    match command {
        BuddyCommand::Suggest { email } => {
            let loaded = onboarding::running_of(app, by, &email, OnboardingAction::AssignBuddy)
                .await
                .map_err(CliError::flagged)?;
            let (hire, onboarding) = (&loaded.person, &loaded.onboarding);
            let s = buddy::suggestions(app, &loaded).await?;
            if json {
                return print_json(&s);
            }
            println!(
                "Buddy candidates for {} (starts {}):",
                hire.name, onboarding.start_date
            );
            if let Some(m) = &s.message {
                println!("  {m}");
            }
            for (n, c) in s.candidates.iter().enumerate() {
                println!("{:>3}. {} <{}>  score {}", n + 1, c.name, c.email, c.score);
                println!("     {}", c.reasons.join("; "));
            }
            if !s.excluded.is_empty() {
                println!("Not suggested:");
                for e in &s.excluded {
                    println!("  - {} <{}>: {}", e.name, e.email, e.reason);
                }
            }
            Ok(())
        }
        BuddyCommand::Assign {
            email,
            buddy,
            backup,
            note,
        } => {
            let loaded = onboarding::running_of(app, by, &email, OnboardingAction::AssignBuddy)
                .await
                .map_err(CliError::flagged)?;
            let (hire, onboarding) = (&loaded.person, &loaded.onboarding);
            let b = buddy::assign(app, by, onboarding.id, Some(&buddy), backup, &note)
                .await
                .map_err(CliError::flagged)?
                .ok_or_else(|| CliError::Usage("--buddy: name the buddy".into()))?;
            let what = if backup { "backup buddy" } else { "buddy" };
            if json {
                return print_json(
                    &serde_json::json!({"onboarding": onboarding.id, what: b.email}),
                );
            }
            println!("{} is now {}'s {what}.", b.name, hire.name);
            Ok(())
        }
        BuddyCommand::End { email, backup } => {
            let loaded = onboarding::running_of(app, by, &email, OnboardingAction::AssignBuddy)
                .await
                .map_err(CliError::flagged)?;
            let hire = &loaded.person;
            buddy::assign(app, by, loaded.onboarding.id, None, backup, "").await?;
            if !json {
                println!(
                    "{}'s {} assignment has ended.",
                    hire.name,
                    if backup { "backup buddy" } else { "buddy" }
                );
            }
            Ok(())
        }
    }
}

pub async fn run_time_off(
    command: TimeOffCommand,
    settings: &Settings,
    json: bool,
) -> CliResult<()> {
    let TimeOffCommand::Add {
        email,
        from,
        to,
        note,
    } = command;
    let (from, to) = (date("--from", &from)?, date("--to", &to)?);
    serve::with_app(settings, |app| async move {
        let (id, p) = buddy::record_time_off(&app, Caller::Operator, &email, from, to, &note)
            .await
            .map_err(CliError::flagged)?;
        if json {
            print_json(&serde_json::json!({"id": id, "email": email, "from": from, "to": to}))
        } else {
            println!("Recorded time off for {} from {from} to {to}.", p.name);
            Ok(())
        }
    })
    .await
}
