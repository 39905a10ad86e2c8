//! Learning and resources of an onboarding, shared by the pages and the JSON
//! API: pathway progress, certifications, the channel kit, the reading list
//! and product knowledge, and demo/playground access requests.

mod access;
mod certification;
mod import;
pub use access::{actionable, move_access, queue, request_access};
pub use certification::{
    CertificationInput, ReviewInput, review_certification, save_certification,
};
pub use import::{CompletionImport, Skipped, import_completions};

use crate::onboarding::{self, Loaded};
use crate::{Actor, App, Error};
use chrono::{NaiveDate, Utc};
use onramp_core::access::{OnboardingAction, may, may_provision_access};
use onramp_core::catalogue::{Catalogues, ChannelGroup, Noise};
use onramp_core::learning::{
    CertificationStatus, EXPIRY_NOTICE_DAYS, ExpiryReminder, PathwayProgress, expiry_reminders,
    pathway_progress,
};
use onramp_core::onboarding::today_in;
use onramp_core::people::region_matches;
use onramp_store::{AccessRequest, ModuleRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The catalogues Onramp serves (the built-in content pack).
pub fn catalogues() -> &'static Catalogues {
    Catalogues::builtin()
}

/// A certification of the catalogue and the person's record of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificationRow {
    pub id: String,
    pub title: String,
    pub url: String,
    /// The certifications a bundle contains (empty for a single one).
    pub contains: Vec<String>,
    #[schema(value_type = Option<Object>)]
    pub record: Option<CertificationStatus>,
}

/// A Slack channel of the kit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChannelRow {
    pub id: String,
    pub name: String,
    /// `csm`, `company` or `regional`.
    pub group: String,
    pub purpose: String,
    /// `low`, `medium` or `high` traffic.
    pub noise: String,
    pub joined: bool,
    /// A channel of the new hire's region, to join first.
    pub suggested: bool,
}

/// A reading list or product knowledge entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadingRow {
    pub id: String,
    pub title: String,
    pub url: String,
    /// Reading list: the month (1–3); product knowledge: the topic.
    pub when: String,
    /// The onboarding week by which to read it.
    pub week: u32,
    pub read: bool,
    /// An internal handbook link that leads to no imported page.
    pub broken: bool,
}

/// A demo or playground system and the onboarding's request for it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessRow {
    pub id: String,
    pub title: String,
    pub url: String,
    pub description: String,
    /// The live (or last) request.
    #[schema(value_type = Option<Object>)]
    pub request: Option<AccessRequest>,
}

impl AccessRow {
    /// No request yet, or the last one was denied.
    pub fn open_to_request(&self) -> bool {
        self.request.as_ref().is_none_or(|r| r.status == "denied")
    }
}

/// Everything about an onboarding's learning and resources.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LearningView {
    pub onboarding_id: i64,
    pub new_hire: String,
    pub today: NaiveDate,
    #[schema(value_type = Option<Object>)]
    pub pathway: Option<PathwayProgress>,
    pub certifications: Vec<CertificationRow>,
    #[schema(value_type = Vec<Object>)]
    pub expiry_reminders: Vec<ExpiryReminder>,
    pub channels: Vec<ChannelRow>,
    pub reading_list: Vec<ReadingRow>,
    pub product_knowledge: Vec<ReadingRow>,
    pub access: Vec<AccessRow>,
    /// What the current user may do here.
    pub can_record: bool,
    pub can_request_access: bool,
    pub can_decide_access: bool,
    pub can_provision_access: bool,
    /// Whether the viewer reviews certification evidence (the manager).
    pub can_review_certifications: bool,
}

/// The short form shown on the onboarding, the home page and in lists.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LearningSummary {
    pub pathway: String,
    pub modules_done: usize,
    pub modules_total: usize,
    pub percent: u32,
    pub late: usize,
    pub certifications_passed: usize,
    #[schema(value_type = Vec<Object>)]
    pub expiry_reminders: Vec<ExpiryReminder>,
}

impl LearningSummary {
    pub fn of(
        p: Option<&PathwayProgress>,
        records: &[CertificationStatus],
        today: NaiveDate,
    ) -> Self {
        LearningSummary {
            pathway: p.map(|p| p.title.clone()).unwrap_or_default(),
            modules_done: p.map_or(0, |p| p.done),
            modules_total: p.map_or(0, |p| p.total),
            percent: p.map_or(0, |p| p.percent),
            late: p.map_or(0, |p| p.late),
            certifications_passed: records.iter().filter(|r| r.passed_on.is_some()).count(),
            expiry_reminders: expiry_reminders(records, today, EXPIRY_NOTICE_DAYS),
        }
    }
}

