//! `onramp tasks --email E`: what waits for a person across every
//! onboarding they take part in.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use onramp_app::Caller;
use onramp_app::workspace::{self, MyTask, TaskFilter};

/// Prints the person's tasks, grouped as on their home page.
pub async fn run(
    settings: &Settings,
    email: &str,
    due: Option<&str>,
    role: Option<&str>,
    json: bool,
) -> CliResult<()> {
    let filter = TaskFilter::parse(due, role, None).map_err(CliError::flagged)?;
    let tasks = serve::with_app(settings, |app| async move {
        workspace::tasks_of(&app, Caller::Operator, email, &filter)
            .await
            .map_err(CliError::flagged)
    })
    .await?;
    if json {
        return print_json(&tasks);
    }
    if tasks.is_empty() {
        println!("Nothing waits for {email}.");
        return Ok(());
    }
    let groups: [(&str, &Vec<MyTask>); 4] = [
        ("Overdue", &tasks.overdue),
        ("Due this week", &tasks.this_week),
        ("Later", &tasks.later),
        ("Waiting on someone else", &tasks.waiting),
    ];
    for (heading, list) in groups {
        if list.is_empty() {
            continue;
        }
        println!("{heading}:");
        for t in list {
            let late = match t.days_late {
                0 => String::new(),
                1 => ", 1 day late".into(),
                n => format!(", {n} days late"),
            };
            println!(
                "  {}  {}  ({}'s onboarding {}, as {}{late})",
                t.due_date, t.title, t.new_hire, t.onboarding_id, t.role_label
            );
        }
    }
    Ok(())
}
