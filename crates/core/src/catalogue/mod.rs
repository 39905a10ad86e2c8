//! Catalogues of the content pack: Slack channels, the reading list, product
//! knowledge links and certifications. Each is a YAML file with an owner, a
//! review date and entries; problems are reported with file, line and column.

mod plan;
mod read;

pub use plan::{CertPlan, PlanStep, find_certification, plan_certifications};
use read::*;

use crate::checker::{FileChecker, open_yaml};
use crate::error::Diagnostic;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_saphyr::Location;

/// Who keeps an entry current, and when they last checked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub owner: String,
    pub reviewed_at: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelGroup {
    /// Customer Success channels.
    Csm,
    /// Company-wide channels.
    Company,
    /// Channels of a region's team.
    Regional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Noise {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: String,
    /// As typed in Slack, with its `#`.
    pub name: String,
    pub group: ChannelGroup,
    pub purpose: String,
    pub noise: Noise,
    /// For regional channels: the regions whose new hires join it.
    pub regions: Vec<String>,
    pub review: Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingItem {
    pub id: String,
    pub title: String,
    pub url: String,
    /// The month of onboarding (1 to 3) to read it in.
    pub month: u32,
    pub review: Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductLink {
    pub id: String,
    pub title: String,
    pub url: String,
    pub topic: String,
    /// The week of onboarding (4 to 6) to study it in.
    pub week: u32,
    pub summary: String,
    pub review: Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub id: String,
    pub title: String,
    pub url: String,
    /// For a bundle: the certifications it contains.
    pub contains: Vec<String>,
    pub self_paced: bool,
    pub review: Review,
}

/// One module of a learning pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    pub id: String,
    pub title: String,
    pub url: String,
    /// The onboarding week (1 = the first) by which it should be done.
    pub week: u32,
    /// Expected effort in hours.
    pub hours: u32,
}

/// A learning pathway: ordered modules for one or more CSM segments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pathway {
    pub id: String,
    pub title: String,
    pub segments: Vec<String>,
    pub modules: Vec<Module>,
    pub review: Review,
}

impl Pathway {
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }
}

/// A demo or playground system that new hires request access to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Playground {
    pub id: String,
    pub title: String,
    pub url: String,
    pub description: String,
    /// The program task that completes when access is provisioned.
    pub task: Option<String>,
    pub review: Review,
}

impl Certification {
    pub fn is_bundle(&self) -> bool {
        !self.contains.is_empty()
    }
}

/// The catalogues of a content pack.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogues {
    pub channels: Vec<Channel>,
    pub reading_list: Vec<ReadingItem>,
    pub product_knowledge: Vec<ProductLink>,
    pub certifications: Vec<Certification>,
    pub pathways: Vec<Pathway>,
    pub playgrounds: Vec<Playground>,
}

/// The file name each catalogue is read from.
pub const FILES: [&str; 6] = [
    "channels.yaml",
    "reading-list.yaml",
    "product-knowledge.yaml",
    "certifications.yaml",
    "pathways.yaml",
    "playgrounds.yaml",
];

/// The catalogues of the content pack built into Onramp.
const SHIPPED: [(&str, &str); 6] = [
    (
        "catalogues/channels.yaml",
        include_str!("../../../../content/catalogues/channels.yaml"),
    ),
    (
        "catalogues/reading-list.yaml",
        include_str!("../../../../content/catalogues/reading-list.yaml"),
    ),
    (
        "catalogues/product-knowledge.yaml",
        include_str!("../../../../content/catalogues/product-knowledge.yaml"),
    ),
    (
        "catalogues/certifications.yaml",
        include_str!("../../../../content/catalogues/certifications.yaml"),
    ),
    (
        "catalogues/pathways.yaml",
        include_str!("../../../../content/catalogues/pathways.yaml"),
    ),
    (
        "catalogues/playgrounds.yaml",
        include_str!("../../../../content/catalogues/playgrounds.yaml"),
    ),
];

impl Catalogues {
    /// The built-in content pack's catalogues; a test keeps them valid.
    pub fn shipped() -> Result<Catalogues, Vec<Diagnostic>> {
        let files: Vec<(String, String)> = SHIPPED
            .iter()
            .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
            .collect();
        parse_catalogues(&files)
    }

    /// [`Catalogues::shipped`], read once; empty if they were invalid (a
    /// test keeps them valid).
    pub fn builtin() -> &'static Catalogues {
        static BUILTIN: std::sync::OnceLock<Catalogues> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| Catalogues::shipped().unwrap_or_default())
    }

    /// The pathway of a segment (the first that lists it).
    pub fn pathway_for(&self, segment: Option<&str>) -> Option<&Pathway> {
        let segment = segment?;
        self.pathways
            .iter()
            .find(|p| p.segments.iter().any(|s| s.eq_ignore_ascii_case(segment)))
    }

    pub fn pathway(&self, id: &str) -> Option<&Pathway> {
        self.pathways.iter().find(|p| p.id == id)
    }

    pub fn certification(&self, id: &str) -> Option<&Certification> {
        self.certifications.iter().find(|c| c.id == id)
    }

    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    pub fn playground(&self, id: &str) -> Option<&Playground> {
        self.playgrounds.iter().find(|p| p.id == id)
    }

    /// A reading list or product knowledge entry: its title and URL.
    pub fn reading(&self, id: &str) -> Option<(&str, &str)> {
        self.reading_list
            .iter()
            .find(|r| r.id == id)
            .map(|r| (r.title.as_str(), r.url.as_str()))
            .or_else(|| {
                self.product_knowledge
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| (p.title.as_str(), p.url.as_str()))
            })
    }
}

/// Reads the catalogue files (by name, as in [`FILES`]; missing ones are
/// empty). Every problem is reported.
pub fn parse_catalogues(files: &[(String, String)]) -> Result<Catalogues, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut channels = Vec::new();
    let mut reading_list = Vec::new();
    let mut product_knowledge = Vec::new();
    let mut certifications = Vec::new();
    let mut pathways = Vec::new();
    let mut playgrounds = Vec::new();
    for (path, text) in files {
        let name = path.rsplit('/').next().unwrap_or(path);
        let Some(root) = open_yaml(path, text, &mut diags) else {
            continue;
        };
        let mut c = FileChecker::new(path, 1, &mut diags);
        match name {
            "channels.yaml" => channels = read(&mut c, &root, channel),
            "reading-list.yaml" => reading_list = read(&mut c, &root, reading_item),
            "product-knowledge.yaml" => product_knowledge = read(&mut c, &root, product_link),
            "certifications.yaml" => certifications = read(&mut c, &root, certification),
            "pathways.yaml" => pathways = read(&mut c, &root, pathway),
            "playgrounds.yaml" => playgrounds = read(&mut c, &root, playground),
            other => c.error(
                &Location::UNKNOWN,
                format!("unknown catalogue `{other}` (known: {})", FILES.join(", ")),
            ),
        }
    }
    check_channel_names(&channels, &mut diags);
    check_bundles(&certifications, &mut diags);
    check_reading_ids(&reading_list, &product_knowledge, &mut diags);
    if diags.is_empty() {
        Ok(Catalogues {
            channels: strip(channels),
            reading_list: strip(reading_list),
            product_knowledge: strip(product_knowledge),
            certifications: strip(certifications),
            pathways: strip(pathways),
            playgrounds: strip(playgrounds),
        })
    } else {
        Err(diags)
    }
}
