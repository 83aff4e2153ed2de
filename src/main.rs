//! gofix-rt's entry point: command line → settings → run → emitter → exit code
//! (0 nothing to do, 1 findings or changes pending, 2 an error).

use clap::Parser;
use gofix_rt::catalog::docs;
use gofix_rt::catalog::registry;
use gofix_rt::cli::{CheckArgs, Cli, Command, Format};
use gofix_rt::config;
use gofix_rt::git::branch::{self, BranchOptions};
use gofix_rt::git::pr_body;
use gofix_rt::output::emit::{check, diff, github, json, rdjson, sarif, write};
use gofix_rt::run::engine;
use gofix_rt::run::settings::{Mode, Settings};
use gofix_rt::run::verify;
use std::io::{ErrorKind, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::List) => out(&docs::table()).map(|_| 0),
        Some(Command::Explain { code }) => match registry::lookup(&code) {
            Some(t) => out(&docs::explain(t)).map(|_| 0),
            None if code.eq_ignore_ascii_case(gofix_rt::run::apply::SUPPRESSION_CODE) => {
                out(docs::SUPPRESSION_DOC).map(|_| 0)
            }
            None => Err(format!("unknown transform `{code}` (see `gofix-rt list`)")),
        },
        Some(Command::Config {
            path,
            config,
            isolated,
        }) => run(CheckArgs {
            paths: path.into_iter().collect(),
            config,
            isolated,
            show_settings: true,
            ..CheckArgs::default()
        }),
        Some(Command::Server(args)) => serve(args),
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

fn settings(args: CheckArgs) -> Result<Settings, String> {
    // --branch computes fixes as --write does; it commits them instead of writing them.
    let mode = if args.write || args.branch.is_some() {
        Mode::Write
    } else if args.dry_run {
        Mode::DryRun
    } else {
        Mode::Check
    };
    if args.verify && mode == Mode::Check {
        return Err("--verify checks fixes: use it with --dry-run, --write or --branch".into());
    }
    let resolved = config::resolve(&args)?;
    let paths = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths
    };
    let mut s = Settings::new(paths, vec![], mode);
    resolved.apply_to(&mut s);
    s.ignore_suppressions = args.rules.ignore_suppressions;
    s.respect_gitignore = !args.no_ignore;
    if let Some(m) = args.rules.max_file_size {
        s.max_file_size = m;
    }
    s.threads = args.threads;
    s.verify = args.verify;
    if let Some(shard) = &args.shard {
        s.shard = Some(gofix_rt::run::shard::Shard::parse(shard)?);
    }
    s.progress = !args.quiet && std::io::stderr().is_terminal();
    if let Some(m) = &args.min_hot {
        if args.profile.is_none() {
            return Err(
                "--min-hot needs --profile FILE (the CPU profile the shares come from)".into(),
            );
        }
        let v: f64 = m
            .trim_end_matches('%')
            .parse()
            .ok()
            .filter(|v: &f64| (0.0..=100.0).contains(v))
            .ok_or_else(|| format!("--min-hot: `{m}` is not a percentage between 0 and 100"))?;
        s.min_hot = Some(v);
    }
    if let Some(p) = &args.profile {
        s.options.profile = Some(std::sync::Arc::new(
            gofix_rt::semantic::profile::Profile::load(p)?,
        ));
    }
    Ok(s)
}

/// `gofix-rt server`: the flags are checked once, up front, as the CLI checks them; each file then gets
/// them over the settings of its nearest gofix-rt.toml.
fn serve(args: gofix_rt::cli::ServerArgs) -> Result<u8, String> {
    let check = |paths: Vec<std::path::PathBuf>| CheckArgs {
        paths,
        rules: args.rules.clone(),
        quiet: true,
        ..CheckArgs::default()
    };
    // Bad flags fail at start-up, as on the command line.
    settings(check(vec![]))?;
    // Each file gets the settings of the nearest gofix-rt.toml above it, with the flags on top.
    let settings_for = |file: &std::path::Path| settings(check(vec![file.to_path_buf()]));
    gofix_rt::server::run_stdio(&settings_for).map(|_| 0)
}

