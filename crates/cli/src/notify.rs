//! `onramp notify test --email E`: one email through the configured server;
//! `notify digests` and `notify flush`: the worker's two jobs, run once.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::serve::with_app;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use onramp_app::notify::deliver::{Mailer, Round, deliver_due, make_digests, send_test};
use std::time::Instant;

#[derive(Subcommand)]
pub enum NotifyCommand {
    /// Send a test email through the mail server of ONRAMP_SMTP_URL and
    /// print what the server answered.
    Test {
        /// Where to send it.
        #[arg(long)]
        email: String,
    },
    /// Make the daily digests that are due now (the server does this every
    /// few seconds; each person's digest is made once a day).
    Digests {
        /// The time to make them for (RFC 3339, e.g. 2026-12-14T08:00:00Z),
        /// instead of now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Send everything in the outbox that is due, until nothing is left
    /// (email through ONRAMP_SMTP_URL, or kept for the mail preview; chat
    /// to its hooks), and print how many went and how fast.
    Flush {
        /// Send what is due at this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
    },
}

/// `--at`, or now.
fn at(value: Option<&str>) -> CliResult<DateTime<Utc>> {
    match value {
        None => Ok(Utc::now()),
        Some(text) => DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                CliError::Usage(format!(
                    "--at: `{text}` is not a time like 2026-12-14T08:00:00Z: {e}"
                ))
            }),
    }
}

pub async fn run(command: NotifyCommand, settings: &Settings, json: bool) -> CliResult<()> {
    match command {
        NotifyCommand::Test { email } => test(&email, settings, json).await,
        NotifyCommand::Digests { at: when } => {
            let when = at(when.as_deref())?;
            with_app(settings, |app| async move {
                let began = Instant::now();
                let made = make_digests(&app, when).await?;
                let seconds = began.elapsed().as_secs_f64();
                if json {
                    crate::print_json(&serde_json::json!({"made": made, "seconds": seconds}))
                } else {
                    println!("Made {made} daily digest(s) in {seconds:.2} s.");
                    Ok(())
                }
            })
            .await
        }
        NotifyCommand::Flush { at: when } => {
            let when = at(when.as_deref())?;
            let mailer = settings.mailer.clone();
            let base = settings.public_url.clone();
            with_app(settings, |app| async move {
                let began = Instant::now();
                let mut total = Round::default();
                loop {
                    let round = deliver_due(&app, &mailer, &base, when).await?;
                    let done = round.sent + round.kept + round.retried + round.failed;
                    total.sent += round.sent;
                    total.kept += round.kept;
                    total.retried += round.retried;
                    total.failed += round.failed;
                    if done == 0 {
                        break;
                    }
                }
                let seconds = began.elapsed().as_secs_f64();
                let handled = total.sent + total.kept + total.retried + total.failed;
                let rate = handled as f64 / seconds.max(1e-9);
                if json {
                    crate::print_json(&serde_json::json!({
                        "round": total, "seconds": seconds, "per_second": rate,
                    }))
                } else {
                    println!(
                        "Sent {}, kept for the preview {}, to retry {}, failed {} in {seconds:.2} s ({rate:.0} per second).",
                        total.sent, total.kept, total.retried, total.failed
                    );
                    Ok(())
                }
            })
            .await
        }
    }
}

async fn test(email: &str, settings: &Settings, json: bool) -> CliResult<()> {
    if matches!(settings.mailer, Mailer::Preview) {
        return Err(CliError::Usage(
            "no mail server is configured: set ONRAMP_SMTP_URL (or smtp_url in onramp.toml); without one, emails are kept for the mail preview at /admin/mail".into(),
        ));
    }
    let server = settings.mail_server.clone().unwrap_or_default();
    let answer = send_test(&settings.mailer, email, email, &settings.public_url)
        .await
        .map_err(|e| CliError::Failed(format!("{server}: {e}")))?;
    if json {
        crate::print_json(&serde_json::json!({"server": server, "to": email, "answer": answer}))
    } else {
        println!("{server} accepted the test email to {email}: {answer}");
        Ok(())
    }
}
