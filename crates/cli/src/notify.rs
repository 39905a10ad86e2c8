//! `onramp notify test --email E`: one email through the configured server.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use clap::Subcommand;
use onramp_app::notify::deliver::{Mailer, send_test};

#[derive(Subcommand)]
pub enum NotifyCommand {
    /// Send a test email through the mail server of ONRAMP_SMTP_URL and
    /// print what the server answered.
    Test {
        /// Where to send it.
        #[arg(long)]
        email: String,
    },
}

pub async fn run(command: NotifyCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let NotifyCommand::Test { email } = command;
    if matches!(settings.mailer, Mailer::Preview) {
        return Err(CliError::Usage(
            "no mail server is configured: set ONRAMP_SMTP_URL (or smtp_url in onramp.toml); without one, emails are kept for the mail preview at /admin/mail".into(),
        ));
    }
    let server = settings.mail_server.clone().unwrap_or_default();
    let answer = send_test(&settings.mailer, &email, &email, &settings.public_url)
        .await
        .map_err(|e| CliError::Failed(format!("{server}: {e}")))?;
    if json {
        crate::print_json(&serde_json::json!({"server": server, "to": email, "answer": answer}))
    } else {
        println!("{server} accepted the test email to {email}: {answer}");
        Ok(())
    }
}
