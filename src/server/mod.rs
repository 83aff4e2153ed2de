//! `gofix-rt server`: a language server on stdio. Diagnostics for open Go files (published after open,
//! change and save), a quick fix per fixable finding, a source action that applies every safe fix, and a
//! finding's `explain` text on hover.
//!
//! Synchronous (`lsp-server`, rust-analyzer's transport): one message at a time on one thread. The
//! buffers the client holds are the truth for the files it has open; the rest of each package is read
//! from disk (`engine::run_files` with an overlay), so package-wide facts see unsaved edits in sibling
//! buffers too. Diagnostics are computed when the queue is empty, so a burst of keystrokes costs one run.

pub mod convert;

use crate::rules::fix::Applicability;
use crate::run::apply::Finding;
use crate::run::engine::{self, FixTarget, RunOutcome, Sources};
use crate::run::settings::{Mode, Settings};
use convert::{Lines, kind_wanted, path_to_uri, text_edits, uri_to_path};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The source action that applies every safe fix of a file.
pub const FIX_ALL_KIND: &str = "source.fixAll.gofix-rt";
const SOURCE: &str = "gofix-rt";

/// The settings for one file: the CLI's flags today; config-file resolution (the nearest `gofix-rt.toml`
/// above the file) belongs in the function the caller passes, so the server itself never changes for it.
pub type SettingsFor<'a> = dyn Fn(&Path) -> Result<Settings, String> + 'a;

/// Serves on stdin/stdout until the client says `exit`.
pub fn run_stdio(settings_for: &SettingsFor) -> Result<(), String> {
    let (conn, io) = Connection::stdio();
    serve(&conn, settings_for)?;
    drop(conn);
    io.join().map_err(|e| format!("server i/o: {e}"))
}

/// The protocol on an established connection (stdio, or in memory for tests).
pub fn serve(conn: &Connection, settings_for: &SettingsFor) -> Result<(), String> {
    let caps = capabilities();
    let init = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "gofix-rt", "version": env!("CARGO_PKG_VERSION") },
    });
    let (id, _params) = conn.initialize_start().map_err(|e| e.to_string())?;
    conn.initialize_finish(id, init)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        conn,
        settings_for,
        docs: BTreeMap::new(),
        dirty: BTreeSet::new(),
        published: BTreeSet::new(),
    };
    loop {
        let Ok(msg) = conn.receiver.recv() else {
            return Ok(());
        };
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let resp = server.request(req);
                server.send(resp.into());
            }
            Message::Notification(n) => {
                if n.method == lsp::notification::Exit::METHOD {
                    return Ok(());
                }
                server.notification(n);
            }
            Message::Response(_) => {}
        }
        if conn.receiver.is_empty() {
            server.publish_dirty();
        }
    }
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::new(FIX_ALL_KIND),
                ]),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        ..Default::default()
    }
}

struct Doc {
    uri: lsp::Uri,
    version: i32,
    text: String,
}

struct Server<'a> {
    conn: &'a Connection,
    settings_for: &'a SettingsFor<'a>,
    /// Open Go files by path.
    docs: BTreeMap<PathBuf, Doc>,
    /// Files whose diagnostics are out of date.
    dirty: BTreeSet<PathBuf>,
    /// Files with diagnostics published (cleared when they close).
    published: BTreeSet<PathBuf>,
}

