//! The store's contract: every test here runs on SQLite and on PostgreSQL.

use chrono::NaiveDate;
use onramp_core::onboarding::TaskAction;
use onramp_core::program::{SourceFile, content_hash, parse_program};
use onramp_core::schedule::WorkCalendar;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{
    Database, NewAttachment, NewOnboarding, NewPerson, OnboardingFilter, Store, StoreError,
};

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
    pathways_certifications_channels_and_reading,
    access_requests_move_through_their_states,
    webinars_and_attendance,
    time_off_and_buddy_colleagues,
    migrations_are_applied,
    people_are_added_updated_and_audited,
    a_person_with_an_unknown_manager_is_refused,
    unchanged_program_adds_no_version,
    onboarding_is_planned_from_the_program,
    onboarding_for_an_unknown_person_changes_nothing,
    comments_and_attachments,
    data_survives_reopening,
    tasks_complete_skip_reopen_and_unblock,
    stale_updates_are_refused,
    moving_the_start_date_rebases_open_tasks,
    upgrading_keeps_done_work,
    holidays_make_the_calendar,
    mentions_reach_the_inbox,
    the_sweep_escalates_once_and_closes_stale_onboardings,
    listings_filter_by_person_manager_and_start,
    accounts_sessions_and_tokens,
    sign_in_throttling,
    password_resets_work_once,
    the_audit_log_shows_each_person_what_concerns_them,
    calendar_feeds_are_shown_again,
    ramp_records_gather_what_each_onboarding_recorded,
    a_change_of_level_is_recorded_once_by_two_servers,
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

    let (c, _) = store
        .add_comment(o.id, Some(task), hire, "Where is the **pathway**?")
        .await
        .expect("comment");
    assert_eq!(c.task_id, Some(task));
    let err = store
        .add_comment(other.id, Some(task), hire, "wrong onboarding")
        .await
        .expect_err("mismatch");
    assert!(matches!(err, StoreError::NotFound(_)));
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

/// A Scale person's onboarding of the sample program (tasks a, b after a) with a manager.
async fn sample_onboarding(store: &Store, start: &str) -> (i64, i64, i64) {
    let version_id = import_sample(store).await;
    let manager = person(store, "boss@example.com", "Scale", None).await;
    let hire = person(store, "hire@example.com", "Scale", Some(manager)).await;
    let o = store
        .create_onboarding(
            Some(manager),
            &NewOnboarding {
                person_id: hire,
                program_version_id: version_id,
                start_date: date(start),
                manager_id: Some(manager),
                people_connect_id: None,
                enablement_id: None,
                buddy_id: None,
            },
            &WorkCalendar::default(),
        )
        .await
        .expect("onboarding");
    (o.id, hire, manager)
}

fn task_id(tasks: &[onramp_store::Task], key: &str) -> (i64, i64) {
    let t = tasks.iter().find(|t| t.task_key == key).expect("task");
    (t.id, t.version)
}

