//! Certification plans: finding a certification by what a person typed,
//! and the order to take certifications in (bundles included).

use super::*;

/// A recommended order for the certifications someone plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertPlan {
    /// The certifications asked for, as catalogue ids, in catalogue order.
    pub wanted: Vec<String>,
    /// A bundle that covers every one of them (or several), to take first.
    pub bundle: Option<String>,
    /// What to take, in order: the bundle (if any), then the rest.
    pub steps: Vec<PlanStep>,
    /// Bundles that cover some of the wanted certifications but not all
    /// their contents: `(bundle id, how many of its certifications are wanted)`.
    pub partial_bundles: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanStep {
    pub id: String,
    pub title: String,
    pub url: String,
    /// For a bundle: the planned certifications it covers.
    pub covers: Vec<String>,
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Finds a certification by its id, or by words of its title (case does not
/// matter: "git", "CI/CD", "project management").
pub fn find_certification<'a>(
    catalogue: &'a [Certification],
    name: &str,
) -> Result<&'a Certification, String> {
    if let Some(c) = catalogue.iter().find(|c| c.id == name.trim()) {
        return Ok(c);
    }
    let wanted = words(name);
    if wanted.is_empty() {
        return Err("an empty certification name".into());
    }
    let matches: Vec<&Certification> = catalogue
        .iter()
        .filter(|c| {
            let title = words(&c.title);
            wanted.iter().all(|w| title.contains(w))
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no certification matches `{name}` (known: {})",
            catalogue
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        several => Err(format!(
            "`{name}` matches several certifications ({}); be more precise",
            several
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Plans the certifications named: when a bundle contains every one of its
/// certifications that is wanted — all of them — it is recommended first.
pub fn plan_certifications(
    catalogue: &[Certification],
    names: &[String],
) -> Result<CertPlan, String> {
    let mut wanted: Vec<&Certification> = Vec::new();
    for name in names {
        let found = find_certification(catalogue, name)?;
        if !wanted.iter().any(|c| c.id == found.id) {
            wanted.push(found);
        }
    }
    if wanted.is_empty() {
        return Err("name at least one certification".into());
    }
    // Wanting a bundle means wanting what it contains.
    let mut singles: Vec<&Certification> = Vec::new();
    for c in &wanted {
        if c.is_bundle() {
            for part in &c.contains {
                if let Some(p) = catalogue.iter().find(|x| &x.id == part)
                    && !singles.iter().any(|s| s.id == p.id)
                {
                    singles.push(p);
                }
            }
        } else if !singles.iter().any(|s| s.id == c.id) {
            singles.push(c);
        }
    }
    singles.sort_by_key(|c| catalogue.iter().position(|x| x.id == c.id));
    let wanted_ids: Vec<String> = singles.iter().map(|c| c.id.clone()).collect();
    let mut bundle = None;
    let mut partial_bundles = Vec::new();
    for b in catalogue.iter().filter(|c| c.is_bundle()) {
        let covered = b
            .contains
            .iter()
            .filter(|id| wanted_ids.contains(id))
            .count();
        if covered == b.contains.len() && bundle.is_none() {
            bundle = Some(b);
        } else if covered > 0 {
            partial_bundles.push((b.id.clone(), covered));
        }
    }
    let mut steps = Vec::new();
    if let Some(b) = bundle {
        steps.push(PlanStep {
            id: b.id.clone(),
            title: b.title.clone(),
            url: b.url.clone(),
            covers: b.contains.clone(),
        });
    }
    for c in &singles {
        if bundle.is_some_and(|b| b.contains.contains(&c.id)) {
            continue;
        }
        steps.push(PlanStep {
            id: c.id.clone(),
            title: c.title.clone(),
            url: c.url.clone(),
            covers: Vec::new(),
        });
    }
    Ok(CertPlan {
        wanted: wanted_ids,
        bundle: bundle.map(|b| b.id.clone()),
        steps,
        partial_bundles,
    })
}
