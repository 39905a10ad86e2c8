//! The rules for what people enter: one check per kind of input (a
//! person, a token, a webinar, a meeting, feedback, a question…), each
//! naming the field that is wrong and why. The application layer calls
//! them before it stores anything; the store calls the few that depend on
//! what is stored (a buddy is neither the new hire nor the manager, a
//! request moves only from the status before) in the transaction that
//! reads it. Text rules for single fields are in [`crate::text`].

use crate::calendar::Recurrence;
use crate::error::Error;
use crate::text::{self, Field};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A link field's longest length.
pub(crate) const LINK: Field = Field::Line(2_000);

// People and accounts

/// A person's fields as entered.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonText<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub department: &'a str,
    pub job_role: &'a str,
    pub segment: Option<&'a str>,
    pub region: Option<&'a str>,
    pub time_zone: &'a str,
}

/// A person has an email address and a name; the other fields are one
/// line each.
pub fn check_person(p: &PersonText<'_>) -> Result<(), Error> {
    text::check_email("email", p.email.trim())?;
    for (field, value) in [
        ("name", Some(p.name)),
        ("department", Some(p.department)),
        ("job_role", Some(p.job_role)),
        ("segment", p.segment),
        ("region", p.region),
        ("time_zone", Some(p.time_zone)),
    ] {
        if let Some(v) = value {
            text::check(field, v, text::NAME)?;
        }
    }
    if p.name.trim().is_empty() {
        return Err(Error::invalid("name", "must not be empty"));
    }
    Ok(())
}

/// A new password is at least 12 characters long.
pub fn check_password(password: &str) -> Result<(), Error> {
    if password.chars().count() < 12 {
        return Err(Error::invalid("password", "use at least 12 characters"));
    }
    Ok(())
}

/// An API token has a name and the scope `read` or `write`.
pub fn check_token(name: &str, scope: &str) -> Result<(), Error> {
    text::check("name", name, text::NAME)?;
    if !matches!(scope, "read" | "write") {
        return Err(Error::invalid(
            "scope",
            format!("`{scope}` is not a scope (read or write)"),
        ));
    }
    if name.trim().is_empty() {
        return Err(Error::invalid("name", "give the token a name"));
    }
    Ok(())
}

/// A holiday belongs to a region (or `ALL`) and has a name.
pub fn check_holiday(region: &str, name: &str) -> Result<(), Error> {
    text::check("region", region, text::NAME)?;
    text::check("name", name, text::NAME)
}

// Onboardings

/// A note on a task (why it was skipped, what changed).
pub fn check_task_note(note: Option<&str>) -> Result<(), Error> {
    note.map_or(Ok(()), |n| text::check("note", n, text::SHORT_TEXT))
}

/// A comment is written.
pub fn check_comment(body: &str) -> Result<(), Error> {
    text::check("body", body, text::LONG_TEXT)?;
    if body.trim().is_empty() {
        return Err(Error::invalid("body", "a comment must not be empty"));
    }
    Ok(())
}

/// Which program an onboarding follows: the one named (`wanted`, a
/// program id), or else the one program that applies to the person's
/// segment and region. Answers its index in `programs`.
pub fn choose_program(
    programs: &[&crate::program::Program],
    wanted: Option<&str>,
    segment: Option<&str>,
    region: Option<&str>,
) -> Result<usize, Error> {
    if let Some(id) = wanted {
        return programs.iter().position(|p| p.id == id).ok_or_else(|| {
            Error::invalid("program", format!("no program `{id}` has been imported"))
        });
    }
    let fitting: Vec<usize> = (0..programs.len())
        .filter(|&i| programs[i].applies_to(segment, region))
        .collect();
    match fitting.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::invalid(
            "program",
            format!(
                "no imported program applies to segment {} and region {}; import one or name it",
                segment.unwrap_or("(none)"),
                region.unwrap_or("(none)")
            ),
        )),
        several => {
            let names: Vec<&str> = several.iter().map(|&i| programs[i].id.as_str()).collect();
            Err(Error::invalid(
                "program",
                format!("several programs apply ({}); name one", names.join(", ")),
            ))
        }
    }
}

