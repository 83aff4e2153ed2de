//! README's first command runs on golden/demo: every registered transform must find something there, and
//! the fixed service must still build and vet with the real toolchain.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_gofix-rt");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn demo_exercises_every_transform_and_still_builds() {
    let demo: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/demo");
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&demo, tmp.path());
    let report = Command::new(BIN)
        .current_dir(tmp.path())
        .args(["--preview", "."])
        .output()
        .unwrap();
    let report = String::from_utf8(report.stdout).unwrap();
    for t in gofix_rt::registry::all() {
        let tag = format!(": {} ", t.meta.code);
        assert!(
            report.contains(&tag),
            "the demo has no {} finding:\n{report}",
            t.meta.code
        );
    }
    let out = Command::new(BIN)
        .current_dir(tmp.path())
        .args(["--write", "--unsafe-fixes", "--preview", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("error:"), "{stderr}");
    let again = Command::new(BIN)
        .current_dir(tmp.path())
        .args(["--dry-run", "--unsafe-fixes", "--preview", "."])
        .output()
        .unwrap();
    assert!(
        again.stdout.is_empty(),
        "second run is not a no-op:\n{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let go_ok = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !go_ok {
        assert!(
            std::env::var("GOFIXRT_REQUIRE_GO").is_err(),
            "GOFIXRT_REQUIRE_GO=1 but go is missing"
        );
        return;
    }
    for args in [&["vet", "./..."][..], &["build", "./..."][..]] {
        let out = Command::new("go")
            .current_dir(tmp.path())
            .args(args)
            .env("GOFLAGS", "-mod=mod")
            .env("GOTOOLCHAIN", "local")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "go {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
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