/// The pathway progress and certification records of an onboarding.
pub async fn progress(
    state: &App,
    loaded: &Loaded,
) -> Result<(Option<PathwayProgress>, Vec<CertificationStatus>, NaiveDate), Error> {
    let person = &loaded.person;
    let today = today_in(&person.time_zone, Utc::now());
    let (enrolled, records) = tokio::try_join!(
        state.store.enrolled_modules(loaded.onboarding.id),
        state.store.certification_records(person.id)
    )?;
    let (pathway_id, done) = match enrolled {
        Some((id, done)) => (Some(id), done),
        // Not enrolled yet (started before pathways existed): enrol now.
        None => match state
            .store
            .enrolment(loaded.onboarding.id, person.id, person.segment.as_deref())
            .await?
        {
            Some(id) => {
                let done = state.store.module_completions(person.id, &id).await?;
                (Some(id), done)
            }
            None => (None, Default::default()),
        },
    };
    let progress = pathway_id
        .as_deref()
        .and_then(|id| catalogues().pathway(id))
        .map(|p| pathway_progress(p, loaded.onboarding.start_date, today, &done));
    Ok((progress, records, today))
}

/// The whole learning view for `user`.
// Long: it assembles the view's sections (pathway, certifications, channels, reading, access, permissions) from reads made once; split per section it would read the same rows again.
pub async fn view(state: &App, user: &Actor, loaded: &Loaded) -> Result<LearningView, Error> {
    let person = &loaded.person;
    let c = catalogues();
    let (pathway, records, today) = progress(state, loaded).await?;
    let (joined, receipts, requests) = tokio::try_join!(
        state.store.joined_channels(person.id),
        state.store.reading_receipts(person.id),
        state.store.access_requests(loaded.onboarding.id),
    )?;
    let urls = crate::handbook::current_urls(state).await?;
    let certifications = c
        .certifications
        .iter()
        .map(|x| CertificationRow {
            id: x.id.clone(),
            title: x.title.clone(),
            url: x.url.clone(),
            contains: x.contains.clone(),
            record: records.iter().find(|r| r.certification_id == x.id).cloned(),
        })
        .collect();
    let region = person.region.as_deref();
    let channels = c
        .channels
        .iter()
        .map(|ch| ChannelRow {
            id: ch.id.clone(),
            name: ch.name.clone(),
            group: match ch.group {
                ChannelGroup::Csm => "csm",
                ChannelGroup::Company => "company",
                ChannelGroup::Regional => "regional",
            }
            .into(),
            purpose: ch.purpose.clone(),
            noise: match ch.noise {
                Noise::Low => "low",
                Noise::Medium => "medium",
                Noise::High => "high",
            }
            .into(),
            joined: joined.contains(&ch.id),
            suggested: ch.group == ChannelGroup::Regional
                && region.is_some_and(|r| ch.regions.iter().any(|x| region_matches(r, x))),
        })
        .collect();
    let checker = urls
        .as_deref()
        .map(onramp_handbook::freshness::LinkChecker::new);
    let broken = |url: &str| {
        checker
            .as_ref()
            .and_then(|c| c.is_broken(url))
            .unwrap_or(false)
    };
    let reading_list = c
        .reading_list
        .iter()
        .map(|r| ReadingRow {
            id: r.id.clone(),
            title: r.title.clone(),
            url: r.url.clone(),
            when: format!("month {}", r.month),
            week: (r.month - 1) * 4 + 1,
            read: receipts.contains_key(&r.id),
            broken: broken(&r.url),
        })
        .collect();
    let product_knowledge = c
        .product_knowledge
        .iter()
        .map(|p| ReadingRow {
            id: p.id.clone(),
            title: p.title.clone(),
            url: p.url.clone(),
            when: p.topic.clone(),
            week: p.week,
            read: receipts.contains_key(&p.id),
            broken: broken(&p.url),
        })
        .collect();
    let access = c
        .playgrounds
        .iter()
        .map(|pg| AccessRow {
            id: pg.id.clone(),
            title: pg.title.clone(),
            url: pg.url.clone(),
            description: pg.description.clone(),
            request: requests
                .iter()
                .rev()
                .find(|r| r.playground_id == pg.id)
                .cloned(),
        })
        .collect();
    let parties = &loaded.parties;
    Ok(LearningView {
        onboarding_id: loaded.onboarding.id,
        new_hire: person.name.clone(),
        today,
        expiry_reminders: expiry_reminders(&records, today, EXPIRY_NOTICE_DAYS),
        pathway,
        certifications,
        channels,
        reading_list,
        product_knowledge,
        access,
        can_record: may(user, parties, OnboardingAction::RecordLearning),
        can_request_access: may(user, parties, OnboardingAction::RequestAccess),
        can_decide_access: may(user, parties, OnboardingAction::DecideAccess),
        can_provision_access: may_provision_access(user),
        can_review_certifications: may(user, parties, OnboardingAction::ReviewCertification),
    })
}

