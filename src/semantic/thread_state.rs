//! Does code depend on running on one OS thread? The byte-level markers of per-thread state (go-semantics
//! §6.2): raw and per-thread system calls, thread-affine native libraries, the comments authors write when
//! the thread matters; and whether a package of the same module that a call goes to uses cgo, assembly
//! or per-thread system calls (R6.2: a callee there may need the locked thread). Read without parsing.

use crate::read::gomod::Module;

/// Raw and per-thread system calls (and the Linux state that lives per thread): code that spells one of
/// these may need to stay on its thread.
const SYSCALL_MARKERS: &[&str] = &[
    "Syscall",
    "Setns",
    "Unshare",
    "Prctl",
    "PR_SET",
    "SchedSetaffinity",
    "SchedGetaffinity",
    "Setpriority",
    "Ptrace",
    "PTRACE",
    "Capset",
    "Setresuid",
    "Setresgid",
    "Setreuid",
    "Setregid",
    "Setfsuid",
    "Setfsgid",
    "Setgroups",
    "Setuid",
    "Setgid",
    "SYS_",
    "Gettid",
    "Tgkill",
    "Sigprocmask",
    "SigprocMask",
    "PthreadSigmask",
    "Seccomp",
    "seccomp",
    "Landlock",
    "landlock",
    "CLONE_",
    "thread-self",
    "/proc/self/task",
    "SysProcAttr",
    "Pdeathsig",
    "netns",
    "vishvananda",
    "//go:linkname",
    "Ioprio",
    "Keyctl",
    "KEYCTL",
    "SchedSet",
    "netlink",
    "pkg/ns",
    "//go:nosplit",
];

/// Thread-affine native state (graphics, GUI, COM, impersonation, DLLs) and what authors write in comments
/// when the thread matters.
const AFFINITY_MARKERS: &[&str] = &[
    "Thread",
    "opengl",
    "OpenGL",
    "/gl/",
    "go-gl",
    "glfw",
    "GLFW",
    "EGL",
    "SDL",
    "go-sdl2",
    "cocoa",
    "Cocoa",
    "darwinkit",
    "mainthread",
    "MainThread",
    "CoInitialize",
    "go-ole",
    "OleInitialize",
    "Impersonate",
    "RevertToSelf",
    "LoadDLL",
    "LoadLibrary",
    "NewLazyDLL",
    "NewLazySystemDLL",
    "MustLoadDLL",
    "NewProc",
    "purego",
    "dlopen",
    "Dlopen",
    "GetMessage",
    "PeekMessage",
    "lxn/",
    "fyne.io",
    "gioui.org",
    "gotk3",
    "gtk",
    "therecipe/qt",
    "webview",
    "ebiten",
    "raylib",
    "vulkan",
    "Vulkan",
    "wails",
    "systray",
    "xgb",
    "X11",
    "wayland",
    // What authors write in comments when the thread matters.
    "thread-local",
    "thread local",
    "per-thread",
    "per thread",
    "main thread",
    "same thread",
    "same OS thread",
    "same os thread",
    "very same",
    "namespace",
];

/// Words that, earlier in the same `//` comment, turn a marker into a denial: "no cgo, no thread-local
/// state" says the thread does not matter, and is no reason for the lock (owner's decision on R6.2).
const DENIALS: &[&str] = &[
    "no ", "not ", "nor ", "never ", "without ", "n't ", "pure go", "plain go",
];

/// Is the marker at `at` inside a `//` comment whose text before it denies thread state?
fn denied_in_comment(bytes: &[u8], at: usize) -> bool {
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = &bytes[line_start..at];
    let Some(slashes) = memchr::memmem::rfind(line, b"//") else {
        return false;
    };
    let before = String::from_utf8_lossy(&line[slashes + 2..]).to_lowercase();
    DENIALS.iter().any(|d| before.contains(d))
}

/// Does `bytes` spell any per-thread marker (the names LockOSThread and UnlockOSThread excepted, and
/// markers a comment denies)?
pub fn mentions_thread_state(bytes: &[u8]) -> bool {
    spells_any(bytes, SYSCALL_MARKERS) || spells_any(bytes, AFFINITY_MARKERS)
}

