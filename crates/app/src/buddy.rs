//! Buddy suggestions and assignment, the meeting log and feedback: shared by
//! the pages and the JSON API.

use crate::onboarding::{self, Loaded};
use crate::{Actor, App, Caller, Error};
use chrono::NaiveDate;
use onramp_core::access::{OnboardingAction, may};
use onramp_core::buddy::{NewHire, Suggestions, suggest};
use onramp_core::meeting::{
    Category, QuotaWeek, Role, last_shortfall, number_led, quota_weeks, themes,
};
use onramp_store::{BuddyAssignment, Feedback, Meeting, NewFeedback, NewMeeting, Person};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Ranked buddy candidates for an onboarding's new hire.
pub async fn suggestions(state: &App, loaded: &Loaded) -> Result<Suggestions, Error> {
    let colleagues = state.store.buddy_colleagues(loaded.person.id).await?;
    Ok(suggest(
        &state.buddy_rules,
        &NewHire {
            person_id: loaded.person.id,
            department: loaded.person.department.clone(),
            segment: loaded.person.segment.clone(),
            region: loaded.person.region.clone(),
            time_zone: loaded.person.time_zone.clone(),
            start_date: loaded.onboarding.start_date,
            manager_id: loaded.onboarding.manager_id,
        },
        &colleagues,
    ))
}

/// Assigns (or, with no email, ends) the buddy or backup buddy.
/// Returns the new buddy.
pub async fn assign(
    state: &App,
    by: Caller<'_>,
    id: i64,
    email: Option<&str>,
    backup: bool,
    note: &str,
) -> Result<Option<Person>, Error> {
    onboarding::load_by(state, by, id, OnboardingAction::AssignBuddy).await?;
    let buddy = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(person_with_email(state, "buddy", e).await?),
        None => None,
    };
    onramp_core::rules::check_note(note)?;
    state
        .store
        .assign_buddy(
            by.person_id(),
            id,
            buddy.as_ref().map(|b| b.id),
            backup,
            note.trim(),
        )
        .await?;
    Ok(buddy)
}

/// Records a person's time off (administrators and the operator); buddy
/// suggestions and the shadowing pace take it into account. Returns its id
/// and the person.
pub async fn record_time_off(
    state: &App,
    by: Caller<'_>,
    email: &str,
    first_day: NaiveDate,
    last_day: NaiveDate,
    note: &str,
) -> Result<(i64, Person), Error> {
    if !by.may_administer() {
        return Err(Error::NotFound);
    }
    let person = person_with_email(state, "email", email).await?;
    onramp_core::rules::check_time_off(first_day, last_day, note)?;
    let id = state
        .store
        .add_time_off(by.person_id(), person.id, first_day, last_day, note)
        .await?;
    Ok((id, person))
}

async fn person_by_email(state: &App, field: &str, email: &str) -> Result<i64, Error> {
    Ok(person_with_email(state, field, email).await?.id)
}

async fn person_with_email(state: &App, field: &str, email: &str) -> Result<Person, Error> {
    state
        .store
        .person_by_email(email.trim())
        .await?
        .ok_or_else(|| Error::Invalid {
            field: field.into(),
            message: format!("no person has the email {email}"),
        })
}

/// A length in whole minutes, from 1 to 600 (ten hours).
pub fn minutes(field: &str, text: &str) -> Result<i32, Error> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|m| (1..=600).contains(m))
        .ok_or_else(|| {
            Error::bad(
                field,
                format!("must be a whole number of minutes from 1 to 600 (got `{text}`)"),
            )
        })
}

/// A meeting as the form or the API sends it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeetingInput {
    /// `shadowed` or `led`.
    pub role: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    pub duration_minutes: String,
    /// A type id from the meeting catalogue, e.g. `cadence-call`.
    pub meeting_type: String,
    /// Shadowed meetings: the email of the CSM who led it.
    #[serde(default)]
    pub lead_email: Option<String>,
    /// Led meetings: the email of the observer (usually the buddy).
    #[serde(default)]
    pub observer_email: Option<String>,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub learnings: String,
}