async fn tasks_complete_skip_reopen_and_unblock(store: Store, _db: Database) {
    let (o, hire, manager) = sample_onboarding(&store, "2026-11-27").await;
    let tasks = store.tasks(o).await.expect("tasks");
    let (a, a_v) = task_id(&tasks, "a");
    let (b, b_v) = task_id(&tasks, "b");
    let err = store
        .update_task(Some(hire), b, b_v, &TaskAction::Complete)
        .await
        .expect_err("b is blocked");
    assert!(
        err.to_string().contains("blocked by unfinished tasks: a"),
        "{err}"
    );

    let done = store
        .update_task(Some(hire), a, a_v, &TaskAction::Complete)
        .await
        .expect("complete a");
    assert_eq!(
        (
            done.task.status.as_str(),
            done.task.version,
            done.task.completed_by
        ),
        ("done", a_v + 1, Some(hire))
    );
    assert_eq!(
        done.followed,
        [("b".to_string(), "open".to_string())],
        "finishing a opens b"
    );
    let again = store
        .update_task(Some(hire), a, a_v + 1, &TaskAction::Complete)
        .await
        .expect_err("already done");
    assert!(again.to_string().contains("already done"), "{again}");

    // b is compliance-critical: it cannot be skipped, and the refusal
    // changes nothing.
    let b_now = store.task(b).await.expect("b");
    let refused = store
        .update_task(
            Some(hire),
            b,
            b_now.version,
            &TaskAction::Skip {
                note: Some("covered elsewhere".into()),
            },
        )
        .await
        .expect_err("a compliance-critical task is not skipped");
    assert!(matches!(refused, StoreError::Conflict(_)), "{refused:?}");
    assert!(
        refused.to_string().contains("cannot be skipped"),
        "{refused}"
    );
    let unchanged = store.task(b).await.expect("b");
    assert_eq!(
        (unchanged.status.as_str(), unchanged.version),
        ("open", b_now.version)
    );
    // Other tasks can be skipped, with a note: a, reopened and skipped,
    // counts as finished for b.
    let reopened_a = store
        .update_task(Some(hire), a, a_v + 1, &TaskAction::Reopen)
        .await
        .expect("reopen a");
    assert_eq!(reopened_a.task.status, "open");
    let skipped = store
        .update_task(
            Some(hire),
            a,
            reopened_a.task.version,
            &TaskAction::Skip {
                note: Some("covered elsewhere".into()),
            },
        )
        .await
        .expect("skip");
    assert_eq!(
        (
            skipped.task.status.as_str(),
            skipped.task.status_note.as_deref()
        ),
        ("skipped", Some("covered elsewhere"))
    );
    let b_now = store.task(b).await.expect("b");
    assert_eq!(b_now.status, "open", "a skipped dependency lets b go");
    store
        .update_task(Some(manager), b, b_now.version, &TaskAction::Complete)
        .await
        .expect("complete b");

    let reopened = store
        .update_task(Some(hire), a, skipped.task.version, &TaskAction::Reopen)
        .await
        .expect("reopen a");
    assert_eq!(reopened.task.status, "open");
    assert!(
        reopened.followed.is_empty(),
        "a finished task stays finished"
    );
    let timeline = store.timeline(o).await.expect("timeline");
    let actions: Vec<&str> = timeline.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "complete", "reopen", "skip", "complete", "reopen"]
    );
    assert_eq!(
        timeline[1]
            .old_value
            .as_ref()
            .map(|v| v.0["status"].clone()),
        Some(serde_json::json!("open"))
    );
    assert!(matches!(
        store
            .update_task(None, 99_999, 1, &TaskAction::Complete)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn stale_updates_are_refused(store: Store, _db: Database) {
    let (o, hire, manager) = sample_onboarding(&store, "2026-11-27").await;
    let tasks = store.tasks(o).await.expect("tasks");
    let (a, v) = task_id(&tasks, "a");
    store
        .update_task(Some(hire), a, v, &TaskAction::Complete)
        .await
        .expect("first writer");
    let err = store
        .update_task(Some(manager), a, v, &TaskAction::Reopen)
        .await
        .expect_err("second writer saw an old version");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        store.task(a).await.expect("a").status,
        "done",
        "the first update stands"
    );
    let onboarding = store.onboarding(o).await.expect("onboarding");
    let err = store
        .move_start_date(
            Some(manager),
            o,
            onboarding.version + 5,
            date("2026-12-07"),
            &WorkCalendar::default(),
        )
        .await
        .expect_err("stale");
    assert!(matches!(err, StoreError::Conflict(_)));
    assert_eq!(
        store.onboarding(o).await.expect("o").start_date,
        date("2026-11-27"),
        "nothing changed"
    );
}

async fn moving_the_start_date_rebases_open_tasks(store: Store, _db: Database) {
    let (o, hire, manager) = sample_onboarding(&store, "2026-11-27").await;
    let tasks = store.tasks(o).await.expect("tasks");
    let (a, v) = task_id(&tasks, "a");
    store
        .update_task(Some(hire), a, v, &TaskAction::Complete)
        .await
        .expect("a done");
    let before = store.onboarding(o).await.expect("o");
    let moved = store
        .move_start_date(
            Some(manager),
            o,
            before.version,
            date("2026-12-07"),
            &WorkCalendar::default(),
        )
        .await
        .expect("move");
    assert_eq!(
        (moved.start_date, moved.version),
        (date("2026-12-07"), before.version + 1)
    );
    let after = store.tasks(o).await.expect("tasks");
    let a_after = after.iter().find(|t| t.task_key == "a").expect("a");
    let b_after = after.iter().find(|t| t.task_key == "b").expect("b");
    assert_eq!(
        a_after.due_date,
        date("2026-11-30"),
        "done work keeps its date"
    );
    assert_eq!(
        b_after.due_date,
        date("2026-12-23"),
        "day 12 from Monday 2026-12-07"
    );
    assert_eq!(moved.due_date, Some(date("2026-12-23")));
    let event = store
        .timeline(o)
        .await
        .expect("timeline")
        .pop()
        .expect("event");
    assert_eq!(event.action, "move-start");
    assert_eq!(event.new_value.expect("new").0["tasks_rebased"], 1);
}

async fn upgrading_keeps_done_work(store: Store, _db: Database) {
    let (o, hire, manager) = sample_onboarding(&store, "2026-11-27").await;
    let tasks = store.tasks(o).await.expect("tasks");
    let (a, v) = task_id(&tasks, "a");
    store
        .update_task(Some(hire), a, v, &TaskAction::Complete)
        .await
        .expect("a done");
    // Version 2: task a is gone (done work stays), b renamed, d added.
    let mut files = program_files(" v2");
    files.retain(|f| f.path != "tasks/a.md");
    files.iter_mut().for_each(|f| {
        f.text = f
            .text
            .replace("depends_on: [a]\n", "")
            .replace("title: Task B", "title: Task B, revised")
    });
    files.push(file(
        "tasks/d.md",
        "---\nid: d\ntitle: Task D\nowner: buddy\nphase: first\ndue: 4\nkind: attend\n---\n",
    ));
    let v2 = parse_program(&files, &[]).expect("v2 valid");
    let imported = store
        .import_program(None, &v2, &content_hash(&files))
        .await
        .expect("import v2");

    let preview = store
        .upgrade_preview(o, imported.version_id)
        .await
        .expect("preview");
    assert_eq!(preview.added, [("d".to_string(), "Task D".to_string(), 4)]);
    assert_eq!(
        preview.kept_finished,
        [("a".to_string(), "Task A".to_string())]
    );
    assert_eq!(preview.changed.len(), 1);
    assert_eq!(preview.changed[0].0, "b");
    assert!(
        store
            .tasks(o)
            .await
            .expect("tasks")
            .iter()
            .all(|t| t.task_key != "d"),
        "a preview changes nothing"
    );

    let version = store.onboarding(o).await.expect("o").version;
    let (upgraded, diff) = store
        .upgrade_onboarding(
            Some(manager),
            o,
            version,
            imported.version_id,
            &WorkCalendar::default(),
        )
        .await
        .expect("upgrade");
    assert_eq!(upgraded.program_version_id, imported.version_id);
    assert_eq!(diff, preview);
    let after = store.tasks(o).await.expect("tasks");
    let keys: Vec<(&str, &str)> = after
        .iter()
        .map(|t| (t.task_key.as_str(), t.status.as_str()))
        .collect();
    assert!(keys.contains(&("a", "done")), "{keys:?}");
    assert!(
        keys.contains(&("b", "open")),
        "b no longer waits for a: {keys:?}"
    );
    assert!(keys.contains(&("d", "open")), "{keys:?}");
    assert_eq!(
        after.iter().find(|t| t.task_key == "b").expect("b").title,
        "Task B, revised"
    );
    assert_eq!(
        after
            .iter()
            .find(|t| t.task_key == "d")
            .expect("d")
            .due_date,
        date("2026-12-03")
    );
    let other_program = store
        .upgrade_preview(o, 424_242)
        .await
        .expect_err("unknown version");
    assert!(matches!(other_program, StoreError::NotFound(_)));
}

async fn holidays_make_the_calendar(store: Store, _db: Database) {
    store
        .add_holiday("EMEA", date("2026-12-25"), "Christmas Day")
        .await
        .expect("holiday");
    store
        .add_holiday("ALL", date("2027-01-01"), "New Year")
        .await
        .expect("holiday");
    store
        .add_holiday("AMER", date("2026-11-26"), "Thanksgiving")
        .await
        .expect("holiday");
    store
        .add_holiday("EMEA", date("2026-12-25"), "Christmas")
        .await
        .expect("update is fine");
    let emea = store.calendar_for(Some("EMEA")).await.expect("calendar");
    assert!(!emea.is_business_day(date("2026-12-25")));
    assert!(!emea.is_business_day(date("2027-01-01")));
    assert!(
        emea.is_business_day(date("2026-11-26")),
        "AMER holidays do not apply in EMEA"
    );
    assert_eq!(store.holidays().await.expect("list").len(), 3);
}

async fn mentions_reach_the_inbox(store: Store, _db: Database) {
    use onramp_core::comment::Unreached;
    use onramp_core::people::Role;
    let (o, hire, manager) = sample_onboarding(&store, "2026-11-27").await;
    let other = person(&store, "sam.fischer@example.com", "Scale", None).await;
    let pc = person(&store, "pat.connect@example.com", "Scale", None).await;
    let ghost = person(&store, "no.account@example.com", "Scale", None).await;
    for (who, roles) in [
        (hire, vec![Role::NewHire]),
        (manager, vec![Role::Manager]),
        (other, vec![Role::Buddy]),
        (pc, vec![Role::PeopleConnect]),
    ] {
        store
            .upsert_account(None, who, &roles, None)
            .await
            .expect("account");
    }
    let (_, unreached) = store
        .add_comment(
            o,
            None,
            hire,
            "Hi @manager, is `@buddy` set? cc @sam.fischer, @pat.connect, @no.account, @buddy and @nobody",
        )
        .await
        .expect("comment");
    let mut why: Vec<(String, Unreached)> = unreached
        .into_iter()
        .map(|u| (u.mention, u.reason))
        .collect();
    why.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        why,
        vec![
            ("buddy".to_string(), Unreached::RoleVacant),
            ("no.account".to_string(), Unreached::NoAccount),
            ("nobody".to_string(), Unreached::NoSuchPerson),
            ("sam.fischer".to_string(), Unreached::CannotSee),
        ],
        "the writer learns who was not told, and why"
    );
    assert!(
        store
            .notifications(other, 10)
            .await
            .expect("inbox")
            .is_empty(),
        "a CSM outside the onboarding never sees the comment text"
    );
    assert!(
        store
            .notifications(ghost, 10)
            .await
            .expect("inbox")
            .is_empty()
    );
    assert_eq!(
        store.notifications(pc, 10).await.expect("inbox").len(),
        1,
        "People Connect may read every onboarding: notified by handle"
    );
    let inbox = store.notifications(manager, 10).await.expect("inbox");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].kind, "mention");
    assert!(
        inbox[0]
            .message
            .starts_with("Person hire@example.com mentioned you"),
        "{}",
        inbox[0].message
    );
    assert!(
        store
            .notifications(hire, 10)
            .await
            .expect("inbox")
            .is_empty(),
        "authors are not notified"
    );
    store
        .add_comment(o, None, manager, "Thanks @new-hire")
        .await
        .expect("reply");
    assert_eq!(store.notifications(hire, 10).await.expect("inbox").len(), 1);
    assert_eq!(
        store
            .mark_notifications_read(manager, None)
            .await
            .expect("read"),
        1
    );
    assert!(
        store.notifications(manager, 10).await.expect("inbox")[0]
            .read_at
            .is_some()
    );
}

