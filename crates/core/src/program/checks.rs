//! Checks across a program's tasks: unique ids, dependencies that exist,
//! and no cycles.

use super::*;
use crate::error::Diagnostic;
use std::collections::{BTreeSet, HashMap};

// Long: two passes over the tasks (ids, then dependencies and cycles) that share their maps.
pub(super) fn check_task_ids_and_dependencies(
    tasks: &[(TaskTemplate, TaskPositions)],
    diags: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<&str, &TaskPositions> = HashMap::new();
    for (task, pos) in tasks {
        if let Some(prev) = first.get(task.id.as_str()) {
            diags.push(Diagnostic::new(
                &pos.file,
                pos.id.0,
                pos.id.1,
                format!(
                    "duplicate task id `{}` (first defined at {}:{}:{})",
                    task.id, prev.file, prev.id.0, prev.id.1
                ),
            ));
        } else {
            first.insert(&task.id, pos);
        }
    }
    for (task, pos) in tasks {
        for (dep, at) in task.depends_on.iter().zip(&pos.depends_on) {
            if dep == &task.id {
                diags.push(Diagnostic::new(
                    &pos.file,
                    at.0,
                    at.1,
                    format!("task `{dep}` depends on itself"),
                ));
            } else if !first.contains_key(dep.as_str()) {
                diags.push(Diagnostic::new(
                    &pos.file,
                    at.0,
                    at.1,
                    format!("unknown dependency `{dep}`: no task has this id"),
                ));
            }
        }
    }
    // Cycles: depth-first search, reported once per cycle at its first task.
    let deps: HashMap<&str, Vec<&str>> = tasks
        .iter()
        .map(|(t, _)| {
            (
                t.id.as_str(),
                t.depends_on
                    .iter()
                    .map(String::as_str)
                    .filter(|d| *d != t.id)
                    .collect(),
            )
        })
        .collect();
    let mut state: HashMap<&str, u8> = HashMap::new(); // 1 = on the path, 2 = done
    let mut reported: BTreeSet<Vec<&str>> = BTreeSet::new();
    for (task, _) in tasks {
        let mut path = Vec::new();
        find_cycles(
            task.id.as_str(),
            &deps,
            &mut state,
            &mut path,
            &mut |cycle| {
                let mut key = cycle.to_vec();
                key.sort();
                if reported.insert(key)
                    && let Some((_, pos)) = tasks.iter().find(|(t, _)| t.id == cycle[0])
                {
                    let at = cycle
                        .get(1)
                        .and_then(|next| {
                            tasks
                                .iter()
                                .find(|(t, _)| t.id == cycle[0])
                                .and_then(|(t, _)| t.depends_on.iter().position(|d| d == next))
                        })
                        .and_then(|i| pos.depends_on.get(i).copied())
                        .unwrap_or(pos.id);
                    let mut names: Vec<&str> = cycle.to_vec();
                    names.push(cycle[0]);
                    diags.push(Diagnostic::new(
                        &pos.file,
                        at.0,
                        at.1,
                        format!("dependency cycle: {}", names.join(" → ")),
                    ));
                }
            },
        );
    }
}

pub(super) fn find_cycles<'a>(
    id: &'a str,
    deps: &HashMap<&'a str, Vec<&'a str>>,
    state: &mut HashMap<&'a str, u8>,
    path: &mut Vec<&'a str>,
    report: &mut dyn FnMut(&[&'a str]),
) {
    match state.get(id) {
        Some(2) => return,
        Some(1) => {
            if let Some(start) = path.iter().position(|p| *p == id) {
                report(&path[start..]);
            }
            return;
        }
        _ => {}
    }
    state.insert(id, 1);
    path.push(id);
    for next in deps.get(id).into_iter().flatten() {
        if deps.contains_key(next) {
            find_cycles(next, deps, state, path, report);
        }
    }
    path.pop();
    state.insert(id, 2);
}