/// Checks and records a meeting; returns it and the tasks it completed.
// Long: each of the meeting's fields is checked in turn (role, date, type, people, notes) before one store call.
pub async fn add_meeting(
    state: &App,
    user: &Actor,
    id: i64,
    input: &MeetingInput,
) -> Result<(Meeting, Vec<String>), Error> {
    let loaded = onboarding::load(state, user, id, OnboardingAction::LogMeeting).await?;
    let role = Role::parse(input.role.trim())
        .ok_or_else(|| Error::bad("role", "must be `shadowed` or `led`"))?;
    let held_on = crate::onboarding::parse_date("held_on", &input.held_on)?;
    if held_on > onramp_core::onboarding::today_in(&loaded.person.time_zone, chrono::Utc::now()) {
        return Err(Error::bad(
            "held_on",
            "is in the future; record meetings once they took place",
        ));
    }
    let duration_minutes = minutes("duration_minutes", &input.duration_minutes)?;
    if state
        .meetings
        .meeting_type(input.meeting_type.trim())
        .is_none()
    {
        let known: Vec<&str> = state.meetings.types.iter().map(|t| t.id.as_str()).collect();
        return Err(Error::bad(
            "meeting_type",
            format!(
                "unknown type `{}` (known: {})",
                input.meeting_type,
                known.join(", ")
            ),
        ));
    }
    let lead_id = match (
        role,
        input
            .lead_email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty()),
    ) {
        (Role::Shadowed, Some(e)) => Some(person_by_email(state, "lead_email", e).await?),
        (Role::Shadowed, None) => {
            return Err(Error::bad(
                "lead_email",
                "say who led the meeting you shadowed",
            ));
        }
        (Role::Led, _) => Some(loaded.person.id),
    };
    let observer_id = match (
        role,
        input
            .observer_email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty()),
    ) {
        (Role::Led, Some(e)) => Some(person_by_email(state, "observer_email", e).await?),
        _ => None,
    };
    for (field, text, max) in [
        ("account", &input.account, 200),
        ("notes", &input.notes, 10_000),
        ("learnings", &input.learnings, 10_000),
    ] {
        if text.chars().count() > max {
            return Err(Error::bad(
                field,
                format!("is longer than {max} characters"),
            ));
        }
    }
    onramp_core::rules::check_meeting(
        input.account.trim(),
        input.notes.trim(),
        input.learnings.trim(),
        duration_minutes,
    )?;
    Ok(state
        .store
        .add_meeting(
            Some(user.person_id),
            id,
            &NewMeeting {
                role,
                held_on,
                duration_minutes,
                meeting_type: input.meeting_type.trim().to_string(),
                lead_id,
                observer_id,
                account: input.account.trim().to_string(),
                notes: input.notes.trim().to_string(),
                learnings: input.learnings.trim().to_string(),
            },
        )
        .await?)
}

/// Feedback as the form or the API sends it; ratings by skill id.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackInput {
    pub went_well: String,
    pub to_improve: String,
    #[serde(default)]
    pub notes: String,
    /// Skill id → "1".."5".
    #[serde(default)]
    pub ratings: BTreeMap<String, String>,
}

/// Records feedback on a led meeting of onboarding `id`.
pub async fn give_feedback(
    state: &App,
    user: &Actor,
    id: i64,
    meeting_id: i64,
    input: &FeedbackInput,
) -> Result<Feedback, Error> {
    let loaded = onboarding::load(state, user, id, OnboardingAction::Read).await?;
    let meeting = state
        .store
        .meeting(meeting_id)
        .await?
        .filter(|m| m.onboarding_id == id)
        .ok_or(Error::NotFound)?;
    let is_observer = meeting.observer_id == Some(user.person_id);
    if !is_observer && !may(user, &loaded.parties, OnboardingAction::GiveFeedback) {
        return Err(Error::Forbidden(
            "only the meeting's observer, the buddy or the manager give feedback".into(),
        ));
    }
    let mut ratings = BTreeMap::new();
    for (skill, value) in &input.ratings {
        if value.trim().is_empty() {
            continue;
        }
        if state.meetings.skill(skill).is_none() {
            return Err(Error::bad("ratings", format!("unknown skill `{skill}`")));
        }
        let r = value
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|r| (1..=5).contains(r))
            .ok_or_else(|| {
                Error::bad(
                    "ratings",
                    format!("`{skill}` must be from 1 to 5 (got `{value}`)"),
                )
            })?;
        ratings.insert(skill.clone(), r);
    }
    onramp_core::rules::check_feedback(
        &input.went_well,
        &input.to_improve,
        &input.notes,
        &ratings,
    )?;
    Ok(state
        .store
        .record_feedback(
            user.person_id,
            meeting_id,
            &NewFeedback {
                went_well: input.went_well.clone(),
                to_improve: input.to_improve.clone(),
                ratings,
                notes: input.notes.clone(),
            },
        )
        .await?)
}