/// Does `bytes` spell a raw or per-thread system call (a comment denying it aside)?
pub fn mentions_per_thread_syscall(bytes: &[u8]) -> bool {
    spells_any(bytes, SYSCALL_MARKERS)
}

fn spells_any(bytes: &[u8], markers: &[&str]) -> bool {
    markers.iter().any(|w| {
        memchr::memmem::find_iter(bytes, w.as_bytes()).any(|at| {
            if denied_in_comment(bytes, at) {
                return false;
            }
            // `LockOSThread` / `UnlockOSThread` contain "Thread"; they are what we look at, not a marker.
            // Neither is "Thread-safe" in a comment.
            let after = &bytes[at + w.len()..];
            !(*w == "Thread"
                && (bytes[..at].ends_with(b"LockOS")
                    || bytes[..at].ends_with(b"lockOS")
                    || [&b"-safe"[..], b" safe", b"safe", b"Safe", b"-Safe"]
                        .iter()
                        .any(|x| after.starts_with(x))))
        })
    })
}

/// Does the package at `import_path`, when it belongs to `module`, reach below Go on its thread: a
/// non-test `.go` file importing "C" or spelling a per-thread system call, or assembly, C sources or
/// prebuilt objects in its directory? `false` for packages outside the module (not on disk here).
pub fn module_package_needs_thread(module: &Module, import_path: &str) -> bool {
    let Some(rest) = import_path
        .strip_prefix(module.path.as_str())
        .and_then(|r| r.strip_prefix('/'))
    else {
        return false;
    };
    let dir = module.facts().package_dir(rest);
    dir.go_files.iter().any(|(_, text)| {
        crate::semantic::prefilter::imports(text, "C") || mentions_per_thread_syscall(text)
    }) || dir.other_files.iter().any(|n| {
        [".s", ".S", ".c", ".syso"]
            .iter()
            .any(|suffix| n.ends_with(suffix))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_denials() {
        assert!(mentions_thread_state(b"unix.Setns(fd, unix.CLONE_NEWNET)"));
        assert!(mentions_thread_state(b"windows.GetCurrentThread()"));
        assert!(!mentions_thread_state(
            b"runtime.LockOSThread()\nruntime.UnlockOSThread()"
        ));
        assert!(!mentions_thread_state(
            b"// pure Go, no thread-local state\n"
        ));
        assert!(mentions_per_thread_syscall(
            b"syscall.Unshare(syscall.CLONE_NEWNS)"
        ));
        assert!(!mentions_per_thread_syscall(
            b"// the k8s namespace of the pod\n"
        ));
    }

    fn module_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Module) {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        let m = Module::parse(dir.path(), "module example.com/m\n\ngo 1.22\n");
        (dir, m)
    }

    #[test]
    fn module_packages_that_need_their_thread() {
        let (_d, m) = module_with(&[
            ("native/n.go", "package native\n\nimport \"C\"\n"),
            (
                "jail/j_linux.go",
                "package jail\n\nimport \"syscall\"\n\nfunc Enter() error { return syscall.Unshare(syscall.CLONE_NEWNS) }\n",
            ),
            ("fast/f.go", "package fast\n\nfunc Sum(xs []int) int\n"),
            ("fast/f_amd64.s", "TEXT ·Sum(SB),0,$0\n"),
            (
                "plain/p.go",
                "package plain\n\n// Namespace is the tenant's namespace.\ntype Namespace string\n",
            ),
            ("testonly/t_test.go", "package testonly\n\nimport \"C\"\n"),
        ]);
        for p in ["native", "jail", "fast"] {
            assert!(
                module_package_needs_thread(&m, &format!("example.com/m/{p}")),
                "{p}"
            );
        }
        for p in [
            "example.com/m/plain",
            "example.com/m/testonly",
            "example.com/m/missing",
            "example.com/other/native",
        ] {
            assert!(!module_package_needs_thread(&m, p), "{p}");
        }
    }
}
