//! Program analytics for the Enablement team: how each task of a program
//! version fares, how its learning items fare against their week, and how
//! office hours are used.

use super::{SMALLEST_COHORT, scope_for};
use crate::{App, Caller, Error};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use onramp_core::learning::end_of_week;
use onramp_core::onboarding::TaskStatus;
use onramp_core::ramp::program::{
    ItemStats, TaskRecord, TaskSort, TaskStats, item_stats, reading_week, task_stats,
};
use onramp_store::{ProgramTaskRecord, QuestionRecord, RampOnboarding, Selection};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// How a program version fares.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProgramReport {
    /// The program's id (slug).
    pub program: String,
    pub title: String,
    pub version: i64,
    /// Every stored version, newest first.
    pub versions: Vec<i64>,
    /// Onboardings of this version the figures are of.
    pub onboardings: usize,
    /// Fewer than five onboardings, some of which the viewer may not see:
    /// no figures are given.
    pub withheld: bool,
    /// How `tasks` are sorted.
    pub sort: String,
    #[schema(value_type = Vec<Object>)]
    pub tasks: Vec<TaskStats>,
    /// The pathway modules of the pathways these onboardings follow
    /// (`id` = `pathway/module`).
    #[schema(value_type = Vec<Object>)]
    pub modules: Vec<ItemStats>,
    #[schema(value_type = Vec<Object>)]
    pub reading: Vec<ItemStats>,
    /// Office hours over all series (for the Enablement team, People
    /// Connect and admins).
    pub office_hours: Option<OfficeHoursStats>,
}

/// How office hours are used.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OfficeHoursStats {
    /// Questions asked (duplicates included).
    pub questions: usize,
    /// Share (0–1) answered, of the questions that are not duplicates.
    pub answered_rate: f64,
    /// Median hours from asked to answered.
    pub median_hours_to_answer: Option<f64>,
    /// Questions asked in each of the last twelve weeks, oldest first.
    pub per_week: Vec<WeekCount>,
    /// What the questions of those weeks are most about: the title of the
    /// handbook page that best answers each, most asked first.
    pub topics: Vec<TopicCount>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WeekCount {
    /// The Monday the week starts on.
    pub week: NaiveDate,
    pub questions: usize,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TopicCount {
    pub topic: String,
    pub questions: usize,
}

/// The sort order named `text` (empty: the program's order), or the field at fault.
pub fn parse_sort(field: &str, text: &str) -> Result<TaskSort, Error> {
    if text.trim().is_empty() {
        return Ok(TaskSort::Program);
    }
    TaskSort::parse(text).ok_or_else(|| {
        let known: Vec<&str> = TaskSort::ALL.iter().map(|s| s.as_str()).collect();
        Error::bad(
            field,
            format!("`{text}` is not one of {}", known.join(", ")),
        )
    })
}

/// A version number given as text (empty: the newest), or the field at fault.
pub fn parse_version(field: &str, text: Option<&str>) -> Result<Option<i64>, Error> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| Error::bad(field, format!("must be a version number (got `{v}`)"))),
    }
}

/// Weeks of office-hours questions shown.
const WEEKS_SHOWN: i64 = 12;
/// Topics shown.
const TOPICS_SHOWN: usize = 8;

