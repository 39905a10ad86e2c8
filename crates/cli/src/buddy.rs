//! `onramp buddy …` and `onramp timeoff add`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use chrono::NaiveDate;
use clap::Subcommand;
use onramp_core::buddy::{NewHire, Suggestions, suggest};
use onramp_store::{Onboarding, Store};

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

async fn person(store: &Store, flag: &str, email: &str) -> CliResult<onramp_store::Person> {
    store
        .person_by_email(email)
        .await?
        .ok_or_else(|| CliError::Usage(format!("{flag}: no person has the email {email}")))
}

/// The person's running onboarding (the newest when there are several).
async fn onboarding_of(
    store: &Store,
    email: &str,
) -> CliResult<(onramp_store::Person, Onboarding)> {
    let p = person(store, "--email", email).await?;
    let onboarding = store
        .onboardings_of(p.id)
        .await?
        .into_iter()
        .filter(|o| o.status == "active")
        .max_by_key(|o| o.start_date)
        .ok_or_else(|| CliError::Usage(format!("--email: {email} has no running onboarding")))?;
    Ok((p, onboarding))
}

/// Suggestions for an onboarding's new hire.
pub async fn suggestions(
    store: &Store,
    rules: &onramp_core::buddy::BuddyRules,
    hire: &onramp_store::Person,
    onboarding: &Onboarding,
) -> CliResult<Suggestions> {
    let colleagues = store.buddy_colleagues(hire.id).await?;
    Ok(suggest(
        rules,
        &NewHire {
            person_id: hire.id,
            department: hire.department.clone(),
            segment: hire.segment.clone(),
            region: hire.region.clone(),
            time_zone: hire.time_zone.clone(),
            start_date: onboarding.start_date,
            manager_id: onboarding.manager_id,
        },
        &colleagues,
    ))
}

pub async fn run(command: BuddyCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let store = serve::open_store(settings).await?;
    let result = run_with(&store, settings, command, json).await;
    store.close().await;
    result
}

async fn run_with(
    store: &Store,
    settings: &Settings,
    command: BuddyCommand,
    json: bool,
) -> CliResult<()> {
    match command {
        BuddyCommand::Suggest { email } => {
            let (hire, onboarding) = onboarding_of(store, &email).await?;
            let s = suggestions(store, &settings.buddy_rules, &hire, &onboarding).await?;
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
            let (hire, onboarding) = onboarding_of(store, &email).await?;
            let b = person(store, "--buddy", &buddy).await?;
            store
                .assign_buddy(None, onboarding.id, Some(b.id), backup, &note)
                .await?;
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
            let (hire, onboarding) = onboarding_of(store, &email).await?;
            store
                .assign_buddy(None, onboarding.id, None, backup, "")
                .await?;
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
    let store = serve::open_store(settings).await?;
    let result = async {
        let p = person(&store, "--email", &email).await?;
        let id = store.add_time_off(None, p.id, from, to, &note).await?;
        if json {
            print_json(&serde_json::json!({"id": id, "email": email, "from": from, "to": to}))
        } else {
            println!("Recorded time off for {} from {from} to {to}.", p.name);
            Ok(())
        }
    }
    .await;
    store.close().await;
    result
}
