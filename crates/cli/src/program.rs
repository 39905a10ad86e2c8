//! `onramp program …`: validate and import program directories.

use crate::config::Settings;
use crate::content::read_program_dir;
use crate::error::{CliError, CliResult};
use crate::serve::open_store;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ProgramCommand {
    /// Check a program directory; print every problem as file:line:column: message.
    Validate {
        /// The program directory (with program.md and tasks/).
        dir: PathBuf,
    },
    /// Store a new version of a program if its content changed (nothing otherwise).
    Import {
        /// The program directory (with program.md and tasks/).
        dir: PathBuf,
    },
}

pub async fn run(command: ProgramCommand, settings: &Settings, json: bool) -> CliResult<()> {
    match command {
        ProgramCommand::Validate { dir } => {
            let files = read_program_dir(&dir)?;
            match files.parse() {
                Ok(program) => {
                    if json {
                        crate::print_json(&serde_json::json!({
                            "valid": true, "program": program.id, "tasks": program.tasks.len(),
                            "problems": [],
                        }))
                    } else {
                        println!(
                            "{}: program `{}` is valid ({} tasks in {} phases).",
                            dir.display(),
                            program.id,
                            program.tasks.len(),
                            program.phases.len()
                        );
                        Ok(())
                    }
                }
                Err(problems) => Err(report_problems(&dir, &problems, json)),
            }
        }
        ProgramCommand::Import { dir } => {
            let files = read_program_dir(&dir)?;
            let program = files
                .parse()
                .map_err(|problems| report_problems(&dir, &problems, json))?;
            let store = open_store(settings).await?;
            let outcome = store.import_program(None, &program, &files.hash()).await;
            store.close().await;
            let outcome = outcome?;
            if json {
                crate::print_json(&outcome)
            } else {
                if outcome.created {
                    println!(
                        "Imported `{}` as version {}.",
                        outcome.slug, outcome.version
                    );
                } else {
                    println!(
                        "`{}` is unchanged (version {}); nothing imported.",
                        outcome.slug, outcome.version
                    );
                }
                Ok(())
            }
        }
    }
}

/// Prints every problem (to stderr, or as JSON on stdout) and returns the error to exit with.
fn report_problems(dir: &std::path::Path, problems: &[String], json: bool) -> CliError {
    if json {
        let _ = crate::print_json(&serde_json::json!({ "valid": false, "problems": problems }));
    } else {
        for p in problems {
            eprintln!("{}/{p}", dir.display());
        }
    }
    CliError::Usage(format!(
        "{}: {} problem(s) found; nothing imported",
        dir.display(),
        problems.len()
    ))
}
