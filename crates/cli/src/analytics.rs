//! `onramp analytics …`: ramp time by cohort, the onboardings at risk, and
//! how each task of a program fares.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use clap::Subcommand;
use onramp_app::Caller;
use onramp_app::analytics::{self, CohortBy, ProgramReport, RampReport};

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
    /// Two cohorts side by side: business days to each milestone and the
    /// difference of the medians (e.g. --by program "CSM onboarding v1" "CSM onboarding v2").
    Compare {
        /// month, quarter, segment, region, program or manager.
        #[arg(long, default_value = "quarter")]
        by: String,
        /// The first cohort.
        a: String,
        /// The second cohort.
        b: String,
        /// One CSV row per milestone.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// How each task of a program version fares: done, skipped, late, reopened,
    /// time to done, comments; then its learning items and office hours.
    Tasks {
        /// The program's id (as in its program.md).
        #[arg(long)]
        program: String,
        /// The version (default: the newest).
        #[arg(long)]
        version: Option<i64>,
        /// program, late, days-late, skipped, reopened, done, time-to-done or comments.
        #[arg(long, default_value = "program")]
        sort: String,
        /// One CSV row per task.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
}

pub async fn run(command: AnalyticsCommand, settings: &Settings, json: bool) -> CliResult<()> {
    serve::with_app(settings, |mut app| async move {
        if matches!(command, AnalyticsCommand::Tasks { .. }) {
            // Office-hours topics are the handbook sections questions find.
            let index = crate::handbook::open_index(settings, &app.store).await?;
            app.handbook = std::sync::Arc::new(onramp_app::handbook::Handbook::new(index));
        }
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
            AnalyticsCommand::Compare { by, a, b, csv } => {
                let by = CohortBy::parse("by", &by).map_err(CliError::flagged)?;
                let report = analytics::ramp(&app, Caller::Operator, by).await?;
                let c = analytics::compare(&report, &a, &b).map_err(|e| match e {
                    onramp_app::Error::Invalid { message, .. } => CliError::Usage(message),
                    other => other.into(),
                })?;
                if json {
                    print_json(&c)
                } else if csv {
                    crate::print_text(&analytics::compare_csv(&c))
                } else {
                    crate::print_text(&compare_text(&c))
                }
            }
            AnalyticsCommand::Tasks {
                program,
                version,
                sort,
                csv,
            } => {
                let sort = analytics::parse_sort("sort", &sort).map_err(CliError::flagged)?;
                let report = analytics::program(&app, Caller::Operator, &program, version, sort)
                    .await
                    .map_err(CliError::flagged)?;
                if json {
                    print_json(&report)
                } else if csv {
                    crate::print_text(&analytics::tasks_csv(&report))
                } else {
                    crate::print_text(&tasks_text(&report))
                }
            }
        }
    })
    .await
}

fn compare_text(c: &analytics::Comparison) -> String {
    let mut out = format!(
        "{} ({} onboardings) against {} ({} onboardings), median business days\n",
        c.a.cohort, c.a.onboardings, c.b.cohort, c.b.onboardings
    );
    let median = |s: &Option<analytics::MilestoneSpread>| {
        s.as_ref()
            .and_then(|s| s.business_days.as_ref())
            .map_or_else(|| "–".to_string(), |d| format!("{:.1}", d.median))
    };
    for m in &c.milestones {
        let difference = match m.median_difference {
            Some(d) if d < 0.0 => format!("{:.1} days faster", -d),
            Some(d) if d > 0.0 => format!("{d:.1} days slower"),
            Some(_) => "the same".to_string(),
            None => String::new(),
        };
        out.push_str(&format!(
            "  {:<40} {:>6} {:>6}  {difference}\n",
            m.name,
            median(&m.a),
            median(&m.b)
        ));
    }
    out
}

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

fn days(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"))
}

fn tasks_text(r: &ProgramReport) -> String {
    let mut out = format!(
        "{} v{} ({} onboardings)\n",
        r.title, r.version, r.onboardings
    );
    if r.onboardings == 0 {
        out.push_str("No onboardings of this version yet.\n");
    }
    if r.withheld {
        out.push_str("(fewer than 5 onboardings, some not yours to see: not shown)\n");
    }
    out.push_str(&format!(
        "{:<44} {:>5} {:>5} {:>7} {:>5} {:>9} {:>6} {:>6} {:>8}\n",
        "task", "n", "done", "skipped", "late", "days late", "reopen", "to do", "comments"
    ));
    for t in &r.tasks {
        let title: String = t.title.chars().take(44).collect();
        out.push_str(&format!(
            "{title:<44} {:>5} {:>5} {:>7} {:>5} {:>9} {:>6} {:>6} {:>8}\n",
            t.onboardings,
            percent(t.done_rate),
            percent(t.skipped_rate),
            t.late_rate.map_or_else(|| "–".to_string(), percent),
            days(t.median_days_late),
            percent(t.reopen_rate),
            days(t.median_days_to_done),
            t.comments
        ));
    }
    for (heading, items) in [
        ("Pathway modules", &r.modules),
        ("Reading list", &r.reading),
    ] {
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n{heading} (done · median week done vs expected)\n"
        ));
        for i in items {
            out.push_str(&format!(
                "  {:<60} {:>3}/{:<3} {:>4}  week {} vs {}\n",
                i.title.chars().take(60).collect::<String>(),
                i.completed,
                i.onboardings,
                percent(i.completion_rate),
                days(i.median_week),
                i.expected_week
            ));
        }
    }
    if let Some(oh) = &r.office_hours {
        out.push_str(&format!(
            "\nOffice hours: {} questions, {} answered, median {} hours to an answer\n",
            oh.questions,
            percent(oh.answered_rate),
            days(oh.median_hours_to_answer)
        ));
        for t in &oh.topics {
            out.push_str(&format!("  {:<40} {}\n", t.topic, t.questions));
        }
    }
    out
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
