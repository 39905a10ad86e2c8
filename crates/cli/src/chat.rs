//! `onramp chat add|list|remove`: the chat channels of programs and teams,
//! which hear who starts and who their buddy is.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::serve::with_app;
use clap::Subcommand;
use onramp_app::Caller;
use onramp_app::notify::chat::{self, ChannelTarget, masked};

#[derive(Subcommand)]
pub enum ChatCommand {
    /// Connect a program's or a team's chat channel (an incoming webhook).
    Add {
        /// The program whose onboardings are announced (its slug).
        #[arg(long, conflicts_with = "team", required_unless_present = "team")]
        program: Option<String>,
        /// The manager whose team's onboardings are announced (their email).
        #[arg(long)]
        team: Option<String>,
        /// slack, mattermost, teams or json (signed with HMAC-SHA256; the
        /// secret is printed once).
        #[arg(long)]
        format: String,
        /// The incoming-webhook address.
        #[arg(long)]
        url: String,
    },
    /// List the connected channels.
    List,
    /// Disconnect a channel.
    Remove {
        /// The channel's id, from `onramp chat list`.
        id: i64,
    },
}

pub async fn run(command: ChatCommand, settings: &Settings, json: bool) -> CliResult<()> {
    with_app(settings, |app| async move {
        match command {
            ChatCommand::Add {
                program,
                team,
                format,
                url,
            } => add(&app, program, team, &format, &url, json).await,
            ChatCommand::List => list(&app, json).await,
            ChatCommand::Remove { id } => remove(&app, id, json).await,
        }
    })
    .await
}

async fn add(
    app: &onramp_app::App,
    program: Option<String>,
    team: Option<String>,
    format: &str,
    url: &str,
    json: bool,
) -> CliResult<()> {
    let target = match (&program, &team) {
        (Some(p), _) => ChannelTarget::Program(p),
        (None, Some(t)) => ChannelTarget::TeamOf(t),
        (None, None) => return Err(CliError::Usage("give --program or --team".into())),
    };
    let (hook, secret) = chat::add_channel(app, Caller::Operator, target, format, url)
        .await
        .map_err(CliError::flagged)?;
    if json {
        return crate::print_json(&serde_json::json!({
            "id": hook.id, "scope": hook.scope, "format": hook.format,
            "url": masked(&hook.url), "secret": secret,
        }));
    }
    println!(
        "Connected channel {} ({} {}) at {}.",
        hook.id,
        hook.scope,
        program.or(team).unwrap_or_default(),
        masked(&hook.url)
    );
    if let Some(secret) = secret {
        println!("Signing secret (shown once): {secret}");
    }
    Ok(())
}

async fn list(app: &onramp_app::App, json: bool) -> CliResult<()> {
    let hooks = chat::channels(app, Caller::Operator).await?;
    if json {
        let rows: Vec<_> = hooks
            .iter()
            .map(|h| {
                serde_json::json!({
                    "id": h.hook.id, "scope": h.hook.scope, "target": h.target,
                    "format": h.hook.format, "url": masked(&h.hook.url),
                })
            })
            .collect();
        return crate::print_json(&rows);
    }
    if hooks.is_empty() {
        println!(
            "No chat channels. Add one: onramp chat add --program SLUG --format slack --url URL"
        );
    }
    for h in hooks {
        println!(
            "{}\t{} {}\t{}\t{}",
            h.hook.id,
            h.hook.scope,
            h.target,
            h.hook.format,
            masked(&h.hook.url)
        );
    }
    Ok(())
}

async fn remove(app: &onramp_app::App, id: i64, json: bool) -> CliResult<()> {
    chat::remove_channel(app, Caller::Operator, id)
        .await
        .map_err(|e| match e {
            onramp_app::Error::NotFound => {
                CliError::Usage(format!("no chat channel has the id {id}"))
            }
            other => other.into(),
        })?;
    if json {
        crate::print_json(&serde_json::json!({"removed": id}))
    } else {
        println!("Removed chat channel {id}.");
        Ok(())
    }
}