async fn the_sweep_escalates_once_and_closes_stale_onboardings(store: Store, _db: Database) {
    let (o, _hire, manager) = sample_onboarding(&store, "2026-11-27").await;
    // b is compliance-critical and due 2026-12-15 (day 12 from Friday 2026-11-27).
    let before_due = chrono::DateTime::parse_from_rfc3339("2026-12-15T12:00:00Z")
        .expect("t")
        .with_timezone(&chrono::Utc);
    assert_eq!(
        store
            .sweep(before_due, 60)
            .await
            .expect("sweep")
            .escalated_tasks,
        0
    );
    let later = chrono::DateTime::parse_from_rfc3339("2026-12-20T12:00:00Z")
        .expect("t")
        .with_timezone(&chrono::Utc);
    let first = store.sweep(later, 60).await.expect("sweep");
    assert_eq!((first.escalated_tasks, first.closed_onboardings), (1, 0));
    assert_eq!(
        store.sweep(later, 60).await.expect("again").escalated_tasks,
        0,
        "escalated once"
    );
    let inbox = store.notifications(manager, 10).await.expect("inbox");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].kind, "escalation");
    assert!(inbox[0].message.contains("Task B"), "{}", inbox[0].message);

    let much_later = chrono::DateTime::parse_from_rfc3339("2027-03-01T12:00:00Z")
        .expect("t")
        .with_timezone(&chrono::Utc);
    let closing = store.sweep(much_later, 60).await.expect("sweep");
    assert_eq!(closing.closed_onboardings, 1);
    let closed = store.onboarding(o).await.expect("o");
    assert_eq!(closed.status, "closed");
    let comments = store.comments(o).await.expect("comments");
    assert!(
        comments[0].body.contains("Closed automatically") && comments[0].body.contains("- Task A"),
        "{}",
        comments[0].body
    );
    assert_eq!(
        store
            .sweep(much_later, 60)
            .await
            .expect("again")
            .closed_onboardings,
        0
    );
}

async fn listings_filter_by_person_manager_and_start(store: Store, _db: Database) {
    let (o, hire, manager) = sample_onboarding(&store, "2026-11-27").await;
    let today = date("2026-12-01");
    let count = |f: OnboardingFilter| {
        let store = store.clone();
        async move {
            (
                store
                    .find_onboardings(&f, today, 50, 0)
                    .await
                    .expect("find")
                    .len(),
                store.count_onboardings_where(&f).await.expect("count"),
            )
        }
    };
    assert_eq!(count(OnboardingFilter::All).await, (1, 1));
    assert_eq!(count(OnboardingFilter::Involving(hire)).await, (1, 1));
    assert_eq!(count(OnboardingFilter::Involving(manager)).await, (1, 1));
    assert_eq!(count(OnboardingFilter::Involving(9_999)).await, (0, 0));
    assert_eq!(count(OnboardingFilter::ManagedBy(manager)).await, (1, 1));
    assert_eq!(count(OnboardingFilter::ManagedBy(hire)).await, (0, 0));
    assert_eq!(
        count(OnboardingFilter::StartingBetween(
            date("2026-11-01"),
            date("2026-11-30")
        ))
        .await,
        (1, 1)
    );
    assert_eq!(
        count(OnboardingFilter::StartingBetween(
            date("2026-12-01"),
            date("2026-12-31")
        ))
        .await,
        (0, 0)
    );
    let rows = store
        .find_onboardings(&OnboardingFilter::Involving(hire), today, 50, 0)
        .await
        .expect("find");
    assert_eq!(rows[0].id, o);

    // Buddy and backup buddy: each finds the onboarding as theirs, the
    // manager does not find it as a buddy's.
    let buddy = person(&store, "buddy@example.com", "Scale", None).await;
    let backup = person(&store, "backup@example.com", "Scale", None).await;
    assert_eq!(count(OnboardingFilter::BuddyOf(buddy)).await, (0, 0));
    store
        .assign_buddy(None, o, Some(buddy), false, "")
        .await
        .expect("buddy");
    store
        .assign_buddy(None, o, Some(backup), true, "")
        .await
        .expect("backup");
    for p in [buddy, backup] {
        assert_eq!(count(OnboardingFilter::BuddyOf(p)).await, (1, 1));
        assert_eq!(count(OnboardingFilter::Involving(p)).await, (1, 1));
    }
    assert_eq!(count(OnboardingFilter::BuddyOf(manager)).await, (0, 0));
}

