//! GitLab issue-template import and onboarding export.

use chrono::NaiveDate;
use onramp_core::gitlab::{ExportTask, export_onboarding, import_checklist};
use onramp_core::onboarding::plan;
use onramp_core::people::Role;
use onramp_core::program::{Due, Program, parse_program};
use onramp_core::program_writer::program_files;
use onramp_core::schedule::WorkCalendar;
use std::path::{Path, PathBuf};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Writes the imported program and parses it back: it must validate.
fn revalidate(program: &Program) -> Program {
    let files = program_files(program);
    parse_program(&files, &[])
        .unwrap_or_else(|d| panic!("the imported program does not validate: {d:#?}\n{files:#?}"))
}

#[test]
fn a_gitlab_style_template_becomes_a_valid_program() {
    let text = std::fs::read_to_string(
        repo().join("crates/core/tests/fixtures/gitlab/csm-onboarding-issue.md"),
    )
    .expect("fixture");
    let import =
        import_checklist(&text, "csm-onboarding-issue.md", date("2026-11-27")).expect("import");
    let p = &import.program;
    assert_eq!(p.id, "csm-onboarding-issue");
    assert_eq!(p.title, "CSM onboarding issue");
    let phases: Vec<(&str, i32, i32)> = p
        .phases
        .iter()
        .map(|ph| (ph.id.as_str(), ph.from_day, ph.to_day))
        .collect();
    assert_eq!(
        phases,
        [
            ("before-day-one", -10, -1),
            ("week-1", 0, 4),
            ("days-31-60", 21, 42)
        ]
    );

    let by_title = |prefix: &str| {
        p.tasks
            .iter()
            .find(|t| t.title.starts_with(prefix))
            .unwrap_or_else(|| panic!("task {prefix}: {:#?}", p.tasks))
    };
    let buddy = by_title("Choose an onboarding buddy");
    assert_eq!(
        (buddy.owner, buddy.phase.as_str()),
        (Role::Manager, "before-day-one")
    );
    assert_eq!(
        buddy.links[0].url,
        "/handbook/people-group/general-onboarding/onboarding-buddies/"
    );
    assert_eq!(
        by_title("Share the first-week agenda with @new-hire").owner,
        Role::Manager,
        "the section names the owner"
    );
    let laptop = by_title("Order the laptop");
    assert_eq!(laptop.owner, Role::PeopleConnect);
    assert_eq!(
        laptop.body,
        "- [ ] Confirm the shipping address\n- [x] Track the delivery"
    );
    assert_eq!(by_title("Create the accounts").owner, Role::PeopleConnect);
    let read = by_title("Read the handbook-first page");
    assert_eq!((read.owner, read.phase.as_str()), (Role::NewHire, "week-1"));
    assert_eq!(read.links.len(), 2);
    assert_eq!(
        by_title("Join #cs-questions").title,
        "Join #cs-questions and #customer-success"
    );
    assert_eq!(by_title("Ask @buddy").owner, Role::NewHire);
    let lead = by_title("Lead a customer call");
    assert_eq!(
        (lead.owner, lead.phase.as_str()),
        (Role::Buddy, "days-31-60"),
        "a role @mention names the owner outside role sections"
    );
    let long = by_title("Prepare an account plan");
    assert!(
        long.title.chars().count() <= 150 && long.title.ends_with('…'),
        "{}",
        long.title
    );
    assert!(
        long.body.contains("the dates by which each should happen"),
        "the full text is kept in the body"
    );
    assert_eq!(p.tasks.len(), 9);
    for t in &p.tasks {
        assert_eq!(
            t.due,
            Due::FromPhaseStart(
                p.phase(&t.phase)
                    .map(|ph| ph.to_day - ph.from_day)
                    .unwrap_or(0)
            ),
            "due at the end of the phase"
        );
    }

    let notes = import.unmapped.join("\n");
    for expected in [
        "line 21: @jsmith is a person, not a role",
        "line 38: no owner role found; owned by the new hire",
        "line 40: quick action `/due in 90 days` not mapped",
        "line 41: quick action `/label ~onboarding ~\"CSM\"` not mapped",
        "line 42: quick action `/assign @jdoe` not mapped",
        "line 43: quick action `/confidential` not mapped",
        "1 list item(s) without a checkbox were left out",
    ] {
        assert!(
            notes.contains(expected),
            "missing note `{expected}` in:\n{notes}"
        );
    }
    let back = revalidate(p);
    assert_eq!(
        back, *p,
        "written and read back, nothing changes, order included"
    );
}

#[test]
fn text_without_checklist_items_is_refused() {
    let err = import_checklist(
        "# Just a page\n\n- a bullet\n",
        "page.md",
        date("2026-11-27"),
    )
    .expect_err("nothing to import");
    assert!(
        err.to_string().contains("page.md: no checklist items"),
        "{err}"
    );
}

#[test]
fn onboarding_style_checklists_from_the_sample_handbook_import_and_validate() {
    let handbook = onramp_testkit::sample_handbook().join("content/handbook");
    checklists_import_and_validate(
        &handbook,
        &["customer-success/csm/csm-onboarding/_index.md"],
    );
}

