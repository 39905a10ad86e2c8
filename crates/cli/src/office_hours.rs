//! `onramp office-hours …` and `onramp calendar feed`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use clap::Subcommand;
use onramp_core::calendar::{Recurrence, parse_local};

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
        /// iCalendar RRULE, e.g. FREQ=WEEKLY;BYDAY=WE.
        #[arg(long, default_value = "FREQ=WEEKLY")]
        rrule: String,
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

// Long: one match over the subcommands; each arm is a few lines.
pub async fn run(command: OfficeHoursCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let store = serve::open_store(settings).await?;
    let result = async {
        match command {
            OfficeHoursCommand::Add {
                title,
                start,
                time_zone,
                rrule,
                duration,
                video_url,
                host,
            } => {
                let recurrence = Recurrence {
                    rrule,
                    start: parse_local("--start", &start).map_err(usage)?,
                    time_zone,
                    duration_minutes: duration,
                    cancelled: Vec::new(),
                };
                recurrence
                    .validate()
                    .map_err(|e| usage(format!("--{}", e.replacen('_', "-", 1))))?;
                let host_id = match host {
                    Some(email) => Some(
                        store
                            .person_by_email(&email)
                            .await?
                            .ok_or_else(|| {
                                usage(format!("--host: no person has the email {email}"))
                            })?
                            .id,
                    ),
                    None => None,
                };
                let series = store
                    .create_office_hours(None, &title, &recurrence, &video_url, host_id)
                    .await?;
                if json {
                    return print_json(&series);
                }
                println!(
                    "Scheduled office hours {} (id {}).",
                    series.title, series.id
                );
                Ok(())
            }
            OfficeHoursCommand::Cancel { id, session } => {
                let at = parse_local("--session", &session).map_err(usage)?;
                let series = store
                    .office_hours(id)
                    .await?
                    .ok_or_else(|| usage(format!("--id: no office hours {id}")))?;
                let r = series.recurrence();
                let utc = chrono::TimeZone::from_local_datetime(
                    &r.time_zone
                        .parse::<chrono_tz::Tz>()
                        .map_err(|_| usage("time zone".into()))?,
                    &at,
                )
                .earliest()
                .ok_or_else(|| usage("--session: that local time does not exist".into()))?
                .with_timezone(&chrono::Utc);
                let hit = r
                    .occurrences(
                        utc - chrono::Duration::seconds(1),
                        utc + chrono::Duration::seconds(1),
                        2,
                    )
                    .map_err(CliError::Failed)?;
                if !hit.contains(&utc) {
                    return Err(usage(format!(
                        "--session: {session} is not a session of office hours {id}"
                    )));
                }
                store.cancel_session(None, id, at).await?;
                println!("Cancelled the session of {session}.");
                Ok(())
            }
            OfficeHoursCommand::List => {
                let list = store.office_hours_list().await?;
                if json {
                    return print_json(&list);
                }
                let now = chrono::Utc::now();
                for s in list {
                    println!(
                        "{:>3}  {}  {} ({}), {} min",
                        s.id, s.title, s.rrule, s.time_zone, s.duration_minutes
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
    .await;
    store.close().await;
    result
}

pub async fn run_calendar(command: CalendarCommand, settings: &Settings) -> CliResult<()> {
    let CalendarCommand::Feed {
        email,
        office_hours,
    } = command;
    let store = serve::open_store(settings).await?;
    let result = async {
        let person = store
            .person_by_email(&email)
            .await?
            .ok_or_else(|| usage(format!("--email: no person has the email {email}")))?;
        let catalogue = onramp_core::meeting::MeetingCatalogue::shipped();
        let text = onramp_app::office_hours::personal_feed(
            &store,
            &catalogue,
            &settings.public_url,
            person.id,
            office_hours,
        )
        .await
        .map_err(|e| CliError::Failed(e.to_string()))?;
        print!("{text}");
        Ok(())
    }
    .await;
    store.close().await;
    result
}
