//! Office hours are scheduled with the recurrence picker: the choices become
//! the right iCalendar rule, the rule reads back in words, and a wrong choice
//! comes back with the form as it was filled.

use crate::common::{session_of, start, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(the_recurrence_picker_makes_the_rule_and_says_it_in_words);

// Long: one scenario, a refused choice first and then a good one.
async fn the_recurrence_picker_makes_the_rule_and_says_it_in_words(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session_of(&store, w.enablement.0).await;
    let (_, board) = app.get("/office-hours", &[("cookie", &cookie)]).await;
    // The picker offers zones, how often and days; nobody types a rule.
    assert!(
        board.contains(r#"<option value="Europe/Amsterdam">"#)
            && board.contains(r#"<option value="fortnightly">Every other week</option>"#)
            && board.contains(r#"name="days" value="TU""#)
            && !board.contains(r#"name="rrule""#),
        "{board}"
    );
    let post = |days: &'static str| {
        let fields = vec![
            ("csrf", csrf.clone()),
            ("title", "Picker office hours".to_string()),
            // 6 October 2026 is a Tuesday.
            ("start", "2026-10-06T16:00".to_string()),
            ("time_zone", "Europe/Amsterdam".to_string()),
            ("repeat", "weekly".to_string()),
            ("days", days.to_string()),
            ("until", "2027-03-30".to_string()),
            ("duration_minutes", "45".to_string()),
            ("video_url", "https://meet.example.com/picker".to_string()),
        ];
        let req = app
            .client
            .post(app.url("/office-hours"))
            .header("cookie", &cookie)
            .header("referer", app.url("/office-hours"))
            .form(&fields);
        async move {
            let res = req.send().await.expect("post");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    let count = || async { store.office_hours_list().await.expect("list").len() };
    let before = count().await;

    // Thursday alone, with a first session on a Tuesday: refused, the form kept.
    let (status, page) = post("TH").await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("the first session is on a Tuesday")
            && page.contains(r#"name="days" value="TH" checked="""#)
            && page.contains(r#"<option value="Europe/Amsterdam" selected="">"#)
            && page.contains(r#"value="2027-03-30""#),
        "{page}"
    );
    assert_eq!(count().await, before, "nothing is saved");

    // Tuesday: the series is saved with the rule, told in words.
    let (status, page) = post("TU").await;
    assert_eq!(status, 303, "{page}");
    let (_, page) = app.get("/office-hours", &[("cookie", &cookie)]).await;
    let series = store.office_hours_list().await.expect("list");
    let made = series
        .iter()
        .find(|s| s.title == "Picker office hours")
        .expect("saved");
    assert_eq!(made.rrule, "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T215959Z");
    assert_eq!(made.time_zone, "Europe/Amsterdam");
    assert_eq!(made.duration_minutes, 45);
    assert!(
        page.contains(
            "Every Tuesday at 16:00 (Europe/Amsterdam), from 6 October 2026 until 30 March 2027"
        ) && !page.contains("FREQ="),
        "{page}"
    );
    // The API gives both: the rule for tools and the words for people.
    let (_, body) = app
        .get(
            "/api/v1/office-hours",
            &[("authorization", &format!("Bearer {}", w.hire.1))],
        )
        .await;
    assert!(
        body.contains(r#""schedule":"Every Tuesday at 16:00 (Europe/Amsterdam)"#),
        "{body}"
    );
    app.stop().await;
}
