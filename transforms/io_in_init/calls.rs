//! What an `init` calls: the I/O it does (§4.5.8) and the registration, flag and process state it
//! touches (which keep it at import time).

use super::*;

/// Calls that do real I/O (go-semantics §4.5.8), by import path.
pub(super) const IO_CALLS: &[(&str, &[&str])] = &[
    (
        "os",
        &[
            "Open",
            "OpenFile",
            "OpenRoot",
            "ReadFile",
            "ReadDir",
            "Stat",
            "Lstat",
            "Create",
            "CreateTemp",
            "MkdirTemp",
            "Hostname",
        ],
    ),
    ("io/ioutil", &["ReadFile", "ReadDir", "TempFile", "TempDir"]),
    (
        "net",
        &[
            "Dial",
            "DialTimeout",
            "DialTCP",
            "DialUDP",
            "DialUnix",
            "DialIP",
            "LookupHost",
            "LookupIP",
            "LookupAddr",
            "LookupCNAME",
            "LookupMX",
            "LookupTXT",
            "LookupSRV",
            "LookupNS",
        ],
    ),
    ("net/http", &["Get", "Head", "Post", "PostForm"]),
    (
        "os/user",
        &[
            "Current",
            "Lookup",
            "LookupId",
            "LookupGroup",
            "LookupGroupId",
        ],
    ),
    ("crypto/tls", &["LoadX509KeyPair", "Dial", "DialWithDialer"]),
    ("crypto/x509", &["SystemCertPool"]),
    ("path/filepath", &["Glob", "Walk", "WalkDir"]),
    ("text/template", &["ParseFiles", "ParseGlob"]),
    ("html/template", &["ParseFiles", "ParseGlob"]),
];

/// Packages whose values are set by command-line parsing (go-semantics §4.5.5, §4.7).
pub(super) const FLAG_PACKAGES: &[&str] = &[
    "flag",
    "github.com/spf13/pflag",
    "github.com/spf13/cobra",
    "github.com/spf13/viper",
    "gopkg.in/alecthomas/kingpin.v2",
    "github.com/alecthomas/kingpin/v2",
    "github.com/urfave/cli",
    "github.com/urfave/cli/v2",
];

/// Packages that reach inherited descriptors or process state (the owner's R4 decision).
pub(super) const PROCESS_PACKAGES: &[&str] = &[
    "syscall",
    "plugin",
    "golang.org/x/sys/unix",
    "golang.org/x/sys/windows",
    "github.com/coreos/go-systemd/activation",
    "github.com/coreos/go-systemd/v22/activation",
];

/// Calls on process state: environment, working directory, inherited descriptors.
pub(super) const PROCESS_CALLS: &[(&str, &[&str])] = &[
    (
        "os",
        &[
            "Setenv", "Unsetenv", "Clearenv", "Chdir", "NewFile", "Setuid", "Setgid", "Chroot",
        ],
    ),
    ("net", &["FileListener", "FileConn", "FilePacketConn"]),
];

/// Does `node` contain a call to a known I/O API (§4.5.8)?
pub(super) fn calls_io(file: &PkgFile, node: Node<'_>) -> bool {
    let mut found = false;
    syntax::walk(node, &mut |n| {
        if found || n.kind() != "call_expression" {
            return;
        }
        found = IO_CALLS
            .iter()
            .any(|(path, fs)| fs.iter().any(|f| file.is_pkg_call(n, path, f)))
            || io_method_chain(file, n)
            || dials(file, n);
    });
    found
}

/// Could `node` of `file` reach I/O, told without the package index: `calls_io` holds in it, or a file of
/// the package may declare a function it calls (`package::may_declare`) and could hold an I/O call
/// (`may_call_io`). Never
/// false where `calls_io` holds for `node` or one of its `semantic::direct_callees`, so asking it first
/// spares parsing the whole package for the usual `init` that only builds tables or registers.
pub(super) fn may_reach_io(pkg: &Package, file: &PkgFile, node: Node<'_>) -> bool {
    if calls_io(file, node) {
        return true;
    }
    let mut names = BTreeSet::new();
    syntax::walk(node, &mut |n| {
        if n.kind() == "call_expression"
            && let Some(f) = n.child_by_field_name("function")
            && f.kind() == "identifier"
        {
            names.insert(file.node_text(f));
        }
    });
    !names.is_empty()
        && pkg.files.iter().any(|f| {
            may_call_io(&f.text)
                && names
                    .iter()
                    .any(|n| crate::semantic::package::may_declare(f.text.as_bytes(), n.as_bytes()))
        })
}