async fn accounts_sessions_and_tokens(store: Store, _db: Database) {
    use onramp_core::people::Role;
    use onramp_store::accounts::{hash_password, verify_password};
    let id = person(&store, "ada@example.com", "Scale", None).await;
    let hash = hash_password("correct horse battery");
    let account = store
        .upsert_account(None, id, &[Role::NewHire, Role::Buddy], Some(&hash))
        .await
        .expect("account");
    assert_eq!(account.roles(), [Role::NewHire, Role::Buddy]);
    let (found, stored) = store
        .account_for_sign_in("ADA@example.com")
        .await
        .expect("lookup")
        .expect("found");
    assert_eq!(found.id, account.id);
    assert!(verify_password("correct horse battery", stored.as_deref()));
    assert!(!verify_password("wrong", stored.as_deref()));
    assert!(!verify_password("anything", None));
    assert!(
        store
            .account_for_sign_in("nobody@example.com")
            .await
            .expect("lookup")
            .is_none()
    );
    let updated = store
        .upsert_account(None, id, &[Role::Manager], None)
        .await
        .expect("roles");
    assert_eq!(updated.roles(), [Role::Manager]);
    let (_, stored) = store
        .account_for_sign_in("ada@example.com")
        .await
        .expect("lookup")
        .expect("found");
    assert!(stored.is_some(), "changing roles keeps the password");

    let now = chrono::Utc::now();
    let (cookie, session) = store
        .create_session(account.id, chrono::Duration::hours(1))
        .await
        .expect("session");
    assert_ne!(
        cookie, session.id,
        "only a hash of the cookie secret is stored"
    );
    assert_eq!(
        store
            .session(&cookie, now)
            .await
            .expect("s")
            .map(|(s, _)| s.account_id),
        Some(account.id)
    );
    assert!(
        store
            .session(&cookie, now + chrono::Duration::hours(2))
            .await
            .expect("s")
            .is_none(),
        "expired"
    );
    let (other, _) = store
        .create_session(account.id, chrono::Duration::hours(1))
        .await
        .expect("second");
    store.end_session(&cookie).await.expect("end");
    assert!(store.session(&cookie, now).await.expect("s").is_none());
    assert!(store.session(&other, now).await.expect("s").is_some());
    assert_eq!(store.end_all_sessions(account.id).await.expect("all"), 1);
    assert!(store.session(&other, now).await.expect("s").is_none());

    let (secret, token) = store
        .create_api_token(account.id, "laptop", "read")
        .await
        .expect("token");
    assert!(secret.starts_with("onr_"));
    let (used, owner) = store
        .use_api_token(&secret, now)
        .await
        .expect("use")
        .expect("valid");
    assert_eq!((used.id, owner.id), (token.id, account.id));
    assert!(used.last_used_at.is_some());
    store
        .revoke_api_token(account.id, token.id)
        .await
        .expect("revoke");
    // Making and revoking a token name its owner as the actor.
    let events = store
        .audit_events("api_token", token.id)
        .await
        .expect("audit");
    let actions: Vec<(&str, Option<i64>)> = events
        .iter()
        .map(|e| (e.action.as_str(), e.actor_id))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("create", Some(account.person_id)),
            ("revoke", Some(account.person_id))
        ]
    );
    assert!(
        store
            .use_api_token(&secret, now)
            .await
            .expect("use")
            .is_none()
    );
    assert!(matches!(
        store.revoke_api_token(account.id + 1, token.id).await,
        Err(StoreError::NotFound(_))
    ));

    let (cookie, _) = store
        .create_session(account.id, chrono::Duration::hours(1))
        .await
        .expect("session");
    let (secret, _) = store
        .create_api_token(account.id, "ci", "write")
        .await
        .expect("token");
    store
        .disable_account(None, account.id)
        .await
        .expect("disable");
    assert!(
        store.session(&cookie, now).await.expect("s").is_none(),
        "disabling ends sessions"
    );
    assert!(
        store
            .use_api_token(&secret, now)
            .await
            .expect("t")
            .is_none(),
        "and tokens"
    );
    assert_eq!(store.list_accounts().await.expect("list").len(), 1);
}

async fn sign_in_throttling(store: Store, _db: Database) {
    let now = chrono::Utc::now();
    let key = "email:ada@example.com";
    for _ in 0..4 {
        assert_eq!(
            store
                .record_sign_in_failure(key, now, Some(5))
                .await
                .expect("fail"),
            None
        );
    }
    assert_eq!(store.sign_in_failures(key, now).await.expect("count"), 4);
    let locked = store
        .record_sign_in_failure(key, now, Some(5))
        .await
        .expect("fail")
        .expect("the fifth failure locks");
    assert!(locked > now);
    assert!(
        store
            .sign_in_locked_until(key, now)
            .await
            .expect("state")
            .is_some()
    );
    assert!(
        store
            .sign_in_locked_until(key, locked + chrono::Duration::seconds(1))
            .await
            .expect("state")
            .is_none(),
        "the lock ends"
    );
    assert!(
        store
            .sign_in_locked_until("address:10.0.0.1", now)
            .await
            .expect("state")
            .is_none(),
        "keys are separate"
    );
    store.clear_sign_in_failures(key).await.expect("clear");
    assert!(
        store
            .sign_in_locked_until(key, now)
            .await
            .expect("state")
            .is_none()
    );
    // Failures outside the window start a new count.
    for i in 0..6 {
        let at = now + chrono::Duration::minutes(20 * i);
        assert_eq!(
            store
                .record_sign_in_failure(key, at, Some(5))
                .await
                .expect("fail"),
            None
        );
    }
    // Without a limit the count grows and never locks.
    for _ in 0..7 {
        assert_eq!(
            store
                .record_sign_in_failure("account:x", now, None)
                .await
                .expect("fail"),
            None
        );
    }
    assert_eq!(
        store.sign_in_failures("account:x", now).await.expect("n"),
        7
    );
    // Concurrent failures are all counted.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .record_sign_in_failure("client:10.9.9.9", now, None)
                .await
                .expect("fail");
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    assert_eq!(
        store
            .sign_in_failures("client:10.9.9.9", now)
            .await
            .expect("n"),
        16
    );
}

