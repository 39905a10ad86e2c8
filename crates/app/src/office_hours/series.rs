//! Scheduling a series: the recurrence as typed (a rule) or picked
//! (how often, which days, until when), checked and stored.

use crate::{App, Caller, Error};
use onramp_core::calendar::Recurrence;
use onramp_store::OfficeHours;

/// A series as the form, the API or the command line gives it: text as
/// typed, checked here.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SeriesInput {
    pub title: String,
    /// The first session, local time: YYYY-MM-DDTHH:MM.
    pub start: String,
    /// The IANA time zone of `start` and the rule.
    pub time_zone: String,
    /// An iCalendar RRULE such as `FREQ=WEEKLY;BYDAY=WE`; or leave it out
    /// and pick with `repeat`, `days` and `until`.
    #[serde(default)]
    pub rrule: String,
    /// The picker: `weekly`, `fortnightly`, `monthly` (the first session's
    /// weekday of the month), `weekdays` or `daily`.
    #[serde(default)]
    pub repeat: String,
    /// For `weekly` and `fortnightly`: days such as `TU` or `tuesday`
    /// (none: the first session's day).
    #[serde(default)]
    pub days: Vec<String>,
    /// The last day of the series (YYYY-MM-DD), or empty for no end.
    #[serde(default)]
    pub until: String,
    pub duration_minutes: String,
    pub video_url: String,
    /// The host's email, or empty for none.
    #[serde(default)]
    pub host_email: String,
}

impl SeriesInput {
    /// The recurrence it describes, or the field that is wrong.
    pub fn recurrence(&self) -> Result<Recurrence, Error> {
        let start = onramp_core::calendar::parse_local("start", &self.start)
            .map_err(|m| Error::bad("start", m.trim_start_matches("start: ").to_string()))?;
        let duration_minutes = self
            .duration_minutes
            .trim()
            .parse()
            .map_err(|_| Error::bad("duration_minutes", "must be a whole number of minutes"))?;
        let recurrence = Recurrence {
            rrule: self.rule(start)?,
            start,
            time_zone: self.time_zone.trim().to_string(),
            duration_minutes,
            cancelled: Vec::new(),
        };
        onramp_core::rules::check_series(&self.title, &recurrence, self.video_url.trim())?;
        Ok(recurrence)
    }

    /// The typed rule, or the one the picker's choices make.
    fn rule(&self, start: chrono::NaiveDateTime) -> Result<String, Error> {
        use onramp_core::recurrence::{self, Choice, Repeat};
        let picked = !self.repeat.trim().is_empty();
        if !self.rrule.trim().is_empty() {
            if picked {
                return Err(Error::bad(
                    "repeat",
                    "give either a rule (rrule) or the picker's choices (repeat), not both",
                ));
            }
            return Ok(self.rrule.trim().to_string());
        }
        if !picked {
            return Err(Error::bad("repeat", "choose how often the sessions repeat"));
        }
        let repeat = Repeat::parse(&self.repeat).ok_or_else(|| {
            let known: Vec<&str> = Repeat::ALL.iter().map(|r| r.as_str()).collect();
            Error::bad("repeat", format!("expected one of {}", known.join(", ")))
        })?;
        let days = self
            .days
            .iter()
            .filter(|d| !d.trim().is_empty())
            .map(|d| {
                recurrence::weekday(d)
                    .ok_or_else(|| Error::bad("days", format!("`{d}` is not a day of the week")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let until =
            match self.until.trim() {
                "" => None,
                text => Some(chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(
                    |_| Error::bad("until", format!("expected YYYY-MM-DD, got `{text}`")),
                )?),
            };
        recurrence::rule_of(
            &Choice {
                repeat,
                days,
                until,
            },
            start,
            self.time_zone.trim(),
        )
        .map_err(|m| match m.split_once(": ") {
            Some((field, message)) => Error::bad(field, message.to_string()),
            None => Error::bad("repeat", m),
        })
    }
}

/// A new office-hours series, scheduled by someone who runs office hours
/// (or the operator); the host is named by email (or none).
pub async fn create_series(
    app: &App,
    by: Caller<'_>,
    input: &SeriesInput,
) -> Result<OfficeHours, Error> {
    if !by.may(onramp_core::access::may_run_office_hours) {
        return Err(Error::Forbidden(
            "only the Enablement team schedules office hours".into(),
        ));
    }
    let recurrence = input.recurrence()?;
    let host = match input.host_email.trim() {
        "" => None,
        email => Some(
            app.store
                .person_by_email(email)
                .await?
                .ok_or_else(|| {
                    Error::bad("host_email", format!("no person has the email {email}"))
                })?
                .id,
        ),
    };
    Ok(app
        .store
        .create_office_hours(
            by.person_id(),
            input.title.trim(),
            &recurrence,
            input.video_url.trim(),
            host,
        )
        .await?)
}
