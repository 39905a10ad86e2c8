//! Office hours: sessions in each viewer's time zone, the question board
//! (anonymity, votes, answers, duplicates, roll-over) and calendar feeds.
//! Shared by the pages and the JSON API.

mod feed;
mod series;
pub use feed::{feed_of, personal_feed, session_ics};
pub use series::{SeriesInput, create_series};

use crate::{Actor, App, Caller, Error};
use chrono::{DateTime, Duration, Utc};
use onramp_core::calendar::{FeedItem, Recurrence, in_zone};
use onramp_core::people::Role;
use onramp_store::{OfficeHours, Question};
use serde::Serialize;
use utoipa::ToSchema;

/// Whether `user` runs office hours (`core::access::may_run_office_hours`).
pub fn is_enablement(user: &Actor) -> bool {
    onramp_core::access::may_run_office_hours(user)
}

fn may_answer(user: &Actor, series: &OfficeHours) -> bool {
    onramp_core::access::may_answer_questions(user, series.host_id)
}

/// One session: when, and how it shows for the viewer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub start: DateTime<Utc>,
    /// In the viewer's time zone, e.g. `Wed 2 Dec 2026, 16:00 CET`.
    pub local: String,
    pub ics_url: String,
    /// The viewer asked to be reminded an hour before it starts.
    pub reminded: bool,
}

/// A question as the viewer may see it: the author only for the author
/// and the Enablement team.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QuestionView {
    pub id: i64,
    pub body: String,
    pub anonymous: bool,
    /// Absent when the question is anonymous and the viewer may not know.
    pub author: Option<String>,
    /// Set for the author and the Enablement team on anonymous questions.
    pub author_note: Option<String>,
    pub votes: i64,
    pub voted: bool,
    /// The viewer asked it (and so may not vote for it).
    pub mine: bool,
    pub status: String,
    pub session: DateTime<Utc>,
    /// Asked for an earlier session and carried over.
    pub rolled_over: bool,
    pub answer_html: String,
    pub answer: String,
    pub links: Vec<String>,
    pub answered_on: Option<String>,
    pub duplicate_of: Option<i64>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SeriesView {
    pub id: i64,
    pub title: String,
    pub host: Option<String>,
    pub video_url: String,
    /// The iCalendar rule, for calendar tools; people read `schedule`.
    pub rrule: String,
    /// The rule in words, e.g. "Every Tuesday at 16:00 (Europe/Amsterdam), from 6 October 2026".
    pub schedule: String,
    pub time_zone: String,
    pub duration_minutes: i32,
    pub upcoming: Vec<SessionView>,
    pub past: Vec<SessionView>,
    /// The next session's agenda: open questions, most votes first.
    pub agenda: Vec<QuestionView>,
    /// Answered or closed as duplicates, newest first.
    pub answered: Vec<QuestionView>,
    pub can_answer: bool,
}

fn viewer_zone(tz: &str) -> &str {
    if tz.is_empty() { "UTC" } else { tz }
}

/// One question as `user` sees it; the day it was answered is the day in
/// the viewer's time zone `zone`.
pub fn question_view(
    q: &Question,
    user: &Actor,
    zone: &str,
    voted: &[i64],
    next: Option<DateTime<Utc>>,
) -> QuestionView {
    let mine = q.author_id == user.person_id;
    // An anonymous question names its asker to nobody, the Enablement team
    // and admins included; only the asker is reminded it is theirs.
    let (author, author_note) = if !q.anonymous {
        (Some(q.author_name.clone()), None)
    } else if mine {
        (
            None,
            Some("You asked this anonymously: nobody else sees your name, the Enablement team and admins included.".to_string()),
        )
    } else {
        (None, None)
    };
    QuestionView {
        id: q.id,
        body: q.body.clone(),
        anonymous: q.anonymous,
        author,
        author_note,
        votes: q.votes,
        voted: voted.contains(&q.id),
        mine,
        status: q.status.clone(),
        session: q.session_start,
        rolled_over: next.is_some_and(|n| q.session_start < n) && q.status == "open",
        answer_html: crate::markdown::render(&q.answer),
        answer: q.answer.clone(),
        links: q.links.0.clone(),
        answered_on: q
            .answered_session
            .or(q.answered_at)
            .map(|d| onramp_core::onboarding::today_in(zone, d).to_string()),
        duplicate_of: q.duplicate_of,
    }
}

