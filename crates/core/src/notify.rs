//! Notifications: what happened that someone should hear of, and who hears
//! of it. Only the people of an onboarding are told of it (they may read
//! it), never the person who did it. See docs/notifications.md.

use crate::access::Parties;
use serde::Serialize;
use std::fmt;

/// A kind of event that notifies people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// Someone @mentioned the person in a comment.
    Mention,
    /// A compliance-critical task is overdue.
    Escalation,
    /// A new onboarding was created.
    OnboardingCreated,
    /// A buddy or backup buddy was assigned.
    BuddyAssigned,
    /// A task became open (its dependencies are finished).
    TaskOpened,
    /// Someone else commented on a task the person owns.
    TaskComment,
    /// The new hire asked for access to a demo system or playground.
    AccessRequested,
    /// An access request was approved (it needs provisioning) — for the
    /// Enablement program manager.
    AccessApproved,
    /// An access request was decided or provisioned — for the new hire.
    AccessDecided,
    /// The new hire logged a customer meeting they led.
    LedMeetingLogged,
    /// The buddy (or manager) gave feedback on a led meeting.
    FeedbackGiven,
    /// An office-hours question was answered.
    QuestionAnswered,
    /// An onboarding's first day moved.
    StartMoved,
    /// The last task of an onboarding was finished.
    OnboardingCompleted,
    /// A question was asked for an office-hours session.
    QuestionAsked,
    /// An open task of the person's is due tomorrow.
    TaskDueTomorrow,
    /// An open task of the person's went past its due date.
    TaskOverdue,
    /// The new hire gave evidence of a passed certification — for the
    /// manager, who reviews it.
    CertificationSubmitted,
    /// The manager approved or returned that evidence — for the new hire.
    CertificationReviewed,
    /// A webinar or office-hours session the person asked to be reminded
    /// of starts within the hour.
    StartsSoon,
    /// An office-hours question the person asked was not reached in its
    /// session and stays on the agenda of the next one.
    QuestionRolledOver,
    /// The Monday summary of a manager's team or of People Connect's
    /// starts and endings.
    WeeklySummary,
}

impl Event {
    pub const ALL: [Event; 22] = [
        Event::Mention,
        Event::Escalation,
        Event::OnboardingCreated,
        Event::BuddyAssigned,
        Event::TaskOpened,
        Event::TaskComment,
        Event::AccessRequested,
        Event::AccessApproved,
        Event::AccessDecided,
        Event::LedMeetingLogged,
        Event::FeedbackGiven,
        Event::QuestionAnswered,
        Event::StartMoved,
        Event::OnboardingCompleted,
        Event::QuestionAsked,
        Event::TaskDueTomorrow,
        Event::TaskOverdue,
        Event::CertificationSubmitted,
        Event::CertificationReviewed,
        Event::StartsSoon,
        Event::QuestionRolledOver,
        Event::WeeklySummary,
    ];

