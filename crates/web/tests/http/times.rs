//! Times are shown in the viewer's time zone, named, as "3 hours ago" with
//! the exact time on hover; the audit log reads in words.

use crate::common::{session_of, start, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, NewPerson, Store};

on_both!(times_are_relative_and_in_the_viewers_zone);

async fn times_are_relative_and_in_the_viewers_zone(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    // The admin works from Tokyo (no daylight saving: always JST).
    let admin = store.person(w.admin.0).await.expect("admin");
    store
        .upsert_person(
            None,
            &NewPerson {
                email: admin.email.clone(),
                name: admin.name.clone(),
                time_zone: "Asia/Tokyo".into(),
                ..Default::default()
            },
        )
        .await
        .expect("zone");
    let (cookie, csrf) = session_of(&store, w.admin.0).await;
    let res = app
        .client
        .post(app.url("/settings/tokens"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "nightly"),
            ("scope", "read"),
        ])
        .send()
        .await
        .expect("token");
    assert!(res.status().is_success() || res.status().is_redirection());

    let relative_in_tokyo = |page: &str| {
        page.split("<time datetime=\"").skip(1).any(|t| {
            t.contains(" JST\">") && (t.contains(">just now</time>") || t.contains("ago</time>"))
        })
    };
    let (_, tokens) = app.get("/settings/tokens", &[("cookie", &cookie)]).await;
    assert!(relative_in_tokyo(&tokens), "{tokens}");
    assert!(!tokens.contains(" UTC"), "{tokens}");

    // The audit log: who by name, what in words, when relative.
    let (status, audit) = app.get("/audit", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(audit.contains("created an API token"), "{audit}");
    assert!(audit.contains("<td>admin</td>"), "{audit}");
    assert!(relative_in_tokyo(&audit), "{audit}");
    assert!(
        !audit.contains(&format!(">person {}<", w.admin.0)) && !audit.contains("api_token"),
        "no ids or code words outside the recorded values: {audit}"
    );
    assert!(
        audit.contains("Times are in your time zone (Asia/Tokyo)"),
        "{audit}"
    );
    app.stop().await;
}
