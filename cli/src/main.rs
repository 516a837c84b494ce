//! The `planlint` command: argument parsing, input reading, output, exit codes — nothing else
//! (the terminal report is in `report.rs`; everything with behaviour is in the `planlint` crate).
//!
//! Exit codes: 0 success; 1 a finding reached `--fail-on`; 2 the input or the configuration
//! could not be read.

#[cfg(target_os = "linux")]
mod alloc;
mod report;

/// Huge pages for the large blocks (see `alloc.rs`): 4–8 ms of ~95 on a 17 MB plan.
#[cfg(target_os = "linux")]
#[global_allocator]
static GLOBAL: alloc::HugePages = alloc::HugePages;

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use planlint::{Config, Format, ParseOptions, Severity};

/// Read PostgreSQL EXPLAIN plans in any format and tell what is wrong with them.
#[derive(Parser)]
#[command(name = "planlint", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Deepest plan accepted, in levels of nodes (docs/limits.md).
    #[arg(long, global = true, default_value_t = ParseOptions::default().max_depth)]
    max_depth: usize,
    /// Largest input accepted, in bytes (docs/limits.md).
    #[arg(long, global = true, default_value_t = ParseOptions::default().max_input_bytes)]
    max_input_bytes: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Parse plans and print their canonical JSON (an array, one element per plan).
    Parse {
        /// The file to read (`-` or nothing: standard input).
        file: Option<PathBuf>,
        /// The input's format.
        #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
        format: InputFormat,
        /// Print the JSON on one line.
        #[arg(long)]
        compact: bool,
    },
    /// Write plans back in PostgreSQL's own format: read a JSON plan as TEXT, normalize a
    /// pasted plan (frames, quoting and wrapping removed), or turn TEXT into JSON.
    Render {
        /// The file to read (`-` or nothing: standard input).
        file: Option<PathBuf>,
        /// The output format.
        #[arg(long, value_enum)]
        to: RenderFormat,
        /// The input's format.
        #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
        format: InputFormat,
    },
    /// Analyze plans: where the time goes, what is wrong, what to do (findings ranked by impact).
    Analyze {
        /// The file to read (`-` or nothing: standard input).
        file: Option<PathBuf>,
        /// Output: a report for people, or JSON (`{"plans": [...]}`, see `planlint schema analysis`).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// The input's format.
        #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
        input_format: InputFormat,
        /// Exit with status 1 when a finding of this severity or worse exists (for CI).
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Run only these rules (comma-separated ids; replaces the configuration's `select`).
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        /// Never run these rules (comma-separated ids; added to the configuration's `ignore`).
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        /// Configuration file (default: ./planlint.toml when it exists).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Colors: auto (on a terminal, unless NO_COLOR is set), always, never.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// JSON on one line.
        #[arg(long)]
        compact: bool,
    },
    /// List the rules with their documentation, or write docs/rules/ (`--markdown DIR`).
    Rules {
        /// Print only this rule's documentation.
        id: Option<String>,
        /// Write one Markdown page per rule and an index into this directory.
        #[arg(long)]
        markdown: Option<PathBuf>,
    },
    /// Print a JSON Schema: of `parse`'s output (`plan`, default) or `analyze --format json`'s (`analysis`).
    Schema {
        /// Which schema.
        #[arg(value_enum, default_value_t = SchemaKind::Plan)]
        kind: SchemaKind,
    },
}

/// Input formats accepted by `--format`.
#[derive(Clone, Copy, ValueEnum)]
enum InputFormat {
    /// Detect the format.
    Auto,
    /// EXPLAIN (FORMAT JSON), or auto_explain's JSON.
    Json,
    /// EXPLAIN (FORMAT TEXT).
    Text,
    /// EXPLAIN (FORMAT YAML).
    Yaml,
    /// EXPLAIN (FORMAT XML).
    Xml,
    /// A server log (stderr, csvlog, jsonlog) with auto_explain entries: every plan in it.
    Log,
}

