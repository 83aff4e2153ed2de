//! `gofix-rt server` driven by a scripted JSON-RPC client over the real binary's stdio: initialize, open,
//! diagnostics, code actions whose edits equal what `--write` does, hover, change, close, shutdown and
//! exit. Then the same server under headless Neovim's built-in client, when `nvim` is installed.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_gofix-rt");
const TIMEOUT: Duration = Duration::from_secs(60);

/// A job runner: a spinning consumer (R6.1, safe), a lone yield (R3a, safe; its removal leaves `runtime`
/// unused, so the engine drops the import).
const JOBS: &str = r#"package jobs

import (
	"log"
	"runtime"
)

// Drain runs queued tasks until done is closed.
func Drain(queue chan func(), done <-chan struct{}) {
	for {
		select {
		case task := <-queue:
			task()
		case <-done:
			return
		default:
		}
	}
}

// Launch starts n copies of loop and logs once they are scheduled.
func Launch(n int, loop func()) {
	for i := 0; i < n; i++ {
		go loop()
	}
	runtime.Gosched()
	log.Printf("launched %d", n)
}
"#;

/// A forced collection per segment outside any request path: R3b's fix needs review (Unsafe).
const COMPACT: &str = r#"package jobs

import "runtime"

// Compact rewrites each segment and returns the memory it held.
func Compact(segments []string, rewrite func(string)) {
	for _, s := range segments {
		rewrite(s)
		runtime.GC()
	}
}
"#;

fn module(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/jobs\n\ngo 1.22\n",
    )
    .unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    dir
}

fn uri(p: &Path) -> String {
    // Temporary directories have plain names; the server's own escaping is unit-tested.
    format!("file://{}", p.display())
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications seen while waiting for something else.
    notes: Vec<Value>,
}

impl Client {
    fn start(cwd: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(BIN)
            .arg("server")
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("Content-Length header")];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            notes: vec![],
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self, deadline: Instant) -> Value {
        match self
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its stdout"),
        }
    }

    /// Sends a request and returns its response (the whole message), keeping notifications for later.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv(deadline);
            if msg["id"] == json!(id) && msg.get("method").is_none() {
                return msg;
            }
            self.notes.push(msg);
        }
    }

    /// The first `textDocument/publishDiagnostics` for `uri` (seen already or still to come).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        self.diagnostics_of(uri, None)
    }

    /// The first `textDocument/publishDiagnostics` for `uri` at document `version` (`Value::Null`: after
    /// the document closed), skipping older ones (a sibling's edit republishes a file).
    fn diagnostics_of(&mut self, uri: &str, version: Option<Value>) -> Vec<Value> {
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version
                    .as_ref()
                    .is_none_or(|v| m["params"].get("version").unwrap_or(&Value::Null) == v)
        };
        if let Some(i) = self.notes.iter().position(is_it) {
            let m = self.notes.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv(deadline);
            if is_it(&msg) {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.notes.push(msg);
        }
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let resp = self.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        resp
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "go", "version": 1, "text": text}}),
        );
    }

    fn code_actions(&mut self, path: &Path, range: Value, only: Option<&str>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(k) = only {
            context["only"] = json!([k]);
        }
        let resp = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(path)}, "range": range, "context": context}),
        );
        resp["result"].as_array().cloned().unwrap_or_default()
    }

    fn shutdown(mut self) {
        let resp = self.request("shutdown", Value::Null);
        assert_eq!(resp["result"], Value::Null, "{resp}");
        assert!(resp.get("error").is_none(), "{resp}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "server exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Applies a WorkspaceEdit's edits for `uri` to `text` (its `changes` form, as the server sends it when it
/// creates no file), back to front as a client does.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let edits = edit["changes"][uri]
        .as_array()
        .unwrap_or_else(|| panic!("no edits for {uri} in {edit}"));
    let offset = |pos: &Value| -> usize {
        let (line, ch) = (
            pos["line"].as_u64().unwrap(),
            pos["character"].as_u64().unwrap(),
        );
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize)
            .map(str::len)
            .sum();
        let line_text = &text[start..];
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= ch as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlapping edits in {edit}");
    }
    let mut out = text.to_string();
    for (s, e, t) in spans.into_iter().rev() {
        out.replace_range(s..e, &t);
    }
    out
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn range_of(diags: &[Value], code: &str) -> Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} diagnostic in {diags:?}"))["range"]
        .clone()
}