    /// The kind as stored and sent in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Mention => "mention",
            Event::Escalation => "escalation",
            Event::OnboardingCreated => "onboarding-created",
            Event::BuddyAssigned => "buddy-assigned",
            Event::TaskOpened => "task-opened",
            Event::TaskComment => "task-comment",
            Event::AccessRequested => "access-requested",
            Event::AccessApproved => "access-approved",
            Event::AccessDecided => "access-decided",
            Event::LedMeetingLogged => "led-meeting-logged",
            Event::FeedbackGiven => "feedback-given",
            Event::QuestionAnswered => "question-answered",
            Event::StartMoved => "start-moved",
            Event::OnboardingCompleted => "onboarding-completed",
            Event::QuestionAsked => "question-asked",
            Event::TaskDueTomorrow => "task-due-tomorrow",
            Event::TaskOverdue => "task-overdue",
            Event::CertificationSubmitted => "certification-submitted",
            Event::CertificationReviewed => "certification-reviewed",
            Event::StartsSoon => "starts-soon",
            Event::QuestionRolledOver => "question-rolled-over",
            Event::WeeklySummary => "weekly-summary",
        }
    }

    /// The kind in words, for the inbox.
    pub fn label(self) -> &'static str {
        match self {
            Event::Mention => "Mentioned you",
            Event::Escalation => "Overdue and compliance-critical",
            Event::OnboardingCreated => "New onboarding",
            Event::BuddyAssigned => "Buddy assigned",
            Event::TaskOpened => "Task ready for you",
            Event::TaskComment => "Comment on your task",
            Event::AccessRequested => "Access to approve",
            Event::AccessApproved => "Access to set up",
            Event::AccessDecided => "Access request answered",
            Event::LedMeetingLogged => "Meeting waits for feedback",
            Event::FeedbackGiven => "Feedback on a meeting",
            Event::QuestionAnswered => "Your question was answered",
            Event::StartMoved => "First day moved",
            Event::OnboardingCompleted => "Onboarding complete",
            Event::QuestionAsked => "New office-hours question",
            Event::TaskDueTomorrow => "Due tomorrow",
            Event::TaskOverdue => "Overdue",
            Event::CertificationSubmitted => "Certification to review",
            Event::CertificationReviewed => "Certification reviewed",
            Event::StartsSoon => "Starts within the hour",
            Event::QuestionRolledOver => "Question carried over",
            Event::WeeklySummary => "Your week",
        }
    }

    /// The kind named by its stored text.
    pub fn parse(text: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a person hears of an event on a channel such as email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// A message for each event, sent at once.
    Now,
    /// Gathered into one email a day (working days, in the morning of the
    /// person's time zone).
    Digest,
    /// In the inbox only.
    Off,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Now => "now",
            Mode::Digest => "digest",
            Mode::Off => "off",
        }
    }

    pub fn parse(text: &str) -> Option<Mode> {
        [Mode::Now, Mode::Digest, Mode::Off]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

impl Event {
    /// How the event is emailed when the person chose nothing: what needs
    /// someone's action or answers them goes at once; news that only helps
    /// to plan goes in the daily digest.
    pub fn email_default(self) -> Mode {
        match self {
            Event::TaskOpened
            | Event::TaskDueTomorrow
            | Event::TaskOverdue
            | Event::QuestionRolledOver => Mode::Digest,
            _ => Mode::Now,
        }
    }

    /// How the event goes to a person's own chat when they chose nothing
    /// (only once they have connected one): the same as email, except that
    /// planning news stays out of the chat.
    pub fn chat_default(self) -> Mode {
        match self {
            Event::TaskOpened
            | Event::TaskDueTomorrow
            | Event::TaskOverdue
            | Event::QuestionRolledOver
            | Event::WeeklySummary => Mode::Off,
            _ => Mode::Now,
        }
    }

    /// Whether a shared program or team channel hears of the event. Only
    /// news the whole team may read: who starts, who their buddy is, who
    /// finished.
    /// Feedback, access, questions, escalations and comments stay with the
    /// people of the onboarding.
    pub fn is_announcement(self) -> bool {
        matches!(
            self,
            Event::OnboardingCreated | Event::BuddyAssigned | Event::OnboardingCompleted
        )
    }

    /// What the event is about, for the preferences page.
    pub fn description(self) -> &'static str {
        match self {
            Event::Mention => "Someone @mentions you in a comment.",
            Event::Escalation => {
                "A compliance-critical task of an onboarding you look after is overdue."
            }
            Event::OnboardingCreated => "An onboarding you take part in is created.",
            Event::BuddyAssigned => "A buddy or backup buddy is assigned in your onboarding.",
            Event::TaskOpened => "A task of yours can start: the tasks before it are finished.",
            Event::TaskComment => "Someone comments on a task of yours.",
            Event::AccessRequested => "A new hire you manage asks for access to a demo system.",
            Event::AccessApproved => "Access you set up was approved.",
            Event::AccessDecided => "Your access request is approved, denied or set up.",
            Event::LedMeetingLogged => "A new hire you are buddy for led a customer meeting.",
            Event::FeedbackGiven => "Feedback is given on a meeting the new hire led.",
            Event::QuestionAnswered => "Your office-hours question is answered.",
            Event::StartMoved => "The first day of an onboarding you take part in moves.",
            Event::OnboardingCompleted => {
                "The last task of an onboarding you take part in is finished."
            }
            Event::QuestionAsked => {
                "Someone asks a question for office hours you host (or, without a host, any you run)."
            }
            Event::TaskDueTomorrow => "A task of yours is due tomorrow.",
            Event::TaskOverdue => "A task of yours is past its due date.",
            Event::CertificationSubmitted => {
                "A new hire you manage gives evidence of a passed certification."
            }
            Event::CertificationReviewed => {
                "Your manager approves or returns the evidence of your certification."
            }
            Event::StartsSoon => {
                "A webinar or office-hours session you asked to be reminded of starts within the hour."
            }
            Event::QuestionRolledOver => {
                "Your office-hours question was not reached and moves to the next session."
            }
            Event::WeeklySummary => {
                "On Mondays: your team's progress (managers), or the coming starts and endings (People Connect)."
            }
        }
    }
}

