//! Catalogues: the shipped ones are valid; bad ones are reported with positions.

use onramp_core::catalogue::{ChannelGroup, FILES, parse_catalogues};
use onramp_core::program::{Criterion, parse_program};
use std::path::Path;

fn shipped() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/catalogues");
    FILES
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read_to_string(dir.join(f)).expect("catalogue file"),
            )
        })
        .collect()
}

fn problems(name: &str, text: &str) -> Vec<String> {
    match parse_catalogues(&[(name.to_string(), text.to_string())]) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(ToString::to_string).collect(),
    }
}

#[track_caller]
fn assert_problem(found: &[String], expected: &str) {
    assert!(
        found.iter().any(|p| p.starts_with(expected)),
        "expected `{expected}` in:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_shipped_catalogues_are_valid_and_complete() {
    let c = parse_catalogues(&shipped()).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(c.reading_list.len(), 10, "all ten reading-list pages");
    assert_eq!(c.reading_list.iter().filter(|r| r.month == 1).count(), 5);
    let groups = |g| c.channels.iter().filter(|ch| ch.group == g).count();
    assert_eq!(
        (
            groups(ChannelGroup::Csm),
            groups(ChannelGroup::Company),
            groups(ChannelGroup::Regional)
        ),
        (6, 8, 4)
    );
    assert!(
        c.channels
            .iter()
            .any(|ch| ch.name == "#team-csm-dach" && ch.regions == ["DACH"])
    );
    let bundle = c
        .certifications
        .iter()
        .find(|x| x.is_bundle())
        .expect("a bundle");
    assert_eq!(bundle.id, "devops-professional");
    assert_eq!(bundle.contains.len(), 4);
    assert!(
        c.product_knowledge
            .iter()
            .all(|p| (4..=6).contains(&p.week))
    );
    assert!(
        c.channels
            .iter()
            .all(|ch| ch.review.owner == "Enablement program manager")
    );
}

#[test]
fn pathways_cover_every_segment_and_playgrounds_name_program_tasks() {
    let c = onramp_core::catalogue::Catalogues::shipped().unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(c, parse_catalogues(&shipped()).expect("valid"));
    for segment in onramp_core::people::SEGMENTS {
        let p = c.pathway_for(Some(segment)).expect("a pathway per segment");
        assert!(p.modules.windows(2).all(|w| w[0].week <= w[1].week));
    }
    assert!(c.pathway_for(None).is_none());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/programs/csm-onboarding");
    let program = onramp_core::program_dir::read(&dir).expect("program dir");
    let program = parse_program(&program.files, &program.other_paths).expect("program");
    for pg in &c.playgrounds {
        let task = pg.task.as_deref().expect("a task");
        assert!(
            program.tasks.iter().any(|t| t.id == task),
            "{}: no task {task}",
            pg.id
        );
    }
}

#[test]
fn bad_pathways_are_reported_with_positions() {
    let found = problems(
        "pathways.yaml",
        "owner: x\nreviewed_at: 2026-01-01\nentries:\n  - id: p\n    title: P\n    segments: [Scale, Enterprise]\n    modules:\n      - {id: a, title: A, url: https://x.example, week: 3, hours: 1}\n      - {id: b, title: B, url: https://x.example, week: 2, hours: 1}\n      - {id: a, title: A2, url: https://x.example, week: 4, hours: 1}\n      - {id: c, title: C, url: nowhere, week: 5, hours: 0}\n",
    );
    assert_problem(&found, "pathways.yaml:6:");
    assert!(found.iter().any(|p| p.contains("Enterprise")), "{found:?}");
    assert_problem(
        &found,
        "pathways.yaml:9:57: modules are in order: `b` (week 2) comes after a module of week 3",
    );
    assert!(
        found.iter().any(|p| p.contains("module `a` appears twice")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("`url` must be")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("`hours` must be")),
        "{found:?}"
    );
    let shared = problems(
        "product-knowledge.yaml",
        "owner: x\nreviewed_at: 2026-01-01\nentries: []\n",
    );
    assert!(shared.is_empty());
}

#[test]
fn the_programs_certification_criteria_name_catalogue_ids() {
    let catalogues = parse_catalogues(&shipped()).expect("valid");
    let files = onramp_core::program_dir::read(&onramp_core::program_dir::default_program_path())
        .expect("the content pack")
        .files;
    let program = parse_program(&files, &[]).expect("valid program");
    let mut named = 0;
    for task in &program.tasks {
        for criterion in &task.graduation {
            if let Criterion::Certifications(ids) = criterion {
                for id in ids {
                    named += 1;
                    assert!(
                        catalogues.certifications.iter().any(|c| &c.id == id),
                        "{}: unknown certification {id}",
                        task.id
                    );
                }
            }
        }
    }
    assert_eq!(named, 4);
}

#[test]
fn duplicates_are_rejected() {
    let text = "owner: E\nreviewed_at: 2026-01-01\nentries:\n  - {id: a, name: \"#one\", group: csm, purpose: P, noise: low}\n  - {id: a, name: \"#two\", group: csm, purpose: P, noise: low}\n  - {id: b, name: \"#one\", group: company, purpose: P, noise: low}\n";
    let p = problems("channels.yaml", text);
    assert_problem(&p, "channels.yaml:5:10: duplicate id `a` (first at line 4)");
    assert_problem(
        &p,
        "channels.yaml:6:10: channel #one is listed twice (ids `a` and `b`)",
    );
}

#[test]
fn bad_entries_are_reported_with_positions() {
    let channels = "owner: E\nreviewed_at: 2026-01-01\nentries:\n  - {id: a, name: cs, group: csm, purpose: P, noise: loud}\n  - {id: b, name: \"#b\", group: regional, purpose: P, noise: low}\n  - {id: c, name: \"#c\", group: team, purpose: P, noise: low, colour: red}\n";
    let p = problems("channels.yaml", channels);
    assert_problem(
        &p,
        "channels.yaml:4:19: `name` must be a Slack channel such as #cs-questions (got `cs`)",
    );
    assert_problem(
        &p,
        "channels.yaml:4:54: unknown noise `loud` (known: low, medium, high)",
    );
    assert_problem(&p, "channels.yaml:5:32: a regional channel needs `regions`");
    assert_problem(&p, "channels.yaml:6:62: unknown key `colour` in an entry");

    let reading = "owner: E\nreviewed_at: someday\nentries:\n  - {id: a, title: A, url: handbook/x, month: 4}\n";
    let p = problems("reading-list.yaml", reading);
    assert_problem(&p, "reading-list.yaml:2:14: `reviewed_at` must be a date");
    let reading = "owner: E\nreviewed_at: 2026-01-01\nentries:\n  - {id: a, title: A, url: handbook/x, month: 4}\n";
    let p = problems("reading-list.yaml", reading);
    assert_problem(
        &p,
        "reading-list.yaml:4:28: `url` must be an http(s) URL or a site path",
    );
    assert_problem(
        &p,
        "reading-list.yaml:4:47: `month` must be from 1 to 3 (got 4)",
    );

    let certs = "owner: E\nreviewed_at: 2026-01-01\nentries:\n  - id: one\n    title: One\n    url: https://x.example/1\n  - id: pack\n    title: Pack\n    url: https://x.example/p\n    contains: [one, ghost]\n  - id: mega\n    title: Mega\n    url: https://x.example/m\n    contains: [pack]\n";
    let p = problems("certifications.yaml", certs);
    assert_problem(
        &p,
        "certifications.yaml:7:9: bundle `pack` contains unknown certification `ghost`",
    );
    assert_problem(
        &p,
        "certifications.yaml:11:9: bundle `mega` contains another bundle `pack`",
    );

    assert_problem(
        &problems("other.yaml", "owner: E\n"),
        "other.yaml:1:1: unknown catalogue `other.yaml`",
    );
    assert_problem(&problems("channels.yaml", "owner: [\n"), "channels.yaml:");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn on_arbitrary_text(text in "\\PC{0,300}", file in 0usize..5) {
            let name = FILES.get(file).copied().unwrap_or("other.yaml");
            let _ = parse_catalogues(&[(name.to_string(), text)]);
        }

        #[test]
        fn on_mutated_catalogues(file in 0usize..4, at in 0usize..4000, insert in "[\\[\\]{}:,#&*!|>'\"%@` \\n-]{1,5}") {
            let (name, mut text) = shipped().swap_remove(file);
            let at = text.char_indices().map(|(i, _)| i).nth(at % text.chars().count()).unwrap_or(0);
            text.insert_str(at, &insert);
            let _ = parse_catalogues(&[(name, text)]);
        }
    }
}

