//! The store's contract: every test here runs on SQLite and on PostgreSQL.

use chrono::NaiveDate;
use onramp_core::program::{SourceFile, content_hash, parse_program};
use onramp_core::schedule::WorkCalendar;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, NewAttachment, NewOnboarding, NewPerson, Store, StoreError};

/// Generates one test per backend for each contract function.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::with_store(super::Backend::Sqlite, super::$name).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { super::with_store(super::Backend::Postgres, super::$name).await } )*
        }
    };
}

contract!(
    migrations_are_applied,
    people_are_added_updated_and_audited,
    a_person_with_an_unknown_manager_is_refused,
    bad_people_are_refused,
    unchanged_program_adds_no_version,
    onboarding_is_planned_from_the_program,
    onboarding_for_an_unknown_person_changes_nothing,
    comments_and_attachments,
    data_survives_reopening,
);

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: text.into(),
    }
}

fn program_files(extra_title: &str) -> Vec<SourceFile> {
    vec![
        file(
            "program.md",
            &format!(
                "---\nid: test-program\ntitle: Test program{extra_title}\nowner: Enablement\nsegments: [Scale, Strategic]\nregions: [AMER, EMEA]\nreviewed_at: 2026-11-01\nphases:\n  - {{id: first, title: First, from_day: 0, to_day: 9}}\n  - {{id: second, title: Second, from_day: 10, to_day: 19}}\n---\nWelcome.\n"
            ),
        ),
        file(
            "tasks/a.md",
            "---\nid: a\ntitle: Task A\nowner: new-hire\nphase: first\ndue: 1\nkind: do\n---\nDo A.\n",
        ),
        file(
            "tasks/b.md",
            "---\nid: b\ntitle: Task B\nowner: manager\nphase: second\ndue: {after_phase_start: 2}\nkind: read\ndepends_on: [a]\ncompliance_critical: true\n---\n",
        ),
        file(
            "tasks/c.md",
            "---\nid: c\ntitle: Strategic only\nowner: buddy\nphase: first\ndue: 3\nkind: shadow\nsegments: [Strategic]\n---\n",
        ),
    ]
}

async fn import_sample(store: &Store) -> i64 {
    let files = program_files("");
    let program = parse_program(&files, &[]).expect("valid program");
    store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("import")
        .version_id
}

async fn person(store: &Store, email: &str, segment: &str, manager: Option<i64>) -> i64 {
    let new = NewPerson {
        email: email.into(),
        name: format!("Person {email}"),
        department: "Customer Success".into(),
        job_role: "CSM".into(),
        segment: Some(segment.into()),
        region: Some("EMEA".into()),
        time_zone: "Europe/Berlin".into(),
        start_date: None,
        manager_id: manager,
    };
    store.upsert_person(None, &new).await.expect("person").0.id
}

async fn migrations_are_applied(store: Store, _db: Database) {
    let (sqlite, postgres) = onramp_store::migration_versions();
    assert_eq!(
        sqlite, postgres,
        "both migration trees define the same versions"
    );
    assert_eq!(store.applied_migrations().await.expect("applied"), sqlite);
    store.ping().await.expect("ping");
}

async fn people_are_added_updated_and_audited(store: Store, _db: Database) {
    let mut new = NewPerson {
        email: "Ada@Example.com".into(),
        name: "Ada".into(),
        time_zone: "Europe/London".into(),
        start_date: Some(date("2026-12-01")),
        ..Default::default()
    };
    let (ada, changed) = store
        .upsert_person(Some(1).filter(|_| false), &new)
        .await
        .expect("add");
    assert!(changed);
    assert_eq!(
        ada.email, "ada@example.com",
        "emails are stored in lower case"
    );
    let (same, changed) = store.upsert_person(None, &new).await.expect("same again");
    assert!(!changed, "an identical upsert changes nothing");
    assert_eq!(same.id, ada.id);
    new.segment = Some("Scale".into());
    let (updated, changed) = store.upsert_person(None, &new).await.expect("update");
    assert!(changed);
    assert_eq!(updated.segment.as_deref(), Some("Scale"));
    assert_eq!(
        store
            .person_by_email("ADA@example.com")
            .await
            .expect("lookup")
            .map(|p| p.id),
        Some(ada.id)
    );
    assert_eq!(
        store
            .person_by_email("nobody@example.com")
            .await
            .expect("lookup"),
        None
    );

    let events = store.audit_events("person", ada.id).await.expect("audit");
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update"]);
    let old = events[1].old_value.as_ref().expect("old value");
    assert_eq!(old.0["segment"], serde_json::Value::Null);
    let new_value = events[1].new_value.as_ref().expect("new value");
    assert_eq!(new_value.0["segment"], "Scale");

    for i in 0..5 {
        person(&store, &format!("p{i}@example.com"), "Scale", None).await;
    }
    let first = store.list_people(4, 0).await.expect("page 1");
    let second = store.list_people(4, 4).await.expect("page 2");
    assert_eq!((first.len(), second.len()), (4, 2));
    assert!(
        first.iter().all(|p| second.iter().all(|q| q.id != p.id)),
        "pages do not overlap"
    );
}

