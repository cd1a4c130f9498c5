//! The `huimin` command line: check packs, run their tests, evaluate a case
//! or a JSON-lines batch.

use clap::{Parser, Subcommand, ValueEnum};
use huimin::api::{self, Engine, Options};
use huimin::diagnostic::Diagnostic;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Parser)]
#[command(
    name = "huimin",
    version,
    about = "Eligibility calculator for Jing'an social programs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Text,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check the rule packs; print every diagnostic.
    Check {
        /// Folder of `*.toml` rule packs.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
    },
    /// Run every pack's test cases.
    Test {
        /// Folder of `*.toml` rule packs.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// Also report which conditions, tiers, amounts and parameter versions the tests reach.
        #[arg(long)]
        coverage: bool,
        /// Fail unless coverage is complete (implies --coverage).
        #[arg(long)]
        require_full_coverage: bool,
    },
    /// Evaluate one case file.
    Eval {
        /// The case (JSON).
        case: PathBuf,
        /// Folder of `*.toml` rule packs.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// Assess as of this date instead of the case's `as_of`.
        #[arg(long)]
        as_of: Option<String>,
        /// Language of labels and explanations.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Leave explanations out.
        #[arg(long)]
        no_explain: bool,
    },
    /// Evaluate a JSON-lines file: one output line per input line, in order.
    Batch {
        /// Input, one case per line.
        input: PathBuf,
        /// Folder of `*.toml` rule packs.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Assess every case as of this date.
        #[arg(long)]
        as_of: Option<String>,
        /// Language of labels and explanations.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Include explanations.
        #[arg(long)]
        explain: bool,
        /// Hide the progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Check the rule packs and write them compiled, for a build that embeds
    /// them so (the browser's: scripts/build-wasm.sh). Test cases are left out.
    Compile {
        /// Folder of `*.toml` rule packs.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// The file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the facts the packs read, as JSON Schema with labels.
    Schema {
        /// Folder of `*.toml` rule packs.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
    },
}

/// Writes to standard output; a closed pipe (`huimin … | head`) is not an error.
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic], files: &[(String, String)]) {
    for d in diags {
        let src = d
            .file
            .as_ref()
            .and_then(|f| files.iter().find(|(n, _)| n == f))
            .map(|(_, t)| t.as_str());
        eprint!("{}", d.render(src));
    }
    eprintln!(
        "{} error{}",
        diags.len(),
        if diags.len() == 1 { "" } else { "s" }
    );
}

fn load(dir: &Path) -> Result<Result<Engine, ExitCode>, String> {
    load_with(dir, api::LoadOptions::default())
}

/// Reads and checks a folder of packs; on faults, prints them and gives the
/// exit code.
fn load_with(dir: &Path, options: api::LoadOptions) -> Result<Result<Engine, ExitCode>, String> {
    let files = api::read_pack_dir(dir)?;
    Ok(match api::load_with(&files, options) {
        Ok(e) => Ok(e),
        Err(diags) => {
            print_diagnostics(&diags, &files);
            Err(ExitCode::FAILURE)
        }
    })
}

