//! Program validation: every error with its position, and properties.

use onramp_core::program::{SourceFile, parse_program};
use onramp_core::program_writer::{program_files, quoted};
use proptest::prelude::*;

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: text.into(),
    }
}

const HEAD: &str = "---\nid: p\ntitle: P\nowner: Enablement\nsegments: [Scale, Strategic]\nregions: [EMEA]\nreviewed_at: 2026-11-01\nphases:\n  - {id: one, title: One, from_day: 0, to_day: 9}\n  - {id: two, title: Two, from_day: 10, to_day: 19}\n---\nIntro.\n";

fn task(id: &str, extra: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: Task {id}\nowner: new-hire\nphase: one\ndue: 1\nkind: do\n{extra}---\nBody.\n"
    )
}

/// The problems of a program made of `program.md` = HEAD and the given tasks.
fn problems_with(head: &str, tasks: &[(&str, String)], others: &[&str]) -> Vec<String> {
    let mut files = vec![file("program.md", head)];
    files.extend(tasks.iter().map(|(p, t)| file(p, t)));
    let others: Vec<String> = others.iter().map(|s| s.to_string()).collect();
    match parse_program(&files, &others) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(ToString::to_string).collect(),
    }
}

fn problems(tasks: &[(&str, String)]) -> Vec<String> {
    problems_with(HEAD, tasks, &[])
}

