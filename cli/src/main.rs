//! The `planlint` command: argument parsing, input reading, output, exit codes — nothing else.
//!
//! Exit codes: 0 success; 1 a finding reached `--fail-on`; 2 the input could not be read or parsed.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use planlint::{Format, ParseOptions};

/// Read PostgreSQL EXPLAIN plans in any format and tell what is wrong with them.
#[derive(Parser)]
#[command(name = "planlint", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    /// Print the JSON Schema of the canonical JSON.
    Schema,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse {
            file,
            format,
            compact,
        } => {
            let (name, bytes) = match read_input(&file) {
                Ok(x) => x,
                Err(e) => return fail(&e),
            };
            let mut options = ParseOptions::default();
            options.format = format.to_format();
            match planlint::parse_bytes(&bytes, &options) {
                Ok(plans) => write_json(&plans, compact),
                Err(e) => {
                    return fail(&format!("{name}:{}:{}: {}", e.line, e.column, e.message));
                }
            }
        }
        Command::Schema => write_json(&planlint::model::plan_schema(), false),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`planlint parse x | head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("writing the output: {e}")),
    }
}