/// How the version `version` (none: the newest) of program `slug` fares,
/// over the onboardings the viewer may analyse, tasks sorted by `sort`.
pub async fn program(
    app: &App,
    by: Caller<'_>,
    slug: &str,
    version: Option<i64>,
    sort: TaskSort,
) -> Result<ProgramReport, Error> {
    let (scope, viewer) = scope_for(by)?;
    let versions = app.store.program_versions(slug.trim()).await?;
    if versions.is_empty() {
        let known: Vec<String> = app
            .store
            .list_programs()
            .await?
            .into_iter()
            .map(|p| p.slug)
            .collect();
        return Err(Error::bad(
            "program",
            format!(
                "there is no program `{slug}` (programs: {})",
                known.join(", ")
            ),
        ));
    }
    let numbers: Vec<String> = versions.iter().map(|v| v.version.to_string()).collect();
    let chosen = match version {
        None => versions.first(),
        Some(n) => versions.iter().find(|v| v.version == n),
    }
    .ok_or_else(|| {
        Error::bad(
            "version",
            format!("program `{slug}` has versions {}", numbers.join(", ")),
        )
    })?;
    let program = &chosen.definition.0;
    let selection = Selection {
        scope,
        program_version: Some(chosen.id),
        only_active: false,
        onboarding: None,
    };
    let onboardings = app.store.ramp_onboardings(selection).await?;
    let withheld = onboardings.len() < SMALLEST_COHORT
        && onboardings
            .iter()
            .any(|o| !viewer.sees(o.manager_id, o.enablement_id));
    let mut report = ProgramReport {
        program: program.id.clone(),
        title: program.title.clone(),
        version: chosen.version,
        versions: versions.iter().map(|v| v.version).collect(),
        onboardings: onboardings.len(),
        withheld,
        sort: sort.as_str().to_string(),
        tasks: Vec::new(),
        modules: Vec::new(),
        reading: Vec::new(),
        office_hours: None,
    };
    let sees_all = matches!(scope, onramp_store::AnalyticsScope::All);
    if sees_all {
        report.office_hours = Some(office_hours(app).await?);
    }
    if withheld {
        return Ok(report);
    }
    let today = Utc::now().date_naive();
    let starts: HashMap<i64, NaiveDate> =
        onboardings.iter().map(|o| (o.id, o.start_date)).collect();
    let records = app.store.program_task_records(selection).await?;
    report.tasks = task_stats(&task_records(program, &records, &starts), today);
    sort.sort(&mut report.tasks);
    let (modules, reading) = learning(app, selection, &onboardings, today).await?;
    report.modules = modules;
    report.reading = reading;
    Ok(report)
}

fn finished_on(r: &ProgramTaskRecord) -> Option<NaiveDate> {
    match r.status.as_str() {
        "done" => r.completed_at.map(|d| d.date_naive()),
        "skipped" => Some(r.updated_at.date_naive()),
        _ => None,
    }
}