#[track_caller]
fn assert_problem(found: &[String], expected: &str) {
    assert!(
        found.iter().any(|p| p.starts_with(expected)),
        "expected a problem starting with\n  {expected}\nfound:\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn a_valid_program_parses() {
    let p = problems(&[
        ("tasks/a.md", task("a", "")),
        ("tasks/b.md", task("b", "depends_on: [a]\n")),
    ]);
    assert!(p.is_empty(), "{p:?}");
}

#[test]
fn missing_program_file() {
    let p = parse_program(&[file("tasks/a.md", &task("a", ""))], &[]).expect_err("invalid");
    assert_eq!(
        p[0].to_string(),
        "program.md:1:1: missing: every program directory needs a program.md"
    );
}

#[test]
fn no_tasks() {
    assert_problem(&problems(&[]), "program.md:1:1: the program has no tasks");
}

#[test]
fn front_matter_missing_or_unclosed() {
    let p = problems(&[
        ("tasks/a.md", "just text\n".into()),
        ("tasks/b.md", "---\nid: b\n".into()),
    ]);
    assert_problem(&p, "tasks/a.md:1:1: expected front matter");
    assert_problem(&p, "tasks/b.md:1:1: front matter is not closed");
}

#[test]
fn yaml_syntax_error_has_its_position() {
    let p = problems(&[("tasks/a.md", "---\nid: a\ntitle: [unclosed\n---\n".into())]);
    assert!(
        p.iter()
            .any(|l| l.starts_with("tasks/a.md:") && l.contains("invalid YAML")),
        "{p:?}"
    );
    let line: u32 = p[0]
        .split(':')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a line number");
    assert!(
        (3..=4).contains(&line),
        "the error points into the front matter: {p:?}"
    );
}

#[test]
fn unknown_key() {
    let p = problems(&[("tasks/a.md", task("a", "colour: red\n"))]);
    assert_problem(
        &p,
        "tasks/a.md:8:1: unknown key `colour` in a task (allowed: id, title, owner",
    );
    let head = HEAD.replace("owner: Enablement\n", "owner: Enablement\nteam: cs\n");
    assert_problem(
        &problems_with(&head, &[("tasks/a.md", task("a", ""))], &[]),
        "program.md:5:1: unknown key `team` in the program",
    );
}

#[test]
fn wrong_types() {
    let p = problems(&[
        ("tasks/a.md", task("a", "compliance_critical: yes please\n")),
        (
            "tasks/b.md",
            "---\nid: b\ntitle: [x, y]\nowner: new-hire\nphase: one\ndue: soon\nkind: do\n---\n"
                .into(),
        ),
        ("tasks/c.md", task("c", "links: {title: x}\n")),
    ]);
    assert_problem(
        &p,
        "tasks/a.md:8:22: wrong type for `compliance_critical`: expected true or false, found a string",
    );
    assert_problem(
        &p,
        "tasks/b.md:3:8: wrong type for `title`: expected a string, found a list",
    );
    assert_problem(&p, "tasks/b.md:6:6: wrong type for `due`");
    assert_problem(
        &p,
        "tasks/c.md:8:8: wrong type for `links`: expected a list, found a mapping",
    );
}

#[test]
fn missing_required_keys() {
    let p = problems(&[(
        "tasks/a.md",
        "---\nid: a\ntitle: A\nphase: one\ndue: 1\n---\n".into(),
    )]);
    assert_problem(&p, "tasks/a.md:1:1: missing required key `owner` in a task");
    assert_problem(&p, "tasks/a.md:1:1: missing required key `kind` in a task");
}

#[test]
fn yaml_booleans_and_numbers_where_text_is_expected_get_a_hint() {
    let p = problems(&[
        ("tasks/a.md", task("no", "")),
        (
            "tasks/b.md",
            task("b", "").replace("title: Task b", "title: 2026"),
        ),
    ]);
    assert_problem(
        &p,
        "tasks/a.md:2:5: wrong type for `id`: expected a string, found a boolean (write it in quotes",
    );
    assert_problem(
        &p,
        "tasks/b.md:3:8: wrong type for `title`: expected a string, found an integer (write it in quotes",
    );
}

#[test]
fn invalid_ids() {
    let p = problems(&[("tasks/a.md", task("Not_An_Id", ""))]);
    assert_problem(
        &p,
        "tasks/a.md:2:5: `id` must be lower-case letters, digits and dashes",
    );
}

#[test]
fn duplicate_task_id() {
    let p = problems(&[("tasks/a.md", task("a", "")), ("tasks/z.md", task("a", ""))]);
    assert_problem(
        &p,
        "tasks/z.md:2:5: duplicate task id `a` (first defined at tasks/a.md:2:5)",
    );
}

#[test]
fn duplicate_and_bad_phases() {
    let head = HEAD.replace(
        "  - {id: two, title: Two, from_day: 10, to_day: 19}\n",
        "  - {id: one, title: Again, from_day: 10, to_day: 19}\n  - {id: three, title: Three, from_day: 15, to_day: 30}\n  - {id: four, title: Four, from_day: 40, to_day: 35}\n",
    );
    let p = problems_with(&head, &[("tasks/a.md", task("a", ""))], &[]);
    assert_problem(&p, "program.md:10:5: duplicate phase id `one`");
    assert_problem(
        &p,
        "program.md:11:5: phase `three` starts on day 15, inside phase `one`",
    );
    assert_problem(
        &p,
        "program.md:12:51: phase `four` ends (day 35) before it starts (day 40)",
    );
}

#[test]
fn unknown_dependency_and_self_dependency() {
    let p = problems(&[("tasks/a.md", task("a", "depends_on: [ghost, a]\n"))]);
    assert_problem(
        &p,
        "tasks/a.md:8:14: unknown dependency `ghost`: no task has this id",
    );
    assert_problem(&p, "tasks/a.md:8:21: task `a` depends on itself");
}

#[test]
fn dependency_cycle() {
    let p = problems(&[
        ("tasks/a.md", task("a", "depends_on: [c]\n")),
        ("tasks/b.md", task("b", "depends_on: [a]\n")),
        ("tasks/c.md", task("c", "depends_on: [b]\n")),
    ]);
    assert_problem(&p, "tasks/a.md:8:14: dependency cycle: a → c → b → a");
    assert_eq!(
        p.iter().filter(|l| l.contains("dependency cycle")).count(),
        1,
        "one report per cycle: {p:?}"
    );
}

#[test]
fn due_offset_outside_its_phase() {
    let p = problems(&[
        ("tasks/a.md", task("a", "").replace("due: 1", "due: 15")),
        (
            "tasks/b.md",
            task("b", "").replace("due: 1", "due: {after_phase_start: 12}"),
        ),
        (
            "tasks/c.md",
            task("c", "").replace("due: 1", "due: {after_phase_start: -1}"),
        ),
    ]);
    assert_problem(
        &p,
        "tasks/a.md:6:6: due offset outside its phase: day 15 is not within phase `one` (days 0 to 9)",
    );
    assert_problem(&p, "tasks/b.md:6:6: due offset outside its phase: day 12");
    assert_problem(
        &p,
        "tasks/c.md:6:26: `after_phase_start` must not be negative",
    );
}

#[test]
fn unknown_role_kind_phase_segment_region_measure_and_criterion() {
    let p = problems(&[
        (
            "tasks/a.md",
            task("a", "").replace("owner: new-hire", "owner: intern"),
        ),
        (
            "tasks/b.md",
            task("b", "").replace("kind: do", "kind: dance"),
        ),
        (
            "tasks/c.md",
            task("c", "").replace("phase: one", "phase: zero"),
        ),
        (
            "tasks/d.md",
            task("d", "segments: [Mid-Touch]\nregions: [APJ]\n"),
        ),
        (
            "tasks/e.md",
            task(
                "e",
                "target: {count: 3, measure: smiles}\ngraduation: [happy]\n",
            ),
        ),
        (
            "tasks/f.md",
            task("f", "").replace("owner: new-hire", "owner: admin"),
        ),
    ]);
    assert_problem(&p, "tasks/a.md:4:8: unknown role `intern`");
    assert_problem(
        &p,
        "tasks/b.md:7:7: unknown kind `dance` (known: read, do, shadow, attend, certify, reflect, request-access)",
    );
    assert_problem(
        &p,
        "tasks/c.md:5:8: unknown phase `zero` (the program's phases: one, two)",
    );
    assert_problem(
        &p,
        "tasks/d.md:8:12: unknown segment `Mid-Touch` (known: Scale, Strategic)",
    );
    assert_problem(&p, "tasks/d.md:9:11: unknown region `APJ` (known: EMEA)");
    assert_problem(&p, "tasks/e.md:8:29: unknown measure `smiles`");
    assert_problem(&p, "tasks/e.md:9:14: unknown graduation criterion");
    assert_problem(&p, "tasks/f.md:4:8: unknown role `admin` for a task owner");
    let head = HEAD
        .replace("segments: [Scale, Strategic]", "segments: [Enterprise]")
        .replace("regions: [EMEA]", "regions: [Mars]");
    let p = problems_with(&head, &[("tasks/a.md", task("a", ""))], &[]);
    assert_problem(
        &p,
        "program.md:5:12: unknown segment `Enterprise` (known: Scale, Mid-Touch, Strategic)",
    );
    assert_problem(&p, "program.md:6:11: unknown region `Mars`");
}

#[test]
fn broken_relative_links_in_links_and_bodies() {
    let body_task = "---\nid: b\ntitle: B\nowner: buddy\nphase: one\ndue: 2\nkind: read\n---\nIntro line.\nSee [the guide](../guides/missing.md) and [ok](../guides/ok.pdf).\n".to_string();
    let p = problems_with(
        HEAD,
        &[
            (
                "tasks/a.md",
                task(
                    "a",
                    "links:\n  - {title: Up, url: ../../outside.md}\n  - {title: Fine, url: /handbook/values/}\n  - {title: Gone, url: notes/none.md#x}\n",
                ),
            ),
            ("tasks/b.md", body_task),
        ],
        &["guides/ok.pdf"],
    );
    assert_problem(
        &p,
        "tasks/a.md:9:22: broken relative link `../../outside.md`: it leaves the program directory",
    );
    assert_problem(
        &p,
        "tasks/a.md:11:24: broken relative link `notes/none.md#x`: no file `tasks/notes/none.md` in the program",
    );
    assert_problem(
        &p,
        "tasks/b.md:10:5: broken relative link `../guides/missing.md`",
    );
    assert_eq!(
        p.len(),
        3,
        "site paths, URLs and existing files are fine: {p:?}"
    );
}

#[test]
fn program_header_problems() {
    let head = HEAD
        .replace("reviewed_at: 2026-11-01", "reviewed_at: last week")
        .replace("title: P\n", "");
    let p = problems_with(&head, &[("tasks/a.md", task("a", ""))], &[]);
    assert_problem(
        &p,
        "program.md:6:14: `reviewed_at` must be a date as YYYY-MM-DD (got `last week`)",
    );
    assert_problem(
        &p,
        "program.md:1:1: missing required key `title` in the program",
    );
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let p = problems(&[
        (
            "tasks/a.md",
            task("a", "colour: red\n").replace("kind: do", "kind: dance"),
        ),
        ("tasks/b.md", task("b", "depends_on: [ghost]\n")),
    ]);
    assert_eq!(p.len(), 3, "{p:?}");
}

#[test]
fn the_default_content_pack_is_valid() {
    let files = onramp_core::program_dir::read(&onramp_core::program_dir::default_program_path())
        .expect("the content pack")
        .files;
    let program = parse_program(&files, &[]).unwrap_or_else(|d| panic!("{d:#?}"));
    assert!(program.tasks.len() >= 30);
    for role in [
        "new-hire",
        "manager",
        "buddy",
        "people-connect",
        "enablement",
    ] {
        assert!(
            program.tasks.iter().any(|t| t.owner.as_str() == role),
            "a task for {role}"
        );
    }
    let again = parse_program(&program_files(&program), &[]).expect("written program parses");
    assert_eq!(again, program, "the content pack survives write → parse");
}

// ---- properties ----

fn id() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?"
}