/// An onboarding has tasks: the program version plans some for the
/// person's segment and region (`planned` of them).
pub fn check_plan(
    planned: usize,
    program: &str,
    version: i64,
    segment: Option<&str>,
    region: Option<&str>,
) -> Result<(), Error> {
    if planned == 0 {
        return Err(Error::invalid(
            "program",
            format!(
                "program `{program}` v{version} has no tasks for segment {} and region {}",
                segment.unwrap_or("(none)"),
                region.unwrap_or("(none)")
            ),
        ));
    }
    Ok(())
}

// Buddies and meetings

/// Time off has a note and does not end before it starts.
pub fn check_time_off(first_day: NaiveDate, last_day: NaiveDate, note: &str) -> Result<(), Error> {
    text::check("note", note, text::SHORT_TEXT)?;
    if last_day < first_day {
        return Err(Error::invalid("to", "the last day is before the first day"));
    }
    Ok(())
}

/// The buddy is neither the new hire nor their manager.
pub fn check_buddy(buddy: i64, new_hire: i64, manager: Option<i64>) -> Result<(), Error> {
    if buddy == new_hire {
        return Err(Error::invalid(
            "buddy",
            "the new hire cannot be their own buddy",
        ));
    }
    if Some(buddy) == manager {
        return Err(Error::invalid("buddy", "the manager cannot be the buddy"));
    }
    Ok(())
}

/// A meeting's texts and length.
pub fn check_meeting(
    account: &str,
    notes: &str,
    learnings: &str,
    duration_minutes: i32,
) -> Result<(), Error> {
    text::check("account", account, text::NAME)?;
    text::check("notes", notes, text::LONG_TEXT)?;
    text::check("learnings", learnings, text::LONG_TEXT)?;
    if !(1..=600).contains(&duration_minutes) {
        return Err(Error::invalid("duration_minutes", "must be from 1 to 600"));
    }
    Ok(())
}

/// Feedback says what went well and what to improve; ratings are 1 to 5.
pub fn check_feedback(
    went_well: &str,
    to_improve: &str,
    notes: &str,
    ratings: &BTreeMap<String, u8>,
) -> Result<(), Error> {
    for (field, value) in [
        ("went_well", went_well),
        ("to_improve", to_improve),
        ("notes", notes),
    ] {
        text::check(field, value, text::SHORT_TEXT)?;
    }
    if went_well.trim().is_empty() {
        return Err(Error::invalid("went_well", "say what went well"));
    }
    if to_improve.trim().is_empty() {
        return Err(Error::invalid("to_improve", "say what to improve"));
    }
    if let Some((skill, r)) = ratings.iter().find(|(_, r)| !(1..=5).contains(*r)) {
        return Err(Error::invalid(
            "ratings",
            format!("`{skill}` must be from 1 to 5 (got {r})"),
        ));
    }
    Ok(())
}

/// Feedback is given on meetings the new hire led (`role` is the stored
/// meeting's role).
pub fn check_feedback_target(role: &str) -> Result<(), Error> {
    if role != "led" {
        return Err(Error::invalid(
            "meeting",
            "feedback is for meetings the new hire led",
        ));
    }
    Ok(())
}

// Learning

/// A certification expires after the day it was passed.
pub fn check_certification_dates(
    passed_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
) -> Result<(), Error> {
    if let (Some(passed), Some(expires)) = (passed_on, expires_on)
        && expires <= passed
    {
        return Err(Error::invalid(
            "expires_on",
            "must be after the day it was passed",
        ));
    }
    Ok(())
}

/// The status an access request must have to move to `to`: requests are
/// approved or denied, approved ones provisioned.
pub fn access_request_moves_from(to: &str) -> Result<&'static str, Error> {
    match to {
        "approved" | "denied" => Ok("requested"),
        "provisioned" => Ok("approved"),
        other => Err(Error::invalid(
            "status",
            format!("cannot move a request to `{other}`"),
        )),
    }
}

/// An access request's status as people read it.
pub fn access_status_label(status: &str) -> &str {
    match status {
        "requested" => "Waiting for a decision",
        "approved" => "Approved, being set up",
        "denied" => "Denied",
        "provisioned" => "Ready to use",
        other => other,
    }
}

/// A short note (on an access request, a buddy assignment).
pub fn check_note(note: &str) -> Result<(), Error> {
    text::check("note", note, text::SHORT_TEXT)
}