impl Server<'_> {
    fn send(&self, msg: Message) {
        // A client that went away ends the loop through the receiver; nothing to do here.
        let _ = self.conn.sender.send(msg);
    }

    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params).into());
    }

    fn log(&self, typ: lsp::MessageType, message: String) {
        self.notify::<lsp::notification::LogMessage>(lsp::LogMessageParams { typ, message });
    }

    fn notification(&mut self, n: Notification) {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    let d = p.text_document;
                    if let Some(path) = go_path(&d.uri) {
                        self.docs.insert(
                            path.clone(),
                            Doc {
                                uri: d.uri,
                                version: d.version,
                                text: d.text,
                            },
                        );
                        self.touch(&path);
                    }
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                    && let Some(path) = go_path(&p.text_document.uri)
                    && let Some(doc) = self.docs.get_mut(&path)
                {
                    // Full sync: the last change holds the whole text.
                    if let Some(c) = p.content_changes.into_iter().last() {
                        doc.text = c.text;
                        doc.version = p.text_document.version;
                        self.touch(&path);
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
                    && let Some(path) = go_path(&p.text_document.uri)
                {
                    // A save can change go.mod's view or other files' texts on disk: look again.
                    self.touch(&path);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                    && let Some(path) = go_path(&p.text_document.uri)
                    && let Some(doc) = self.docs.remove(&path)
                {
                    self.dirty.remove(&path);
                    if self.published.remove(&path) {
                        self.notify::<PublishDiagnostics>(lsp::PublishDiagnosticsParams {
                            uri: doc.uri,
                            diagnostics: vec![],
                            version: None,
                        });
                    }
                    // Its siblings now see the file on disk instead of the buffer.
                    self.touch(&path);
                }
            }
            _ => {}
        }
    }

    /// Marks `path` and the open files of its directory (its package's facts changed) out of date.
    fn touch(&mut self, path: &Path) {
        let dir = path.parent();
        for p in self.docs.keys() {
            if p == path || p.parent() == dir {
                self.dirty.insert(p.clone());
            }
        }
    }

    fn sources(&self) -> Sources {
        Sources {
            overlay: self
                .docs
                .iter()
                .map(|(p, d)| (p.clone(), d.text.clone()))
                .collect(),
            only: None,
        }
    }

    /// The settings of `path` for an editor run: the file's own, never verifying or drawing progress.
    fn settings(&self, path: &Path) -> Result<Settings, String> {
        let mut settings = (self.settings_for)(path)?;
        settings.progress = false;
        settings.verify = false;
        Ok(settings)
    }

    /// Runs the rules on `path` as it is in the editor, in `mode`.
    fn run(
        &self,
        path: &Path,
        settings: &Settings,
        mode: Mode,
        only: Option<FixTarget>,
    ) -> RunOutcome {
        let mut settings = settings.clone();
        settings.mode = mode;
        let mut sources = self.sources();
        sources.only = only;
        engine::run_files(&[path.to_path_buf()], &sources, &settings)
    }

    /// The findings of `path`, with the settings the file resolved to.
    fn findings(&self, path: &Path) -> Result<(Vec<Finding>, Settings), String> {
        let settings = self.settings(path)?;
        let outcome = self.run(path, &settings, Mode::Check, None);
        let display = crate::read::walk::display_path(path);
        for p in outcome.problems.iter().filter(|p| p.path == display) {
            self.log(lsp::MessageType::INFO, format!("{}: {}", p.path, p.message));
        }
        let findings = outcome
            .findings
            .into_iter()
            .filter(|(d, _)| *d == display)
            .map(|(_, f)| f)
            .collect();
        Ok((findings, settings))
    }

    fn publish_dirty(&mut self) {
        for path in std::mem::take(&mut self.dirty) {
            let Some(doc) = self.docs.get(&path) else {
                continue;
            };
            let diagnostics = match self.findings(&path) {
                Ok((findings, settings)) => findings
                    .iter()
                    .map(|f| diagnostic(f, settings.threshold))
                    .collect(),
                Err(e) => {
                    self.notify::<lsp::notification::ShowMessage>(lsp::ShowMessageParams {
                        typ: lsp::MessageType::ERROR,
                        message: format!("gofix-rt: {e}"),
                    });
                    vec![]
                }
            };
            self.notify::<lsp::notification::PublishDiagnostics>(lsp::PublishDiagnosticsParams {
                uri: doc.uri.clone(),
                diagnostics,
                version: Some(doc.version),
            });
            self.published.insert(path);
        }
    }

    fn request(&mut self, req: Request) -> Response {
        use lsp::request::*;
        let id = req.id.clone();
        // A bug in a handler answers this request with an error; the server stays up.
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match req.method.as_str() {
                CodeActionRequest::METHOD => {
                    let p: lsp::CodeActionParams = parse(req)?;
                    to_value(self.code_actions(p)?)
                }
                HoverRequest::METHOD => {
                    let p: lsp::HoverParams = parse(req)?;
                    to_value(self.hover(p)?)
                }
                m => Err((
                    ErrorCode::MethodNotFound,
                    format!("gofix-rt does not handle {m}"),
                )),
            }));
        match result {
            Ok(Ok(v)) => Response::new_ok(id, v),
            Ok(Err((code, msg))) => Response::new_err(id, code as i32, msg),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "gofix-rt: internal error; please report".into(),
            ),
        }
    }

    fn code_actions(&self, p: lsp::CodeActionParams) -> Result<Vec<lsp::CodeAction>, ReqError> {
        let Some(path) = go_path(&p.text_document.uri) else {
            return Ok(vec![]);
        };
        let Some(doc) = self.docs.get(&path) else {
            return Ok(vec![]);
        };
        let (findings, settings) = self.findings(&path).map_err(request_failed)?;
        let only = p.context.only.as_deref();
        let mut actions = vec![];
        if kind_wanted(only, lsp::CodeActionKind::QUICKFIX.as_str()) {
            let lines = Lines::new(&doc.text);
            let want = (lines.offset(p.range.start), lines.offset(p.range.end));
            for f in &findings {
                let Some(app) = f.fix.filter(|a| *a > Applicability::DisplayOnly) else {
                    continue;
                };
                if !overlaps(finding_offsets(&doc.text, f), want) {
                    continue;
                }
                let target = FixTarget {
                    path: path.clone(),
                    code: f.code.to_string(),
                    range: f.range,
                };
                let outcome = self.run(&path, &settings, Mode::Write, Some(target));
                let Some(edit) = workspace_edit(&outcome) else {
                    continue;
                };
                let title = f
                    .fix_title
                    .clone()
                    .unwrap_or_else(|| format!("apply the {} fix", f.code));
                let unsafe_ = app == Applicability::Unsafe;
                actions.push(lsp::CodeAction {
                    title: format!(
                        "{}: {title}{}",
                        f.code,
                        if unsafe_ { " (unsafe)" } else { "" }
                    ),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic(f, settings.threshold)]),
                    edit: Some(edit),
                    is_preferred: Some(!unsafe_),
                    ..Default::default()
                });
            }
        }
        if kind_wanted(only, FIX_ALL_KIND)
            && findings
                .iter()
                .any(|f| f.fix.is_some_and(|a| a >= Applicability::Safe))
        {
            let outcome = self.fix_all(&path, &settings);
            if let Some(edit) = workspace_edit(&outcome) {
                actions.push(lsp::CodeAction {
                    title: "Apply all safe gofix-rt fixes".into(),
                    kind: Some(lsp::CodeActionKind::new(FIX_ALL_KIND)),
                    edit: Some(edit),
                    ..Default::default()
                });
            }
        }
        Ok(actions)
    }

    /// What `--write` does to the file as the editor holds it: every safe fix, in passes until none applies.
    fn fix_all(&self, path: &Path, settings: &Settings) -> RunOutcome {
        let mut settings = settings.clone();
        settings.threshold = Applicability::Safe;
        self.run(path, &settings, Mode::Write, None)
    }

    fn hover(&self, p: lsp::HoverParams) -> Result<Option<lsp::Hover>, ReqError> {
        let pos = p.text_document_position_params;
        let Some(path) = go_path(&pos.text_document.uri) else {
            return Ok(None);
        };
        let Some(doc) = self.docs.get(&path) else {
            return Ok(None);
        };
        let (findings, _) = self.findings(&path).map_err(request_failed)?;
        let at = Lines::new(&doc.text).offset(pos.position);
        let here: Vec<&Finding> = findings
            .iter()
            .filter(|f| {
                let (s, e) = finding_offsets(&doc.text, f);
                s <= at && at <= e
            })
            .collect();
        let Some(first) = here.first() else {
            return Ok(None);
        };
        let mut value = String::new();
        for f in &here {
            value.push_str(&format!("**{}** {}\n\n", f.code, f.message));
        }
        // One rule's explanation per code under the cursor; SUP is the engine's, with no page.
        let codes: BTreeSet<&str> = here.iter().map(|f| f.code).collect();
        for code in codes {
            if let Some(t) = crate::catalog::registry::lookup(code) {
                value.push_str("---\n\n");
                value.push_str(&crate::catalog::docs::doc(t));
            }
        }
        Ok(Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value,
            }),
            range: Some(finding_range(first)),
        }))
    }
}