/// Could `text` hold a call `calls_io` accepts? Each of its cases needs some bytes: an import of the
/// I/O package and the function's name, or a connect-step name.
fn may_call_io(text: &str) -> bool {
    let has = |s: &str| memchr::memmem::find(text.as_bytes(), s.as_bytes()).is_some();
    let imports = |p: &str| has(&format!("\"{p}\"")) || has(&format!("`{p}`"));
    DIAL_NAMES.iter().any(|n| has(n))
        || IO_CALLS
            .iter()
            .any(|(p, fs)| fs.iter().any(|f| has(f)) && imports(p))
        || (imports("os/exec") && (has("Output") || has("Run")))
        || (imports("net/http") && has("DefaultClient"))
        || has("ParseFiles")
        || has("ParseGlob")
}

/// Names that connect to another process whatever package declares them: the clients of databases,
/// secret stores, brokers and RPC services (`grpc.Dial`, `redis.Dial`, `vault.Dial(addr)`, `db.Ping()`) spell
/// their connect step this way. Detection only: the fix stays Unsafe whatever the callee.
pub(super) const DIAL_NAMES: &[&str] = &[
    "Dial",
    "DialContext",
    "DialTimeout",
    "Connect",
    "ConnectContext",
    "Ping",
    "PingContext",
];

/// A call of a function or method named in `DIAL_NAMES`, through a selector (`pkg.Dial`, `c.Connect`).
pub(super) fn dials(file: &PkgFile, call: Node<'_>) -> bool {
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
        .and_then(|f| f.child_by_field_name("field"))
        .is_some_and(|name| DIAL_NAMES.contains(&file.node_text(name)))
}

/// `exec.Command(...).Output()`, `http.DefaultClient.Get(...)`, `template.New(..).ParseFiles(...)`.
pub(super) fn io_method_chain(file: &PkgFile, call: Node<'_>) -> bool {
    let Some(f) = call.child_by_field_name("function") else {
        return false;
    };
    if f.kind() != "selector_expression" {
        return false;
    }
    let (Some(field), Some(operand)) = (
        f.child_by_field_name("field"),
        f.child_by_field_name("operand"),
    ) else {
        return false;
    };
    let method = file.node_text(field);
    match method {
        "Output" | "CombinedOutput" | "Run" => {
            operand.kind() == "call_expression"
                && (file.is_pkg_call(operand, "os/exec", "Command")
                    || file.is_pkg_call(operand, "os/exec", "CommandContext"))
        }
        "Get" | "Head" | "Post" | "PostForm" | "Do" => {
            operand.kind() == "selector_expression"
                && operand
                    .child_by_field_name("field")
                    .is_some_and(|n| file.node_text(n) == "DefaultClient")
                && operand
                    .child_by_field_name("operand")
                    .is_some_and(|o| file.names_package(o, "net/http"))
        }
        "ParseFiles" | "ParseGlob" => {
            let mut root = operand;
            loop {
                root = match root.kind() {
                    "call_expression" => match root.child_by_field_name("function") {
                        Some(n) => n,
                        None => return false,
                    },
                    "selector_expression" => match root.child_by_field_name("operand") {
                        Some(n) => n,
                        None => return false,
                    },
                    _ => break,
                };
            }
            file.names_package(root, "text/template") || file.names_package(root, "html/template")
        }
        _ => false,
    }
}

/// Flags, registration and process state anywhere in `node` (§4.5.5, §4.7, owner's decision).
pub(super) fn touches_forbidden(file: &PkgFile, node: Node<'_>) -> bool {
    let mut bad = false;
    syntax::walk(node, &mut |n| {
        if bad {
            return;
        }
        match n.kind() {
            "selector_expression" => {
                if let Some(o) = n.child_by_field_name("operand")
                    && o.kind() == "identifier"
                {
                    bad = FLAG_PACKAGES
                        .iter()
                        .chain(PROCESS_PACKAGES)
                        .any(|p| file.names_package(o, p));
                }
            }
            "call_expression" => {
                bad = PROCESS_CALLS
                    .iter()
                    .any(|(p, fs)| fs.iter().any(|f| file.is_pkg_call(n, p, f)));
                let callee = n
                    .child_by_field_name("function")
                    .and_then(|f| match f.kind() {
                        "identifier" => Some(f),
                        "selector_expression" => f.child_by_field_name("field"),
                        _ => None,
                    });
                if let Some(c) = callee {
                    let name = file.node_text(c);
                    bad |= name.starts_with("Register")
                        || name.starts_with("MustRegister")
                        || matches!(
                            name,
                            "Handle" | "HandleFunc" | "Publish" | "AddExtensionType"
                        );
                }
            }
            "interpreted_string_literal" | "raw_string_literal" => {
                let t = file.node_text(n);
                bad = t.contains("LISTEN_FDS") || t.contains("LISTEN_PID");
            }
            _ => {}
        }
    });
    bad
}