mod certification_plans {
    use super::*;
    use onramp_core::catalogue::plan_certifications;

    fn plan(names: &[&str]) -> Result<onramp_core::catalogue::CertPlan, String> {
        let catalogues = parse_catalogues(&shipped()).expect("valid");
        plan_certifications(
            &catalogues.certifications,
            &names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    }

    #[test]
    fn planning_all_four_starts_with_the_bundle() {
        let p = plan(&["git", "CI/CD", "Project Management", "security-specialist"]).expect("plan");
        assert_eq!(p.bundle.as_deref(), Some("devops-professional"));
        assert_eq!(p.steps.len(), 1, "the bundle covers everything: {p:?}");
        assert_eq!(
            p.steps[0].covers,
            [
                "git-associate",
                "cicd-associate",
                "project-management-associate",
                "security-specialist"
            ]
        );
    }

    #[test]
    fn some_of_the_four_are_taken_one_by_one_in_catalogue_order() {
        let p = plan(&["security", "git"]).expect("plan");
        assert_eq!(p.bundle, None);
        let ids: Vec<&str> = p.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["git-associate", "security-specialist"]);
        assert_eq!(p.partial_bundles, [("devops-professional".to_string(), 2)]);
    }

    #[test]
    fn a_single_certification_is_taken_on_its_own() {
        let p = plan(&["ci/cd"]).expect("plan");
        assert_eq!(p.bundle, None);
        let ids: Vec<&str> = p.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["cicd-associate"]);
        assert_eq!(p.partial_bundles, [("devops-professional".to_string(), 1)]);
    }

    #[test]
    fn naming_the_bundle_means_its_contents() {
        let p = plan(&["DevOps Professional", "git"]).expect("plan");
        assert_eq!(p.bundle.as_deref(), Some("devops-professional"));
        assert_eq!(p.wanted.len(), 4);
    }

    #[test]
    fn unknown_and_ambiguous_names_are_explained() {
        let err = plan(&["kubernetes"]).expect_err("unknown");
        assert!(
            err.contains("no certification matches `kubernetes`") && err.contains("git-associate"),
            "{err}"
        );
        let err = plan(&["associate"]).expect_err("ambiguous");
        assert!(err.contains("matches several certifications"), "{err}");
        assert!(plan(&[]).is_err());
    }
}