/// The kind of the notification that gathers a day's digest (not an event
/// anyone chooses; not listed in the inbox).
pub const DIGEST: &str = "digest";

/// The local hour from which a person's daily digest is made.
pub const DIGEST_HOUR: u32 = 8;

/// `now` as a wall-clock time in `zone` (UTC for an unknown zone).
pub fn local_time(now: chrono::DateTime<chrono::Utc>, zone: &str) -> chrono::NaiveDateTime {
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => now.with_timezone(&tz).naive_local(),
        Err(_) => now.naive_utc(),
    }
}

/// Whether a person's digest for their local date is due at their local
/// time `local`: working days (Monday to Friday) from their `hour`
/// ([`DIGEST_HOUR`] unless they chose another).
pub fn digest_due(local: chrono::NaiveDateTime, hour: u32) -> bool {
    use chrono::{Datelike, Timelike, Weekday};
    !matches!(local.weekday(), Weekday::Sat | Weekday::Sun) && local.hour() >= hour
}

/// The Monday that starts the week of a weekly summary due at local time
/// `local`: Mondays from the person's `hour`.
pub fn summary_week(local: chrono::NaiveDateTime, hour: u32) -> Option<chrono::NaiveDate> {
    use chrono::{Datelike, Timelike, Weekday};
    (local.weekday() == Weekday::Mon && local.hour() >= hour).then(|| local.date())
}

/// Who of an onboarding's people hears of `event`, without `actor` (who
/// did it) and without duplicates. Events about one person (a mention, an
/// answered question, the owners of a task) name them instead.
pub fn audience(event: Event, parties: &Parties, actor: Option<i64>) -> Vec<i64> {
    let p = parties;
    let buddies = [p.buddy, p.backup_buddy];
    let mut people: Vec<i64> = match event {
        Event::OnboardingCreated => [p.manager, p.buddy, p.backup_buddy, p.people_connect]
            .into_iter()
            .flatten()
            .collect(),
        Event::BuddyAssigned => [Some(p.new_hire), p.buddy, p.backup_buddy]
            .into_iter()
            .flatten()
            .collect(),
        Event::AccessRequested | Event::CertificationSubmitted => p.manager.into_iter().collect(),
        Event::AccessApproved => p.enablement.into_iter().collect(),
        Event::AccessDecided | Event::CertificationReviewed => vec![p.new_hire],
        Event::LedMeetingLogged => buddies.into_iter().flatten().collect(),
        Event::FeedbackGiven => [Some(p.new_hire), p.manager]
            .into_iter()
            .flatten()
            .collect(),
        Event::Escalation => [p.manager, p.people_connect]
            .into_iter()
            .flatten()
            .collect(),
        Event::StartMoved | Event::OnboardingCompleted => [
            Some(p.new_hire),
            p.manager,
            p.buddy,
            p.backup_buddy,
            p.people_connect,
        ]
        .into_iter()
        .flatten()
        .collect(),
        // Decided where they happen: the people named, the task's owners,
        // the asker, the hosts.
        Event::Mention
        | Event::TaskOpened
        | Event::TaskComment
        | Event::QuestionAnswered
        | Event::QuestionAsked
        | Event::TaskDueTomorrow
        | Event::TaskOverdue
        | Event::StartsSoon
        | Event::QuestionRolledOver
        | Event::WeeklySummary => Vec::new(),
    };
    people.retain(|&person| Some(person) != actor);
    people.sort_unstable();
    people.dedup();
    people
}