fn session_view(series: &OfficeHours, start: DateTime<Utc>, zone: &str) -> SessionView {
    SessionView {
        start,
        local: in_zone(start, zone),
        ics_url: format!(
            "/office-hours/{}/sessions/{}.ics",
            series.id,
            start.timestamp()
        ),
        reminded: false,
    }
}

/// The next sessions (up to `count`) from now.
pub fn upcoming(
    series: &OfficeHours,
    now: DateTime<Utc>,
    count: u16,
) -> Result<Vec<DateTime<Utc>>, Error> {
    series
        .recurrence()
        .occurrences(
            now - Duration::minutes(i64::from(series.duration_minutes)),
            now + Duration::days(400),
            count,
        )
        .map_err(Error::Internal)
}

fn past(
    series: &OfficeHours,
    now: DateTime<Utc>,
    count: usize,
) -> Result<Vec<DateTime<Utc>>, Error> {
    let all = series
        .recurrence()
        .occurrences(
            now - Duration::days(120),
            now - Duration::minutes(i64::from(series.duration_minutes)),
            100,
        )
        .map_err(Error::Internal)?;
    Ok(all.into_iter().rev().take(count).collect())
}

/// Every series with its sessions and board, as `user` may see it.
pub async fn board(state: &App, user: &Actor, tz: &str) -> Result<Vec<SeriesView>, Error> {
    let now = Utc::now();
    let zone = viewer_zone(tz);
    let voted = state.store.votes_by(user.person_id).await?;
    let reminders = state.store.reminders_of(user.person_id, now).await?;
    let mut out = Vec::new();
    for series in state.store.office_hours_list().await? {
        let up = upcoming(&series, now, 4)?;
        let next = up.first().copied();
        let questions = state.store.questions_of(series.id).await?;
        let mut agenda = Vec::new();
        let mut answered = Vec::new();
        for q in &questions {
            let view = question_view(q, user, zone, &voted, next);
            if q.status == "open" {
                agenda.push(view);
            } else {
                answered.push(view);
            }
        }
        answered.sort_by(|a, b| b.answered_on.cmp(&a.answered_on).then(b.id.cmp(&a.id)));
        out.push(SeriesView {
            id: series.id,
            title: series.title.clone(),
            host: series.host_name.clone(),
            video_url: series.video_url.clone(),
            rrule: series.rrule.clone(),
            schedule: onramp_core::recurrence::in_words(&series.recurrence()),
            time_zone: series.time_zone.clone(),
            duration_minutes: series.duration_minutes,
            upcoming: up
                .iter()
                .map(|s| SessionView {
                    reminded: reminders
                        .iter()
                        .any(|r| r.series_id == Some(series.id) && r.starts_at == *s),
                    ..session_view(&series, *s, zone)
                })
                .collect(),
            past: past(&series, now, 4)?
                .into_iter()
                .map(|s| session_view(&series, s, zone))
                .collect(),
            agenda,
            answered,
            can_answer: may_answer(user, &series),
        });
    }
    Ok(out)
}

async fn series_of(state: &App, id: i64) -> Result<OfficeHours, Error> {
    state.store.office_hours(id).await?.ok_or(Error::NotFound)
}