/// A led meeting with its number and feedback.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedMeeting {
    #[schema(value_type = Object)]
    pub meeting: Meeting,
    /// 1, 2, … for customer meetings; none for internal ones.
    pub number: Option<u32>,
    /// Hidden from those who may not read feedback.
    #[schema(value_type = Option<Object>)]
    pub feedback: Option<Feedback>,
    /// Among the first meetings the buddy is expected at, and nobody observed.
    pub missing_observer: bool,
}

/// Everything the meetings page and the API show.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingLog {
    #[schema(value_type = Vec<Object>)]
    pub shadowed: Vec<Meeting>,
    pub led: Vec<LedMeeting>,
    #[schema(value_type = Vec<Object>)]
    pub quota: Vec<QuotaWeek>,
    /// The weekly quota's shortfall in the last ended week, for people.
    pub shortfall: Option<String>,
    pub feedback_visible: bool,
    /// Average confidence per numbered led meeting with feedback.
    #[schema(value_type = Vec<Object>)]
    pub trend: Vec<(u32, f64)>,
    /// Most frequent words in "to improve", with how many notes use them.
    #[schema(value_type = Vec<Object>)]
    pub themes: Vec<(String, u32)>,
}

/// How many of the first led customer meetings the buddy is expected at.
pub const OBSERVED_MEETINGS: u32 = 10;

pub async fn log(state: &App, user: &Actor, loaded: &Loaded) -> Result<MeetingLog, Error> {
    let meetings = state.store.meetings_of(loaded.onboarding.id).await?;
    let feedback_visible = may(user, &loaded.parties, OnboardingAction::ReadFeedback);
    let mut feedback: BTreeMap<i64, Feedback> = if feedback_visible {
        state
            .store
            .feedback_of(loaded.onboarding.id)
            .await?
            .into_iter()
            .map(|f| (f.meeting_id, f))
            .collect()
    } else {
        BTreeMap::new()
    };
    let is_customer = |m: &Meeting| {
        state
            .meetings
            .meeting_type(&m.meeting_type)
            .is_some_and(|t| t.category == Category::Customer)
    };
    let numbers = number_led(
        &meetings
            .iter()
            .filter(|m| m.role == "led")
            .map(|m| (m.id, m.held_on, is_customer(m)))
            .collect::<Vec<_>>(),
    );
    let (shadowed, led_raw): (Vec<Meeting>, Vec<Meeting>) =
        meetings.into_iter().partition(|m| m.role == "shadowed");
    let led: Vec<LedMeeting> = led_raw
        .into_iter()
        .map(|m| {
            let number = numbers.get(&m.id).copied();
            let missing_observer =
                number.is_some_and(|n| n <= OBSERVED_MEETINGS) && m.observer_id.is_none();
            LedMeeting {
                feedback: feedback.remove(&m.id),
                meeting: m,
                number,
                missing_observer,
            }
        })
        .collect();
    let (quota, shortfall) = pace(loaded, &shadowed);
    let mut trend = Vec::new();
    let mut notes = Vec::new();
    for l in &led {
        if let (Some(n), Some(f)) = (l.number, &l.feedback)
            && !f.ratings.0.is_empty()
        {
            let sum: u32 = f.ratings.0.values().map(|r| u32::from(*r)).sum();
            trend.push((n, f64::from(sum) / f.ratings.0.len() as f64));
        }
        if let Some(f) = &l.feedback {
            notes.push(f.to_improve.as_str());
        }
    }
    let themes = themes(&notes, 5);
    Ok(MeetingLog {
        shadowed,
        led,
        quota,
        shortfall,
        feedback_visible,
        trend,
        themes,
    })
}

/// The weekly shadowing pace of the program (if it sets one) and the last
/// ended week's shortfall, as a sentence for people.
fn pace(loaded: &Loaded, shadowed: &[Meeting]) -> (Vec<QuotaWeek>, Option<String>) {
    let Some(q) = &loaded.version.definition.shadowing else {
        return (Vec::new(), None);
    };
    let today = onramp_core::onboarding::today_in(&loaded.person.time_zone, chrono::Utc::now());
    let dates: Vec<NaiveDate> = shadowed.iter().map(|m| m.held_on).collect();
    let weeks = quota_weeks(q, loaded.onboarding.start_date, &dates, today);
    let shortfall = last_shortfall(&weeks, today).map(|w| {
        format!(
            "Week {} (from {}): {} of {} meetings shadowed. Your buddy can help you find calls to join.",
            w.week, w.starts, w.shadowed, w.required
        )
    });
    (weeks, shortfall)
}