/// A webinar has a title, a host and a length; its registration link is
/// one line.
pub fn check_webinar(
    title: &str,
    host: &str,
    registration_url: Option<&str>,
    duration_minutes: i32,
) -> Result<(), Error> {
    text::check("title", title, text::TITLE)?;
    text::check("host", host, text::NAME)?;
    if let Some(url) = registration_url {
        text::check("registration_url", url, LINK)?;
    }
    if title.trim().is_empty() {
        return Err(Error::invalid("title", "must not be empty"));
    }
    if host.trim().is_empty() {
        return Err(Error::invalid("host", "must not be empty"));
    }
    if !(1..=600).contains(&duration_minutes) {
        return Err(Error::invalid("duration_minutes", "must be from 1 to 600"));
    }
    Ok(())
}

/// A recording link is one line.
pub fn check_recording_url(url: Option<&str>) -> Result<(), Error> {
    url.map_or(Ok(()), |u| text::check("recording_url", u, LINK))
}

// Chat webhooks

pub use crate::webhook::check_chat_hook;

// Office hours

/// Whether `url` is an http(s) link.
pub fn is_web_link(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// A series needs a title, a video-call link and a valid recurrence.
pub fn check_series(title: &str, recurrence: &Recurrence, video_url: &str) -> Result<(), Error> {
    text::check("title", title, text::TITLE)?;
    text::check("video_url", video_url, LINK)?;
    recurrence
        .validate()
        .map_err(|m| match m.split_once(": ") {
            Some((field, message)) => Error::invalid(field, message),
            None => Error::invalid("rrule", m),
        })?;
    if title.trim().is_empty() {
        return Err(Error::invalid("title", "give the session a title"));
    }
    if !is_web_link(video_url) {
        return Err(Error::invalid(
            "video_url",
            "expected an http(s) link to the video call",
        ));
    }
    Ok(())
}

/// A question is written, and short enough to read out.
pub fn check_question(body: &str) -> Result<(), Error> {
    text::check("body", body, text::SHORT_TEXT)?;
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::invalid("question", "write your question"));
    }
    if body.chars().count() > 2000 {
        return Err(Error::invalid("question", "at most 2,000 characters"));
    }
    Ok(())
}

