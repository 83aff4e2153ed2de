//! Hostile input that tests/cli.rs does not already cover (it has syntax errors, non-UTF-8 and NUL files
//! without a rule's trigger, CRLF and BOM, a 50 MB file, a directory named x.go, dangling links and link
//! loops, a file changed between read and write, read-only files). Here: NUL and invalid UTF-8 in files that
//! do contain a trigger, a symlinked directory leading outside the tree, and writes that really fail (EFBIG
//! under a file-size limit; ENOSPC on a full tmpfs, where the test can mount one).
//! For each: one error line naming the file, the run goes on (the good file is fixed), exit code 2, the bad
//! file byte-identical, no temporary file left behind, nothing outside the tree touched.

mod common;
use common::{BIN, GOMOD, error_lines, gofix_cmd, output};
use std::path::Path;
use std::process::Command;

/// A loop whose empty default R6.1 removes.
const SPIN: &str = "package m\n\nfunc f(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tdefault:\n\t\t}\n\t}\n}\n";
const SPIN_FIXED: &str =
    "package m\n\nfunc f(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\t}\n\t}\n}\n";

/// `tree/` (a module with `good.go` and `files`) beside `outside/keep.go`, which nothing may touch.
fn setup(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let tree = root.path().join("tree");
    std::fs::create_dir_all(root.path().join("outside")).unwrap();
    std::fs::write(root.path().join("outside/keep.go"), SPIN).unwrap();
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("go.mod"), GOMOD).unwrap();
    std::fs::write(tree.join("good.go"), SPIN.replace("func f", "func good")).unwrap();
    for (name, body) in files {
        std::fs::write(tree.join(name), body).unwrap();
    }
    root
}

/// `(stderr, exit code)` of a command.
fn run(cmd: &mut Command) -> (String, i32) {
    let (_, stderr, code) = output(cmd);
    (stderr, code)
}

fn gofix(tree: &Path, args: &[&str]) -> (String, i32) {
    run(gofix_cmd(tree).args(args))
}

/// The run went on (good.go fixed), left no temporary file, and did not touch outside/keep.go.
fn assert_contained(root: &Path, stderr: &str) {
    assert_eq!(
        std::fs::read_to_string(root.join("tree/good.go")).unwrap(),
        SPIN_FIXED.replace("func f", "func good"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("outside/keep.go")).unwrap(),
        SPIN
    );
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            assert!(!name.starts_with(".gofixrt-"), "left behind: {name}");
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn nul_bytes_and_invalid_utf8_next_to_a_trigger() {
    let nul = SPIN.replace("func f", "// a\0b\nfunc f");
    let latin1: Vec<u8> = [
        &SPIN.as_bytes()[..10],
        b"// caf\xe9\n",
        &SPIN.as_bytes()[10..],
    ]
    .concat();
    let root = setup(&[("nul.go", nul.as_bytes()), ("latin1.go", &latin1)]);
    let tree = root.path().join("tree");
    let (stderr, code) = gofix(&tree, &["--write", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        error_lines(&stderr),
        vec![
            "latin1.go: error: not valid UTF-8 (invalid byte at offset 16)",
            "nul.go: error: contains NUL bytes; not a Go source file",
        ]
    );
    assert_eq!(std::fs::read(tree.join("nul.go")).unwrap(), nul.as_bytes());
    assert_eq!(std::fs::read(tree.join("latin1.go")).unwrap(), latin1);
    assert_contained(root.path(), &stderr);
}

#[test]
fn a_symlinked_directory_outside_the_tree_is_read_but_never_written_through() {
    let root = setup(&[]);
    let tree = root.path().join("tree");
    std::os::unix::fs::symlink("../outside", tree.join("linked")).unwrap();
    // Read: the finding through the link is reported.
    let (stderr, code) = gofix(&tree, &["--select", "R6.1", "."]);
    assert_eq!(code, 1, "{stderr}");
    // Never written: the target keeps its bytes, and the refusal names the file as the walk reached it.
    let (stderr, code) = gofix(&tree, &["--write", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        error_lines(&stderr),
        vec![
            "linked/keep.go: error: reached through a symbolic link to a directory outside the tree; not writing through it"
        ]
    );
    assert_contained(root.path(), &stderr);
    // Naming the linked directory itself makes it the tree: then it is written.
    let (stderr, code) = gofix(&tree, &["--write", "linked"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(root.path().join("outside/keep.go")).unwrap(),
        SPIN_FIXED
    );
}

#[test]
fn a_write_that_fails_leaves_the_file_whole_and_no_temporary_file() {
    // A real failing write: the shell's file-size limit (1 KiB) makes writing the fixed big.go fail with
    // EFBIG, as a full disk fails with ENOSPC; SIGXFSZ is ignored so the write returns the error.
    let pad = format!("// {}\n", "x".repeat(2000));
    let big = SPIN.replace("func f", &format!("{pad}func f"));
    let root = setup(&[("big.go", big.as_bytes())]);
    let tree = root.path().join("tree");
    let script = format!("trap '' XFSZ; ulimit -f 1; exec '{BIN}' --write .");
    let (stderr, code) = run(Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&tree));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        error_lines(&stderr),
        vec!["big.go: error: cannot write: File too large"]
    );
    assert_eq!(std::fs::read_to_string(tree.join("big.go")).unwrap(), big);
    assert_contained(root.path(), &stderr);
}

/// Unmounts on drop, so a failing assertion does not leave the mount behind.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_file_whole_and_no_temporary_file() {
    // A real full disk: a 64 KiB tmpfs, filled up to two free pages, so the fixed good.go (one page) fits
    // and the fixed big.go (five pages) fails with ENOSPC. Needs root to mount; elsewhere the ulimit test
    // above covers the failing write.
    let root = setup(&[]);
    let disk = root.path().join("tree/disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&disk)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (not root?)");
        return;
    }
    let _guard = Mount(disk.clone());
    let pad = format!("// {}\n", "x".repeat(18_000));
    let big = SPIN.replace("func f", &format!("{pad}func f"));
    std::fs::write(disk.join("big.go"), &big).unwrap();
    std::fs::write(disk.join("small.go"), SPIN).unwrap();
    let filler = disk.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 4096];
    while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
    let len = f.metadata().unwrap().len();
    f.set_len(len - (len % 4096) - 8192).unwrap();
    drop(f);

    let (stderr, code) = gofix(&root.path().join("tree"), &["--write", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        error_lines(&stderr),
        vec!["disk/big.go: error: cannot write: No space left on device"]
    );
    assert_eq!(std::fs::read_to_string(disk.join("big.go")).unwrap(), big);
    assert_eq!(
        std::fs::read_to_string(disk.join("small.go")).unwrap(),
        SPIN_FIXED
    );
    assert_contained(root.path(), &stderr);
}