/// What `gofix-rt --write` makes of `name` in a copy of `files`.
fn written(files: &[(&str, &str)], name: &str, args: &[&str]) -> String {
    let dir = module(files);
    let out = Command::new(BIN)
        .args(["--write", "--quiet"])
        .args(args)
        .arg(".")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 1, "{out:?}");
    std::fs::read_to_string(dir.path().join(name)).unwrap()
}

#[test]
fn scripted_session() {
    let files = [("jobs.go", JOBS), ("compact.go", COMPACT)];
    let dir = module(&files);
    let root = dir.path().canonicalize().unwrap();
    let jobs = root.join("jobs.go");
    let compact = root.join("compact.go");
    let mut c = Client::start(&root, &[]);
    let init = c.initialize(&root);
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["hoverProvider"], true, "{init}");
    assert_eq!(caps["positionEncoding"], "utf-16", "{init}");
    assert!(
        caps["codeActionProvider"]["codeActionKinds"]
            .as_array()
            .unwrap()
            .contains(&json!("source.fixAll.gofix-rt")),
        "{init}"
    );

    c.open(&jobs, JOBS);
    let diags = c.diagnostics(&uri(&jobs));
    assert_eq!(codes(&diags), ["R6.1", "R3a"], "{diags:?}");
    // Lines and columns are 0-based: `default:` on line 16, `runtime.Gosched()` on line 26 of the file.
    assert_eq!(
        range_of(&diags, "R6.1"),
        json!({"start": {"line": 15, "character": 2}, "end": {"line": 15, "character": 10}})
    );
    assert_eq!(
        range_of(&diags, "R3a"),
        json!({"start": {"line": 25, "character": 1}, "end": {"line": 25, "character": 18}})
    );
    for d in &diags {
        assert_eq!(d["source"], "gofix-rt");
        assert_eq!(d["severity"], 2, "a warning: {d}");
    }

    // The source action equals --write on the same file, imports included.
    let all = c.code_actions(
        &jobs,
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
        Some("source.fixAll"),
    );
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["kind"], "source.fixAll.gofix-rt");
    assert_eq!(all[0]["title"], "Apply all safe gofix-rt fixes");
    let fixed = apply(JOBS, &all[0]["edit"], &uri(&jobs));
    assert_eq!(fixed, written(&files, "jobs.go", &[]));
    assert!(!fixed.contains("\"runtime\""), "{fixed}");

    // A quick fix at one finding fixes that finding only.
    let quick = c.code_actions(&jobs, range_of(&diags, "R3a"), None);
    let titles: Vec<&str> = quick.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(quick[0]["kind"], "quickfix", "{quick:?}");
    assert!(titles[0].starts_with("R3a: "), "{titles:?}");
    assert!(!titles[0].contains("(unsafe)"), "{titles:?}");
    assert_eq!(quick[0]["isPreferred"], true);
    assert_eq!(quick[0]["diagnostics"][0]["code"], "R3a");
    // No filter: the source action is offered too.
    assert_eq!(titles.len(), 2, "{titles:?}");
    let one = apply(JOBS, &quick[0]["edit"], &uri(&jobs));
    assert!(
        !one.contains("Gosched") && !one.contains("\"runtime\""),
        "{one}"
    );
    assert!(one.contains("\t\tdefault:\n"), "R6.1 stays: {one}");

    // An Unsafe fix is offered, and says so.
    c.open(&compact, COMPACT);
    let diags = c.diagnostics(&uri(&compact));
    assert_eq!(codes(&diags), ["R3b"]);
    assert!(diags[0]["message"].as_str().unwrap().ends_with(" [~]"));
    let quick = c.code_actions(&compact, range_of(&diags, "R3b"), Some("quickfix"));
    assert_eq!(quick.len(), 1, "{quick:?}");
    assert!(
        quick[0]["title"].as_str().unwrap().ends_with(" (unsafe)"),
        "{quick:?}"
    );
    assert_eq!(quick[0]["isPreferred"], false);
    assert_eq!(
        apply(COMPACT, &quick[0]["edit"], &uri(&compact)),
        written(
            &[("compact.go", COMPACT)],
            "compact.go",
            &["--unsafe-fixes"]
        )
    );
    // Only safe fixes in the source action: none here, so none offered.
    assert!(
        c.code_actions(
            &compact,
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
            Some("source")
        )
        .is_empty()
    );

    // Hover on a finding: the rule's explanation.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&jobs)}, "position": {"line": 25, "character": 5}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**R3a** "), "{text}");
    assert!(text.contains("## What it does"), "{text}");
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    let nothing = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&jobs)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(nothing["result"], Value::Null, "{nothing}");

    // An edit that removes the yield: the next diagnostics follow the buffer, not the disk.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&jobs), "version": 2},
               "contentChanges": [{"text": one}]}),
    );
    let diags = c.diagnostics_of(&uri(&jobs), Some(json!(2)));
    assert_eq!(codes(&diags), ["R6.1"], "{diags:?}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&jobs)}}),
    );
    assert!(c.diagnostics_of(&uri(&jobs), Some(Value::Null)).is_empty());
    // Unknown requests are answered with an error, and the server goes on.
    let unknown = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&jobs)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    // Nothing was written to disk.
    assert_eq!(std::fs::read_to_string(&jobs).unwrap(), JOBS);
    c.shutdown();
}