type ReqError = (ErrorCode, String);

fn request_failed(e: String) -> ReqError {
    (ErrorCode::RequestFailed, format!("gofix-rt: {e}"))
}

fn parse<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, ReqError> {
    serde_json::from_value(req.params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value(v: impl serde::Serialize) -> Result<serde_json::Value, ReqError> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// The path of a `file:` URI naming a Go file; other documents are not ours.
fn go_path(uri: &lsp::Uri) -> Option<PathBuf> {
    uri_to_path(uri).filter(|p| p.extension().is_some_and(|e| e == "go"))
}

/// A finding's byte range in the buffer's text. The engine's range is in the normalised text (no BOM,
/// LF lines), so it is placed by line and UTF-16 column, which both texts share.
fn finding_offsets(text: &str, f: &Finding) -> (usize, usize) {
    let r = finding_range(f);
    let lines = Lines::new(text);
    (lines.offset(r.start), lines.offset(r.end))
}

fn finding_range(f: &Finding) -> lsp::Range {
    let pos = |line: usize, col16: usize| {
        lsp::Position::new(
            line.saturating_sub(1) as u32,
            col16.saturating_sub(1) as u32,
        )
    };
    lsp::Range::new(pos(f.line, f.utf16_cols.0), pos(f.end_line, f.utf16_cols.1))
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

fn diagnostic(f: &Finding, threshold: Applicability) -> lsp::Diagnostic {
    let severity = if f.low_priority {
        lsp::DiagnosticSeverity::INFORMATION
    } else {
        lsp::DiagnosticSeverity::WARNING
    };
    let marker = match f.fix {
        Some(a) if a >= threshold && a > Applicability::DisplayOnly => " [*]",
        Some(Applicability::Unsafe) => " [~]",
        _ => "",
    };
    lsp::Diagnostic {
        range: finding_range(f),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(f.code.to_string())),
        source: Some(SOURCE.into()),
        message: format!("{}{marker}", f.message),
        ..Default::default()
    }
}

/// The edit of a fix run: minimal text edits per changed file, and files the fix creates (go.sum). `None`
/// when nothing changed, or when a change cannot be said as text (a binary file such as default.pgo).
// lsp_types::Uri hashes its string only; the lint sees fluent-uri's lazily filled parts.
#[allow(clippy::mutable_key_type)]
fn workspace_edit(outcome: &RunOutcome) -> Option<lsp::WorkspaceEdit> {
    if outcome.changes.is_empty() {
        return None;
    }
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    let mut ops = vec![];
    for c in &outcome.changes {
        let uri = path_to_uri(&absolute(&c.path))?;
        let new = std::str::from_utf8(&c.new).ok()?;
        match &c.original {
            Some(old) => {
                let edits = text_edits(std::str::from_utf8(old).ok()?, new);
                ops.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri: uri.clone(),
                        version: None,
                    },
                    edits: edits.iter().cloned().map(lsp::OneOf::Left).collect(),
                }));
                changes.insert(uri, edits);
            }
            None => {
                ops.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
                    lsp::CreateFile {
                        uri: uri.clone(),
                        options: Some(lsp::CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    },
                )));
                ops.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri,
                        version: None,
                    },
                    edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                        range: lsp::Range::default(),
                        new_text: new.to_string(),
                    })],
                }));
            }
        }
    }
    let creates = outcome.changes.iter().any(|c| c.original.is_none());
    // Plain `changes` is what every client supports; a file to create needs `documentChanges`.
    Some(if creates {
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(ops)),
            ..Default::default()
        }
    } else {
        lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }
    })
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |d| d.join(p))
    }
}