/// The people who own a task of `owner_role` in an onboarding (both
/// buddies for a buddy task), without `actor`.
pub fn owners(owner_role: &str, parties: &Parties, actor: Option<i64>) -> Vec<i64> {
    let p = parties;
    let mut people: Vec<i64> = match owner_role {
        "new-hire" => vec![p.new_hire],
        "manager" => p.manager.into_iter().collect(),
        "buddy" => [p.buddy, p.backup_buddy].into_iter().flatten().collect(),
        "people-connect" => p.people_connect.into_iter().collect(),
        "enablement" => p.enablement.into_iter().collect(),
        _ => Vec::new(),
    };
    people.retain(|&person| Some(person) != actor);
    people.sort_unstable();
    people.dedup();
    people
}

/// A channel a person hears on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    Email,
    Chat,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Chat];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Chat => "chat",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The mode of `event` on this channel when the person chose nothing.
    pub fn default_mode(self, event: Event) -> Mode {
        match self {
            Channel::Email => event.email_default(),
            Channel::Chat => event.chat_default(),
        }
    }
}

/// What a chat webhook expects to receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChatFormat {
    /// Slack incoming webhook: `{"text": …}` with `<url|label>` links.
    Slack,
    /// Mattermost incoming webhook: `{"text": …}` with Markdown links.
    Mattermost,
    /// Microsoft Teams incoming webhook: a message card.
    Teams,
    /// Onramp's own JSON, signed with HMAC-SHA256, for other tools.
    Json,
}

