//! `onramp office-hours …` and `onramp calendar feed`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use clap::Subcommand;
use onramp_app::office_hours as oh;
use onramp_app::{App, Caller};
use onramp_core::calendar::parse_local;

#[derive(Subcommand)]
pub enum OfficeHoursCommand {
    /// Schedule recurring office hours.
    Add {
        #[arg(long)]
        title: String,
        /// First session, local time: YYYY-MM-DDTHH:MM.
        #[arg(long)]
        start: String,
        /// IANA time zone of `--start` and the rule (e.g. UTC, Europe/Berlin).
        #[arg(long, default_value = "UTC")]
        time_zone: String,
        /// How often: weekly, fortnightly, monthly (the first session's weekday
        /// of the month), weekdays or daily.
        #[arg(long, default_value = "weekly", conflicts_with = "rrule")]
        repeat: String,
        /// For weekly and fortnightly: the days, e.g. tue,thu (default: the
        /// first session's day).
        #[arg(long, value_delimiter = ',')]
        days: Vec<String>,
        /// The last day of the series, YYYY-MM-DD (default: no end).
        #[arg(long, default_value = "")]
        until: String,
        /// An iCalendar RRULE instead of --repeat, e.g. FREQ=MONTHLY;BYMONTHDAY=1.
        #[arg(long)]
        rrule: Option<String>,
        #[arg(long, default_value_t = 60)]
        duration: u32,
        #[arg(long)]
        video_url: String,
        /// The host's email.
        #[arg(long)]
        host: Option<String>,
    },
    /// Cancel one session, given by its local start (YYYY-MM-DDTHH:MM).
    Cancel {
        #[arg(long)]
        id: i64,
        #[arg(long)]
        session: String,
    },
    /// The scheduled office hours and their next sessions.
    List,
}

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Write a person's iCalendar feed (tasks, office hours, meetings) to stdout.
    Feed {
        #[arg(long)]
        email: String,
        /// Office hours only.
        #[arg(long)]
        office_hours: bool,
    },
}

fn usage(message: String) -> CliError {
    CliError::Usage(message)
}

/// The series fields whose flags have other names.
const SERIES_FLAGS: &[(&str, &str)] = &[("duration_minutes", "duration"), ("host_email", "host")];

pub async fn run(command: OfficeHoursCommand, settings: &Settings, json: bool) -> CliResult<()> {
    serve::with_app(settings, |app| async move {
        run_with(&app, command, json).await
    })
    .await
}

// Long: one match over the subcommands; each arm is a few lines.
async fn run_with(app: &App, command: OfficeHoursCommand, json: bool) -> CliResult<()> {
    match command {
        OfficeHoursCommand::Add {
            title,
            start,
            time_zone,
            repeat,
            days,
            until,
            rrule,
            duration,
            video_url,
            host,
        } => {
            let input = oh::SeriesInput {
                title,
                start,
                time_zone,
                repeat: if rrule.is_some() {
                    String::new()
                } else {
                    repeat
                },
                rrule: rrule.unwrap_or_default(),
                days,
                until,
                duration_minutes: duration.to_string(),
                video_url,
                host_email: host.unwrap_or_default(),
            };
            let series = oh::create_series(app, Caller::Operator, &input)
                .await
                .map_err(CliError::flagged_as(SERIES_FLAGS))?;
            if json {
                return print_json(&series);
            }
            println!(
                "Scheduled office hours {} (id {}): {}.",
                series.title,
                series.id,
                onramp_core::recurrence::in_words(&series.recurrence())
            );
            Ok(())
        }
        OfficeHoursCommand::Cancel { id, session } => {
            let at = parse_local("--session", &session).map_err(usage)?;
            oh::cancel_at(app, Caller::Operator, id, at)
                .await
                .map_err(CliError::flagged)?;
            println!("Cancelled the session of {session}.");
            Ok(())
        }
        OfficeHoursCommand::List => {
            let list = oh::list(app).await?;
            if json {
                return print_json(&list);
            }
            let now = chrono::Utc::now();
            for s in list {
                println!(
                    "{:>3}  {}  {}, {} min",
                    s.id,
                    s.title,
                    onramp_core::recurrence::in_words(&s.recurrence()),
                    s.duration_minutes
                );
                for at in s
                    .recurrence()
                    .occurrences(now, now + chrono::Duration::days(60), 3)
                    .map_err(CliError::Failed)?
                {
                    println!(
                        "       {}",
                        onramp_core::calendar::in_zone(at, &s.time_zone)
                    );
                }
            }
            Ok(())
        }
    }
}

pub async fn run_calendar(command: CalendarCommand, settings: &Settings) -> CliResult<()> {
    let CalendarCommand::Feed {
        email,
        office_hours,
    } = command;
    serve::with_app(settings, |app| async move {
        let person = onramp_app::onboarding::person_id_by_email(&app, "email", Some(&email))
            .await
            .map_err(CliError::flagged)?
            .ok_or_else(|| usage(format!("--email: no person has the email {email}")))?;
        let text = oh::feed_of(&app, person, office_hours).await?;
        print!("{text}");
        Ok(())
    })
    .await
}
