//! `onramp analytics …`: ramp time by cohort and the onboardings at risk.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use clap::Subcommand;
use onramp_app::Caller;
use onramp_app::analytics::{self, CohortBy, RampReport};

#[derive(Subcommand)]
pub enum AnalyticsCommand {
    /// Business days from the first day to each milestone, by cohort.
    Ramp {
        /// month, quarter, segment, region, program or manager.
        #[arg(long, default_value = "quarter")]
        by: String,
        /// One CSV row per cohort and milestone.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// Active onboardings with their risk level and signals, the most at risk first.
    Risk,
}

pub async fn run(command: AnalyticsCommand, settings: &Settings, json: bool) -> CliResult<()> {
    serve::with_app(settings, |app| async move {
        match command {
            AnalyticsCommand::Ramp { by, csv } => {
                let by = CohortBy::parse("by", &by).map_err(CliError::flagged)?;
                let report = analytics::ramp(&app, Caller::Operator, by).await?;
                if json {
                    print_json(&report)
                } else if csv {
                    crate::print_text(&analytics::csv(&report))
                } else {
                    crate::print_text(&ramp_text(&report))
                }
            }
            AnalyticsCommand::Risk => {
                let rows = analytics::risk(&app, Caller::Operator).await?;
                if json {
                    return print_json(&rows);
                }
                let mut text = String::new();
                if rows.is_empty() {
                    text.push_str("No active onboardings.\n");
                }
                for r in rows {
                    let level = r.level.map_or("", |l| l.label());
                    text.push_str(&format!(
                        "{level:<8}  {} (onboarding {}, started {})\n",
                        r.name, r.onboarding_id, r.start_date
                    ));
                    for s in r.signals {
                        text.push_str(&format!("          {}\n", s.reason));
                    }
                }
                crate::print_text(&text)
            }
        }
    })
    .await
}

fn ramp_text(report: &RampReport) -> String {
    let mut out = String::new();
    if report.cohorts.is_empty() {
        out.push_str("No onboardings yet.\n");
    }
    for c in &report.cohorts {
        out.push_str(&format!("{} ({} onboardings)\n", c.cohort, c.onboardings));
        if c.withheld {
            out.push_str("  (fewer than 5 people, some not yours to see: not shown)\n");
        }
        for m in &c.milestones {
            match &m.business_days {
                Some(d) => out.push_str(&format!(
                    "  {:<40} {:>3} reached · median {:.1} business days (quartiles {:.1}–{:.1})\n",
                    m.name, m.reached, d.median, d.q1, d.q3
                )),
                None => out.push_str(&format!("  {:<40}   0 reached\n", m.name)),
            }
        }
    }
    out
}
