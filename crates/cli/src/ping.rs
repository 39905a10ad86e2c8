//! `onramp ping analyze` and `onramp ping dictionary import`.

use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::print_json;
use clap::{Subcommand, ValueEnum};
use onramp_ping::{Analysis, Dictionary, Payload, analyze, compare, report};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
    Html,
}

#[derive(Subcommand)]
pub enum PingCommand {
    /// Analyse Service Ping payloads: data quality, license, version age, the
    /// use-case scorecard and stages; with --compare, changes between payloads
    /// of the same instance. A bad file is reported and the rest analysed.
    Analyze {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Compare payloads of the same instance (by uuid, oldest first).
        #[arg(long)]
        compare: bool,
        /// Show the instance's uuid and hostname unmasked (never in logs).
        #[arg(long)]
        show_personal: bool,
    },
    /// The metrics dictionary.
    #[command(subcommand)]
    Dictionary(DictionaryCommand),
}

#[derive(Subcommand)]
pub enum DictionaryCommand {
    /// Load metric definitions from a GitLab source checkout
    /// (config/metrics/**, ee/config/metrics/**) into the data directory.
    Import { dir: PathBuf },
}

fn dictionary_file(settings: &Settings) -> PathBuf {
    settings.data_dir.join("ping-dictionary.tsv")
}

/// The shipped dictionary plus any imported one.
fn dictionary(settings: &Settings) -> CliResult<Dictionary> {
    let mut d = Dictionary::shipped();
    let file = dictionary_file(settings);
    if file.exists() {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| CliError::Failed(format!("{}: {e}", file.display())))?;
        d.add_tsv(&file.display().to_string(), &text)
            .map_err(CliError::Failed)?;
    }
    Ok(d)
}

pub fn run(command: PingCommand, settings: &Settings, json_flag: bool) -> CliResult<()> {
    match command {
        PingCommand::Analyze {
            files,
            format,
            compare,
            show_personal,
        } => {
            let format = if json_flag { Format::Json } else { format };
            analyze_files(settings, &files, format, compare, show_personal)
        }
        PingCommand::Dictionary(DictionaryCommand::Import { dir }) => {
            import(settings, &dir, json_flag)
        }
    }
}

// Long: parses files in parallel with a progress bar, then prints each result in the chosen format; the three formats share the loop.
fn analyze_files(
    settings: &Settings,
    files: &[PathBuf],
    format: Format,
    compare_them: bool,
    show_personal: bool,
) -> CliResult<()> {
    let d = dictionary(settings)?;
    let bar = (files.len() > 1 && std::io::stderr().is_terminal())
        .then(|| indicatif::ProgressBar::new(files.len() as u64));
    // A batch's JSON is written by the cores too, one analysis each.
    let json_each = matches!(format, Format::Json) && files.len() > 1;
    // Files are read and analysed on every core; results keep the files' order.
    let work = |file: &PathBuf| -> Result<Analysed, String> {
        let name = file.display().to_string();
        let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
        let p = Payload::parse(&bytes, &d).map_err(|e| e.to_string())?;
        drop(bytes);
        let a = analyze(&name, &p, &d, show_personal);
        let json = if json_each {
            Some(serde_json::value::to_raw_value(&a).map_err(|e| e.to_string())?)
        } else {
            None
        };
        // Keep the payload only when it is needed for a comparison.
        let kept = if compare_them {
            p
        } else {
            Payload {
                leaves: Default::default(),
                raw: Default::default(),
                ..p
            }
        };
        Ok((kept, a, json))
    };
    let results = in_parallel(files, &work, || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    });
    let mut ok: Vec<Analysed> = Vec::new();
    let mut errors: Vec<serde_json::Value> = Vec::new();
    for (file, result) in files.iter().zip(results) {
        match result {
            Ok(done) => ok.push(done),
            Err(e) => {
                let name = file.display().to_string();
                eprintln!("error: {name}: {e}");
                errors.push(serde_json::json!({"file": name, "error": e}));
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut comparisons = Vec::new();
    if compare_them {
        let mut by_instance: Vec<&Analysed> = ok.iter().collect();
        by_instance.sort_by(|a, b| {
            a.0.uuid
                .cmp(&b.0.uuid)
                .then(a.0.recorded_at.cmp(&b.0.recorded_at))
        });
        for pair in by_instance.windows(2) {
            if pair[0].0.uuid != pair[1].0.uuid {
                continue;
            }
            match compare::compare((&pair[0].0, &pair[0].1), (&pair[1].0, &pair[1].1)) {
                Ok(c) => comparisons.push(c),
                Err(e) => {
                    eprintln!("error: {e}");
                    errors.push(serde_json::json!({"file": pair[1].1.file, "error": e}));
                }
            }
        }
        if comparisons.is_empty() && errors.is_empty() {
            eprintln!("note: --compare needs two or more payloads of the same instance (uuid)");
        }
    }
    let (analyses, json): (Vec<Analysis>, Vec<_>) = ok.into_iter().map(|(_, a, j)| (a, j)).unzip();
    match format {
        Format::Json => {
            if !json_each && analyses.len() == 1 && comparisons.is_empty() && errors.is_empty() {
                print_json(&analyses[0])?;
            } else {
                // Each analysis on one line, as the cores wrote it.
                #[derive(serde::Serialize)]
                struct Batch<'a> {
                    analyses: Vec<&'a serde_json::value::RawValue>,
                    comparisons: &'a [compare::Comparison],
                    errors: &'a [serde_json::Value],
                }
                let written: Vec<Box<serde_json::value::RawValue>> = if json_each {
                    json.into_iter().flatten().collect()
                } else {
                    analyses
                        .iter()
                        .map(serde_json::value::to_raw_value)
                        .collect::<Result<_, _>>()
                        .map_err(|e| CliError::Failed(format!("cannot write JSON: {e}")))?
                };
                print_json(&Batch {
                    analyses: written.iter().map(AsRef::as_ref).collect(),
                    comparisons: &comparisons,
                    errors: &errors,
                })?;
            }
        }
        Format::Csv => print!("{}", report::csv(&analyses)),
        Format::Html => print!("{}", report::html(&analyses, &comparisons)),
        Format::Text => {
            for a in &analyses {
                println!("{}", report::text(a));
            }
            for c in &comparisons {
                println!("{}", report::comparison_text(c));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{} of {} files could not be analysed",
            errors.len(),
            files.len()
        )))
    }
}

