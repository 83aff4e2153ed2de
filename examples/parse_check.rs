//! The grammar's corpus check for trees outside this repository (corpus/run.sh runs it on each module of
//! corpus/modules.txt): every `.go` file below the given directories, testdata included, must parse
//! with no ERROR or MISSING node, unless `gofmt -e` rejects it too. Prints one line per failure and a
//! count; exits 1 on a failure.
//!
//!   cargo run --release --example parse_check -- DIR...

use std::path::{Path, PathBuf};
use std::process::Command;

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(t) = e.file_type() else { continue };
        let path = e.path();
        if t.is_dir() {
            go_files(&path, out);
        } else if t.is_file() && path.extension().is_some_and(|x| x == "go") {
            out.push(path);
        }
    }
}

fn gofmt_accepts(path: &Path) -> bool {
    Command::new("gofmt")
        .args(["-e", "-l"])
        .arg(path)
        .output()
        .is_ok_and(|o| o.status.success() && o.stderr.is_empty())
}

fn main() {
    let mut files = vec![];
    for dir in std::env::args().skip(1) {
        go_files(Path::new(&dir), &mut files);
    }
    files.sort();
    let (mut broken, mut rejected) = (0, 0);
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let tree = gofix_rt::read::syntax::parse(text.trim_start_matches('\u{feff}'));
        let Some(err) = gofix_rt::read::syntax::first_error(&tree) else {
            continue;
        };
        if !gofmt_accepts(f) {
            rejected += 1;
            continue;
        }
        broken += 1;
        let p = err.start_position();
        println!(
            "{}:{}:{}: gofmt accepts it, we do not parse it ({})",
            f.display(),
            p.row + 1,
            p.column + 1,
            gofix_rt::read::syntax::describe_error(err, &text)
        );
    }
    println!(
        "parse_check: {} files, {broken} gofmt accepts but we cannot parse, {rejected} gofmt rejects too",
        files.len()
    );
    std::process::exit(i32::from(broken > 0));
}
