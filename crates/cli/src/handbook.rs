//! `onramp handbook …`, `onramp search` and `onramp search-eval`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{print_json, serve};
use clap::Subcommand;
use onramp_handbook::source::Source;
use onramp_handbook::{Error as HandbookError, SearchIndex, eval};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Subcommand)]
pub enum HandbookCommand {
    /// Import a Hugo handbook (its content/ folder) or a folder of Markdown,
    /// from the disk or from a git repository. Incremental: unchanged files
    /// are skipped, deleted files removed.
    Import {
        /// The site folder (with content/), a Markdown folder, or a git URL
        /// (https://…, file://…, ssh://…): cloned shallowly into the data
        /// directory, and updated on the next import of the same URL.
        #[arg(value_name = "DIR_OR_URL")]
        source: String,
        /// Where the pages are published, for "view the original" links and
        /// attribution (e.g. https://handbook.gitlab.com).
        #[arg(long, default_value = "")]
        site_url: String,
    },
    /// List internal links that point to no imported page; exits 1 when any.
    CheckLinks,
}

impl From<HandbookError> for CliError {
    fn from(e: HandbookError) -> Self {
        match e {
            HandbookError::Query(_)
            | HandbookError::NotADirectory(_)
            | HandbookError::NotAHandbook(_)
            | HandbookError::Source(_) => CliError::Usage(e.to_string()),
            other => CliError::Failed(other.to_string()),
        }
    }
}

/// The search index of this data directory.
pub fn index_dir(settings: &Settings) -> PathBuf {
    settings.data_dir.join("search-index")
}

/// Opens the index and brings it up to date with the database.
pub async fn open_index(
    settings: &Settings,
    store: &onramp_store::Store,
) -> CliResult<Arc<SearchIndex>> {
    let index = Arc::new(configured_index(settings)?);
    onramp_app::handbook::sync_index(store, &index).await?;
    Ok(index)
}

pub async fn run(command: HandbookCommand, settings: &Settings, json: bool) -> CliResult<()> {
    let store = serve::open_store(settings).await?;
    let result = match command {
        HandbookCommand::Import { source, site_url } => {
            import(settings, &store, &source, &site_url, json).await
        }
        HandbookCommand::CheckLinks => check_links(&store, json).await,
    };
    store.close().await;
    result
}

/// Where clones of handbooks imported by URL are kept.
fn checkouts_dir(settings: &Settings) -> PathBuf {
    settings.data_dir.join("handbook-sources")
}

async fn import(
    settings: &Settings,
    store: &onramp_store::Store,
    source: &str,
    site_url: &str,
    json: bool,
) -> CliResult<()> {
    if !site_url.is_empty() && !site_url.starts_with("https://") && !site_url.starts_with("http://")
    {
        return Err(CliError::Usage(format!(
            "--site-url: expected an http(s) URL, got `{site_url}`"
        )));
    }
    let dir = match Source::parse(source) {
        Source::Folder(dir) => dir,
        Source::Git(url) => {
            let interactive = std::io::stderr().is_terminal();
            if interactive {
                eprintln!("Fetching {url} (a shallow clone, kept in the data directory) …");
            }
            let checkouts = checkouts_dir(settings);
            tokio::task::spawn_blocking(move || {
                onramp_handbook::source::fetch(&url, &checkouts, interactive)
            })
            .await
            .map_err(|e| CliError::Failed(e.to_string()))??
        }
    };
    let dir = dir.as_path();
    let index = Arc::new(configured_index(settings)?);
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} files")
                .map_err(|e| CliError::Failed(e.to_string()))?
                .progress_chars("=> "),
        );
        bar.set_message("Reading");
        Some(bar)
    } else {
        None
    };
    let mut progress = |p: onramp_app::handbook::Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
        }
    };
    let started = std::time::Instant::now();
    let report =
        onramp_app::handbook::import_dir(store, dir, site_url, Some(&index), &mut progress).await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    if json {
        return print_json(&report);
    }
    println!(
        "Imported {} Markdown files from {} in {:.1} s: {} added, {} changed, {} removed, {} unchanged ({} warnings).",
        report.files,
        report.root,
        started.elapsed().as_secs_f64(),
        report.added.len(),
        report.changed.len(),
        report.removed.len(),
        report.unchanged,
        report.warnings.len()
    );
    println!("Search index: {} entries.", index.len());
    Ok(())
}