impl ChatFormat {
    pub const ALL: [ChatFormat; 4] = [
        ChatFormat::Slack,
        ChatFormat::Mattermost,
        ChatFormat::Teams,
        ChatFormat::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChatFormat::Slack => "slack",
            ChatFormat::Mattermost => "mattermost",
            ChatFormat::Teams => "teams",
            ChatFormat::Json => "json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChatFormat::Slack => "Slack",
            ChatFormat::Mattermost => "Mattermost",
            ChatFormat::Teams => "Microsoft Teams",
            ChatFormat::Json => "Signed JSON (other tools)",
        }
    }

    pub fn parse(text: &str) -> Option<ChatFormat> {
        ChatFormat::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTIES: Parties = Parties {
        new_hire: 1,
        manager: Some(2),
        buddy: Some(3),
        backup_buddy: Some(4),
        people_connect: Some(5),
        enablement: Some(6),
    };

    #[test]
    fn each_event_reaches_its_people_and_never_the_actor() {
        assert_eq!(
            audience(Event::OnboardingCreated, &PARTIES, Some(5)),
            vec![2, 3, 4]
        );
        assert_eq!(
            audience(Event::BuddyAssigned, &PARTIES, Some(2)),
            vec![1, 3, 4]
        );
        assert_eq!(audience(Event::AccessRequested, &PARTIES, Some(1)), vec![2]);
        assert_eq!(audience(Event::AccessApproved, &PARTIES, Some(2)), vec![6]);
        assert_eq!(audience(Event::AccessDecided, &PARTIES, Some(2)), vec![1]);
        assert_eq!(
            audience(Event::CertificationSubmitted, &PARTIES, Some(1)),
            vec![2]
        );
        assert_eq!(
            audience(Event::CertificationReviewed, &PARTIES, Some(2)),
            vec![1]
        );
        assert_eq!(
            audience(Event::LedMeetingLogged, &PARTIES, Some(1)),
            vec![3, 4]
        );
        assert_eq!(
            audience(Event::FeedbackGiven, &PARTIES, Some(3)),
            vec![1, 2]
        );
        assert_eq!(audience(Event::FeedbackGiven, &PARTIES, Some(2)), vec![1]);
        assert_eq!(
            audience(Event::StartMoved, &PARTIES, Some(5)),
            vec![1, 2, 3, 4]
        );
        assert_eq!(
            audience(Event::OnboardingCompleted, &PARTIES, Some(1)),
            vec![2, 3, 4, 5]
        );
        let alone = Parties {
            new_hire: 1,
            ..Parties::default()
        };
        assert!(audience(Event::AccessRequested, &alone, Some(1)).is_empty());
        assert_eq!(owners("buddy", &PARTIES, Some(3)), vec![4]);
        assert_eq!(owners("new-hire", &PARTIES, None), vec![1]);
        assert!(owners("admin", &PARTIES, None).is_empty());
    }

    #[test]
    fn what_needs_action_is_emailed_at_once() {
        assert_eq!(Event::AccessRequested.email_default(), Mode::Now);
        assert_eq!(Event::TaskOpened.email_default(), Mode::Digest);
        for m in [Mode::Now, Mode::Digest, Mode::Off] {
            assert_eq!(Mode::parse(m.as_str()), Some(m));
        }
    }

    #[test]
    fn digests_go_on_working_days_from_eight() {
        let at = |d: u32, h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, d)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .expect("time")
        };
        assert!(digest_due(at(7, 8), 8), "Monday 08:00");
        assert!(!digest_due(at(7, 7), 8), "Monday 07:00");
        assert!(digest_due(at(7, 7), 6), "Monday 07:00 for someone at 06:00");
        assert!(
            !digest_due(at(8, 9), 10),
            "Tuesday 09:00 for someone at 10:00"
        );
        assert!(!digest_due(at(12, 9), 8), "Saturday");
        assert!(!digest_due(at(13, 9), 8), "Sunday");
        assert_eq!(summary_week(at(7, 8), 8), Some(at(7, 0).date()), "Monday");
        assert_eq!(summary_week(at(7, 7), 8), None, "before the hour");
        assert_eq!(summary_week(at(8, 9), 8), None, "Tuesday");
    }

    #[test]
    fn chat_is_quieter_than_email_and_channels_hear_only_announcements() {
        assert_eq!(Channel::Chat.default_mode(Event::TaskOpened), Mode::Off);
        assert_eq!(Channel::Chat.default_mode(Event::Mention), Mode::Now);
        assert_eq!(Channel::Email.default_mode(Event::TaskOpened), Mode::Digest);
        assert!(Event::OnboardingCreated.is_announcement());
        for private in [
            Event::FeedbackGiven,
            Event::AccessRequested,
            Event::QuestionAnswered,
            Event::Escalation,
            Event::TaskComment,
            Event::Mention,
        ] {
            assert!(!private.is_announcement(), "{private}");
        }
        for f in ChatFormat::ALL {
            assert_eq!(ChatFormat::parse(f.as_str()), Some(f));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn kinds_read_back() {
        for e in Event::ALL {
            assert_eq!(Event::parse(e.as_str()), Some(e));
            assert!(!e.label().is_empty());
        }
        assert_eq!(Event::parse("nope"), None);
    }
}