impl InputFormat {
    fn to_format(self) -> Option<Format> {
        match self {
            InputFormat::Auto => None,
            InputFormat::Json => Some(Format::Json),
            InputFormat::Text => Some(Format::Text),
            InputFormat::Yaml => Some(Format::Yaml),
            InputFormat::Xml => Some(Format::Xml),
            InputFormat::Log => Some(Format::Log),
        }
    }
}

/// Output formats of `render`.
#[derive(Clone, Copy, ValueEnum)]
enum RenderFormat {
    /// EXPLAIN's TEXT format.
    Text,
    /// EXPLAIN (FORMAT JSON).
    Json,
}

/// Output formats of `analyze`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// A tree and ranked findings, for people.
    Text,
    /// `{"plans": [{"summary", "nodes", "findings"}]}`.
    Json,
}

/// `--fail-on` levels.
#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    /// Any info, warning or critical finding.
    Info,
    /// A warning or a critical finding.
    Warning,
    /// A critical finding.
    Critical,
}

/// `--color` choices.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Which JSON Schema `schema` prints.
#[derive(Clone, Copy, ValueEnum)]
enum SchemaKind {
    /// The canonical plan JSON (`parse`).
    Plan,
    /// The analysis JSON (`analyze --format json`).
    Analysis,
}

/// Reads a file, or standard input for `None`/`-`; returns the name to use in messages.
fn read_input(file: &Option<PathBuf>) -> Result<(String, Vec<u8>), String> {
    match file {
        Some(p) if p.as_os_str() != "-" => std::fs::read(p)
            .map(|b| (p.display().to_string(), b))
            .map_err(|e| format!("{}: {e}", p.display())),
        _ => {
            let mut buf = Vec::new();
            io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("<stdin>: {e}"))?;
            Ok(("<stdin>".to_string(), buf))
        }
    }
}

/// Reads and parses the input: plans, or a one-line positioned message.
fn read_plans(
    file: &Option<PathBuf>,
    format: InputFormat,
    limits: &ParseOptions,
) -> Result<Vec<planlint::Plan>, String> {
    let (name, bytes) = read_input(file)?;
    let mut options = limits.clone();
    options.format = format.to_format();
    planlint::parse_bytes(&bytes, &options)
        .map_err(|e| format!("{name}:{}:{}: {}", e.line, e.column, e.message))
}

/// The configuration: `--config`, else ./planlint.toml when present, else defaults; then the
/// command line's `--select`/`--ignore`.
fn load_config(
    path: &Option<PathBuf>,
    select: &[String],
    ignore: &[String],
) -> Result<Config, String> {
    let default = Path::new("planlint.toml");
    let file = match path {
        Some(p) => Some(p.as_path()),
        None => default.exists().then_some(default),
    };
    let mut config = match file {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Config::from_toml(&text)
                .map_err(|e| format!("{}:{}:{}: {}", p.display(), e.line, e.column, e.message))?
        }
        None => Config::default(),
    };
    for id in select.iter().chain(ignore) {
        if planlint::rules::rule(id).is_none() {
            return Err(format!(
                "unknown rule {id:?} in --select/--ignore; `planlint rules` lists the ids"
            ));
        }
    }
    if !select.is_empty() {
        config.select = Some(select.to_vec());
    }
    config.ignore.extend(ignore.iter().cloned());
    Ok(config)
}

fn fail(message: &str) -> ExitCode {
    eprintln!("planlint: {message}");
    ExitCode::from(2)
}

fn write_json<T: serde::Serialize>(value: &T, compact: bool) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if compact {
        serde_json::to_writer(&mut out, value)?;
    } else {
        serde_json::to_writer_pretty(&mut out, value)?;
    }
    writeln!(out)?;
    out.flush()
}

fn write_text(text: &str) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Whether to color the report.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