async fn password_resets_work_once(store: Store, _db: Database) {
    use onramp_core::people::Role;
    use onramp_store::accounts::verify_password;
    let id = person(&store, "reset@example.com", "Scale", None).await;
    let account = store
        .upsert_account(None, id, &[Role::NewHire], None)
        .await
        .expect("account");
    let (cookie, _) = store
        .create_session(account.id, chrono::Duration::hours(1))
        .await
        .expect("session");
    let earlier = store
        .create_password_reset(account.id, chrono::Duration::hours(1))
        .await
        .expect("reset");
    // A new link (made again, or sent again by email) stops the earlier one.
    let secret = store
        .create_password_reset(account.id, chrono::Duration::hours(1))
        .await
        .expect("reset");
    let now = chrono::Utc::now();
    assert_eq!(
        store
            .reset_password(&earlier, "a long new password", now)
            .await
            .expect("earlier link"),
        None,
        "the earlier link no longer works"
    );
    assert_eq!(
        store
            .reset_password("not-a-secret", "a long new password", now)
            .await
            .expect("unknown link"),
        None,
        "an unknown link changes nothing"
    );
    assert_eq!(
        store
            .reset_password(&secret, "a long new password", now)
            .await
            .expect("reset"),
        Some(account.id)
    );
    let (_, hash) = store
        .account_for_sign_in("reset@example.com")
        .await
        .expect("l")
        .expect("found");
    assert!(verify_password("a long new password", hash.as_deref()));
    assert!(
        store.session(&cookie, now).await.expect("s").is_none(),
        "old sessions end"
    );
    assert!(
        store
            .reset_password(&secret, "another long password", now)
            .await
            .expect("used link")
            .is_none(),
        "works once"
    );
    let expired = store
        .create_password_reset(account.id, chrono::Duration::seconds(-1))
        .await
        .expect("reset");
    assert!(
        store
            .reset_password(&expired, "another long password", now)
            .await
            .expect("expired link")
            .is_none(),
        "expired"
    );
}

async fn the_audit_log_shows_each_person_what_concerns_them(store: Store, _db: Database) {
    let (o, hire, manager) = sample_onboarding(&store, "2026-11-27").await;
    let stranger = person(&store, "stranger@example.com", "Scale", None).await;
    let all = store.audit_log(None, 1000).await.expect("all");
    let mine = store.audit_log(Some(hire), 1000).await.expect("hire");
    let theirs = store
        .audit_log(Some(stranger), 1000)
        .await
        .expect("stranger");
    assert!(all.len() > mine.len());
    assert!(
        mine.iter().any(|e| e.onboarding_id == Some(o)),
        "the hire sees their onboarding's events"
    );
    assert!(
        mine.iter()
            .any(|e| e.entity == "person" && e.entity_id == Some(hire))
    );
    assert!(
        !mine
            .iter()
            .any(|e| e.entity == "person" && e.entity_id == Some(stranger))
    );
    assert!(
        theirs.iter().all(|e| e.onboarding_id.is_none()),
        "a stranger sees nothing of the onboarding"
    );
    assert!(
        store
            .audit_log(Some(manager), 1000)
            .await
            .expect("manager")
            .iter()
            .any(|e| e.onboarding_id == Some(o))
    );
}

async fn time_off_and_buddy_colleagues(store: Store, _db: Database) {
    let add = |email: &str, role: &str| NewPerson {
        email: email.into(),
        name: email.split('@').next().unwrap_or(email).into(),
        department: "Customer Success".into(),
        job_role: role.into(),
        time_zone: "Europe/Berlin".into(),
        start_date: Some(date("2024-01-01")),
        ..Default::default()
    };
    let (hire, _) = store
        .upsert_person(None, &add("hire@example.com", "CSM"))
        .await
        .expect("hire");
    let (csm, _) = store
        .upsert_person(None, &add("csm@example.com", "CSM"))
        .await
        .expect("csm");
    store
        .add_time_off(
            None,
            csm.id,
            date("2026-12-21"),
            date("2026-12-31"),
            "holidays",
        )
        .await
        .expect("time off");
    let colleagues = store.buddy_colleagues(hire.id).await.expect("colleagues");
    assert_eq!(colleagues.len(), 1);
    assert_eq!(colleagues[0].person_id, csm.id);
    assert_eq!(
        colleagues[0].time_off,
        vec![(date("2026-12-21"), date("2026-12-31"))]
    );
    assert_eq!(colleagues[0].active_assignments, 0);
    assert_eq!(colleagues[0].start_date, Some(date("2024-01-01")));
}

/// A Scale new hire's onboarding of a program with a reading target and a
/// playground task.
async fn learning_onboarding(store: &Store) -> (i64, i64, i64) {
    let files = vec![
        file(
            "program.md",
            "---\nid: learning-program\ntitle: Learning\nowner: Enablement\nsegments: [Scale]\nregions: [EMEA]\nreviewed_at: 2026-11-01\nphases:\n  - {id: first, title: First, from_day: 0, to_day: 29}\n---\n",
        ),
        file(
            "tasks/read.md",
            "---\nid: read-two\ntitle: Read two pages\nowner: new-hire\nphase: first\ndue: 5\nkind: read\ntarget: {count: 2, measure: reading-list}\n---\n",
        ),
        file(
            "tasks/demo.md",
            "---\nid: request-demo-space\ntitle: Demo space\nowner: new-hire\nphase: first\ndue: 5\nkind: request-access\n---\n",
        ),
    ];
    let program = parse_program(&files, &[]).expect("valid program");
    let version = store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("import")
        .version_id;
    let manager = person(store, "boss@example.com", "Scale", None).await;
    let hire = person(store, "hire@example.com", "Scale", Some(manager)).await;
    let o = store
        .create_onboarding(
            Some(manager),
            &NewOnboarding {
                person_id: hire,
                program_version_id: version,
                start_date: date("2026-11-02"),
                manager_id: Some(manager),
                people_connect_id: None,
                enablement_id: None,
                buddy_id: None,
            },
            &WorkCalendar::default(),
        )
        .await
        .expect("onboarding");
    (o.id, hire, manager)
}

