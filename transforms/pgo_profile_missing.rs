//! # pgo-profile-missing (R9)
//!
//! ## What it does
//! Reports the `package main` clause of a long-running service (a main package that serves: it calls
//! `http.ListenAndServe`, `http.Serve`, a server's `ListenAndServe`/`Serve` method with `net/http` or gRPC
//! imported, or `net.Listen`) that has no `default.pgo` beside its files, in a module whose `go` line is
//! 1.21 or later. The report gives the commands that capture a profile. With `--profile FILE` whose
//! samples include this package's functions, a fix copies that profile to `<package dir>/default.pgo`.
//!
//! ## Why is this bad?
//! Since Go 1.21, `go build` uses profile-guided optimisation by default (`-pgo=auto`): when the main
//! package's directory holds a `default.pgo` CPU profile, the compiler inlines and devirtualises the hot
//! calls that profile shows, which typically saves a few percent to over ten percent of CPU in a service.
//! Without the file that gain is left on the table, and nothing in the build says so.
//!
//! ## Example
//! ```go
//! package main
//!
//! import (
//! 	"log"
//! 	"net/http"
//! )
//!
//! func main() {
//! 	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
//! 	log.Fatal(http.ListenAndServe(":8080", nil))
//! }
//! ```
//!
//! ## Use instead
//! The same code, with a CPU profile of production traffic saved as `default.pgo` beside `main.go`
//! (`curl -o default.pgo 'http://HOST/debug/pprof/profile?seconds=30'` with `net/http/pprof` mounted):
//! ```go
//! package main
//!
//! import (
//! 	"log"
//! 	"net/http"
//! )
//!
//! func main() {
//! 	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
//! 	log.Fatal(http.ListenAndServe(":8080", nil))
//! }
//! ```
//!
//! ## Fix safety
//! Only with `--profile FILE`, and only when that profile has samples in this package's functions: the fix
//! (Safe, applied by `--write` and `--branch`) creates `default.pgo` with the profile's bytes. The code is
//! untouched and the program behaves the same; only the optimisation changes. Its gain depends on how
//! representative the profile is: a profile of a benchmark, a test or an idle instance steers the compiler
//! toward the wrong paths, so capture it under production load, and refresh it as the code changes (a stale
//! profile still works, with less benefit). `--dry-run` prints the file as a git binary patch that
//! `git apply` accepts.
//!
//! ## Version gating
//! The module's `go` line must be 1.21 or later (PGO by default since 1.21; 1.20 had it only behind
//! `-pgo=FILE`). Below that: no finding.
//!
//! ## When it does not fire
//! - `default.pgo` already exists in the package directory.
//! - Programs that do not serve: CLIs, generators (`//go:build ignore` files), one-shot tools, and local
//!   UI tools that serve pages to a browser they open (a file imports `cmd/internal/browser`,
//!   `github.com/pkg/browser` or another package named `browser`), such as `go tool trace`.
//! - Code that is not production (the engine's `context` fact): examples, samples, demos and docs;
//!   benchmarks; fixtures (`testdata`, `fixtures`); test servers (`e2e`, `integration`, `testutil`,
//!   `*test` directories, files importing a test framework); developer tools (`tools/`, `hack/`,
//!   `scripts/`, `//go:build ignore`, `none` or `tools` files); wasm-only builds.
//! - Test files, and serving calls that appear only in test files.
//! - A second file declaring `main` in the same directory (one per build tag): the directory is reported
//!   once, on the first.
//! - The serving call names a package that is shadowed or not imported (resolved through imports).
//!
//! ## References
//! Go 1.21 release notes (PGO generally available, `-pgo=auto`); the "Profile-guided optimization" guide
//! on go.dev; `go help build` (`-pgo`).

use crate::read::version::GoVersion;
use crate::rules::fix::{Fix, ModuleEdit, TextRange};
use crate::rules::transform::{Ctx, Match, Meta, Transform};

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R9",
        name: "pgo-profile-missing",
        summary: "a main package that serves has no default.pgo, so PGO (on by default since Go 1.21) does nothing",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &["func main("],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("pgo_profile_missing.rs"),
    query: QUERY,
    run,
    precheck: |bytes, module| {
        module.go >= GoVersion(21) && memchr::memmem::find(bytes, b"package main").is_some()
    },
    other_files: None,
};