async fn check_links(store: &onramp_store::Store, json: bool) -> CliResult<()> {
    let Some((pages, broken)) = onramp_app::handbook::broken_links(store).await? else {
        return Err(CliError::Usage(
            "no handbook is imported; run `onramp handbook import DIR` first".into(),
        ));
    };
    if json {
        print_json(&serde_json::json!({ "pages": pages, "broken": broken }))?;
    } else {
        for b in &broken {
            match b.line {
                Some(line) => println!("{}:{line}: no page at {}", b.path, b.href),
                None => println!("{}: no page at {}", b.path, b.href),
            }
        }
        eprintln!("{} broken internal links in {} pages.", broken.len(), pages);
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{} internal links point to no page",
            broken.len()
        )))
    }
}

/// The up-to-date index of this data directory, refusing an empty one.
async fn ready_index(settings: &Settings) -> CliResult<Arc<SearchIndex>> {
    let store = serve::open_store(settings).await?;
    let index = open_index(settings, &store).await;
    store.close().await;
    let index = index?;
    if index.is_empty() {
        return Err(CliError::Usage(
            "the search index is empty; run `onramp handbook import DIR` first".into(),
        ));
    }
    Ok(index)
}

/// `onramp search QUERY`.
pub async fn search(
    settings: &Settings,
    query: &str,
    limit: usize,
    offset: usize,
    json: bool,
) -> CliResult<()> {
    let index = ready_index(settings).await?;
    let hits = index.search(query, limit, offset)?;
    if json {
        return print_json(&serde_json::json!({ "query": query, "results": hits }));
    }
    if hits.is_empty() {
        println!("No results for {query:?}.");
    }
    for (n, hit) in hits.iter().enumerate() {
        println!("{}. {} — {}", n + 1 + offset, hit.title, hit.url);
        println!("   {}", hit.path);
        println!("   {}", highlight_for_terminal(&hit.snippet_html));
    }
    Ok(())
}

/// The snippet with `<b>` turned into `**` and HTML entities decoded.
fn highlight_for_terminal(html: &str) -> String {
    html.replace("<b>", "**")
        .replace("</b>", "**")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// `onramp search-eval FILE.tsv`.
pub async fn search_eval(
    settings: &Settings,
    file: &Path,
    rounds: usize,
    verbose: bool,
    json: bool,
) -> CliResult<()> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    let judgments =
        eval::parse_judgments(&file.display().to_string(), &text).map_err(CliError::Usage)?;
    let index = ready_index(settings).await?;
    let result = eval::evaluate(&index, &judgments, rounds)?;
    if json {
        return print_json(&result);
    }
    if verbose {
        for r in &result.results {
            let rank = r.rank.map_or("-".to_string(), |x| x.to_string());
            println!("{rank:>2}  {}:{}  {}", file.display(), r.line, r.question);
            if r.rank != Some(1) {
                for p in r.top.iter().take(3) {
                    println!("      {p}");
                }
            }
        }
    }
    println!("questions     {}", result.questions);
    println!("recall@1      {:.3}", result.recall_at_1);
    println!("recall@5      {:.3}", result.recall_at_5);
    println!("recall@10     {:.3}", result.recall_at_10);
    println!("MRR           {:.3}", result.mrr);
    println!("latency p50   {:.2} ms", result.latency_p50_ms);
    println!("latency p99   {:.2} ms", result.latency_p99_ms);
    Ok(())
}

/// The search index of the data directory, configured by the settings.
pub fn configured_index(settings: &Settings) -> Result<SearchIndex, onramp_handbook::Error> {
    let mut index = SearchIndex::open(&index_dir(settings))?;
    index.configure(&settings.search);
    Ok(index)
}