/// Reads the process's memory through the runtime (R1), in a package whose unsaved sibling buffer declares
/// `metrics`: the fix must import runtime/metrics under another name, as it would if the file were saved.
const STATS: &str = r#"package stats

import (
	"fmt"
	"runtime"
)

// Heap reports the bytes of live heap objects.
func Heap() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fmt.Sprint(m.HeapAlloc)
}
"#;

#[test]
fn unsaved_buffers_are_package_facts() {
    let dir = module(&[("stats.go", STATS)]);
    let root = dir.path().canonicalize().unwrap();
    let stats = root.join("stats.go");
    let sibling = root.join("names.go");
    let mut c = Client::start(&root, &[]);
    c.initialize(&root);
    c.open(&stats, STATS);
    let diags = c.diagnostics(&uri(&stats));
    assert_eq!(codes(&diags), ["R1"], "{diags:?}");
    let range = range_of(&diags, "R1");
    let plain = c.code_actions(&stats, range.clone(), Some("quickfix"));
    let plain = apply(STATS, &plain[0]["edit"], &uri(&stats));
    assert!(plain.contains("\t\"runtime/metrics\"\n"), "{plain}");
    // A buffer never saved: on disk the directory has stats.go only.
    let names = "package stats\n\nvar metrics = map[string]int{}\n";
    c.open(&sibling, names);
    let _ = c.diagnostics(&uri(&sibling));
    let aliased = c.code_actions(&stats, range, Some("quickfix"));
    let aliased = apply(STATS, &aliased[0]["edit"], &uri(&stats));
    assert!(
        aliased.contains("rtmetrics \"runtime/metrics\""),
        "{aliased}"
    );
    assert_eq!(
        aliased,
        written(&[("stats.go", STATS), ("names.go", names)], "stats.go", &[])
    );
    c.shutdown();
}

#[test]
fn crlf_buffers_and_utf16_columns() {
    // CRLF lines and a name outside the BMP in the finding: columns count UTF-16 units, and the fix's
    // edits keep the buffer's line endings, as --write keeps the file's.
    let src = STATS
        .replace("m.", "𝑚é.")
        .replace("var m ", "var 𝑚é ")
        .replace("(&m)", "(&𝑚é)")
        .replace('\n', "\r\n");
    let files = [("stats.go", src.as_str())];
    let dir = module(&files);
    let root = dir.path().canonicalize().unwrap();
    let stats = root.join("stats.go");
    let mut c = Client::start(&root, &[]);
    c.initialize(&root);
    c.open(&stats, &src);
    let diags = c.diagnostics(&uri(&stats));
    let end = "\truntime.ReadMemStats(&𝑚é)".encode_utf16().count();
    assert_eq!(
        range_of(&diags, "R1"),
        json!({"start": {"line": 10, "character": 1}, "end": {"line": 10, "character": end}})
    );
    let all = c.code_actions(
        &stats,
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
        Some("source.fixAll.gofix-rt"),
    );
    let fixed = apply(&src, &all[0]["edit"], &uri(&stats));
    assert_eq!(fixed, written(&files, "stats.go", &[]));
    assert!(fixed.contains("\"runtime/metrics\"\r\n"), "{fixed}");
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed}");
    c.shutdown();
}

