//! `onramp onboarding …`: export an onboarding.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::serve::open_store;
use clap::{Subcommand, ValueEnum};
use onramp_core::gitlab::{ExportTask, export_onboarding};
use onramp_core::people::Role;
use onramp_core::program::TaskKind;

#[derive(Subcommand)]
pub enum OnboardingCommand {
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

pub async fn run(command: OnboardingCommand, settings: &Settings) -> CliResult<()> {
    match command {
        OnboardingCommand::Export {
            id,
            format: ExportFormat::Gitlab,
        } => {
            let store = open_store(settings).await?;
            let result = export(&store, id).await;
            store.close().await;
            print!("{}", result?);
            Ok(())
        }
    }
}

async fn export(store: &onramp_store::Store, id: i64) -> CliResult<String> {
    let onboarding = store.onboarding(id).await?;
    let person = store.person(onboarding.person_id).await?;
    let version = store.program_version(onboarding.program_version_id).await?;
    let tasks = store.tasks(id).await?;
    let corrupt = |what: &str, value: &str| {
        CliError::Failed(format!(
            "onboarding {id}: stored {what} `{value}` is not known"
        ))
    };
    let mut export_tasks = Vec::with_capacity(tasks.len());
    for t in tasks {
        let owner: Role = t
            .owner_role
            .parse()
            .map_err(|_| corrupt("owner", &t.owner_role))?;
        let kind = TaskKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t.kind)
            .ok_or_else(|| corrupt("kind", &t.kind))?;
        export_tasks.push(ExportTask {
            done: t.status == "done" || t.status == "skipped",
            id: t.task_key,
            title: t.title,
            owner,
            phase: t.phase,
            kind,
            due: t.due_date,
        });
    }
    Ok(export_onboarding(
        &person.name,
        &version.definition.0,
        version.version,
        onboarding.start_date,
        &export_tasks,
    ))
}
