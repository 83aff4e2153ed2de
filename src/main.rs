//! gofix-rt's entry point: command line → settings → run → emitter → exit code
//! (0 nothing to do, 1 findings or changes pending, 2 an error).

use clap::Parser;
use gofix_rt::cli::{CheckArgs, Cli, Command};
use gofix_rt::emit::{check, diff, write};
use gofix_rt::engine;
use gofix_rt::fix::Applicability;
use gofix_rt::settings::{Mode, Settings};
use gofix_rt::transform::Transform;
use gofix_rt::version::GoVersion;
use gofix_rt::{docs, registry};
use std::io::{ErrorKind, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::List) => out(&docs::table()).map(|_| 0),
        Some(Command::Explain { code }) => match registry::lookup(&code) {
            Some(t) => out(&docs::doc(t)).map(|_| 0),
            None => Err(format!("unknown transform `{code}` (see `gofix-rt list`)")),
        },
        None => run(cli.check),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(msg) if msg == BROKEN_PIPE => ExitCode::SUCCESS,
        Err(msg) => {
            let _ = writeln!(std::io::stderr(), "gofix-rt: error: {msg}");
            ExitCode::from(2)
        }
    }
}

const BROKEN_PIPE: &str = "\0broken pipe";

/// Writes to stdout; a closed pipe (`gofix-rt --dry-run | head`) ends the program quietly.
fn out(s: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(s.as_bytes()).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Err(BROKEN_PIPE.into()),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
        Ok(()) => Ok(()),
    }
}

fn err_line(s: &str) {
    let _ = std::io::stderr().write_all(s.as_bytes());
}

fn select_transforms(args: &CheckArgs) -> Result<Vec<&'static Transform>, String> {
    let resolve = |keys: &[String]| -> Result<Vec<&'static Transform>, String> {
        keys.iter()
            .map(|k| {
                registry::lookup(k.trim())
                    .ok_or_else(|| format!("unknown transform `{k}` (see `gofix-rt list`)"))
            })
            .collect()
    };
    let selected = if args.select.is_empty() {
        registry::all().to_vec()
    } else {
        resolve(&args.select)?
    };
    let ignored = resolve(&args.ignore)?;
    Ok(selected
        .into_iter()
        .filter(|t| !ignored.iter().any(|i| std::ptr::eq(*i, *t)))
        .collect())
}

fn settings(args: CheckArgs) -> Result<Settings, String> {
    let mode = if args.write {
        Mode::Write
    } else if args.dry_run {
        Mode::DryRun
    } else {
        Mode::Check
    };
    let transforms = select_transforms(&args)?;
    let paths = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths
    };
    let mut s = Settings::new(paths, transforms, mode);
    if args.unsafe_fixes {
        s.threshold = Applicability::Unsafe;
    }
    if let Some(v) = args.go_version {
        s.go_version = Some(
            GoVersion::parse(&v)
                .ok_or_else(|| format!("--go-version: `{v}` is not a Go version like 1.22"))?,
        );
    }
    for o in args.opts {
        let (k, v) = o
            .split_once('=')
            .ok_or_else(|| format!("--opt: `{o}` is not CODE.KEY=VALUE"))?;
        s.options.values.push((k.to_string(), v.to_string()));
    }
    s.ignore_suppressions = args.ignore_suppressions;
    s.respect_gitignore = !args.no_ignore;
    if let Some(m) = args.max_file_size {
        s.max_file_size = m;
    }
    s.threads = args.threads;
    s.progress = !args.quiet && std::io::stderr().is_terminal();
    Ok(s)
}

fn run(args: CheckArgs) -> Result<u8, String> {
    let quiet = args.quiet;
    let s = settings(args)?;
    let mut outcome = engine::run(&s);
    match s.mode {
        Mode::Check => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            out(&check::findings_colored(&outcome, s.threshold, color))?;
        }
        Mode::DryRun => {
            out(&diff::render(&outcome.changes))?;
            if !quiet {
                err_line(&check::findings(&outcome, s.threshold));
            }
        }
        Mode::Write => {
            let problems = write::write_all(&outcome.changes, &s.paths);
            outcome.problems.extend(problems);
            outcome.problems.sort();
            if !quiet {
                err_line(&check::findings(&outcome, s.threshold));
            }
        }
    }
    for p in &outcome.problems {
        err_line(&format!("{}\n", check::problem_line(p)));
    }
    if !quiet || std::io::stderr().is_terminal() {
        let verb = match s.mode {
            Mode::Check => None,
            Mode::DryRun => Some("would apply"),
            Mode::Write => Some("applied"),
        };
        err_line(&check::summary(&outcome, s.threshold, verb));
    }
    if std::env::var_os("GOFIXRT_STATS").is_some() {
        err_line(&format!("stats: {} parser invocations\n", outcome.parses));
    }
    Ok(exit_code(&outcome, s.mode))
}

fn exit_code(o: &engine::RunOutcome, mode: Mode) -> u8 {
    if !o.problems.is_empty() {
        return 2;
    }
    let pending = match mode {
        Mode::Check => !o.findings.is_empty(),
        Mode::DryRun => !o.changes.is_empty() || !o.findings.is_empty(),
        Mode::Write => !o.findings.is_empty(),
    };
    u8::from(pending)
}