#[test]
fn onboarding_style_checklists_from_the_real_handbook_import_and_validate() {
    let Some(corpus) = onramp_testkit::corpus("handbook", "real handbook checklists") else {
        return;
    };
    checklists_import_and_validate(
        &corpus.join("handbook"),
        &[
            "customer-success/csm/onboarding.md",
            "engineering/infrastructure/engineering-productivity/triage-operations/onboarding.md",
            "support/enhanced-support-offerings/offering-assigned-support-engineer/becoming-and-being-an-ase.md",
            "sales/commercial/_index.md",
        ],
    );
}

/// Every checkbox of each page becomes a task or a nested step, and the
/// program written from them validates.
fn checklists_import_and_validate(handbook: &Path, files: &[&str]) {
    for &rel in files {
        let text = std::fs::read_to_string(handbook.join(rel)).expect("handbook page");
        let checkboxes = text
            .lines()
            .filter(|l| {
                let t = l.trim_start();
                t.starts_with("- [ ]") || t.starts_with("* [ ]") || t.starts_with("- [x]")
            })
            .count();
        let import = import_checklist(&text, rel, date("2026-11-27"))
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        let p = revalidate(&import.program);
        let nested: usize = p
            .tasks
            .iter()
            .map(|t| {
                t.body
                    .lines()
                    .filter(|l| l.trim_start().starts_with("- ["))
                    .count()
            })
            .sum();
        assert_eq!(
            p.tasks.len() + nested,
            checkboxes,
            "{rel}: every checkbox is a task or a nested step"
        );
        assert!(
            p.tasks
                .iter()
                .all(|t| !t.title.is_empty() && !t.title.contains("[ ]")),
            "{rel}"
        );
    }
}

fn content_pack() -> Program {
    let files = onramp_core::program_dir::read(&onramp_core::program_dir::default_program_path())
        .expect("the content pack")
        .files;
    parse_program(&files, &[]).expect("content pack")
}

#[test]
fn an_exported_onboarding_imports_back_to_the_same_tasks() {
    let program = content_pack();
    let start = date("2026-11-18");
    let calendar = WorkCalendar::default();
    let planned = plan(&program, Some("Mid-Touch"), Some("DACH"), start, &calendar);
    let tasks: Vec<ExportTask> = planned
        .iter()
        .enumerate()
        .map(|(i, t)| ExportTask {
            id: t.template.id.clone(),
            title: t.template.title.clone(),
            owner: t.template.owner,
            phase: t.template.phase.clone(),
            kind: t.template.kind,
            due: t.due_date,
            done: i % 3 == 0,
        })
        .collect();
    let markdown = export_onboarding("Alex Morgan", &program, 1, start, &tasks);
    assert!(markdown.contains("## Before day one"), "{markdown}");
    assert!(markdown.contains("- [x] Open the onboarding and confirm the start details — @people-connect · due 2026-11-06"), "{markdown}");
    assert!(
        markdown.contains("- [ ] Request laptop and accounts for day one — @people-connect · due"),
        "{markdown}"
    );

    let import = import_checklist(&markdown, "export.md", date("2026-11-27")).expect("import");
    assert!(import.unmapped.is_empty(), "{:?}", import.unmapped);
    let back = revalidate(&import.program);
    assert_eq!(back.id, program.id);
    assert_eq!(back.phases, program.phases);
    assert_eq!(back.tasks.len(), tasks.len());
    for (original, again) in tasks.iter().zip(&back.tasks) {
        assert_eq!(again.id, original.id);
        assert_eq!(again.title, original.title);
        assert_eq!(again.owner, original.owner);
        assert_eq!(again.phase, original.phase);
        assert_eq!(again.kind, original.kind);
        let due = calendar.add_business_days(start, back.due_day(again));
        assert_eq!(due, original.due, "{}: the due date survives", original.id);
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn fixture() -> String {
        std::fs::read_to_string(
            repo().join("crates/core/tests/fixtures/gitlab/csm-onboarding-issue.md"),
        )
        .expect("fixture")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn on_arbitrary_text(text in "\\PC{0,400}") {
            let _ = import_checklist(&text, "x.md", date("2026-11-27"));
            let _ = import_checklist(&format!("# T\n\n- [ ] {text}\n"), "x.md", date("2026-11-27"));
        }

        #[test]
        fn on_mutated_templates(at in 0usize..2000, insert in "[\\[\\]<>/@#`*~\\-: \\n]{1,6}|<!-- onramp:task id=[a-z]{0,3} -->|<summary>|</details>") {
            let mut text = fixture();
            let at = text.char_indices().map(|(i, _)| i).nth(at % text.chars().count()).unwrap_or(0);
            text.insert_str(at, &insert);
            if let Ok(import) = import_checklist(&text, "mutated.md", date("2026-11-27")) {
                // Whatever it made must be a valid program.
                let files = program_files(&import.program);
                prop_assert!(parse_program(&files, &[]).is_ok(), "{:?}", parse_program(&files, &[]).err());
            }
        }
    }
}