fn run(cmd: Command) -> Result<ExitCode, String> {
    match cmd {
        Command::Check { rules } => {
            let engine = match load(&rules)? {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            let benefits = engine.benefits.len();
            out(&format!(
                "ok: {} packs, {} facts, {} parameters, {} benefits ({})\n",
                engine.packs.len(),
                engine.schema.facts.len(),
                engine.params.len(),
                benefits,
                engine.hash
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Test {
            rules,
            coverage,
            require_full_coverage,
        } => {
            let engine = match load(&rules)? {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            let report = api::run_tests(&engine);
            for t in report.tests.iter().filter(|t| !t.passed) {
                out(&format!("FAIL {} :: {}\n", t.pack, t.name));
                for f in &t.failures {
                    out(&format!("     {f}\n"));
                }
            }
            let mut incomplete = false;
            if coverage || require_full_coverage {
                out("\ncoverage:\n");
                for c in &report.coverage {
                    out(&format!(
                        "  {:<20} conditions {}/{}  tiers {}/{}  amounts {}/{}  parameter versions {}/{}\n",
                        c.pack,
                        c.conditions.0,
                        c.conditions.1,
                        c.tiers.0,
                        c.tiers.1,
                        c.amounts.0,
                        c.amounts.1,
                        c.parameter_versions.0,
                        c.parameter_versions.1
                    ));
                    for m in c
                        .conditions_missed
                        .iter()
                        .chain(&c.tiers_missed)
                        .chain(&c.amounts_missed)
                        .chain(&c.parameter_versions_missed)
                    {
                        out(&format!("      missed: {m}\n"));
                        incomplete = true;
                    }
                }
                out("\n");
            }
            out(&format!(
                "{} passed, {} failed\n",
                report.passed, report.failed
            ));
            let ok = report.failed == 0 && !(require_full_coverage && incomplete);
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Eval {
            case,
            rules,
            as_of,
            lang,
            format,
            no_explain,
        } => {
            let engine = match load(&rules)? {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            let opts = Options {
                as_of,
                lang: Some(lang),
                explain: Some(!no_explain),
            };
            let settings = match opts.settings(true) {
                Ok(s) => s,
                Err(d) => {
                    print_diagnostics(&d, &[]);
                    return Ok(ExitCode::from(2));
                }
            };
            let text = std::fs::read_to_string(&case)
                .map_err(|e| format!("cannot read `{}`: {e}", case.display()))?;
            let result = api::evaluate_text(&engine, &text, settings);
            match (&result, format) {
                (Ok(r), Format::Text) => out(&api::render_text(r, settings.lang)),
                (Ok(_), Format::Json) => out(&format!("{}\n", api::envelope_text(&result))),
                (Err(d), Format::Json) => {
                    out(&format!("{}\n", api::envelope_text(&result)));
                    print_diagnostics(d, &[]);
                }
                (Err(d), Format::Text) => print_diagnostics(d, &[]),
            }
            Ok(if result.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Batch {
            input,
            rules,
            output,
            as_of,
            lang,
            explain,
            quiet,
        } => {
            let engine = match load(&rules)? {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            let opts = Options {
                as_of,
                lang: Some(lang),
                explain: Some(explain),
            };
            let settings = match opts.settings(false) {
                Ok(s) => s,
                Err(d) => {
                    print_diagnostics(&d, &[]);
                    return Ok(ExitCode::from(2));
                }
            };
            let text = std::fs::read_to_string(&input)
                .map_err(|e| format!("cannot read `{}`: {e}", input.display()))?;
            let lines: Vec<&str> = text.lines().collect();
            let bar = if quiet {
                ProgressBar::hidden()
            } else {
                ProgressBar::new(lines.len() as u64)
            };
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} cases ({per_sec}, {eta} left)")
                    .map_err(|e| e.to_string())?,
            );
            let workers = std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .clamp(1, 16);
            let chunk = lines.len().div_ceil(workers).max(1);
            let failed = AtomicUsize::new(0);
            let outputs: Vec<Vec<String>> = std::thread::scope(|s| {
                let handles: Vec<_> = lines
                    .chunks(chunk)
                    .map(|part| {
                        let (engine, bar, failed) = (&engine, &bar, &failed);
                        s.spawn(move || {
                            part.iter()
                                .map(|line| {
                                    let out = api::batch_line(engine, line, settings);
                                    if out.starts_with("{\"ok\":false") {
                                        failed.fetch_add(1, Ordering::Relaxed);
                                    }
                                    bar.inc(1);
                                    out
                                })
                                .collect::<Vec<String>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            });
            bar.finish_and_clear();
            let mut sink: Box<dyn Write> = match &output {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p)
                        .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let mut written = 0usize;
            for line in outputs.iter().flatten() {
                writeln!(sink, "{line}").map_err(|e| e.to_string())?;
                written += 1;
            }
            sink.flush().map_err(|e| e.to_string())?;
            let failed = failed.load(Ordering::Relaxed);
            if written != lines.len() {
                return Err(format!(
                    "wrote {written} lines for {} input lines",
                    lines.len()
                ));
            }
            eprintln!("{} cases, {} with errors", lines.len(), failed);
            Ok(ExitCode::SUCCESS)
        }
        Command::Compile { rules, output } => {
            let options = api::LoadOptions {
                hash: None,
                skip_tests: true,
            };
            let engine = match load_with(&rules, options)? {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            let bytes = match api::engine_bytes(&engine) {
                Ok(b) => b,
                Err(diags) => {
                    print_diagnostics(&diags, &[]);
                    return Ok(ExitCode::FAILURE);
                }
            };
            std::fs::write(&output, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
            eprintln!(
                "wrote {} ({} bytes: {} packs, {})",
                output.display(),
                bytes.len(),
                engine.packs.len(),
                engine.hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { rules } => {
            let engine = match load(&rules)? {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&api::schema(&engine)).map_err(|e| e.to_string())?
            ));
            Ok(ExitCode::SUCCESS)
        }
    }
}
