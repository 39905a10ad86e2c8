//! `onramp user …`, `onramp token …`, `onramp holiday …` and `onramp sweep`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::serve::open_store;
use chrono::{Duration, NaiveDate, Utc};
use clap::Subcommand;
use onramp_core::people::Role;
use onramp_store::{NewPerson, Store};

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

async fn account_by_email(store: &Store, email: &str) -> CliResult<onramp_store::Account> {
    let person = store
        .person_by_email(email)
        .await?
        .ok_or_else(|| CliError::Usage(format!("no person has the email {email}")))?;
    store.account_of_person(person.id).await?.ok_or_else(|| {
        CliError::Usage(format!(
            "{email} has no account; add one with `onramp user add`"
        ))
    })
}

pub async fn run_user(command: UserCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let store = open_store(settings).await?;
    let result = user(&store, command, json).await;
    store.close().await;
    result
}

// Long: one match over the `user` subcommands; each arm is a few lines.
async fn user(store: &Store, command: UserCommand, json: bool) -> CliResult<()> {
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
            // The domain's text rules, named by the flag that gave the value.
            onramp_core::text::check_email("--email", email.trim())
                .and_then(|()| onramp_core::text::check("--name", &name, onramp_core::text::NAME))
                .and_then(|()| {
                    onramp_core::text::check("--job-role", &job_role, onramp_core::text::NAME)
                })
                .map_err(|e| CliError::Usage(e.to_string()))?;
            let roles = parse_roles(&roles)?;
            if roles.is_empty() {
                return Err(CliError::Usage("--roles: name at least one role".into()));
            }
            if !onramp_core::onboarding::is_time_zone(&time_zone) {
                return Err(CliError::Usage(format!(
                    "--time-zone: `{time_zone}` is not an IANA time zone such as Europe/Berlin"
                )));
            }
            if let Some(s) = &segment
                && !onramp_core::people::SEGMENTS.contains(&s.as_str())
            {
                return Err(CliError::Usage(format!(
                    "--segment: `{s}` is not a segment ({})",
                    onramp_core::people::SEGMENTS.join(", ")
                )));
            }
            if let Some(r) = &region
                && !onramp_core::people::REGIONS.contains(&r.as_str())
            {
                return Err(CliError::Usage(format!(
                    "--region: `{r}` is not a region ({})",
                    onramp_core::people::REGIONS.join(", ")
                )));
            }
            let manager_id = match &manager {
                Some(m) => Some(
                    store
                        .person_by_email(m)
                        .await?
                        .ok_or_else(|| {
                            CliError::Usage(format!("--manager: no person has the email {m}"))
                        })?
                        .id,
                ),
                None => None,
            };
            let hash = match &password {
                Some(p) => {
                    onramp_store::accounts::check_password_rules(p)
                        .map_err(|e| CliError::Usage(format!("--{e}")))?;
                    Some(onramp_store::accounts::hash_password(p))
                }
                None => None,
            };
            let existing = store.person_by_email(&email).await?;
            let (person, _) = store
                .upsert_person(
                    None,
                    &NewPerson {
                        email: email.clone(),
                        name,
                        department: existing
                            .as_ref()
                            .map(|p| p.department.clone())
                            .unwrap_or_else(|| "Customer Success".into()),
                        job_role,
                        segment,
                        region,
                        time_zone,
                        start_date: existing.as_ref().and_then(|p| p.start_date),
                        manager_id: manager_id.or(existing.as_ref().and_then(|p| p.manager_id)),
                    },
                )
                .await?;
            let account = store
                .upsert_account(None, person.id, &roles, hash.as_deref())
                .await?;
            let link = if hash.is_none() {
                Some(
                    store
                        .create_password_reset(account.id, Duration::days(3))
                        .await?,
                )
            } else {
                None
            };
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
            let accounts = store.list_accounts().await?;
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
            let account = account_by_email(store, &email).await?;
            store.disable_account(None, account.id).await?;
            println!("Disabled {email}: its sessions ended and its tokens were revoked.");
            Ok(())
        }
        UserCommand::SetRoles { email, roles } => {
            let account = account_by_email(store, &email).await?;
            let roles = parse_roles(&roles)?;
            let updated = store
                .upsert_account(None, account.person_id, &roles, None)
                .await?;
            println!("{email} now has the roles {}.", updated.roles);
            Ok(())
        }
        UserCommand::ResetPassword { email, base_url } => {
            let account = account_by_email(store, &email).await?;
            let secret = store
                .create_password_reset(account.id, Duration::hours(24))
                .await?;
            println!("{}/reset/{secret}", base_url.trim_end_matches('/'));
            Ok(())
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
    let store = open_store(settings).await?;
    let result = async {
        let account = account_by_email(&store, &email).await?;
        let (secret, token) = store.create_api_token(account.id, &name, &scope).await?;
        if json {
            crate::print_json(
                &serde_json::json!({"token": secret, "id": token.id, "scope": token.scope}),
            )
        } else {
            println!("{secret}");
            Ok(())
        }
    }
    .await;
    store.close().await;
    result
}

pub async fn run_holiday(
    command: HolidayCommand,
    settings: &Settings,
    json: bool,
) -> CliResult<()> {
    let store = open_store(settings).await?;
    let result = async {
        match command {
            HolidayCommand::Add { region, date, name } => {
                let day = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| {
                    CliError::Usage(format!("--date: `{date}` is not a date as YYYY-MM-DD"))
                })?;
                if region != "ALL" && !onramp_core::people::REGIONS.contains(&region.as_str()) {
                    return Err(CliError::Usage(format!(
                        "--region: `{region}` is not a region (ALL, {})",
                        onramp_core::people::REGIONS.join(", ")
                    )));
                }
                store.add_holiday(&region, day, &name).await?;
                println!("Holiday {day} added for {region}; new due dates skip it.");
                Ok(())
            }
            HolidayCommand::List => {
                let rows = store.holidays().await?;
                if json {
                    return crate::print_json(&rows);
                }
                for (region, day, name) in rows {
                    println!("{region:<7} {day} {name}");
                }
                Ok(())
            }
        }
    }
    .await;
    store.close().await;
    result
}

pub async fn run_sweep(settings: &Settings, auto_close_days: u32, json: bool) -> CliResult<()> {
    let store = open_store(settings).await?;
    let result = store.sweep(Utc::now(), auto_close_days).await;
    store.close().await;
    let report = result?;
    if json {
        crate::print_json(&report)
    } else {
        println!(
            "Escalated {} overdue compliance-critical task(s); closed {} onboarding(s).",
            report.escalated_tasks, report.closed_onboardings
        );
        Ok(())
    }
}