/// Writes docs/rules/: one page per rule and README.md.
fn write_markdown(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for r in planlint::rules::RULES {
        std::fs::write(
            dir.join(format!("{}.md", r.id)),
            planlint::rules::markdown(r),
        )?;
    }
    std::fs::write(dir.join("README.md"), planlint::rules::markdown_index())
}

/// Lets go of what the process no longer needs without freeing it: the process exits next, and
/// freeing a 10,000-node plan node by node would cost more than its report's formatting.
fn exiting<T>(value: T) {
    std::mem::forget(value);
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut limits = ParseOptions::default();
    limits.max_depth = cli.max_depth;
    limits.max_input_bytes = cli.max_input_bytes;
    let mut status = ExitCode::SUCCESS;
    let result = match cli.command {
        Command::Parse {
            file,
            format,
            compact,
        } => match read_plans(&file, format, &limits) {
            Ok(plans) => {
                let result = write_json(&plans, compact);
                exiting(plans);
                result
            }
            Err(e) => return fail(&e),
        },
        Command::Render { file, to, format } => match read_plans(&file, format, &limits) {
            Ok(plans) => write_text(&match to {
                RenderFormat::Text => planlint::render_text_plans(&plans),
                RenderFormat::Json => planlint::render_json_plans(&plans),
            }),
            Err(e) => return fail(&e),
        },
        Command::Analyze {
            file,
            format,
            input_format,
            fail_on,
            select,
            ignore,
            config,
            color,
            compact,
        } => {
            let config = match load_config(&config, &select, &ignore) {
                Ok(c) => c,
                Err(e) => return fail(&e),
            };
            let plans = match read_plans(&file, input_format, &limits) {
                Ok(p) => p,
                Err(e) => return fail(&e),
            };
            let report = planlint::Report {
                plans: plans
                    .iter()
                    .map(|p| planlint::analyze(p, &config))
                    .collect(),
            };
            let threshold = fail_on.map(|f| match f {
                FailOn::Info => Severity::Info,
                FailOn::Warning => Severity::Warning,
                FailOn::Critical => Severity::Critical,
            });
            if let Some(t) = threshold
                && report
                    .plans
                    .iter()
                    .filter_map(|a| a.max_severity())
                    .any(|s| s >= t)
            {
                status = ExitCode::from(1);
            }
            let result = match format {
                OutputFormat::Json => write_json(&report, compact),
                OutputFormat::Text => {
                    let style = report::Style {
                        color: use_color(color),
                    };
                    let mut text = String::new();
                    for (i, (plan, a)) in plans.iter().zip(&report.plans).enumerate() {
                        if i > 0 {
                            text.push('\n');
                        }
                        text.push_str(&report::render(plan, a, i, plans.len(), style));
                    }
                    write_text(&text)
                }
            };
            exiting((plans, report));
            result
        }
        Command::Rules { id, markdown } => {
            if let Some(dir) = markdown {
                match write_markdown(&dir) {
                    Ok(()) => Ok(()),
                    Err(e) => return fail(&format!("{}: {e}", dir.display())),
                }
            } else {
                let mut text = String::new();
                for r in planlint::rules::RULES {
                    match &id {
                        Some(i) if i != r.id => continue,
                        Some(_) => text.push_str(&planlint::rules::markdown(r)),
                        None => text.push_str(&format!("{:<22} {}\n", r.id, r.summary())),
                    }
                }
                if text.is_empty() {
                    return fail(&format!(
                        "unknown rule {:?}; `planlint rules` lists the ids",
                        id.unwrap_or_default()
                    ));
                }
                write_text(&text)
            }
        }
        Command::Schema { kind } => match kind {
            SchemaKind::Plan => write_json(&planlint::model::plan_schema(), false),
            SchemaKind::Analysis => write_json(&planlint::analysis_schema(), false),
        },
    };
    match result {
        Ok(()) => status,
        // A closed pipe (`planlint parse x | head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => status,
        Err(e) => fail(&format!("writing the output: {e}")),
    }
}
