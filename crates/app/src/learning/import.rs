//! Module completions from a learning platform's export.

use crate::{App, Caller, Error};
use onramp_core::learning::{ExportRow, match_module};
use onramp_store::ModuleRecord;
use serde::Serialize;

/// A row that was not imported, and why.
#[derive(Debug, Serialize)]
pub struct Skipped {
    pub line: u64,
    pub email: String,
    pub module: String,
    pub reason: String,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Serialize)]
pub struct CompletionImport {
    pub rows: usize,
    pub imported: usize,
    /// Of those, modules that were not recorded before.
    pub new: usize,
    pub skipped: Vec<Skipped>,
    pub dry_run: bool,
}

/// Records the completed modules of read export rows (administrators and
/// the operator). Rows for people without a running onboarding or for
/// courses outside their pathway are skipped and reported; the rest is
/// stored at once, unless `dry_run`.
// Long: each row is matched in turn (person, running onboarding, pathway, module), and each miss says why.
pub async fn import_completions(
    app: &App,
    by: Caller<'_>,
    rows: &[ExportRow],
    dry_run: bool,
) -> Result<CompletionImport, Error> {
    if !by.may_administer() {
        return Err(Error::Forbidden(
            "only administrators import learning records".into(),
        ));
    }
    let catalogues = super::catalogues();
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    for row in rows {
        let skip = |reason: String| Skipped {
            line: row.line,
            email: row.email.clone(),
            module: row.module.clone(),
            reason,
        };
        let Some(person) = app.store.person_by_email(&row.email).await? else {
            skipped.push(skip("no person in Onramp has this email".into()));
            continue;
        };
        let running = app
            .store
            .onboardings_of(person.id)
            .await?
            .into_iter()
            .filter(|o| o.status == "active")
            .max_by_key(|o| o.start_date);
        let Some(onboarding) = running else {
            skipped.push(skip("has no running onboarding".into()));
            continue;
        };
        let pathway = app
            .store
            .enrolment(onboarding.id, person.id, person.segment.as_deref())
            .await?
            .and_then(|id| catalogues.pathway(&id));
        let Some(pathway) = pathway else {
            skipped.push(skip("is not enrolled in a learning pathway".into()));
            continue;
        };
        let Some(module) = match_module(pathway, &row.module) else {
            skipped.push(skip(format!(
                "not a module of the pathway `{}`",
                pathway.id
            )));
            continue;
        };
        records.push(ModuleRecord {
            person_id: person.id,
            pathway_id: pathway.id.clone(),
            module_id: module.id.clone(),
            completed_on: row.completed_on,
            evidence_url: row.evidence_url.clone(),
            source: "import",
        });
    }
    let mut new = 0;
    for r in &records {
        let done = app
            .store
            .module_completions(r.person_id, &r.pathway_id)
            .await?;
        if !done.contains_key(&r.module_id) {
            new += 1;
        }
    }
    let imported = if dry_run {
        0
    } else {
        app.store.record_modules(by.person_id(), &records).await?
    };
    Ok(CompletionImport {
        rows: rows.len(),
        imported,
        new,
        skipped,
        dry_run,
    })
}