/// An answer is written (unless the question closes as a duplicate of
/// another), its links are links, and no question duplicates itself.
pub fn check_answer(
    question: i64,
    answer: &str,
    links: &[String],
    duplicate_of: Option<i64>,
) -> Result<(), Error> {
    text::check("answer", answer, text::LONG_TEXT)?;
    for link in links {
        text::check("links", link, LINK)?;
        if !(link.starts_with('/') || is_web_link(link)) {
            return Err(Error::invalid(
                "links",
                format!("`{link}` is not a handbook path (/handbook/…) or an http(s) link"),
            ));
        }
    }
    if duplicate_of.is_none() && answer.trim().is_empty() {
        return Err(Error::invalid("answer", "write the answer"));
    }
    if duplicate_of == Some(question) {
        return Err(Error::invalid(
            "duplicate_of",
            "a question cannot duplicate itself",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn weekly(rrule: &str) -> Recurrence {
        Recurrence {
            rrule: rrule.into(),
            start: NaiveDate::from_ymd_opt(2026, 10, 21)
                .and_then(|d| d.and_hms_opt(15, 0, 0))
                .expect("date"),
            time_zone: "Europe/Berlin".into(),
            duration_minutes: 45,
            cancelled: Vec::new(),
        }
    }

    fn field(e: Error) -> String {
        match e {
            Error::Invalid { field, .. } => field,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_series_names_the_wrong_field() {
        let ok = weekly("FREQ=WEEKLY;BYDAY=WE");
        assert!(check_series("Office hours", &ok, "https://meet.example.com/x").is_ok());
        let e = check_series("Office hours", &weekly("FREQ=NEVER"), "https://x.example");
        assert_eq!(field(e.expect_err("bad rule")), "rrule");
        let e = check_series("  ", &ok, "https://x.example");
        assert_eq!(field(e.expect_err("no title")), "title");
        let e = check_series("Office hours", &ok, "meet.example.com");
        assert_eq!(field(e.expect_err("no scheme")), "video_url");
        let mut short = weekly("FREQ=WEEKLY");
        short.duration_minutes = 2;
        let e = check_series("Office hours", &short, "https://x.example");
        assert_eq!(field(e.expect_err("too short")), "duration_minutes");
    }

    #[test]
    fn questions_and_answers_are_written() {
        assert!(check_question("How do I export a Service Ping?").is_ok());
        assert_eq!(field(check_question("   ").expect_err("empty")), "question");
        assert_eq!(
            field(check_question(&"x".repeat(2001)).expect_err("long")),
            "body",
            "the text rule names the form field"
        );
        assert!(check_answer(1, "See the handbook.", &["/handbook/x".into()], None).is_ok());
        assert!(
            check_answer(1, "", &[], Some(2)).is_ok(),
            "a duplicate needs no text"
        );
        assert_eq!(
            field(check_answer(1, " ", &[], None).expect_err("empty")),
            "answer"
        );
        assert_eq!(
            field(check_answer(1, "", &[], Some(1)).expect_err("itself")),
            "duplicate_of"
        );
        assert_eq!(
            field(check_answer(1, "a", &["ftp://x".into()], None).expect_err("link")),
            "links"
        );
    }

    #[test]
    fn people_tokens_and_passwords() {
        let ok = PersonText {
            email: "ana@example.com",
            name: "Ana",
            time_zone: "UTC",
            ..Default::default()
        };
        assert!(check_person(&ok).is_ok());
        let e = check_person(&PersonText {
            email: "not-an-email",
            ..ok
        });
        assert_eq!(field(e.expect_err("email")), "email");
        let e = check_person(&PersonText { name: "  ", ..ok });
        assert_eq!(field(e.expect_err("name")), "name");
        assert_eq!(
            field(check_password("short").expect_err("short")),
            "password"
        );
        assert!(check_password("a long new password").is_ok());
        assert_eq!(
            field(check_token("x", "admin").expect_err("scope")),
            "scope"
        );
        assert_eq!(field(check_token(" ", "read").expect_err("name")), "name");
        assert!(check_token("ci", "write").is_ok());
    }

    #[test]
    fn buddies_meetings_and_feedback() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("day");
        assert_eq!(
            field(check_time_off(day(5), day(4), "").expect_err("order")),
            "to"
        );
        assert_eq!(field(check_buddy(1, 1, None).expect_err("self")), "buddy");
        assert_eq!(
            field(check_buddy(2, 1, Some(2)).expect_err("manager")),
            "buddy"
        );
        assert!(check_buddy(3, 1, Some(2)).is_ok());
        assert_eq!(
            field(check_meeting("Acme", "", "", 0).expect_err("length")),
            "duration_minutes"
        );
        let ratings: BTreeMap<String, u8> = [("discovery".to_string(), 6)].into();
        assert_eq!(
            field(check_feedback("a", "b", "", &ratings).expect_err("rating")),
            "ratings"
        );
        assert_eq!(
            field(check_feedback(" ", "b", "", &BTreeMap::new()).expect_err("well")),
            "went_well"
        );
        assert_eq!(
            field(check_feedback_target("shadowed").expect_err("role")),
            "meeting"
        );
    }

    #[test]
    fn learning_and_webinars() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
        assert_eq!(
            field(check_certification_dates(day(5), day(5)).expect_err("same day")),
            "expires_on"
        );
        assert_eq!(
            access_request_moves_from("approved").ok(),
            Some("requested")
        );
        assert_eq!(
            access_request_moves_from("provisioned").ok(),
            Some("approved")
        );
        assert_eq!(access_status_label("provisioned"), "Ready to use");
        assert_eq!(access_status_label("requested"), "Waiting for a decision");
        assert_eq!(
            field(access_request_moves_from("lost").expect_err("lost")),
            "status"
        );
        assert_eq!(
            field(check_webinar(" ", "Sam", None, 60).expect_err("title")),
            "title"
        );
        assert_eq!(
            field(check_webinar("CI basics", "Sam", None, 0).expect_err("length")),
            "duration_minutes"
        );
        assert_eq!(field(check_comment("  ").expect_err("empty")), "body");
    }
}