fn run(args: CheckArgs) -> Result<u8, String> {
    let quiet = args.quiet;
    if args.show_settings {
        let file = config::resolve(&args)?.file;
        let s = settings(args)?;
        return out(&config::show(&s, file.as_deref())).map(|_| 0);
    }
    if let Some(pr) = &args.pr_body {
        // Before any branch is made: a re-run would refuse the branch the failed run left behind.
        check_pr_body_dir(pr)?;
    }
    if let Some(name) = args.branch.clone() {
        if args.format != Format::Text {
            return Err("--format json|sarif|github|rdjson does not apply to --branch (it prints branches and commits); use --pr-body for a document".into());
        }
        let opts = BranchOptions {
            name,
            force: args.force_branch,
            split_by: args.split_by,
            push: args.push.clone(),
        };
        let pr = args.pr_body.clone();
        let full = args.show_reason;
        return run_branch(settings(args)?, &opts, pr, quiet, full);
    }
    let full = args.show_reason;
    let format = args.format;
    let s = settings(args)?;
    let mut outcome = engine::run(&s);
    // Verify before anything is printed or written, so both see only the fixes that build.
    let mut verify_lines = vec![];
    let mut dropped = false;
    let (mut dropped_fixes, mut notes) = (vec![], vec![]);
    if s.verify {
        let report = verify::verify(outcome, &s)?;
        dropped = !report.dropped.is_empty();
        outcome = report.outcome;
        verify_lines.extend(report.dropped.iter().map(check::dropped_line));
        verify_lines.extend(report.notes.iter().map(check::note_line));
        (dropped_fixes, notes) = (report.dropped, report.notes);
    }
    if format != Format::Text {
        let verified = s.verify.then_some(json::Verified {
            dropped: &dropped_fixes,
            notes: &notes,
        });
        return run_document(&s, outcome, format, verified, &verify_lines, dropped);
    }
    match s.mode {
        Mode::Check => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            out(&check::findings_colored(&outcome, s.threshold, color, full))?;
        }
        Mode::DryRun => {
            out(&diff::render(&outcome.changes))?;
            if !quiet {
                err_line(&check::findings(&outcome, s.threshold, full));
            }
        }
        Mode::Write => {
            let problems = write::write_all(&outcome.changes, &s.paths);
            outcome.problems.extend(problems);
            outcome.problems.sort();
            if !quiet {
                err_line(&check::findings(&outcome, s.threshold, full));
            }
        }
    }
    for p in &outcome.problems {
        err_line(&format!("{}\n", check::problem_line(p)));
    }
    for l in &verify_lines {
        err_line(&format!("{l}\n"));
    }
    if let Some(p) = s.profile()
        && !quiet
    {
        err_line(&gofix_rt::output::emit::profile_summary::render_text(
            p,
            &outcome.findings,
        ));
    }
    // Before the summary, which stays the last line.
    if !quiet
        && !full
        && outcome
            .findings
            .iter()
            .any(|(_, f)| check::is_shortened(&f.message))
    {
        err_line(check::SHORTENED_HINT);
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
    Ok(exit_code(&outcome, s.mode).max(u8::from(dropped)))
}

/// `--pr-body FILE` can be written: its directory exists and takes a new file.
fn check_pr_body_dir(file: &std::path::Path) -> Result<(), String> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        return Err(format!(
            "--pr-body: directory `{}` does not exist; no branch was made",
            dir.display()
        ));
    }
    tempfile::tempfile_in(dir).map_err(|e| {
        format!(
            "--pr-body: cannot write in `{}`: {}; no branch was made",
            dir.display(),
            gofix_rt::read::walk::io_reason(&e)
        )
    })?;
    Ok(())
}

/// `--branch`: the commits, then the same report and summary as `--write` on stderr.
fn run_branch(
    s: Settings,
    opts: &BranchOptions,
    pr: Option<std::path::PathBuf>,
    quiet: bool,
    full: bool,
) -> Result<u8, String> {
    // Profile-guided: the findings with their shares before anything is fixed, for the PR body.
    let before = match (s.profile(), &pr) {
        (Some(_), Some(_)) => {
            let mut c = s.clone();
            c.mode = Mode::Check;
            engine::run(&c).findings
        }
        _ => vec![],
    };
    let made = branch::run(&s, opts)?;
    let mut problems = vec![];
    if let Some(file) = &pr {
        for b in &made.branches {
            let path = pr_body::path_for(file, b.slug.as_deref());
            let mut body = pr_body::render(b, s.threshold);
            if let Some(p) = s.profile() {
                body.push_str(&pr_body::profile_section(p, b, &before));
            }
            if let Err(e) = std::fs::write(&path, body) {
                problems.push(format!("{}: error: cannot write: {e}", path.display()));
            }
        }
    }
    out(&gofix_rt::git::report::render(&made))?;
    let outcome = &made.outcome;
    if !quiet {
        err_line(&check::findings(outcome, s.threshold, full));
    }
    for p in &outcome.problems {
        err_line(&format!("{}\n", check::problem_line(p)));
    }
    if let Some(p) = s.profile()
        && !quiet
    {
        err_line(&gofix_rt::output::emit::profile_summary::render_text(
            p,
            &outcome.findings,
        ));
    }
    for p in &problems {
        err_line(&format!("{p}\n"));
    }
    for d in &made.dropped {
        err_line(&format!("{}\n", check::dropped_line(d)));
    }
    for n in &made.notes {
        err_line(&format!("{}\n", check::note_line(n)));
    }
    if !quiet || std::io::stderr().is_terminal() {
        err_line(&check::summary(outcome, s.threshold, Some("committed")));
    }
    if !problems.is_empty() {
        return Ok(2);
    }
    Ok(exit_code(outcome, Mode::Write).max(u8::from(!made.dropped.is_empty())))
}

/// `--format json|sarif|github|rdjson`: files are written first (so the document reports failed writes), then the
/// document is the only thing on stdout; problems still go to stderr one line each.
fn run_document(
    s: &Settings,
    mut outcome: engine::RunOutcome,
    format: Format,
    verified: Option<json::Verified<'_>>,
    verify_lines: &[String],
    dropped: bool,
) -> Result<u8, String> {
    if s.mode == Mode::Write {
        outcome
            .problems
            .extend(write::write_all(&outcome.changes, &s.paths));
        outcome.problems.sort();
    }
    let doc = match format {
        Format::Sarif => sarif::render(&outcome, s, verified),
        Format::Github => github::render(&outcome, verified),
        Format::Rdjson => rdjson::render(&outcome, s),
        _ => json::render(&outcome, s, verified),
    };
    out(&doc)?;
    for p in &outcome.problems {
        err_line(&format!("{}\n", check::problem_line(p)));
    }
    for l in verify_lines {
        err_line(&format!("{l}\n"));
    }
    Ok(exit_code(&outcome, s.mode).max(u8::from(dropped)))
}

/// 2 for any per-file problem; 1 for pending work. Fixes `--verify` dropped leave their findings pending
/// (exit 1): the tree stays consistent, so it is not an error.
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