/// Only the shortfall, without reading anything when the program sets no pace.
pub async fn shortfall(state: &App, loaded: &Loaded) -> Result<Option<String>, Error> {
    if loaded.version.definition.shadowing.is_none() {
        return Ok(None);
    }
    let shadowed: Vec<Meeting> = state
        .store
        .meetings_of(loaded.onboarding.id)
        .await?
        .into_iter()
        .filter(|m| m.role == "shadowed")
        .collect();
    Ok(pace(loaded, &shadowed).1)
}

/// The buddy and backup assignments, oldest first.
pub async fn history(state: &App, id: i64) -> Result<Vec<BuddyAssignment>, Error> {
    Ok(state.store.buddy_history(id).await?)
}

/// A line chart of average confidence (1–5) per led meeting, as inline SVG.
pub fn trend_svg(points: &[(u32, f64)]) -> String {
    let (w, h, pad) = (480.0, 200.0, 32.0);
    let max_n = points
        .iter()
        .map(|p| p.0)
        .max()
        .unwrap_or(1)
        .max(OBSERVED_MEETINGS) as f64;
    let x = |n: u32| pad + (f64::from(n) - 1.0) / (max_n - 1.0).max(1.0) * (w - 2.0 * pad);
    let y = |v: f64| h - pad - (v - 1.0) / 4.0 * (h - 2.0 * pad);
    let mut svg = format!(
        "<svg class=\"trend\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\"><title>Confidence per led meeting</title>"
    );
    for level in 1..=5 {
        let ly = y(f64::from(level));
        svg.push_str(&format!(
            "<line x1=\"{pad}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{level}</text>",
            w - pad,
            pad - 18.0,
            ly + 4.0
        ));
    }
    let path: Vec<String> = points
        .iter()
        .map(|(n, v)| format!("{:.1},{:.1}", x(*n), y(*v)))
        .collect();
    if !path.is_empty() {
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"#2f6fab\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        ));
    }
    for (n, v) in points {
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#2f6fab\"><title>Meeting {n}: {v:.1}</title></circle><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{n}</text>",
            x(*n),
            y(*v),
            x(*n),
            h - pad + 16.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Colleagues who may join the new hire's meetings, by (email, name), for
/// those who may log a meeting; nobody for others.
pub async fn colleagues(
    app: &App,
    actor: &Actor,
    loaded: &Loaded,
) -> Result<Vec<(String, String)>, Error> {
    if !may(actor, &loaded.parties, OnboardingAction::LogMeeting) {
        return Ok(Vec::new());
    }
    Ok(app
        .store
        .buddy_colleagues(loaded.person.id)
        .await?
        .into_iter()
        .map(|c| (c.email, c.name))
        .collect())
}

/// The email of the onboarding's buddy, if one is assigned.
pub async fn buddy_email(app: &App, loaded: &Loaded) -> Result<Option<String>, Error> {
    Ok(match loaded.onboarding.buddy_id {
        Some(b) => Some(app.store.person(b).await?.email),
        None => None,
    })
}

/// A meeting the new hire led, for giving feedback on it: only its
/// observer, the buddy or the manager may; with the feedback given so far.
pub async fn feedback_draft(
    app: &App,
    actor: &Actor,
    loaded: &Loaded,
    meeting_id: i64,
) -> Result<(Meeting, Option<Feedback>), Error> {
    let id = loaded.onboarding.id;
    let meeting = app
        .store
        .meeting(meeting_id)
        .await?
        .filter(|m| m.onboarding_id == id && m.role == "led")
        .ok_or(Error::NotFound)?;
    let allowed = meeting.observer_id == Some(actor.person_id)
        || may(actor, &loaded.parties, OnboardingAction::GiveFeedback);
    if !allowed {
        return Err(Error::Forbidden(
            "only the meeting's observer, the buddy or the manager give feedback".into(),
        ));
    }
    let existing = app
        .store
        .feedback_of(id)
        .await?
        .into_iter()
        .find(|f| f.meeting_id == meeting_id);
    Ok((meeting, existing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_chart_plots_each_point() {
        let svg = trend_svg(&[(1, 2.5), (2, 3.0), (3, 4.25)]);
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("Meeting 3: 4.2") || svg.contains("Meeting 3: 4.3"));
        assert!(trend_svg(&[]).contains("</svg>"));
    }
}