async fn a_person_with_an_unknown_manager_is_refused(store: Store, _db: Database) {
    let new = NewPerson {
        email: "x@example.com".into(),
        name: "X".into(),
        manager_id: Some(9999),
        ..Default::default()
    };
    let err = store
        .upsert_person(None, &new)
        .await
        .expect_err("unknown manager");
    assert!(matches!(err, StoreError::InvalidReference(_)), "{err:?}");
    assert_eq!(
        store
            .person_by_email("x@example.com")
            .await
            .expect("lookup"),
        None,
        "nothing was stored"
    );
}

async fn bad_people_are_refused(store: Store, _db: Database) {
    let no_at = NewPerson {
        email: "not-an-email".into(),
        name: "N".into(),
        ..Default::default()
    };
    assert!(matches!(
        store.upsert_person(None, &no_at).await,
        Err(StoreError::Invalid(_))
    ));
    let no_name = NewPerson {
        email: "n@example.com".into(),
        name: "  ".into(),
        ..Default::default()
    };
    assert!(matches!(
        store.upsert_person(None, &no_name).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(store.list_people(10, 0).await.expect("list").is_empty());
}

async fn unchanged_program_adds_no_version(store: Store, _db: Database) {
    let files = program_files("");
    let program = parse_program(&files, &[]).expect("valid");
    let first = store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("first import");
    assert!(first.created);
    assert_eq!(first.version, 1);
    let again = store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("second import");
    assert!(!again.created, "unchanged content adds no version");
    assert_eq!(again.version_id, first.version_id);

    let changed_files = program_files(" (revised)");
    let changed = parse_program(&changed_files, &[]).expect("valid");
    let second = store
        .import_program(None, &changed, &content_hash(&changed_files))
        .await
        .expect("changed import");
    assert!(second.created);
    assert_eq!(second.version, 2);

    let list = store.list_programs().await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].latest_version, list[0].versions), (2, 2));
    assert_eq!(list[0].title, "Test program (revised)");
    let versions = store
        .program_versions("test-program")
        .await
        .expect("versions");
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(
        versions[1].definition.0, program,
        "the stored definition round-trips"
    );
    assert_eq!(
        store.latest_program_versions().await.expect("latest")[0].version,
        2
    );
    assert_eq!(
        store
            .audit_events("program", first.program_id)
            .await
            .expect("audit")
            .len(),
        2
    );
}

async fn onboarding_is_planned_from_the_program(store: Store, _db: Database) {
    let version_id = import_sample(&store).await;
    let manager = person(&store, "manager@example.com", "Scale", None).await;
    let scale = person(&store, "scale@example.com", "Scale", Some(manager)).await;
    let strategic = person(&store, "strategic@example.com", "Strategic", Some(manager)).await;
    // Friday 2026-11-27; the Monday after is a holiday.
    let calendar = WorkCalendar::new([date("2026-11-30")]);
    let new = |person_id| NewOnboarding {
        person_id,
        program_version_id: version_id,
        start_date: date("2026-11-27"),
        manager_id: Some(manager),
        people_connect_id: None,
        enablement_id: None,
        buddy_id: None,
    };
    let o = store
        .create_onboarding(None, &new(scale), &calendar)
        .await
        .expect("create");
    assert_eq!((o.status.as_str(), o.version), ("active", 1));
    let tasks = store.tasks(o.id).await.expect("tasks");
    let keys: Vec<&str> = tasks.iter().map(|t| t.task_key.as_str()).collect();
    assert_eq!(
        keys,
        ["a", "b"],
        "the Strategic-only task is left out for Scale"
    );
    assert_eq!(
        tasks[0].due_date,
        date("2026-12-01"),
        "one business day after Friday, skipping the holiday"
    );
    assert_eq!(
        tasks[1].due_date,
        date("2026-12-16"),
        "phase two starts on day 10; +2 is day 12"
    );
    assert_eq!(tasks[1].status, "blocked", "B waits for A");
    assert!(tasks[1].compliance_critical);

    let o2 = store
        .create_onboarding(None, &new(strategic), &calendar)
        .await
        .expect("create");
    assert_eq!(store.tasks(o2.id).await.expect("tasks").len(), 3);

    let list = store
        .list_onboardings(date("2026-12-02"), 10, 0)
        .await
        .expect("list");
    assert_eq!(list.len(), 2);
    let row = list.iter().find(|r| r.id == o.id).expect("listed");
    assert_eq!(
        (row.total_tasks, row.finished_tasks, row.overdue_tasks),
        (2, 0, 1)
    );
    assert_eq!(
        row.manager_name.as_deref(),
        Some("Person manager@example.com")
    );
    assert_eq!(row.program_slug, "test-program");
    assert_eq!(store.count_onboardings().await.expect("count"), 2);
    assert_eq!(
        store
            .list_onboardings(date("2026-12-02"), 1, 1)
            .await
            .expect("page")
            .len(),
        1
    );
    assert_eq!(
        store.onboardings_of(scale).await.expect("of person")[0].id,
        o.id
    );
    assert_eq!(
        store.audit_events("onboarding", o.id).await.expect("audit")[0].action,
        "create"
    );
}

