//! Programs as people read them: the list, and one version in full.

use crate::{App, Error};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_core::program::Program;
use serde::Serialize;
use utoipa::ToSchema;

/// A program with its newest version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramItem {
    /// The program's id, as in its `program.md`.
    pub id: String,
    pub title: String,
    pub owner: String,
    pub latest_version: i64,
    pub versions: i64,
    pub updated_at: DateTime<Utc>,
}

/// One stored version of a program.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionItem {
    pub version: i64,
    pub content_hash: String,
    pub tasks: usize,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhaseItem {
    pub id: String,
    pub title: String,
    /// First business day of the phase, counted from the start date (0 = first day).
    pub from_day: i32,
    pub to_day: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkItem {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskTemplateItem {
    pub id: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// new-hire, manager, buddy, people-connect or enablement.
    pub owner: String,
    pub phase: String,
    /// Due business day, counted from the start date.
    pub due_day: i32,
    pub kind: String,
    pub links: Vec<LinkItem>,
    /// Empty: every segment.
    pub segments: Vec<String>,
    /// Empty: every region.
    pub regions: Vec<String>,
    pub depends_on: Vec<String>,
    pub compliance_critical: bool,
}

/// A program version in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramDetail {
    pub id: String,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub segments: Vec<String>,
    pub regions: Vec<String>,
    pub reviewed_at: NaiveDate,
    /// The version shown.
    pub version: i64,
    /// Every stored version, newest first.
    pub versions: Vec<VersionItem>,
    pub phases: Vec<PhaseItem>,
    pub tasks: Vec<TaskTemplateItem>,
}

/// A version of a program (the newest when `version` is left out) with
/// its phases and tasks, and the list of versions.
pub async fn detail(
    state: &App,
    slug: &str,
    version: Option<&str>,
) -> Result<ProgramDetail, Error> {
    let wanted = match version {
        None | Some("") => None,
        Some(v) => Some(v.parse::<i64>().map_err(|_| Error::Invalid {
            field: "version".into(),
            message: format!("must be a version number (got `{v}`)"),
        })?),
    };
    let versions = state.store.program_versions(slug).await?;
    let chosen = match wanted {
        None => versions.first(),
        Some(n) => versions.iter().find(|v| v.version == n),
    }
    .ok_or(Error::NotFound)?;
    let program: &Program = &chosen.definition.0;
    Ok(ProgramDetail {
        id: program.id.clone(),
        title: program.title.clone(),
        description: program.description.clone(),
        owner: program.owner.clone(),
        segments: program.segments.clone(),
        regions: program.regions.clone(),
        reviewed_at: program.reviewed_at,
        version: chosen.version,
        versions: versions
            .iter()
            .map(|v| VersionItem {
                version: v.version,
                content_hash: v.content_hash.clone(),
                tasks: v.definition.0.tasks.len(),
                created_at: v.created_at,
            })
            .collect(),
        phases: program
            .phases
            .iter()
            .map(|p| PhaseItem {
                id: p.id.clone(),
                title: p.title.clone(),
                from_day: p.from_day,
                to_day: p.to_day,
            })
            .collect(),
        tasks: program
            .tasks
            .iter()
            .map(|t| TaskTemplateItem {
                id: t.id.clone(),
                title: t.title.clone(),
                body: t.body.clone(),
                owner: t.owner.as_str().to_string(),
                phase: t.phase.clone(),
                due_day: program.due_day(t),
                kind: t.kind.as_str().to_string(),
                links: t
                    .links
                    .iter()
                    .map(|l| LinkItem {
                        title: l.title.clone(),
                        url: l.url.clone(),
                    })
                    .collect(),
                segments: t.segments.clone(),
                regions: t.regions.clone(),
                depends_on: t.depends_on.clone(),
                compliance_critical: t.compliance_critical,
            })
            .collect(),
    })
}

/// Every program with its newest version, by title.
pub async fn list(app: &App) -> Result<Vec<onramp_store::ProgramSummary>, Error> {
    Ok(app.store.list_programs().await?)
}

/// The newest version of a program: (version id, version number).
pub async fn newest_version(app: &App, program_id: i64) -> Result<Option<(i64, i64)>, Error> {
    Ok(app.store.newest_version_of(program_id).await?)
}

/// Stores a new version of a program when its content (`content_hash`)
/// changed; nothing otherwise (People Connect, admins and the operator).
pub async fn import(
    app: &App,
    by: crate::Caller<'_>,
    program: &onramp_core::program::Program,
    content_hash: &str,
) -> Result<onramp_store::ImportOutcome, Error> {
    if !by.may_administer() {
        return Err(Error::Forbidden(
            "only administrators import programs".into(),
        ));
    }
    Ok(app
        .store
        .import_program(by.person_id(), program, content_hash)
        .await?)
}
