//! `onramp`: the onboarding platform for Customer Success Managers.

mod analytics;
mod backup;
mod buddy;
mod cert;
mod chat;
mod config;
mod content;
mod content_check;
mod demo;
mod error;
mod handbook;
mod history;
mod learning;
mod notify;
mod office_hours;
mod onboarding;
mod ping;
mod program;
mod serve;
mod tasks;
mod user;

use clap::{Args, Parser, Subcommand};
use config::{Overrides, Settings};
use error::{CliError, CliResult};
use std::path::PathBuf;
use std::process::ExitCode;

// Many small allocations per request (rows, views, templates): mimalloc
// handles them with less contention than the system allocator. Built without
// transparent huge pages: asking for them made a short command zero tens of
// megabytes it never used, and its run time vary (PERFORMANCE.md, Service Ping).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "onramp",
    version,
    about = "Onramp: self-hosted onboarding for Customer Success Managers",
    long_about = "Onramp runs the 30-60-90 day onboarding of new Customer Success Managers: programs kept as \
Markdown files, each new hire's onboarding with its tasks and due dates, and the people around them.\n\n\
Settings come from flags, then ONRAMP_* environment variables, then onramp.toml (./onramp.toml or --config), \
then defaults. Errors go to stderr; bad input exits with code 2, other failures with 1.",
    after_help = "Start with `onramp demo` to serve a seeded instance on http://127.0.0.1:8080/."
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct GlobalArgs {
    /// Data directory: the SQLite database and other local files live here.
    #[arg(long, global = true, env = "ONRAMP_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite:PATH or postgres://USER@HOST:PORT/DB (default: SQLite in the data directory).
    #[arg(
        long,
        global = true,
        env = "ONRAMP_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Address to serve on (default 127.0.0.1:8080).
    #[arg(long, global = true, env = "ONRAMP_BIND", value_name = "ADDR")]
    bind: Option<String>,
    /// Configuration file (default: ./onramp.toml when it exists).
    #[arg(long, global = true, env = "ONRAMP_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log format on stderr: human or json.
    #[arg(long, global = true, env = "ONRAMP_LOG_FORMAT", value_name = "FORMAT")]
    log_format: Option<String>,
    /// Print machine-readable output: one JSON document on stdout.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Seed the demo company and content pack if the data directory is new, then serve.
    Demo,
    /// Serve the web pages and API.
    Serve,
    /// Seed the demo company and the default program without serving (idempotent).
    SeedDemo,
    /// Generate a large onboarding history for benchmarks: N onboardings of
    /// the default program (padded to --tasks tasks), started over the last
    /// nine months or, for many, years (about 20 a week), drawn from a seed.
    SeedSynthetic {
        #[arg(long)]
        onboardings: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Tasks per onboarding: the default program padded with follow-up
        /// tasks spread over its phases up to this many (at least its own).
        #[arg(long, default_value_t = 120)]
        tasks: usize,
    },
    /// Write a consistent backup of all data (every table, attachments and
    /// uploads, a manifest with checksums) while the server runs.
    Backup {
        /// The backup file to write (replaced only once complete).
        file: std::path::PathBuf,
    },
    /// Restore a backup into an empty database (SQLite or PostgreSQL,
    /// whichever made it); checks every checksum before writing anything.
    Restore {
        /// The backup file to read.
        file: std::path::PathBuf,
    },
    /// Check and import onboarding programs (directories of Markdown files).
    #[command(subcommand)]
    Program(program::ProgramCommand),
    /// Start, list, show and export onboardings.
    #[command(subcommand)]
    Onboarding(onboarding::OnboardingCommand),
    /// Manage people's accounts and roles.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Create API tokens.
    #[command(subcommand)]
    Token(user::TokenCommand),
    /// Holidays per region, skipped by due dates.
    #[command(subcommand)]
    Holiday(user::HolidayCommand),
    /// Plan technical certifications (bundles first).
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Learning pathways: import completions from the learning platform.
    #[command(subcommand)]
    Learning(learning::LearningCommand),
    /// Webinars: add and list.
    #[command(subcommand)]
    Webinar(learning::WebinarCommand),
    /// The content pack: stale entries and broken links.
    #[command(subcommand)]
    Content(content_check::ContentCommand),
    /// Buddy suggestions and assignments.
    #[command(subcommand)]
    Buddy(buddy::BuddyCommand),
    /// Time off (used by buddy suggestions).
    #[command(subcommand, name = "timeoff")]
    TimeOff(buddy::TimeOffCommand),
    /// Ramp analytics: time to each milestone by cohort, and who is at risk.
    #[command(subcommand)]
    Analytics(analytics::AnalyticsCommand),
    /// Office hours: schedule, cancel a session, list.
    #[command(subcommand, name = "office-hours")]
    OfficeHours(office_hours::OfficeHoursCommand),
    /// iCalendar feeds.
    #[command(subcommand)]
    Calendar(office_hours::CalendarCommand),
    /// Service Ping analysis.
    #[command(subcommand)]
    Ping(ping::PingCommand),
    /// Import the handbook and check its links.
    #[command(subcommand)]
    Handbook(handbook::HandbookCommand),
    /// Search the imported handbook (and answered office-hours questions).
    Search {
        /// Words, "quoted phrases" and section:NAME filters.
        query: String,
        /// Number of results (at most 100).
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Skip this many results (for the next page).
        #[arg(long, default_value_t = 0)]
        offset: usize,
    },
    /// Measure search quality on `question<TAB>relevant paths` judgments:
    /// recall@1/5/10, MRR, and query latency p50/p99.
    SearchEval {
        file: PathBuf,
        /// Times each question is run for the latency figures.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Print each question's rank and, when not first, the top results.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Notifications: send a test email, make the due digests, send the outbox now.
    #[command(subcommand)]
    Notify(notify::NotifyCommand),
    /// Chat channels of programs and teams: add, list, remove.
    #[command(subcommand)]
    Chat(chat::ChatCommand),
    /// The unfinished tasks that wait for a person in every onboarding they
    /// take part in, grouped as overdue, this week, later and waiting.
    Tasks {
        /// The person's email.
        #[arg(long)]
        email: String,
        /// overdue, week (overdue and due in the next seven days) or all.
        #[arg(long)]
        due: Option<String>,
        /// Only tasks of this role: new-hire, manager, buddy, people-connect, enablement.
        #[arg(long)]
        role: Option<String>,
    },
    /// Run the periodic sweep now (`serve` does it every 10 minutes): escalate overdue compliance-critical tasks, close stale onboardings, tell owners of tasks due tomorrow or overdue, remind of sessions starting within the hour, tell askers their question moves on, make Monday's weekly summaries.
    Sweep {
        /// Close onboardings still open this many days after their last due date.
        #[arg(long, env = "ONRAMP_AUTO_CLOSE_DAYS", default_value_t = 60)]
        auto_close_days: u32,
    },
}

/// SQLite allocates through the C library's malloc, not the Rust allocator.
/// glibc serves a freed large block's size from its heap afterwards and
/// keeps that memory, so a burst of multi-megabyte Service Ping payloads
/// stayed resident; with a fixed mmap threshold large blocks go back to the
/// system when freed (PERFORMANCE.md, "Memory under a burst").
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TOP_PAD, 0);
    }
}

fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

// Long: one match arm per command; each arm is a call.
async fn run(cli: Cli) -> CliResult<()> {
    let g = &cli.global;
    let overrides = Overrides {
        config: g.config.clone(),
        data_dir: g.data_dir.clone(),
        database_url: g.database_url.clone(),
        bind: g.bind.clone(),
        log_format: g.log_format.clone(),
    };
    let settings = Settings::resolve(&overrides)?;
    serve::init_logging(settings.log_format);
    match cli.command {
        Command::Serve => {
            let store = serve::open_store(&settings).await?;
            serve::run(&settings, store, |_| {}).await
        }
        Command::Demo => {
            let store = serve::open_store(&settings).await?;
            let report = demo::seed(&store).await?;
            serve::run(&settings, store, |url| print_demo(&report, url, g.json)).await
        }
        Command::SeedSynthetic {
            onboardings,
            seed,
            tasks,
        } => {
            let store = serve::open_store(&settings).await?;
            let made = history::seed_synthetic(&store, onboardings, seed, tasks).await;
            store.close().await;
            println!("Generated {} onboardings (seed {seed}).", made?);
            Ok(())
        }
        Command::SeedDemo => {
            let store = serve::open_store(&settings).await?;
            let report = demo::seed(&store).await?;
            store.close().await;
            if g.json {
                print_json(&report)
            } else {
                if report.seeded {
                    println!(
                        "Seeded the demo company and program `{}` v{}.",
                        report.program, report.program_version
                    );
                } else {
                    println!("The demo company is already there; nothing changed.");
                }
                if report.handbook_pages > 0 {
                    println!(
                        "Imported the sample handbook ({} pages) for search.",
                        report.handbook_pages
                    );
                }
                Ok(())
            }
        }
        Command::Backup { file } => backup::backup(&settings, &file, g.json).await,
        Command::Restore { file } => backup::restore(&settings, &file, g.json).await,
        Command::Program(command) => program::run(command, &settings, g.json).await,
        Command::Onboarding(command) => onboarding::run(command, &settings, g.json).await,
        Command::User(command) => user::run_user(command, &settings, g.json).await,
        Command::Token(command) => user::run_token(command, &settings, g.json).await,
        Command::Holiday(command) => user::run_holiday(command, &settings, g.json).await,
        Command::Cert(command) => cert::run(command, g.json),
        Command::Learning(command) => learning::run(command, &settings, g.json).await,
        Command::Webinar(command) => learning::run_webinar(command, &settings, g.json).await,
        Command::Content(command) => content_check::run(command, &settings, g.json).await,
        Command::Buddy(command) => buddy::run(command, &settings, g.json).await,
        Command::TimeOff(command) => buddy::run_time_off(command, &settings, g.json).await,
        Command::Analytics(command) => analytics::run(command, &settings, g.json).await,
        Command::OfficeHours(command) => office_hours::run(command, &settings, g.json).await,
        Command::Calendar(command) => office_hours::run_calendar(command, &settings).await,
        Command::Ping(command) => ping::run(command, &settings, g.json),
        Command::Handbook(command) => handbook::run(command, &settings, g.json).await,
        Command::Search {
            query,
            limit,
            offset,
        } => handbook::search(&settings, &query, limit, offset, g.json).await,
        Command::SearchEval {
            file,
            rounds,
            verbose,
        } => handbook::search_eval(&settings, &file, rounds, verbose, g.json).await,
        Command::Notify(command) => notify::run(command, &settings, g.json).await,
        Command::Chat(command) => chat::run(command, &settings, g.json).await,
        Command::Tasks { email, due, role } => {
            tasks::run(&settings, &email, due.as_deref(), role.as_deref(), g.json).await
        }
        Command::Sweep { auto_close_days } => {
            user::run_sweep(&settings, auto_close_days, g.json).await
        }
    }
}

fn print_demo(report: &demo::SeedReport, url: &str, json: bool) {
    if json {
        let doc =
            serde_json::json!({ "url": url, "seed": report, "password": demo::DEMO_PASSWORD });
        println!("{doc}");
        return;
    }
    println!("Onramp demo at {url}");
    if report.seeded {
        println!(
            "Seeded a demo company with the `{}` program (v{}).",
            report.program, report.program_version
        );
    }
    if report.handbook_pages > 0 {
        println!(
            "Imported the sample handbook ({} pages): search it at {url}search",
            report.handbook_pages
        );
    }
    println!(
        "Demo logins (the password of every demo account is {}):",
        demo::DEMO_PASSWORD
    );
    for p in &report.people {
        let roles: Vec<&str> = p.roles.iter().map(|r| r.label()).collect();
        println!("  {:<28} {:<14} {}", p.email, p.name, roles.join(", "));
    }
    println!("Stop with Ctrl-C.");
}

/// Writes text to stdout; a reader that went away (`| head`) is not an error.
pub fn print_text(text: &str) -> CliResult<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

pub fn print_json(value: &impl serde::Serialize) -> CliResult<()> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Failed(format!("cannot write JSON: {e}")))?;
    text.push('\n');
    print_text(&text)
}
