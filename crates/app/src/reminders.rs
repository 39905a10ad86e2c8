//! Reminders people ask for (a webinar, or one office-hours session, an
//! hour before it starts), the note to askers whose office-hours question
//! was not reached and moves to the next session, and the sweep that sends
//! both. Webinars and office hours are open to everyone signed in, so
//! anyone may ask to be reminded.

use crate::{Actor, App, Error};
use chrono::{DateTime, Duration, Utc};
use onramp_core::calendar::in_zone;
use onramp_core::text::excerpt;
use onramp_store::{OfficeHours, Reminded};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// How long before the start a reminder goes (the sweep runs every ten
/// minutes, so it arrives 50 to 60 minutes before).
pub const REMIND_BEFORE: Duration = Duration::minutes(60);

/// Turns the reminder of a webinar to come on or off; answers whether it
/// is on.
pub async fn webinar(app: &App, user: &Actor, id: i64, remind: bool) -> Result<bool, Error> {
    let w = app.store.webinar(id).await?;
    if w.starts_at <= Utc::now() {
        return Err(Error::bad(
            "remind",
            "this webinar has started; reminders are for webinars to come",
        ));
    }
    set(app, user, Reminded::Webinar(id), w.starts_at, remind).await
}

/// Turns the reminder of one session to come of an office-hours series on
/// or off; answers whether it is on.
pub async fn session(
    app: &App,
    user: &Actor,
    series_id: i64,
    session: DateTime<Utc>,
    remind: bool,
) -> Result<bool, Error> {
    let series = app
        .store
        .office_hours(series_id)
        .await?
        .ok_or(Error::NotFound)?;
    if remind && (session <= Utc::now() || !is_session(&series, session)) {
        return Err(Error::bad(
            "session",
            "is not a session to come of these office hours (or it was cancelled)",
        ));
    }
    set(app, user, Reminded::OfficeHours(series_id), session, remind).await
}

async fn set(
    app: &App,
    user: &Actor,
    what: Reminded,
    starts_at: DateTime<Utc>,
    remind: bool,
) -> Result<bool, Error> {
    if remind {
        app.store.remind_me(user.person_id, what, starts_at).await?;
    } else {
        app.store
            .forget_reminder(user.person_id, what, starts_at)
            .await?;
    }
    Ok(remind)
}

/// Whether `at` is a session (not cancelled) of the series.
fn is_session(series: &OfficeHours, at: DateTime<Utc>) -> bool {
    series
        .recurrence()
        .occurrences(at, at + Duration::seconds(1), 1)
        .is_ok_and(|found| found.first() == Some(&at))
}

/// A reminder the person asked for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyReminder {
    /// The webinar's or the office hours' title.
    pub title: String,
    pub webinar_id: Option<i64>,
    /// For an office-hours session: the series.
    pub series_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    /// The start in the person's time zone.
    pub local: String,
}

/// The reminders of starts to come the person asked for, soonest first.
pub async fn mine(app: &App, user: &Actor) -> Result<Vec<MyReminder>, Error> {
    Ok(app
        .store
        .reminders_of(user.person_id, Utc::now())
        .await?
        .into_iter()
        .map(|r| MyReminder {
            local: in_zone(r.starts_at, &r.time_zone),
            title: r.title,
            webinar_id: r.webinar_id,
            series_id: r.series_id,
            starts_at: r.starts_at,
        })
        .collect())
}

/// What the sweep sent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub reminders: usize,
    pub rolled_over: usize,
}

/// Sends the reminders due at `now` and tells askers whose questions were
/// not reached. Several servers may run it at once: each is claimed.
pub async fn sweep(app: &App, now: DateTime<Utc>) -> Result<Sent, Error> {
    let mut series: BTreeMap<i64, Option<OfficeHours>> = BTreeMap::new();
    let mut sent = Sent::default();
    for r in app.store.due_reminders(now, now + REMIND_BEFORE).await? {
        let (still_on, link) = match (r.webinar_id, r.series_id) {
            (Some(w), _) => (true, format!("/webinars#webinar-{w}")),
            (None, Some(s)) => {
                let on = series_of(app, &mut series, s)
                    .await?
                    .is_some_and(|found| is_session(found, r.starts_at));
                (on, format!("/office-hours#series-{s}"))
            }
            (None, None) => (false, String::new()),
        };
        let message = format!(
            "{} starts at {}.",
            r.title,
            in_zone(r.starts_at, &r.time_zone)
        );
        // A cancelled session's reminder is claimed without a message.
        let notice = still_on.then_some((message.as_str(), link.as_str()));
        if app
            .store
            .send_reminder(r.id, r.person_id, notice, now)
            .await?
            && still_on
        {
            sent.reminders += 1;
        }
    }
    sent.rolled_over = roll_over(app, &mut series, now).await?;
    Ok(sent)
}

async fn series_of<'a>(
    app: &App,
    cache: &'a mut BTreeMap<i64, Option<OfficeHours>>,
    id: i64,
) -> Result<Option<&'a OfficeHours>, Error> {
    if let std::collections::btree_map::Entry::Vacant(slot) = cache.entry(id) {
        slot.insert(app.store.office_hours(id).await?);
    }
    Ok(cache.get(&id).and_then(Option::as_ref))
}

/// Tells each asker whose open question missed its session (once per
/// session missed) that it moves to the next one.
async fn roll_over(
    app: &App,
    cache: &mut BTreeMap<i64, Option<OfficeHours>>,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let mut told = 0;
    for q in app.store.missed_questions(now).await? {
        let Some(series) = series_of(app, cache, q.series_id).await? else {
            continue;
        };
        let length = Duration::minutes(i64::from(series.duration_minutes));
        let recurrence = series.recurrence();
        // The last session that has ended since the question was asked.
        let ended = recurrence
            .occurrences(q.session_start, now - length, 500)
            .unwrap_or_default();
        let Some(last) = ended.last().copied() else {
            continue;
        };
        if q.rolled_over_from.is_some_and(|told| told >= last) {
            continue;
        }
        let next = recurrence
            .occurrences(
                now - length + Duration::seconds(1),
                now + Duration::days(400),
                1,
            )
            .unwrap_or_default()
            .first()
            .copied();
        let message = match next {
            Some(next) => format!(
                "Your question “{}” was not reached in the session of {}; it stays on the agenda of {}.",
                excerpt(&q.body, 80),
                in_zone(last, &q.time_zone),
                in_zone(next, &q.time_zone)
            ),
            None => format!(
                "Your question “{}” was not reached in the session of {}, and {} has no session planned after it.",
                excerpt(&q.body, 80),
                in_zone(last, &q.time_zone),
                q.series_title
            ),
        };
        let link = format!("/office-hours/questions/{}", q.id);
        if app
            .store
            .roll_over_question(q.id, q.author_id, last, Some((&message, &link)))
            .await?
        {
            told += 1;
        }
    }
    Ok(told)
}