async fn task_status(store: &Store, o: i64, key: &str) -> String {
    let tasks = store.tasks(o).await.expect("tasks");
    tasks
        .iter()
        .find(|t| t.task_key == key)
        .expect("task")
        .status
        .clone()
}

async fn pathways_certifications_channels_and_reading(store: Store, _db: Database) {
    use onramp_store::{CertificationChange, ModuleRecord};
    let (o, hire, _) = learning_onboarding(&store).await;
    // Enrolled with the onboarding, in the pathway of the Scale segment.
    assert_eq!(
        store
            .enrolment(o, hire, Some("Scale"))
            .await
            .expect("enrolment"),
        Some("csm-scale".to_string())
    );
    let record = |module: &str, on: &str| ModuleRecord {
        person_id: hire,
        pathway_id: "csm-scale".into(),
        module_id: module.into(),
        completed_on: date(on),
        evidence_url: None,
        source: "self",
    };
    assert_eq!(
        store
            .record_modules(
                Some(hire),
                &[
                    record("welcome", "2026-11-03"),
                    record("tools", "2026-11-10")
                ]
            )
            .await
            .expect("record"),
        2
    );
    // A later import of the same module replaces the date and keeps evidence.
    let mut imported = record("tools", "2026-11-09");
    imported.source = "import";
    imported.evidence_url = Some("https://levelup.example.com/c/1".into());
    store
        .record_modules(None, &[imported])
        .await
        .expect("import");
    let done = store
        .module_completions(hire, "csm-scale")
        .await
        .expect("done");
    assert_eq!(done.len(), 2);
    assert_eq!(done["tools"].completed_on, date("2026-11-09"));
    assert_eq!(done["tools"].source, "import");
    assert_eq!(
        store
            .pathway_counts(&[o, o + 1000])
            .await
            .expect("counts")
            .get(&o),
        Some(&("csm-scale".to_string(), 2))
    );
    assert!(
        store
            .undo_module(Some(hire), hire, "csm-scale", "welcome")
            .await
            .expect("undo")
    );
    assert!(
        !store
            .undo_module(Some(hire), hire, "csm-scale", "welcome")
            .await
            .expect("undo")
    );

    // Certifications: plan, attempts, pass with expiry; a bad expiry changes nothing.
    let git_associate = onramp_store::CertificationOf {
        person_id: hire,
        certification_id: "git-associate",
        title: "Git associate",
        onboarding_id: None,
    };
    let change = |c: CertificationChange| c;
    store
        .save_certification(
            Some(hire),
            git_associate,
            &change(CertificationChange {
                planned_on: Some(date("2026-12-01")),
                ..Default::default()
            }),
        )
        .await
        .expect("plan");
    store
        .save_certification(
            Some(hire),
            git_associate,
            &CertificationChange {
                attempt: true,
                ..Default::default()
            },
        )
        .await
        .expect("attempt");
    store
        .save_certification(
            Some(hire),
            git_associate,
            &CertificationChange {
                attempt: true,
                passed_on: Some(date("2026-12-05")),
                expires_on: Some(date("2028-12-05")),
                evidence_url: Some("https://credly.example.com/b/1".into()),
                ..Default::default()
            },
        )
        .await
        .expect("pass");
    let records = store.certification_records(hire).await.expect("records");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(
        (r.attempts, r.planned_on, r.passed_on, r.expires_on),
        (
            2,
            Some(date("2026-12-01")),
            Some(date("2026-12-05")),
            Some(date("2028-12-05"))
        )
    );
    // A pass with evidence waits for the manager's review; a review is
    // made once; saving the same evidence again does not submit it again,
    // new evidence does.
    assert_eq!(r.review.as_deref(), Some("submitted"));
    store
        .review_certification(Some(hire), git_associate, true, "")
        .await
        .expect("approve");
    assert!(matches!(
        store
            .review_certification(Some(hire), git_associate, false, "again")
            .await,
        Err(onramp_store::StoreError::Conflict(_))
    ));
    let review =
        |records: Vec<onramp_core::learning::CertificationStatus>| records[0].review.clone();
    assert_eq!(
        review(store.certification_records(hire).await.expect("records")).as_deref(),
        Some("approved")
    );
    let evidence = |url: &str| CertificationChange {
        passed_on: Some(date("2026-12-05")),
        evidence_url: Some(url.into()),
        ..Default::default()
    };
    store
        .save_certification(
            Some(hire),
            git_associate,
            &evidence("https://credly.example.com/b/1"),
        )
        .await
        .expect("same");
    assert_eq!(
        review(store.certification_records(hire).await.expect("records")).as_deref(),
        Some("approved")
    );
    store
        .save_certification(
            Some(hire),
            git_associate,
            &evidence("https://credly.example.com/b/2"),
        )
        .await
        .expect("new evidence");
    assert_eq!(
        review(store.certification_records(hire).await.expect("records")).as_deref(),
        Some("submitted")
    );

    // Channels: the set is replaced as a whole.
    store
        .set_joined_channels(
            Some(hire),
            hire,
            &["cs-questions".into(), "questions".into()],
        )
        .await
        .expect("join");
    store
        .set_joined_channels(Some(hire), hire, &["questions".into()])
        .await
        .expect("join");
    assert_eq!(
        store.joined_channels(hire).await.expect("joined"),
        vec!["questions".to_string()]
    );

    // Reading receipts complete the task whose reading-list target is met.
    let items: Vec<String> = onramp_core::catalogue::Catalogues::builtin()
        .reading_list
        .iter()
        .map(|r| r.id.clone())
        .collect();
    assert!(
        store
            .set_read(Some(hire), o, hire, &items[0], true)
            .await
            .expect("read")
            .is_empty()
    );
    // Unread and read again: still one receipt.
    store
        .set_read(Some(hire), o, hire, &items[0], false)
        .await
        .expect("unread");
    store
        .set_read(Some(hire), o, hire, &items[0], true)
        .await
        .expect("read");
    assert_eq!(task_status(&store, o, "read-two").await, "open");
    assert_eq!(
        store
            .set_read(Some(hire), o, hire, &items[1], true)
            .await
            .expect("read"),
        vec!["read-two".to_string()]
    );
    assert_eq!(task_status(&store, o, "read-two").await, "done");
    assert_eq!(
        store.reading_receipts(hire).await.expect("receipts").len(),
        2
    );
}