/// Adds a question to one of the next sessions (default: the next).
pub async fn ask(
    state: &App,
    user: &Actor,
    series_id: i64,
    body: &str,
    anonymous: bool,
    session: Option<i64>,
) -> Result<Question, Error> {
    let series = series_of(state, series_id).await?;
    let up = upcoming(&series, Utc::now(), 8)?;
    let start = match session {
        None => *up
            .first()
            .ok_or_else(|| Error::bad("session", "this series has no upcoming session"))?,
        Some(ts) => *up
            .iter()
            .find(|s| s.timestamp() == ts)
            .ok_or_else(|| Error::bad("session", "choose one of the upcoming sessions"))?,
    };
    onramp_core::rules::check_question(body)?;
    Ok(state
        .store
        .add_question(user.person_id, series_id, start, body.trim(), anonymous)
        .await?)
}

/// Cancels one upcoming session (host and Enablement team).
pub async fn cancel(state: &App, user: &Actor, series_id: i64, start_ts: i64) -> Result<(), Error> {
    let series = series_of(state, series_id).await?;
    if !may_answer(user, &series) {
        return Err(Error::Forbidden(
            "only the host and the Enablement team cancel sessions".into(),
        ));
    }
    let start = upcoming(&series, Utc::now(), 20)?
        .into_iter()
        .find(|s| s.timestamp() == start_ts)
        .ok_or_else(|| Error::bad("session", "choose one of the upcoming sessions"))?;
    let local = series.recurrence().local(start).map_err(Error::Internal)?;
    state
        .store
        .cancel_session(Some(user.person_id), series_id, local)
        .await?;
    Ok(())
}

/// The question if `user` may see it (every signed-in person may).
/// Votes for (`up`) or withdraws a vote from a question; not one's own.
pub async fn vote(state: &App, user: &Actor, id: i64, up: bool) -> Result<i64, Error> {
    let (q, _) = question(state, id).await?;
    if up && !onramp_core::access::may_vote(user, q.author_id) {
        return Err(Error::Forbidden(
            "You asked this question; votes are for other people's questions.".into(),
        ));
    }
    Ok(state.store.vote(id, user.person_id, up).await?)
}

pub async fn question(state: &App, id: i64) -> Result<(Question, OfficeHours), Error> {
    let q = state.store.question(id).await?.ok_or(Error::NotFound)?;
    let series = series_of(state, q.series_id).await?;
    Ok((q, series))
}

/// Answers (or closes as a duplicate) and puts the answer in search.
pub async fn answer(
    state: &App,
    user: &Actor,
    id: i64,
    text: &str,
    links: &str,
    duplicate_of: Option<i64>,
) -> Result<(), Error> {
    let (q, series) = question(state, id).await?;
    if !may_answer(user, &series) {
        return Err(Error::Forbidden(
            "only the host and the Enablement team answer questions".into(),
        ));
    }
    let links: Vec<String> = links
        .split(['\n', ',', ' '])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    onramp_core::rules::check_answer(id, text, &links, duplicate_of)?;
    let now = Utc::now();
    let session = past(
        &series,
        now + Duration::minutes(i64::from(series.duration_minutes)),
        1,
    )?
    .first()
    .copied()
    .or(Some(q.session_start));
    let (before, after) = state
        .store
        .answer_question(user.person_id, id, text, &links, session, duplicate_of)
        .await?;
    crate::handbook::index_answer(&state.store, &state.handbook.index, id, before, after)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(())
}

/// Every office-hours series.
pub async fn list(app: &App) -> Result<Vec<OfficeHours>, Error> {
    Ok(app.store.office_hours_list().await?)
}