async fn onboarding_for_an_unknown_person_changes_nothing(store: Store, _db: Database) {
    let version_id = import_sample(&store).await;
    let new = NewOnboarding {
        person_id: 4242,
        program_version_id: version_id,
        start_date: date("2026-11-27"),
        manager_id: None,
        people_connect_id: None,
        enablement_id: None,
        buddy_id: None,
    };
    let err = store
        .create_onboarding(None, &new, &WorkCalendar::default())
        .await
        .expect_err("unknown person");
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(store.count_onboardings().await.expect("count"), 0);
    let err = store
        .onboarding(4242)
        .await
        .expect_err("unknown onboarding");
    assert!(matches!(err, StoreError::NotFound(_)));
}

async fn comments_and_attachments(store: Store, _db: Database) {
    let version_id = import_sample(&store).await;
    let hire = person(&store, "hire@example.com", "Scale", None).await;
    let new = |person_id| NewOnboarding {
        person_id,
        program_version_id: version_id,
        start_date: date("2026-11-27"),
        manager_id: None,
        people_connect_id: None,
        enablement_id: None,
        buddy_id: None,
    };
    let o = store
        .create_onboarding(None, &new(hire), &WorkCalendar::default())
        .await
        .expect("create");
    let other_hire = person(&store, "other@example.com", "Scale", None).await;
    let other = store
        .create_onboarding(None, &new(other_hire), &WorkCalendar::default())
        .await
        .expect("create");
    let task = store.tasks(o.id).await.expect("tasks")[0].id;

    let c = store
        .add_comment(o.id, Some(task), hire, "Where is the **pathway**?")
        .await
        .expect("comment");
    assert_eq!(c.task_id, Some(task));
    let err = store
        .add_comment(other.id, Some(task), hire, "wrong onboarding")
        .await
        .expect_err("mismatch");
    assert!(matches!(err, StoreError::NotFound(_)));
    assert!(matches!(
        store.add_comment(o.id, None, hire, "   ").await,
        Err(StoreError::Invalid(_))
    ));
    let comments = store.comments(o.id).await.expect("comments");
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].body, "Where is the **pathway**?");
    assert!(store.comments(other.id).await.expect("comments").is_empty());

    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let meta = store
        .add_attachment(&NewAttachment {
            onboarding_id: o.id,
            comment_id: Some(c.id),
            uploader_id: hire,
            file_name: "screenshot.png".into(),
            content_type: "image/png".into(),
            data: bytes.clone(),
        })
        .await
        .expect("attachment");
    assert_eq!(meta.size_bytes, 70_000);
    assert_eq!(meta.sha256, onramp_core::sha256_hex(&bytes));
    let (got, data) = store.attachment(meta.id).await.expect("read back");
    assert_eq!(got, meta);
    assert_eq!(data, bytes);
    assert!(matches!(
        store.attachment(meta.id + 100).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn data_survives_reopening(store: Store, db: Database) {
    let id = person(&store, "kept@example.com", "Scale", None).await;
    store.close().await;
    let reopened = Store::open(&db).await.expect("reopen");
    assert_eq!(
        reopened.person(id).await.expect("still there").email,
        "kept@example.com"
    );
    reopened.close().await;
}