/// The tasks as program analytics read them: each opened on the first day,
/// or on the day its last dependency was finished.
fn task_records(
    program: &onramp_core::program::Program,
    records: &[ProgramTaskRecord],
    starts: &HashMap<i64, NaiveDate>,
) -> Vec<TaskRecord> {
    let finished: HashMap<(i64, &str), NaiveDate> = records
        .iter()
        .filter_map(|r| Some(((r.onboarding_id, r.task_key.as_str()), finished_on(r)?)))
        .collect();
    let depends: HashMap<&str, &[String]> = program
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.depends_on.as_slice()))
        .collect();
    records
        .iter()
        .filter_map(|r| {
            let start = *starts.get(&r.onboarding_id)?;
            let opened_on = depends
                .get(r.task_key.as_str())
                .into_iter()
                .flat_map(|d| d.iter())
                .filter_map(|d| finished.get(&(r.onboarding_id, d.as_str())).copied())
                .fold(start, NaiveDate::max);
            Some(TaskRecord {
                key: r.task_key.clone(),
                title: r.title.clone(),
                phase: r.phase.clone(),
                status: r.status.parse().unwrap_or(TaskStatus::Open),
                due_date: r.due_date,
                opened_on,
                finished_on: finished_on(r),
                reopened: u32::try_from(r.reopened).unwrap_or(u32::MAX),
                comments: u32::try_from(r.comments).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// Each pathway module and reading item: of the onboardings whose week for
/// it is over (or who did it already), how many did it, and in which week.
async fn learning(
    app: &App,
    selection: Selection,
    onboardings: &[RampOnboarding],
    today: NaiveDate,
) -> Result<(Vec<ItemStats>, Vec<ItemStats>), Error> {
    let records = app.store.learning_records(selection).await?;
    let catalogues = crate::learning::catalogues();
    let modules_done: HashMap<(i64, &str), NaiveDate> = records
        .modules
        .iter()
        .filter_map(|m| Some(((m.onboarding_id, m.key.as_str()), m.day?)))
        .collect();
    let read: HashMap<(i64, &str), NaiveDate> = records
        .reading
        .iter()
        .filter_map(|r| Some(((r.onboarding_id, r.key.as_str()), r.at?.date_naive())))
        .collect();
    let enrolled: HashMap<i64, &str> = records
        .pathways
        .iter()
        .map(|p| (p.onboarding_id, p.key.as_str()))
        .collect();
    // Those whose week for an item is over, or who did it.
    let expected = |o: &RampOnboarding, week: u32, done: Option<NaiveDate>| {
        (done.is_some() || today > end_of_week(o.start_date, week)).then_some((o.start_date, done))
    };
    let mut modules = Vec::new();
    for pathway in &catalogues.pathways {
        let members: Vec<&RampOnboarding> = onboardings
            .iter()
            .filter(|o| enrolled.get(&o.id) == Some(&pathway.id.as_str()))
            .collect();
        if members.is_empty() {
            continue;
        }
        for m in &pathway.modules {
            let key = format!("{}/{}", pathway.id, m.id);
            let each: Vec<_> = members
                .iter()
                .filter_map(|o| {
                    expected(o, m.week, modules_done.get(&(o.id, key.as_str())).copied())
                })
                .collect();
            let title = format!("{}: {}", pathway.title, m.title);
            modules.push(item_stats(&key, &title, m.week, &each));
        }
    }
    let reading = catalogues
        .reading_list
        .iter()
        .map(|item| {
            let week = reading_week(item.month);
            let each: Vec<_> = onboardings
                .iter()
                .filter_map(|o| expected(o, week, read.get(&(o.id, item.id.as_str())).copied()))
                .collect();
            item_stats(&item.id, &item.title, week, &each)
        })
        .collect();
    Ok((modules, reading))
}

/// How office hours are used, over every series.
async fn office_hours(app: &App) -> Result<OfficeHoursStats, Error> {
    let questions = app.store.question_records().await?;
    let now = Utc::now();
    Ok(OfficeHoursStats {
        questions: questions.len(),
        answered_rate: {
            let asked = questions.iter().filter(|q| q.status != "duplicate").count();
            let answered = questions.iter().filter(|q| q.status == "answered").count();
            if asked == 0 {
                0.0
            } else {
                answered as f64 / asked as f64
            }
        },
        median_hours_to_answer: {
            let hours: Vec<i64> = questions
                .iter()
                .filter_map(|q| Some((q.answered_at? - q.created_at).num_hours().max(0)))
                .collect();
            onramp_core::ramp::distribution(&hours).map(|d| d.median)
        },
        per_week: per_week(&questions, now),
        topics: topics(app, &questions, now),
    })
}

fn per_week(questions: &[QuestionRecord], now: DateTime<Utc>) -> Vec<WeekCount> {
    let today = now.date_naive();
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    (0..WEEKS_SHOWN)
        .rev()
        .map(|back| {
            let week = this_monday - Duration::weeks(back);
            let questions = questions
                .iter()
                .filter(|q| {
                    let day = q.created_at.date_naive();
                    day >= week && day < week + Duration::weeks(1)
                })
                .count();
            WeekCount { week, questions }
        })
        .collect()
}

/// The title of the handbook page that best answers each question of the
/// weeks shown (each wording searched once).
fn topics(app: &App, questions: &[QuestionRecord], now: DateTime<Utc>) -> Vec<TopicCount> {
    let from = now - Duration::weeks(WEEKS_SHOWN);
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut found: HashMap<&str, String> = HashMap::new();
    for q in questions
        .iter()
        .filter(|q| q.status != "duplicate" && q.created_at >= from)
    {
        let topic = found.entry(q.body.as_str()).or_insert_with(|| {
            // Only the words: the question is not search syntax.
            let words: String = q
                .body
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect();
            let hits = app.handbook.index.search(&words, 5, 0).unwrap_or_default();
            hits.into_iter()
                .find(|h| h.kind == onramp_handbook::index::DocKind::Page && !h.title.is_empty())
                .map_or_else(|| "(no handbook page)".to_string(), |h| h.title)
        });
        *counts.entry(topic.clone()).or_default() += 1;
    }
    let mut topics: Vec<TopicCount> = counts
        .into_iter()
        .map(|(topic, questions)| TopicCount { topic, questions })
        .collect();
    topics.sort_by(|a, b| b.questions.cmp(&a.questions).then(a.topic.cmp(&b.topic)));
    topics.truncate(TOPICS_SHOWN);
    topics
}