fn text() -> impl Strategy<Value = String> {
    // Any printable text, including quotes, colons, hashes and non-ASCII.
    "[^\\x00-\\x1f\\x7f]{1,40}"
        .prop_map(|s| s.trim().to_string())
        .prop_filter("non-empty", |s| !s.is_empty())
}

fn body() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .,:#*_\\n'\"-]{0,120}".prop_map(|s| s.trim().to_string())
}

prop_compose! {
    fn arbitrary_task(n_phases: usize)(
        title in text(), body in body(), owner in 0usize..5, phase in 0..n_phases, day in 0i32..10,
        from_phase in any::<bool>(), kind in 0usize..7, critical in any::<bool>(),
        link_title in text(), link_url in "https://[a-z]{1,8}\\.example/[a-z0-9/]{0,10}", with_link in any::<bool>(),
        scale_only in any::<bool>(), target in proptest::option::of(1u32..20),
        criterion in 0usize..5,
    ) -> (String, String, usize, usize, i32, bool, usize, bool, Option<(String, String)>, bool, Option<u32>, usize) {
        (title, body, owner, phase, day, from_phase, kind, critical, with_link.then_some((link_title, link_url)), scale_only, target, criterion)
    }
}

fn arbitrary_program_files() -> impl Strategy<Value = Vec<SourceFile>> {
    (1usize..4, text(), body()).prop_flat_map(|(n_phases, title, intro)| {
        (
            Just(n_phases),
            Just(title),
            Just(intro),
            proptest::collection::vec(id(), 1..8),
            proptest::collection::vec(arbitrary_task(n_phases), 8),
            proptest::collection::vec(any::<bool>(), 8),
        )
    })
    .prop_map(|(n_phases, title, intro, ids, tasks, deps)| {
        let mut ids: Vec<String> = ids;
        ids.sort();
        ids.dedup();
        let mut head = format!(
            "---\nid: generated\ntitle: {}\nowner: Enablement\nsegments: [Scale, Strategic]\nregions: [EMEA, AMER]\nreviewed_at: 2026-01-31\nphases:\n",
            quoted(&title)
        );
        for p in 0..n_phases {
            head.push_str(&format!("  - {{id: ph{p}, title: Phase {p}, from_day: {}, to_day: {}}}\n", p * 10, p * 10 + 9));
        }
        head.push_str(&format!("---\n{intro}\n"));
        let mut files = vec![file("program.md", &head)];
        let owners = ["new-hire", "manager", "buddy", "people-connect", "enablement"];
        let kinds = ["read", "do", "shadow", "attend", "certify", "reflect", "request-access"];
        let criteria = ["", "  - pathway-complete\n", "  - {shadowed-meetings: 3}\n", "  - {led-meetings-with-feedback: 5}\n", "  - {certifications: [git-associate]}\n"];
        for (i, id) in ids.iter().enumerate() {
            let (title, body, owner, phase, day, from_phase, kind, critical, link, scale_only, target, criterion) = &tasks[i];
            let due = if *from_phase { format!("{{after_phase_start: {day}}}") } else { format!("{}", *phase as i32 * 10 + day) };
            let mut fm = format!(
                "---\nid: {}\ntitle: {}\nowner: {}\nphase: ph{phase}\ndue: {due}\nkind: {}\n",
                quoted(id), quoted(title), owners[*owner], kinds[*kind]
            );
            if *critical { fm.push_str("compliance_critical: true\n"); }
            if let Some((t, u)) = link { fm.push_str(&format!("links:\n  - title: {}\n    url: {u}\n", quoted(t))); }
            if *scale_only { fm.push_str("segments: [Scale]\n"); }
            if i > 0 && deps[i] { fm.push_str(&format!("depends_on: [{}]\n", quoted(&ids[i - 1]))); }
            if let Some(n) = target { fm.push_str(&format!("target: {{count: {n}, measure: shadowed-meetings}}\n")); }
            if !criteria[*criterion].is_empty() { fm.push_str("graduation:\n"); fm.push_str(criteria[*criterion]); }
            fm.push_str(&format!("---\n{body}\n"));
            files.push(file(&format!("tasks/t{i}.md"), &fm));
        }
        files
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn parse_write_parse_is_stable(files in arbitrary_program_files()) {
        let first = parse_program(&files, &[]).map_err(|d| TestCaseError::fail(format!("{d:#?}")))?;
        let written = program_files(&first);
        let second = parse_program(&written, &[]).map_err(|d| TestCaseError::fail(format!("{d:#?}\n{written:#?}")))?;
        prop_assert_eq!(&second, &first);
        prop_assert_eq!(program_files(&second), written);
    }

    #[test]
    fn arbitrary_text_never_panics(head in "\\PC{0,300}", task_text in "\\PC{0,300}") {
        let _ = parse_program(&[file("program.md", &head), file("tasks/x.md", &task_text)], &[]);
        let _ = parse_program(&[file("program.md", &format!("---\n{head}\n---\n")), file("tasks/x.md", &format!("---\n{task_text}\n---\n"))], &[]);
    }

    #[test]
    fn mutated_valid_files_never_panic(files in arbitrary_program_files(), cut in 0usize..400, insert in "[\\[\\]{}:,#&*!|>'\"%@` -]{1,4}") {
        let mut mutated = files.clone();
        for f in &mut mutated {
            let at = f.text.char_indices().map(|(i, _)| i).nth(cut % f.text.chars().count().max(1)).unwrap_or(0);
            f.text.insert_str(at, &insert);
        }
        let _ = parse_program(&mutated, &[]);
    }
}