pub fn optional_url(field: &str, text: Option<&str>) -> Result<Option<String>, Error> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(u) if (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 2000 => {
            Ok(Some(u.to_string()))
        }
        Some(u) => Err(Error::bad(
            field,
            format!("`{u}` is not an http(s) link of at most 2000 characters"),
        )),
    }
}

fn optional_date(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>, Error> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => crate::onboarding::parse_date(field, t).map(Some),
    }
}

/// A module completion as the form or the API sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleInput {
    /// A module id of the pathway.
    pub module: String,
    /// YYYY-MM-DD; today when left out.
    #[serde(default)]
    pub completed_on: Option<String>,
    /// A link to the certificate or other evidence.
    #[serde(default)]
    pub evidence_url: Option<String>,
}

/// Records that the new hire completed a module of their pathway.
pub async fn complete_module(
    state: &App,
    user: &Actor,
    id: i64,
    input: &ModuleInput,
) -> Result<PathwayProgress, Error> {
    let loaded = onboarding::load(state, user, id, OnboardingAction::RecordLearning).await?;
    let (progress, _, today) = progress(state, &loaded).await?;
    let progress = progress.ok_or_else(|| {
        Error::bad(
            "module",
            "this onboarding has no learning pathway (no pathway for the new hire's segment)",
        )
    })?;
    let module = input.module.trim();
    if !progress.modules.iter().any(|m| m.module.id == module) {
        let known: Vec<&str> = progress
            .modules
            .iter()
            .map(|m| m.module.id.as_str())
            .collect();
        return Err(Error::bad(
            "module",
            format!("unknown module `{module}` (known: {})", known.join(", ")),
        ));
    }
    let completed_on =
        optional_date("completed_on", input.completed_on.as_deref())?.unwrap_or(today);
    if completed_on > today {
        return Err(Error::bad("completed_on", "is in the future"));
    }
    let evidence_url = optional_url("evidence_url", input.evidence_url.as_deref())?;
    state
        .store
        .record_modules(
            Some(user.person_id),
            &[ModuleRecord {
                person_id: loaded.person.id,
                pathway_id: progress.pathway_id.clone(),
                module_id: module.to_string(),
                completed_on,
                evidence_url,
                source: "self",
            }],
        )
        .await?;
    pathway_after(state, &loaded).await
}

/// Takes back a module completion.
pub async fn undo_module(
    state: &App,
    user: &Actor,
    id: i64,
    module: &str,
) -> Result<PathwayProgress, Error> {
    let loaded = onboarding::load(state, user, id, OnboardingAction::RecordLearning).await?;
    let (progress, _, _) = progress(state, &loaded).await?;
    let progress = progress.ok_or(Error::NotFound)?;
    if !state
        .store
        .undo_module(
            Some(user.person_id),
            loaded.person.id,
            &progress.pathway_id,
            module,
        )
        .await?
    {
        return Err(Error::NotFound);
    }
    pathway_after(state, &loaded).await
}

async fn pathway_after(state: &App, loaded: &Loaded) -> Result<PathwayProgress, Error> {
    progress(state, loaded)
        .await?
        .0
        .ok_or_else(|| Error::Internal("the pathway disappeared".into()))
}

/// Sets the channels the new hire has joined (unknown ids are refused).
pub async fn set_channels(
    state: &App,
    user: &Actor,
    id: i64,
    channels: &[String],
) -> Result<Vec<String>, Error> {
    let loaded = onboarding::load(state, user, id, OnboardingAction::RecordLearning).await?;
    let mut ids: Vec<String> = Vec::new();
    for c in channels {
        let c = c.trim();
        if catalogues().channel(c).is_none() {
            return Err(Error::bad("channels", format!("unknown channel `{c}`")));
        }
        if !ids.iter().any(|x| x == c) {
            ids.push(c.to_string());
        }
    }
    state
        .store
        .set_joined_channels(Some(user.person_id), loaded.person.id, &ids)
        .await?;
    Ok(state.store.joined_channels(loaded.person.id).await?)
}

/// Marks a reading entry read or unread; returns the tasks it completed.
pub async fn set_read(
    state: &App,
    user: &Actor,
    id: i64,
    item: &str,
    read: bool,
) -> Result<Vec<String>, Error> {
    let loaded = onboarding::load(state, user, id, OnboardingAction::RecordLearning).await?;
    if catalogues().reading(item).is_none() {
        return Err(Error::NotFound);
    }
    Ok(state
        .store
        .set_read(Some(user.person_id), id, loaded.person.id, item, read)
        .await?)
}
