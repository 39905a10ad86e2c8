//! Calendar feeds: a person's tasks, office hours and meetings as iCalendar,
//! and one session as an `.ics` file.

use super::*;

/// The personal feed: the person's tasks, office hours, and meetings.
/// `public_url` (the address people reach Onramp at, may be empty) starts
/// the links in the events.
// Long: one event list built from three sources (office hours, tasks, meetings); each block is short.
pub async fn personal_feed(
    store: &onramp_store::Store,
    catalogue: &onramp_core::meeting::MeetingCatalogue,
    public_url: &str,
    person: i64,
    office_hours_only: bool,
) -> Result<String, Error> {
    let now = Utc::now();
    let mut items = Vec::new();
    let base = public_url;
    for series in store.office_hours_list().await? {
        items.push(FeedItem::Timed {
            uid: format!("office-hours-{}@onramp", series.id),
            summary: series.title.clone(),
            description: format!(
                "Video call: {}\nHost: {}\nAdd your questions in Onramp beforehand.",
                series.video_url,
                series.host_name.clone().unwrap_or_default()
            ),
            url: Some(series.video_url.clone()),
            recurrence: series.recurrence(),
            recurring: true,
        });
    }
    if !office_hours_only {
        let onboardings = store
            .find_onboardings(
                &onramp_store::OnboardingFilter::Involving(person),
                now.date_naive(),
                200,
                0,
            )
            .await?;
        for summary in onboardings {
            let (o, _) = store.onboarding_with_person(summary.id).await?;
            let o = &o;
            let parties = crate::onboarding::parties_of(o);
            let roles = parties.roles_of(person);
            for t in store.task_lines(o.id).await? {
                let owner: Option<Role> = t.owner_role.parse().ok();
                if !owner.is_some_and(|r| roles.contains(&r))
                    || matches!(t.status.as_str(), "done" | "skipped")
                {
                    continue;
                }
                let whose = if o.person_id == person {
                    String::new()
                } else {
                    format!(" ({})", summary.person_name)
                };
                items.push(FeedItem::AllDay {
                    uid: format!("task-{}@onramp", t.id),
                    summary: format!("Due: {}{whose}", t.title),
                    description: format!("{base}/onboardings/{}/tasks/{}", o.id, t.id),
                    date: t.due_date,
                    remind_days_before: None,
                });
            }
            for m in store.meetings_of(o.id).await? {
                let involved = o.person_id == person
                    || m.lead_id == Some(person)
                    || m.observer_id == Some(person);
                if !involved {
                    continue;
                }
                let what = if m.role == "led" { "led" } else { "shadowed" };
                let title = catalogue
                    .meeting_type(&m.meeting_type)
                    .map_or(m.meeting_type.clone(), |t| t.title.clone());
                let who = if o.person_id == person {
                    "You".to_string()
                } else {
                    summary.person_name.clone()
                };
                items.push(FeedItem::AllDay {
                    uid: format!("meeting-{}@onramp", m.id),
                    summary: format!("{who}: {what} {title}, {}", m.account),
                    description: m.learnings.clone(),
                    date: m.held_on,
                    remind_days_before: None,
                });
            }
        }
    }
    if !office_hours_only {
        learning_items(store, person, now, &mut items).await?;
    }
    let name = if office_hours_only {
        "Onramp office hours"
    } else {
        "Onramp"
    };
    onramp_core::calendar::feed(name, &items, now).map_err(Error::Internal)
}

/// Upcoming webinars, and the expiry dates of the person's certifications
/// with a reminder before each.
async fn learning_items(
    store: &onramp_store::Store,
    person: i64,
    now: DateTime<Utc>,
    items: &mut Vec<FeedItem>,
) -> Result<(), Error> {
    let (webinars, records) = tokio::try_join!(
        store.webinars(now - Duration::days(30), now + Duration::days(365), 200),
        store.certification_records(person)
    )?;
    for w in webinars {
        let mut description = format!("Host: {}", w.host);
        if let Some(r) = &w.registration_url {
            description.push_str(&format!("\nRegister: {r}"));
        }
        if let Some(r) = &w.recording_url {
            description.push_str(&format!("\nRecording: {r}"));
        }
        items.push(FeedItem::Timed {
            uid: format!("webinar-{}@onramp", w.id),
            summary: format!("Webinar: {}", w.title),
            description,
            url: w.registration_url.clone(),
            recurrence: onramp_core::calendar::Recurrence {
                rrule: String::new(),
                start: w.starts_at.naive_utc(),
                time_zone: "UTC".into(),
                duration_minutes: u32::try_from(w.duration_minutes).unwrap_or(60),
                cancelled: Vec::new(),
            },
            recurring: false,
        });
    }
    let catalogue = onramp_core::catalogue::Catalogues::builtin();
    for r in records {
        let (Some(expires), Some(_)) = (r.expires_on, r.passed_on) else {
            continue;
        };
        let title = catalogue
            .certification(&r.certification_id)
            .map_or(r.certification_id.clone(), |c| c.title.clone());
        items.push(FeedItem::AllDay {
            uid: format!("certification-{}-{person}@onramp", r.certification_id),
            summary: format!("{title} expires"),
            description: "Renew it before this day to stay certified.".into(),
            date: expires,
            remind_days_before: Some(
                u32::try_from(onramp_core::learning::EXPIRY_NOTICE_DAYS).unwrap_or(60),
            ),
        });
    }
    Ok(())
}

/// A single session as an .ics file ("Add to calendar").
pub async fn session_ics(state: &App, series_id: i64, start_ts: i64) -> Result<String, Error> {
    let series = series_of(state, series_id).await?;
    let start = DateTime::<Utc>::from_timestamp(start_ts, 0).ok_or(Error::NotFound)?;
    let sessions = series
        .recurrence()
        .occurrences(
            start - Duration::seconds(1),
            start + Duration::seconds(1),
            2,
        )
        .map_err(Error::Internal)?;
    if !sessions.contains(&start) {
        return Err(Error::NotFound);
    }
    let local = series.recurrence().local(start).map_err(Error::Internal)?;
    let item = FeedItem::Timed {
        uid: format!("office-hours-{}-{}@onramp", series.id, start.timestamp()),
        summary: series.title.clone(),
        description: format!("Video call: {}", series.video_url),
        url: Some(series.video_url.clone()),
        recurrence: Recurrence {
            start: local,
            cancelled: Vec::new(),
            ..series.recurrence()
        },
        recurring: false,
    };
    onramp_core::calendar::feed(&series.title, &[item], Utc::now()).map_err(Error::Internal)
}

/// A person's calendar feed (everything, or office hours alone), with this
/// application's catalogue and public address.
pub async fn feed_of(app: &App, person: i64, office_hours_only: bool) -> Result<String, Error> {
    personal_feed(
        &app.store,
        &app.meetings,
        &app.public_url,
        person,
        office_hours_only,
    )
    .await
}