async fn access_requests_move_through_their_states(store: Store, _db: Database) {
    let (o, hire, manager) = learning_onboarding(&store).await;
    let r = store
        .request_access(Some(hire), o, "gitlab-com-demo-space", "for demos")
        .await
        .expect("request");
    assert_eq!(r.status, "requested");
    // One live request per system.
    assert!(matches!(
        store.request_access(Some(hire), o, "gitlab-com-demo-space", "").await,
        Err(StoreError::Conflict(m)) if m.contains("already requested")
    ));
    // Not provisioned before it is approved; nothing changes.
    assert!(matches!(
        store
            .move_access_request(
                Some(manager),
                r.id,
                "provisioned",
                "",
                Some("request-demo-space")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.access_request(r.id).await.expect("request").status,
        "requested"
    );
    // Waiting for the manager of that onboarding (or anyone's, with no
    // decider), not for someone else's manager nor for provisioning.
    let open = |decider: Option<i64>, provisioner: bool| {
        let store = store.clone();
        async move {
            store
                .open_access_requests(decider, provisioner)
                .await
                .expect("open")
                .len()
        }
    };
    assert_eq!(open(Some(manager), false).await, 1);
    assert_eq!(open(None, false).await, 1);
    assert_eq!(open(Some(hire), true).await, 0);
    assert!(matches!(
        store
            .move_access_request(Some(manager), r.id, "lost", "", None)
            .await,
        Err(StoreError::Rejected(_))
    ));
    assert!(matches!(
        store
            .move_access_request(Some(manager), 99_999, "approved", "", None)
            .await,
        Err(StoreError::NotFound(_))
    ));
    let approved = store
        .move_access_request(Some(manager), r.id, "approved", "ok", None)
        .await
        .expect("approve");
    assert_eq!(
        (approved.status.as_str(), approved.decided_by),
        ("approved", Some(manager))
    );
    assert_eq!(open(Some(hire), true).await, 1);
    assert_eq!(open(Some(manager), false).await, 0);
    assert_eq!(task_status(&store, o, "request-demo-space").await, "open");
    let done = store
        .move_access_request(
            Some(manager),
            r.id,
            "provisioned",
            "",
            Some("request-demo-space"),
        )
        .await
        .expect("provision");
    assert!(done.provisioned_at.is_some());
    assert_eq!(task_status(&store, o, "request-demo-space").await, "done");
    assert_eq!(open(None, true).await, 0);
    // A denied request may be asked again.
    let other = store
        .request_access(Some(hire), o, "shared-omnibus", "")
        .await
        .expect("request");
    store
        .move_access_request(Some(manager), other.id, "denied", "not yet", None)
        .await
        .expect("deny");
    store
        .request_access(Some(hire), o, "shared-omnibus", "again")
        .await
        .expect("again");
    assert_eq!(store.access_requests(o).await.expect("all").len(), 3);
}

async fn webinars_and_attendance(store: Store, _db: Database) {
    use chrono::{Duration, TimeZone, Utc};
    use onramp_store::NewWebinar;
    let hire = person(&store, "hire@example.com", "Scale", None).await;
    let at = Utc
        .with_ymd_and_hms(2026, 12, 2, 16, 0, 0)
        .single()
        .expect("time");
    let new = |title: &str, minutes: i32| NewWebinar {
        title: title.into(),
        starts_at: at,
        duration_minutes: minutes,
        host: "Chris".into(),
        registration_url: Some("https://example.com/register".into()),
    };
    let w = store
        .add_webinar(None, &new("CI basics", 60))
        .await
        .expect("webinar");
    let listed = store
        .webinars(at - Duration::days(1), at + Duration::days(1), 10)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    assert!(
        store
            .webinars(at + Duration::seconds(1), at + Duration::days(1), 10)
            .await
            .expect("list")
            .is_empty()
    );
    let w = store
        .set_webinar_recording(None, w.id, Some("https://video.example.com/1"))
        .await
        .expect("recording");
    assert_eq!(
        w.recording_url.as_deref(),
        Some("https://video.example.com/1")
    );
    assert!(matches!(
        store.set_webinar_recording(None, 4242, None).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .set_attendance(hire, w.id, Some("watched"))
        .await
        .expect("watched");
    store
        .set_attendance(hire, w.id, Some("attended"))
        .await
        .expect("attended");
    assert_eq!(
        store
            .attendance_of(hire)
            .await
            .expect("attendance")
            .get(&w.id)
            .map(String::as_str),
        Some("attended")
    );
    store.set_attendance(hire, w.id, None).await.expect("undo");
    assert!(
        store
            .attendance_of(hire)
            .await
            .expect("attendance")
            .is_empty()
    );
}

/// Runs one statement on the test database behind the store's back.
async fn raw_sql(db: &Database, sql: &str) {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match db {
        Database::Sqlite(o) => {
            let mut c = sqlx::SqliteConnection::connect_with(o)
                .await
                .expect("sqlite");
            sqlx::query(sql).execute(&mut c).await.expect("sql");
        }
        Database::Postgres(o) => {
            let mut c = sqlx::PgConnection::connect_with(o).await.expect("postgres");
            sqlx::query(sql).execute(&mut c).await.expect("sql");
        }
    }
}

async fn calendar_feeds_are_shown_again(store: Store, db: Database) {
    let new = NewPerson {
        email: "feed@example.com".into(),
        name: "Feed".into(),
        time_zone: "UTC".into(),
        ..Default::default()
    };
    let person = store.upsert_person(None, &new).await.expect("person").0.id;
    assert_eq!(store.calendar_token(person).await.expect("none"), None);
    let secret = store.rotate_calendar_token(person).await.expect("feed");
    assert_eq!(
        store.calendar_token(person).await.expect("feed"),
        Some(Some(secret.clone()))
    );
    assert_eq!(
        store
            .person_for_calendar_token(&secret)
            .await
            .expect("owner"),
        Some(person)
    );
    // A feed made before its secret was kept: it still works, but cannot be shown.
    raw_sql(&db, "UPDATE calendar_tokens SET secret = NULL").await;
    assert_eq!(store.calendar_token(person).await.expect("old"), Some(None));
    assert_eq!(
        store
            .person_for_calendar_token(&secret)
            .await
            .expect("owner"),
        Some(person)
    );
    store.revoke_calendar_token(person).await.expect("stop");
    assert_eq!(store.calendar_token(person).await.expect("gone"), None);
    assert_eq!(
        store
            .person_for_calendar_token(&secret)
            .await
            .expect("nobody"),
        None
    );
}

// Long: one onboarding given one record of each kind, then read back.
async fn ramp_records_gather_what_each_onboarding_recorded(store: Store, _db: Database) {
    use onramp_core::meeting::Role as MeetingRole;
    use onramp_store::{AnalyticsScope, NewFeedback, NewMeeting};
    let (o, hire, manager) = sample_onboarding(&store, "2026-11-02").await;
    // Another manager's onboarding, which a manager's scope leaves out.
    let other_boss = person(&store, "other.boss@example.com", "Scale", None).await;
    let other = person(&store, "other@example.com", "Scale", Some(other_boss)).await;
    let version = store.onboarding(o).await.expect("o").program_version_id;
    store
        .create_onboarding(
            None,
            &NewOnboarding {
                person_id: other,
                program_version_id: version,
                start_date: date("2026-12-07"),
                manager_id: Some(other_boss),
                people_connect_id: None,
                enablement_id: None,
                buddy_id: None,
            },
            &WorkCalendar::default(),
        )
        .await
        .expect("other onboarding");

    let tasks = store.tasks(o).await.expect("tasks");
    let (first, v) = (tasks[0].id, tasks[0].version);
    store
        .update_task(Some(hire), first, v, &TaskAction::Complete)
        .await
        .expect("done");
    let buddy = person(&store, "buddy@example.com", "Scale", None).await;
    store
        .assign_buddy(None, o, Some(buddy), false, "")
        .await
        .expect("buddy");
    let meeting = |role, held_on: &str| NewMeeting {
        role,
        held_on: date(held_on),
        duration_minutes: 30,
        meeting_type: "cadence".into(),
        lead_id: None,
        observer_id: Some(buddy),
        account: "Acme".into(),
        notes: String::new(),
        learnings: String::new(),
    };
    store
        .add_meeting(Some(hire), o, &meeting(MeetingRole::Shadowed, "2026-11-04"))
        .await
        .expect("shadowed");
    let (led, _) = store
        .add_meeting(Some(hire), o, &meeting(MeetingRole::Led, "2026-11-12"))
        .await
        .expect("led");
    store
        .record_feedback(
            buddy,
            led.id,
            &NewFeedback {
                went_well: "Clear agenda".into(),
                to_improve: "Time keeping".into(),
                ratings: [("agenda".to_string(), 4u8), ("rapport".to_string(), 3u8)].into(),
                notes: String::new(),
            },
        )
        .await
        .expect("feedback");
    store
        .request_access(Some(hire), o, "shared-omnibus", "")
        .await
        .expect("request");

    let all = store.ramp_records(AnalyticsScope::All).await.expect("all");
    assert_eq!(all.onboardings.len(), 2);
    let mine = &all.onboardings[0];
    assert_eq!(
        (mine.id, mine.person_id, mine.manager_id),
        (o, hire, Some(manager))
    );
    assert_eq!(mine.start_date, date("2026-11-02"));
    assert_eq!(mine.program_slug, "test-program");
    let done: Vec<_> = all
        .tasks
        .iter()
        .filter(|t| t.onboarding_id == o && t.status == "done")
        .collect();
    assert_eq!(done.len(), 1);
    assert!(done[0].completed_at.is_some());
    let meetings: Vec<_> = all
        .meetings
        .iter()
        .filter(|m| m.onboarding_id == o)
        .collect();
    assert_eq!(meetings.len(), 2);
    let rated = meetings.iter().find(|m| m.role == "led").expect("led");
    assert_eq!(rated.ratings.as_ref().map(|r| r.0.len()), Some(2));
    assert_eq!(
        all.buddies
            .iter()
            .filter(|b| b.onboarding_id == o && b.key == "current")
            .count(),
        1
    );
    assert_eq!(
        all.pending_access
            .iter()
            .filter(|a| a.onboarding_id == o)
            .count(),
        1
    );
    assert!(
        all.last_activity
            .iter()
            .any(|a| a.onboarding_id == o && a.at.is_some())
    );

    // A manager's scope: their reports only.
    let theirs = store
        .ramp_records(AnalyticsScope::Manager(manager))
        .await
        .expect("manager");
    assert_eq!(
        theirs.onboardings.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![o]
    );
    assert!(theirs.tasks.iter().all(|t| t.onboarding_id == o));
    assert!(theirs.meetings.iter().all(|m| m.onboarding_id == o));
}

async fn a_change_of_level_is_recorded_once_by_two_servers(store: Store, db: Database) {
    use onramp_store::{AnalyticsScope, RecordedSignal, Selection};
    let (o, _, manager) = sample_onboarding(&store, "2026-11-02").await;
    let other = Store::open(&db).await.expect("a second server");
    let quiet = [RecordedSignal {
        kind: "quiet".into(),
        reason: "No activity for 6 business days".into(),
    }];
    let at = |h: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("time")
            .and_utc()
    };
    // Both servers see the same levels at the same sweeps.
    for (hour, level, signals) in [
        (8, "on-track", &[][..]),
        (9, "on-track", &[][..]),
        (10, "watch", &quiet[..]),
        (11, "watch", &quiet[..]),
        (12, "on-track", &[][..]),
    ] {
        let (a, b) = tokio::join!(
            store.record_level(o, level, signals, at(hour)),
            other.record_level(o, level, signals, at(hour)),
        );
        let changed = u8::from(a.expect("first")) + u8::from(b.expect("second"));
        let expected = u8::from(matches!(hour, 8 | 10 | 12));
        assert_eq!(
            changed, expected,
            "at {hour}:00 one server records the change"
        );
    }
    let mine = Selection {
        only_active: true,
        ..AnalyticsScope::Manager(manager).into()
    };
    let history = store.level_changes(mine).await.expect("history");
    let levels: Vec<(&str, Option<&str>)> = history
        .iter()
        .map(|c| (c.level.as_str(), c.previous.as_deref()))
        .collect();
    assert_eq!(
        levels,
        [
            ("on-track", None),
            ("watch", Some("on-track")),
            ("on-track", Some("watch"))
        ]
    );
    let now = store.current_levels(mine).await.expect("current");
    assert_eq!(now.len(), 1);
    assert_eq!((now[0].level.as_str(), now[0].since), ("on-track", at(12)));
    assert!(now[0].signals.0.is_empty());
    // Another manager's scope holds none of it.
    let theirs = Selection {
        only_active: true,
        ..AnalyticsScope::Manager(manager + 1000).into()
    };
    assert!(store.current_levels(theirs).await.expect("none").is_empty());
    other.close().await;
}