#[test]
fn hostile_input_gets_answers_not_a_crash() {
    let dir = module(&[]);
    let root = dir.path().canonicalize().unwrap();
    let broken = root.join("broken.go");
    let mut c = Client::start(&root, &[]);
    c.initialize(&root);
    // Not Go, not a file, never opened, bad params, positions far past the end.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "go", "version": 1, "text": "package m"}}),
    );
    c.open(&root.join("notes.txt"), "runtime.Gosched()");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&root.join("never.go")), "version": 3}, "contentChanges": [{"text": "x"}]}),
    );
    let bad = c.request("textDocument/codeAction", json!({"textDocument": 7}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    // A buffer that does not parse, with a NUL byte in it: no diagnostics, and the server goes on.
    c.open(&broken, "package m\n\nfunc f() {\n\truntime.Gosched(\x00\n");
    assert!(c.diagnostics(&uri(&broken)).is_empty());
    let far = json!({"line": 9999, "character": 9999});
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&broken)}, "position": far}),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");
    let actions = c.code_actions(&broken, json!({"start": far, "end": far}), None);
    assert!(actions.is_empty(), "{actions:?}");
    let unopened = c.code_actions(
        &root.join("never.go"),
        json!({"start": far, "end": far}),
        None,
    );
    assert!(unopened.is_empty());
    c.shutdown();
}

#[test]
fn server_flags_are_the_cli_flags() {
    // A bad flag is the CLI's one-line error and exit code 2, before any protocol.
    let out = Command::new(BIN)
        .args(["server", "--select", "R99"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown transform `R99`"),
        "{out:?}"
    );
    // --ignore reaches the diagnostics.
    let dir = module(&[("jobs.go", JOBS)]);
    let root = dir.path().canonicalize().unwrap();
    let jobs = root.join("jobs.go");
    let mut c = Client::start(&root, &["--ignore", "R6.1"]);
    c.initialize(&root);
    c.open(&jobs, JOBS);
    assert_eq!(codes(&c.diagnostics(&uri(&jobs))), ["R3a"]);
    c.shutdown();
}

#[test]
fn config_file_above_the_file_applies() {
    // The nearest gofix-rt.toml above the opened file decides, as it does for a CLI run there.
    let dir = module(&[
        ("gofix-rt.toml", "ignore = [\"R6.1\"]\n"),
        ("jobs.go", JOBS),
    ]);
    let root = dir.path().canonicalize().unwrap();
    let jobs = root.join("jobs.go");
    let mut c = Client::start(&root, &[]);
    c.initialize(&root);
    c.open(&jobs, JOBS);
    assert_eq!(codes(&c.diagnostics(&uri(&jobs))), ["R3a"]);
    c.shutdown();
}

/// Headless Neovim with its built-in client: start the server, open a Go file, wait for diagnostics, print
/// them, then apply the fix-all source action in the buffer. Skipped (with a message) where `nvim` is absent
/// or older than 0.7 (the script uses `vim.lsp.start` where it exists, `vim.lsp.start_client` before).
#[test]
fn neovim_end_to_end() {
    let Some(nvim) = nvim() else {
        eprintln!(
            "skipped: nvim (0.7 or later) not found; `apt-get install neovim` to run this test"
        );
        return;
    };
    let files = [("jobs.go", JOBS)];
    let dir = module(&files);
    let root = dir.path().canonicalize().unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/nvim-diagnostics.lua");
    let mut cmd = Command::new(nvim);
    cmd.args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("GOFIXRT_BIN", BIN)
        .env("GOFIXRT_FILE", root.join("jobs.go"))
        .current_dir(&root)
        .stdin(Stdio::null());
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(out.status.success(), "nvim failed: {report}");
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| {
            l.starts_with("diagnostic ") || l.starts_with("action ") || l.starts_with("error ")
        })
        .collect();
    assert_eq!(
        lines,
        [
            "diagnostic 16:3 R6.1 gofix-rt",
            "diagnostic 26:2 R3a gofix-rt",
            "action Apply all safe gofix-rt fixes",
        ],
        "{report}"
    );
    let buffer = stdout
        .split_once("buffer-begin\n")
        .and_then(|(_, rest)| rest.split_once("buffer-end"))
        .map(|(b, _)| b)
        .unwrap_or_else(|| panic!("no buffer printed: {report}"));
    assert_eq!(buffer, written(&files, "jobs.go", &[]), "{report}");
}

/// `nvim` when it is 0.7 or later.
fn nvim() -> Option<&'static str> {
    let out = Command::new("nvim").arg("--version").output().ok()?;
    let v = String::from_utf8_lossy(&out.stdout);
    // "NVIM v0.7.2"
    let ver = v.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = ver.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next()?, parts.next()?);
    (major > 0 || minor >= 7).then_some("nvim")
}