/// Cancels the session of a series that starts at `local` (the series' own
/// time zone), past or future: the operator's way, where the pages offer
/// the upcoming sessions only ([`cancel`]).
pub async fn cancel_at(
    app: &App,
    by: Caller<'_>,
    series_id: i64,
    local: chrono::NaiveDateTime,
) -> Result<(), Error> {
    let series = app
        .store
        .office_hours(series_id)
        .await?
        .ok_or_else(|| Error::bad("id", format!("no office hours {series_id}")))?;
    if !by.may(|actor| may_answer(actor, &series)) {
        return Err(Error::Forbidden(
            "only the host and the Enablement team cancel sessions".into(),
        ));
    }
    let r = series.recurrence();
    let utc = onramp_core::calendar::from_local(local, &r.time_zone)
        .map_err(|m| Error::bad("session", m))?;
    let hit = r
        .occurrences(utc - Duration::seconds(1), utc + Duration::seconds(1), 2)
        .map_err(Error::Internal)?;
    if !hit.contains(&utc) {
        return Err(Error::bad(
            "session",
            format!(
                "{} is not a session of office hours {series_id}",
                local.format("%Y-%m-%dT%H:%M")
            ),
        ));
    }
    app.store
        .cancel_session(by.person_id(), series_id, local)
        .await?;
    Ok(())
}

/// A new secret address for the acting person's calendar feed (the old
/// one stops working); its owner can see it again later.
pub async fn rotate_feed(app: &App, actor: &Actor) -> Result<String, Error> {
    Ok(app.store.rotate_calendar_token(actor.person_id).await?)
}

/// Stops the acting person's calendar feed.
pub async fn revoke_feed(app: &App, actor: &Actor) -> Result<(), Error> {
    Ok(app.store.revoke_calendar_token(actor.person_id).await?)
}

/// The board in the acting person's time zone, and that zone.
pub async fn my_board(app: &App, actor: &Actor) -> Result<(Vec<SeriesView>, String), Error> {
    let me = app.store.person(actor.person_id).await?;
    let series = board(app, actor, &me.time_zone).await?;
    Ok((series, me.time_zone))
}

/// The acting person's calendar feed: none, one whose secret can be shown
/// again (`Some(Some(secret))`), or an older one that cannot (`Some(None)`).
pub async fn my_feed(app: &App, actor: &Actor) -> Result<Option<Option<String>>, Error> {
    Ok(app.store.calendar_token(actor.person_id).await?)
}

/// One question as the acting person sees it, and its series' title.
pub async fn question_for(
    app: &App,
    actor: &Actor,
    id: i64,
) -> Result<(QuestionView, String), Error> {
    let (q, series) = question(app, id).await?;
    let voted = app.store.votes_by(actor.person_id).await?;
    let zone = app.store.person(actor.person_id).await?.time_zone;
    Ok((question_view(&q, actor, &zone, &voted, None), series.title))
}

/// The person a calendar feed secret belongs to (the secret is the
/// credential); an unknown secret is not found.
pub async fn feed_owner(app: &App, secret: &str) -> Result<i64, Error> {
    app.store
        .person_for_calendar_token(secret)
        .await?
        .ok_or(Error::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_answered_session_is_dated_in_the_viewers_zone() {
        // A session at 23:30 UTC on 2 December is already 3 December in Tokyo.
        let session = Utc.with_ymd_and_hms(2026, 12, 2, 23, 30, 0).unwrap();
        let q = Question {
            id: 1,
            series_id: 1,
            session_start: session,
            author_id: 2,
            author_name: "Kim".into(),
            anonymous: false,
            body: "How do I prepare an EBR?".into(),
            status: "answered".into(),
            answer: "Start from the success plan.".into(),
            links: onramp_store::Json(Vec::new()),
            answered_by: Some(3),
            answered_at: Some(session),
            answered_session: Some(session),
            duplicate_of: None,
            created_at: session,
            votes: 0,
        };
        let viewer = Actor {
            person_id: 9,
            roles: vec![Role::NewHire],
        };
        let on = |zone: &str| question_view(&q, &viewer, zone, &[], None).answered_on;
        assert_eq!(on("Asia/Tokyo").as_deref(), Some("2026-12-03"));
        assert_eq!(on("America/Chicago").as_deref(), Some("2026-12-02"));
    }
}
