//! Addresses people copy elsewhere (a password-reset link, a calendar
//! feed) are shown whole: absolute, in a field with a copy button.

use crate::common::{session_of, start, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(reset_and_feed_addresses_are_absolute);

async fn reset_and_feed_addresses_are_absolute(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let post = |cookie: String, path: String, csrf: String| {
        let req = app
            .client
            .post(app.url(&path))
            .header("cookie", cookie)
            .form(&[("csrf", csrf)]);
        async move {
            let res = req.send().await.expect("post");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    let account = store
        .account_of_person(w.hire.0)
        .await
        .expect("account")
        .expect("the new hire has an account");
    let (cookie, csrf) = session_of(&store, w.admin.0).await;
    let (status, page) = post(cookie, format!("/admin/users/{}/reset", account.id), csrf).await;
    assert_eq!(status, 200, "{page}");
    let start = format!("value=\"{}", app.url("/reset/"));
    assert!(page.contains(&start), "an absolute reset link: {page}");
    assert!(page.contains("data-copy=\"reset-link\""), "{page}");
    // The link works as shown.
    let link = page[page.find(&start).expect("link") + "value=\"".len()..]
        .split('"')
        .next()
        .expect("link")
        .to_string();
    let (status, _) = app.get(&link[app.url("").len()..], &[]).await;
    assert_eq!(status, 200, "{link}");

    let (cookie, csrf) = session_of(&store, w.hire.0).await;
    let (_, page) = app.get("/office-hours", &[("cookie", &cookie)]).await;
    assert!(
        page.contains(">Create my feed address</button>") && !page.contains("feed-url"),
        "{page}"
    );
    let (status, page) = post(cookie.clone(), "/calendar/token".into(), csrf.clone()).await;
    assert_eq!(status, 200);
    let start = format!("value=\"{}", app.url("/calendar/"));
    assert!(page.contains(&start), "an absolute feed address: {page}");
    assert!(page.contains("data-copy=\"feed-url\""), "{page}");
    let feed = page[page.find(&start).expect("feed") + "value=\"".len()..]
        .split('"')
        .next()
        .expect("feed")
        .to_string();
    let (status, ics) = app.get(&feed[app.url("").len()..], &[]).await;
    assert_eq!(status, 200);
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(page.contains("<details class=\"feed\" open>"), "{page}");

    // Shown again later, behind "Show my feed address".
    let (_, again) = app.get("/office-hours", &[("cookie", &cookie)]).await;
    assert!(
        again.contains(&format!("value=\"{feed}\""))
            && again.contains("<details class=\"feed\">")
            && again.contains("Replace my feed address…"),
        "{again}"
    );
    // Replaced: the new address is shown, the old one stops.
    let (_, page) = post(cookie.clone(), "/calendar/token".into(), csrf.clone()).await;
    assert!(page.contains(&start) && !page.contains(&feed), "{page}");
    assert_eq!(app.get(&feed[app.url("").len()..], &[]).await.0, 404);

    app.stop().await;
}
