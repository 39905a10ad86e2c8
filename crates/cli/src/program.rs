//! `onramp program …`: validate and import program directories.

use crate::config::Settings;
use crate::content::read_program_dir;
use crate::error::{CliError, CliResult};
use crate::serve::with_app;
use clap::Subcommand;
use onramp_app::Caller;
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
    /// Convert a GitLab issue-template checklist into a program directory, listing what could not be mapped.
    ImportGitlab {
        /// The issue template (Markdown with `- [ ]` items under headings).
        file: PathBuf,
        /// Where to write the program; must not exist yet or be empty.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

pub async fn run(command: ProgramCommand, settings: &Settings, json: bool) -> CliResult<()> {
    match command {
        ProgramCommand::Validate { dir } => {
            let files = read_program_dir(&dir)?;
            match crate::content::parse(&files) {
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
        ProgramCommand::ImportGitlab { file, out } => import_gitlab(&file, &out, json),
        ProgramCommand::Import { dir } => {
            let files = read_program_dir(&dir)?;
            let program = crate::content::parse(&files)
                .map_err(|problems| report_problems(&dir, &problems, json))?;
            let hash = crate::content::hash(&files);
            let outcome = with_app(settings, |app| async move {
                Ok(onramp_app::program::import(&app, Caller::Operator, &program, &hash).await?)
            })
            .await?;
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

fn import_gitlab(file: &std::path::Path, out: &std::path::Path, json: bool) -> CliResult<()> {
    use onramp_core::gitlab::import_checklist;
    use onramp_core::program_writer::program_files;
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Usage(format!("{}: cannot read: {e}", file.display())))?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let import = import_checklist(&text, &name, chrono::Utc::now().date_naive())
        .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    if out.exists()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(CliError::Usage(format!(
            "--out: {} exists and is not empty; choose a new directory",
            out.display()
        )));
    }
    for f in program_files(&import.program) {
        let path = out.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                CliError::Usage(format!("--out: cannot create {}: {e}", parent.display()))
            })?;
        }
        std::fs::write(&path, f.text)
            .map_err(|e| CliError::Usage(format!("--out: cannot write {}: {e}", path.display())))?;
    }
    // What was written must pass validation like any program.
    let program = crate::content::parse(&read_program_dir(out)?).map_err(|problems| {
        CliError::Failed(format!(
            "the converted program does not validate:\n{}",
            problems.join("\n")
        ))
    })?;
    if json {
        return crate::print_json(&serde_json::json!({
            "out": out, "program": program.id, "phases": program.phases.len(),
            "tasks": program.tasks.len(), "unmapped": import.unmapped,
        }));
    }
    println!(
        "Wrote program `{}` to {}: {} tasks in {} phases.",
        program.id,
        out.display(),
        program.tasks.len(),
        program.phases.len()
    );
    if !import.unmapped.is_empty() {
        println!("Not mapped ({}):", import.unmapped.len());
        for note in &import.unmapped {
            println!("  {}: {note}", file.display());
        }
    }
    println!(
        "Review the files, then run `onramp program import {}`.",
        out.display()
    );
    Ok(())
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