const QUERY: &str = "(package_clause) @match";

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let clause = m.node("match")?;
    let pkg = cx.pkg;
    let file = cx.file();
    if !pkg.is_main() || file.is_test || pkg.module.go < GoVersion(21) {
        return None;
    }
    // `context::serves` (asked last) finds a serving call only in a non-test file spelling `Serve` or
    // `Listen`: a package with none is not reported, and its files need not be parsed to say so.
    let spells_serving = |f: &crate::semantic::package::PkgFile| {
        let b = f.text.as_bytes();
        memchr::memmem::find(b, b"Serve").is_some() || memchr::memmem::find(b, b"Listen").is_some()
    };
    if !pkg.files.iter().any(|f| !f.is_test && spells_serving(f)) {
        return None;
    }
    // One finding per directory: with `main` declared once per build tag (main_linux.go, main_windows.go)
    // it goes on the first of those files (only files spelling `main` are parsed to find them).
    let mains: Vec<usize> = (0..pkg.files.len())
        .filter(|&i| {
            let f = &pkg.files[i];
            !f.is_test
                && crate::read::syntax::contains_word(&f.text, "main")
                && f.declares_main()
                && crate::semantic::context::file_role(pkg, f).is_none()
        })
        .collect();
    if mains.first() != Some(&cx.file_idx) {
        return None;
    }
    // Samples, benchmarks, fixtures, test servers and dev tools are not what production traffic runs.
    if crate::semantic::context::package_role(pkg).is_some() || pkg.dir.join("default.pgo").exists()
    {
        return None;
    }
    let how = crate::semantic::context::serves(pkg)?;
    let dir = crate::read::walk::display_path(&pkg.dir);
    let pgo = if dir.is_empty() || dir == "." {
        "default.pgo".to_string()
    } else {
        format!("{dir}/default.pgo")
    };
    let capture = format!(
        "capture a CPU profile under production load and save it as {pgo} (`curl -o {pgo} 'http://HOST/debug/pprof/profile?seconds=30'` with net/http/pprof mounted, or `go test -cpuprofile {pgo}` on a representative benchmark)"
    );
    let profile = cx.options.profile.clone();
    let import_path = pkg.module.import_path(&pkg.dir);
    let sampled = profile
        .as_deref()
        .filter(|p| p.samples_main_package(&pkg.dir, import_path.as_deref()));
    let range = TextRange::of(clause);
    match sampled {
        None => {
            cx.report(
                range,
                format!(
                    "this service ({how}) has no default.pgo, so the profile-guided optimisation Go 1.21+ applies by default does nothing (typically a few percent of CPU left unused); {capture}"
                ),
            );
        }
        Some(p) => {
            let target = pkg.dir.join("default.pgo");
            let fix = Fix::safe(format!("copy {} to {pgo}", p.path.display())).module_edit(
                ModuleEdit::CreateFile {
                    path: target,
                    bytes: std::sync::Arc::new(p.bytes.clone()),
                },
            );
            cx.report(
                range,
                format!(
                    "this service ({how}) has no default.pgo, so the profile-guided optimisation Go 1.21+ applies by default does nothing; the fix saves {} there: PGO helps only as much as that profile represents production load (not a benchmark or an idle instance), so check where it came from",
                    p.path.display()
                ),
            )
            .fix = Some(fix);
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::TRANSFORM;
    use crate::testing::*;

    const SERVER: &str = "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(\":80\", nil)\n}\n";

    #[test]
    fn fires_on_servers_from_go_1_21() {
        let m = check_detect_only_go(&TRANSFORM, "1.21", SERVER);
        assert!(m[0].contains("http.ListenAndServe") && m[0].contains("default.pgo"));
        assert!(findings(&TRANSFORM, "1.20", SERVER).is_empty());
    }

    #[test]
    fn clis_and_shadowed_packages_are_not_servers() {
        let cli = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n";
        assert!(findings(&TRANSFORM, "1.22", cli).is_empty());
        let shadow = "package main\n\ntype srv struct{}\n\nfunc (srv) ListenAndServe() error { return nil }\n\nfunc main() {\n\tvar http srv\n\thttp.ListenAndServe()\n}\n";
        assert!(findings(&TRANSFORM, "1.22", shadow).is_empty());
        let generator = format!("//go:build ignore\n\n{SERVER}");
        assert!(findings(&TRANSFORM, "1.22", &generator).is_empty());
    }
}