/// A payload (its leaves only when comparing), its analysis, and the
/// analysis as JSON when the batch is written as JSON.
type Analysed = (Payload, Analysis, Option<Box<serde_json::value::RawValue>>);

fn import(settings: &Settings, dir: &Path, json: bool) -> CliResult<()> {
    let roots = [dir.join("config/metrics"), dir.join("ee/config/metrics")];
    if !roots.iter().any(|r| r.is_dir()) {
        return Err(CliError::Usage(format!(
            "{}: no config/metrics or ee/config/metrics folder (expected a GitLab source checkout)",
            dir.display()
        )));
    }
    let mut d = Dictionary::default();
    let mut problems = Vec::new();
    let mut files = 0;
    for root in roots.iter().filter(|r| r.is_dir()) {
        let mut stack = vec![root.clone()];
        while let Some(folder) = stack.pop() {
            let entries = std::fs::read_dir(&folder)
                .map_err(|e| CliError::Failed(format!("{}: {e}", folder.display())))?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                    let name = path.display().to_string();
                    if name.contains("/schema/") || name.contains("objects_schemas") {
                        continue;
                    }
                    files += 1;
                    match std::fs::read_to_string(&path)
                        .map_err(|e| format!("{name}: {e}"))
                        .and_then(|t| onramp_ping::dictionary::from_yaml(&name, &t))
                    {
                        Ok(defs) => defs.into_iter().for_each(|x| d.insert(x)),
                        Err(e) => problems.push(e),
                    }
                }
            }
        }
    }
    settings.prepare_data_dir()?;
    let out = dictionary_file(settings);
    std::fs::write(&out, d.to_tsv())
        .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?;
    for p in &problems {
        eprintln!("warning: {p}");
    }
    if json {
        return print_json(
            &serde_json::json!({"files": files, "definitions": d.len(), "skipped": problems.len(), "saved": out}),
        );
    }
    println!(
        "Imported {} definitions from {files} files ({} skipped) into {}.",
        d.len(),
        problems.len(),
        out.display()
    );
    Ok(())
}

/// `work` on each item, spread over the available cores; results in the
/// items' order. `done` is called after each item.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    work: &(dyn Fn(&T) -> R + Sync),
    done: impl Fn() + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, work(item)));
                        done();
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut all: Vec<(usize, R)> = parts.drain(..).flatten().collect();
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}
