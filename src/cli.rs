//! The command line as typed (clap derive); `main.rs` turns it into `Settings`.

use crate::git::split::SplitBy;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gofix-rt",
    version,
    about = "Find and fix Go runtime anti-patterns",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the table of transforms.
    List,
    /// Print the documentation of one transform (by code or name).
    Explain { code: String },
    /// Print the settings a run on PATH (default: the current directory) would use, and the config file
    /// they come from.
    Config {
        path: Option<PathBuf>,
        /// Read this config file instead of discovering one.
        #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
        config: Option<PathBuf>,
        /// Ignore config files.
        #[arg(long)]
        isolated: bool,
    },
    /// Run a language server on stdio (diagnostics, quick fixes, hover) for editors; see docs/editor.md.
    Server(ServerArgs),
}

/// The rule settings the command line and an editor session share: the same flags, the same meaning.
#[derive(Args, Debug, Default, Clone)]
pub struct RuleArgs {
    /// Also run the rules still in preview (see `gofix-rt list`); a rule named in --select always runs, and
    /// --profile brings in the preview rules classed behind-a-profile.
    #[arg(long)]
    pub preview: bool,
    /// Also apply fixes that need review (marked [~] in reports; an editor labels them as applicable).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Only these transforms (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these transforms (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Pretend every module's go line is this version (for experiments).
    #[arg(long, value_name = "1.N")]
    pub go_version: Option<String>,
    /// Per-transform option, e.g. `--opt R2.sync-timers=true`.
    #[arg(long = "opt", value_name = "CODE.KEY=VALUE")]
    pub opts: Vec<String>,
    /// Do not honour //gofixrt:ignore directives.
    #[arg(long)]
    pub ignore_suppressions: bool,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
}

/// `gofix-rt server`'s flags: the rule settings of the command line.
#[derive(Args, Debug, Default)]
pub struct ServerArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Args, Debug, Default)]
pub struct CheckArgs {
    /// Files or directories to scan (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Print the fixes as a unified diff (for review or `git apply`); write nothing.
    #[arg(long, conflicts_with = "write")]
    pub dry_run: bool,
    /// Apply the fixes in place (atomically, permissions kept).
    #[arg(long)]
    pub write: bool,
    /// Commit the fixes on a new branch NAME made from HEAD, one commit per transform; the working tree,
    /// the index and HEAD are left alone. Refuses (exit 2) if a file to fix differs from HEAD.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["dry_run", "write"])]
    pub branch: Option<String>,
    /// With --branch: replace the branch if it exists.
    #[arg(long, requires = "branch")]
    pub force_branch: bool,
    /// With --branch: one branch per Go module, top-level directory or CODEOWNERS owner, named NAME/<slug>.
    #[arg(long, value_enum, value_name = "HOW", requires = "branch")]
    pub split_by: Option<SplitBy>,
    /// With --branch: write a pull-request description (Markdown) to FILE. With --split-by, one file per
    /// branch: FILE with `.<slug>` inserted before its extension (pr.md → pr.api.md).
    #[arg(long, value_name = "FILE", requires = "branch")]
    pub pr_body: Option<PathBuf>,
    /// With --branch: push the branches made to REMOTE (a remote name or a path; local and file://
    /// remotes only, no https/ssh: use `git push` for those).
    #[arg(long, value_name = "REMOTE", requires = "branch")]
    pub push: Option<String>,
    /// Build and vet the fixed packages with the go tool first; drop the fixes that break a package.
    #[arg(long)]
    pub verify: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Read this config file instead of the gofix-rt.toml / .gofix-rt.toml found from the scanned paths
    /// upward (see docs/config.md).
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore config files: only the command line counts.
    #[arg(long)]
    pub isolated: bool,
    /// Print the resolved settings (config file and command line) instead of running.
    #[arg(long)]
    pub show_settings: bool,
    /// Skip files and directories matching these gitignore-style globs (relative to the current
    /// directory; adds to the config file's `exclude`).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Also scan files that .gitignore excludes.
    #[arg(long)]
    pub no_ignore: bool,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output: text (finding lines, or a diff), json (one document, see README "JSON output"), sarif
    /// (SARIF 2.1.0), github (workflow commands: annotations on a pull request) or rdjson (reviewdog's
    /// diagnostic JSON, fixes as suggestions). With any but text, stdout carries only that output;
    /// --dry-run prints no diff.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Only the packages of shard I of N (1-based), by a stable hash of their directory: N jobs with
    /// I = 1..N together cover the tree once.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// A pprof CPU profile (gzipped or raw protobuf, from `go test -cpuprofile`, /debug/pprof/profile or
    /// `go tool pprof -proto`): findings carry their enclosing function's flat and cumulative share and are
    /// ordered hottest first, and a summary of runtime signatures is printed (see README "Profile-guided mode").
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// With --profile: rules classed behind-a-profile report and fix only where the enclosing function's
    /// cumulative share is at least PERCENT; always-ship rules are not affected.
    #[arg(long, value_name = "PERCENT")]
    pub min_hot: Option<String>,
    /// Print each finding's whole message in text output (by default a line carries its first sentence;
    /// `gofix-rt explain CODE` gives the reasoning).
    #[arg(long, visible_alias = "verbose")]
    pub show_reason: bool,
    /// Print only errors and the diff.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    Json,
    Sarif,
    Github,
    Rdjson,
}
