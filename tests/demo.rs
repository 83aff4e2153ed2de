//! README's first command runs on golden/demo: every registered transform must find something there, and
//! the fixed service must still build and vet with the real toolchain.

mod common;
use common::{copy_dir, go, go_available, gofix};
use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn demo_exercises_every_transform_and_still_builds() {
    let demo: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/demo");
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&demo, tmp.path());
    let (report, _, _) = gofix(tmp.path(), &["--preview", "."]);
    for t in gofix_rt::catalog::registry::all() {
        let tag = format!(": {} ", t.meta.code);
        assert!(
            report.contains(&tag),
            "the demo has no {} finding:\n{report}",
            t.meta.code
        );
    }
    let (_, stderr, _) = gofix(tmp.path(), &["--write", "--unsafe-fixes", "--preview", "."]);
    assert!(!stderr.contains("error:"), "{stderr}");
    let (again, _, _) = gofix(
        tmp.path(),
        &["--dry-run", "--unsafe-fixes", "--preview", "."],
    );
    assert!(again.is_empty(), "second run is not a no-op:\n{again}");
    if !go_available() {
        return;
    }
    for args in [&["vet", "./..."][..], &["build", "./..."][..]] {
        let (ok, msg) = go(tmp.path(), args);
        assert!(ok, "go {args:?}: {msg}");
    }
    let gofmt = Command::new("gofmt")
        .arg("-l")
        .arg(".")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(
        gofmt.stdout.is_empty(),
        "gofmt -l: {}",
        String::from_utf8_lossy(&gofmt.stdout)
    );
}
