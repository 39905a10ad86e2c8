//! `onramp user …`, `onramp token …`, `onramp holiday …` and `onramp sweep`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::serve::with_app;
use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use onramp_app::{App, Caller, account};
use onramp_core::people::Role;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a person with an account (or update their name and roles), and print a link to set a password.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Comma-separated: new-hire, buddy, manager, people-connect, enablement, admin.
        #[arg(long, value_delimiter = ',')]
        roles: Vec<String>,
        /// Set this password instead of printing a reset link (at least 12 characters).
        #[arg(long, env = "ONRAMP_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// The person's segment (Scale, Mid-Touch, Strategic).
        #[arg(long)]
        segment: Option<String>,
        /// The person's region (AMER, EMEA, DACH, APJ, PubSec).
        #[arg(long)]
        region: Option<String>,
        /// IANA time zone, e.g. Europe/Berlin.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
        /// Job role, e.g. CSM.
        #[arg(long, default_value = "")]
        job_role: String,
        /// The manager's email.
        #[arg(long)]
        manager: Option<String>,
    },
    /// List accounts with their roles.
    List,
    /// Disable an account: its sessions end and its tokens are revoked.
    Disable { email: String },
    /// Replace an account's roles.
    SetRoles {
        email: String,
        /// Comma-separated role names.
        #[arg(value_delimiter = ',')]
        roles: Vec<String>,
    },
    /// Print a one-time link to set a new password (valid for 24 hours).
    ResetPassword {
        email: String,
        /// The server's address, to print a full URL.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// Email the link to the person (through ONRAMP_SMTP_URL) instead of
        /// printing it; a link that cannot be sent is printed.
        #[arg(long)]
        send: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a person; the token is printed once on stdout.
    Create {
        #[arg(long)]
        email: String,
        /// read or write.
        #[arg(long, default_value = "read")]
        scope: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum HolidayCommand {
    /// Add a holiday for a region (ALL for everyone); due dates skip it.
    Add {
        #[arg(long)]
        region: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List holidays by region.
    List,
}

pub fn parse_roles(text: &[String]) -> CliResult<Vec<Role>> {
    let mut roles = Vec::new();
    for name in text.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let role: Role = name
            .parse()
            .map_err(|e| CliError::Usage(format!("--roles: {e}")))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

pub async fn run_user(command: UserCommand, settings: &Settings, json: bool) -> CliResult<()> {
    with_app(
        settings,
        |app| async move { user(&app, command, json).await },
    )
    .await
}

// Long: one match over the `user` subcommands; each arm is a few lines.
async fn user(app: &App, command: UserCommand, json: bool) -> CliResult<()> {
    let by = Caller::Operator;
    match command {
        UserCommand::Add {
            email,
            name,
            roles,
            password,
            segment,
            region,
            time_zone,
            job_role,
            manager,
        } => {
            let enrolment = account::Enrolment {
                email,
                name,
                job_role,
                roles: parse_roles(&roles)?,
                password,
                segment,
                region,
                time_zone,
                manager_email: manager,
            };
            let (account, link) = account::enrol(app, by, &enrolment)
                .await
                .map_err(CliError::flagged)?;
            if json {
                return crate::print_json(
                    &serde_json::json!({"account": account, "reset_path": link.map(|l| format!("/reset/{l}"))}),
                );
            }
            println!(
                "Account for {} with roles {}.",
                account.email, account.roles
            );
            if let Some(l) = link {
                println!("Set the password at /reset/{l} (valid for 3 days, once).");
            }
            Ok(())
        }
        UserCommand::List => {
            let accounts = account::accounts(app, by).await?;
            if json {
                return crate::print_json(&accounts);
            }
            for a in accounts {
                println!(
                    "{:<32} {:<24} {:<40} {}",
                    a.email,
                    a.name,
                    a.roles,
                    if a.disabled_at.is_some() {
                        "disabled"
                    } else {
                        "active"
                    }
                );
            }
            Ok(())
        }
        UserCommand::Disable { email } => {
            let found = account::by_email(app, by, &email)
                .await
                .map_err(CliError::positional)?;
            account::disable(app, by, found.id).await?;
            println!("Disabled {email}: its sessions ended and its tokens were revoked.");
            Ok(())
        }
        UserCommand::SetRoles { email, roles } => {
            let found = account::by_email(app, by, &email)
                .await
                .map_err(CliError::positional)?;
            let roles = parse_roles(&roles)?;
            let updated = account::set_roles(app, by, found.id, &roles).await?;
            println!("{email} now has the roles {}.", updated.roles);
            Ok(())
        }
        UserCommand::ResetPassword {
            email,
            base_url,
            send,
        } => {
            let found = account::by_email(app, by, &email)
                .await
                .map_err(CliError::positional)?;
            let base = base_url.trim_end_matches('/');
            if !send {
                let secret = account::reset_link(app, by, found.id).await?;
                println!("{base}/reset/{secret}");
                return Ok(());
            }
            match account::email_reset_link(app, by, found.id, base).await? {
                account::ResetMail::Sent(to) => {
                    println!("Emailed a new reset link to {to}.");
                    Ok(())
                }
                account::ResetMail::NotSent { secret, why } => {
                    println!("{base}/reset/{secret}");
                    Err(CliError::Failed(format!(
                        "the link was not emailed: {why}; share the link above another way"
                    )))
                }
            }
        }
    }
}

pub async fn run_token(command: TokenCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let TokenCommand::Create { email, scope, name } = command;
    if !matches!(scope.as_str(), "read" | "write") {
        return Err(CliError::Usage(format!(
            "--scope: `{scope}` is not a scope (read or write)"
        )));
    }
    with_app(settings, |app| async move {
        let found = account::by_email(&app, Caller::Operator, &email)
            .await
            .map_err(CliError::positional)?;
        let (secret, token) = account::create_token(&app, found.id, &name, &scope).await?;
        if json {
            crate::print_json(
                &serde_json::json!({"token": secret, "id": token.id, "scope": token.scope}),
            )
        } else {
            println!("{secret}");
            Ok(())
        }
    })
    .await
}

pub async fn run_holiday(
    command: HolidayCommand,
    settings: &Settings,
    json: bool,
) -> CliResult<()> {
    with_app(settings, |app| async move {
        match command {
            HolidayCommand::Add { region, date, name } => {
                let day = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| {
                    CliError::Usage(format!("--date: `{date}` is not a date as YYYY-MM-DD"))
                })?;
                onramp_app::calendar::add_holiday(&app, Caller::Operator, &region, day, &name)
                    .await
                    .map_err(CliError::flagged)?;
                println!("Holiday {day} added for {region}; new due dates skip it.");
                Ok(())
            }
            HolidayCommand::List => {
                let rows = onramp_app::calendar::holidays(&app).await?;
                if json {
                    return crate::print_json(&rows);
                }
                for (region, day, name) in rows {
                    println!("{region:<7} {day} {name}");
                }
                Ok(())
            }
        }
    })
    .await
}

pub async fn run_sweep(settings: &Settings, auto_close_days: u32, json: bool) -> CliResult<()> {
    let report = with_app(settings, |app| async move {
        Ok(onramp_app::onboarding::sweep(&app, Utc::now(), auto_close_days).await?)
    })
    .await?;
    if json {
        crate::print_json(&report)
    } else {
        println!(
            "Escalated {} overdue compliance-critical task(s); closed {} onboarding(s); reminded the owners of {} task(s) due tomorrow and told those of {} overdue task(s); sent {} reminder(s) of sessions starting within the hour; told {} asker(s) their question moves to the next session; recorded {} change(s) of risk level; made {} weekly summary(ies).",
            report.escalated_tasks,
            report.closed_onboardings,
            report.reminded_tasks,
            report.overdue_tasks,
            report.reminded_sessions,
            report.rolled_over_questions,
            report.level_changes,
            report.weekly_summaries
        );
        Ok(())
    }
}
