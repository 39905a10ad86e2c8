//! `onramp cert plan`: which certifications to take, and in what order.

use crate::error::{CliError, CliResult};
use clap::Subcommand;
use onramp_core::catalogue::plan_certifications;

#[derive(Subcommand)]
pub enum CertCommand {
    /// Recommend the order for the certifications someone plans; a bundle that covers them comes first.
    Plan {
        /// Catalogue ids or words of the titles, e.g. git "ci/cd" "project management" security.
        #[arg(required = true)]
        names: Vec<String>,
    },
}

/// The catalogues of the built-in content pack.
pub fn builtin_catalogues() -> CliResult<onramp_core::catalogue::Catalogues> {
    onramp_core::catalogue::Catalogues::shipped().map_err(|d| {
        let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
        CliError::Failed(format!(
            "the built-in catalogues are invalid:\n{}",
            lines.join("\n")
        ))
    })
}

pub fn run(command: CertCommand, json: bool) -> CliResult<()> {
    let CertCommand::Plan { names } = command;
    let catalogues = builtin_catalogues()?;
    let plan = plan_certifications(&catalogues.certifications, &names).map_err(CliError::Usage)?;
    if json {
        return crate::print_json(&plan);
    }
    let title = |id: &str| {
        catalogues
            .certifications
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_string(), |c| c.title.clone())
    };
    let wanted: Vec<String> = plan.wanted.iter().map(|id| title(id)).collect();
    println!("Planned: {}.", wanted.join(", "));
    if let Some(bundle) = &plan.bundle {
        println!(
            "Start with the {} bundle: it contains all of them.",
            title(bundle)
        );
    }
    for (bundle, covered) in &plan.partial_bundles {
        println!(
            "The {} bundle contains {covered} of these and more; take it if you plan all of its certifications.",
            title(bundle)
        );
    }
    println!("Order:");
    for (i, step) in plan.steps.iter().enumerate() {
        println!("  {}. {} <{}>", i + 1, step.title, step.url);
    }
    Ok(())
}
