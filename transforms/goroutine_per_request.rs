//! # goroutine-per-request (R7.10)
//!
//! ## What it does
//! Reports a `go` statement directly in an HTTP handler — a function, method or function literal whose
//! parameters are `(http.ResponseWriter, *http.Request)` — when nothing bounds it and the handler does not
//! wait for it, and the goroutine works on something of the request (`r`, a local derived from it, or the
//! `ResponseWriter`): background work started once per request. When the goroutine uses the request (`r`,
//! `r.Context()`, the `ResponseWriter`) the message says so, since that is a correctness problem as well.
//!
//! ## Why is this bad?
//! Every request leaves a goroutine behind, with nothing limiting how many run at once: under a burst (or a
//! slow dependency) they pile up by the thousand, each with its stack and whatever it holds, and the server
//! degrades or runs out of memory instead of pushing back. Work that outlives the handler also loses the
//! request's lifetime: `r.Context()` is canceled as soon as the handler returns, so the background work
//! usually fails with `context canceled`, and the `ResponseWriter` must not be used after return at all.
//!
//! ## Example
//! ```go
//! package api
//!
//! import (
//! 	"context"
//! 	"net/http"
//! )
//!
//! type Server struct {
//! 	notify func(ctx context.Context, user string) error
//! }
//!
//! func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
//! 	user := r.FormValue("user")
//! 	go s.notify(r.Context(), user)
//! 	w.WriteHeader(http.StatusAccepted)
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package api
//!
//! import (
//! 	"context"
//! 	"net/http"
//! )
//!
//! type Server struct {
//! 	notify func(ctx context.Context, user string) error
//! 	jobs   chan string // drained by a fixed pool of workers started with the server
//! }
//!
//! func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
//! 	select {
//! 	case s.jobs <- r.FormValue("user"):
//! 		w.WriteHeader(http.StatusAccepted)
//! 	default:
//! 		http.Error(w, "busy", http.StatusServiceUnavailable)
//! 	}
//! }
//! ```
//! The workers take their context from the server (canceled at shutdown), not from the request.
//!
//! ## Fix safety
//! No fix: report only. A worker pool needs a size, a queue length, a policy when the queue is full and a
//! shutdown path; those are design decisions.
//!
//! ## Version gating
//! None for the report. When the goroutine uses the request's context, from Go 1.21 the message mentions
//! `context.WithoutCancel(r.Context())` (keeps the values, drops the cancellation); below that,
//! `context.Background()`.
//!
//! ## When it does not fire
//! - The handler waits for its goroutines before returning (fan-out within the request): it calls a
//!   `Wait()` method (`sync.WaitGroup`, `errgroup.Group`) or receives from a channel anywhere outside the
//!   goroutine (`<-done`, a `select` with receive cases, `for range results`).
//! - The goroutine is bounded: the handler or the goroutine sends on a channel (a semaphore acquire such as
//!   `sem <- struct{}{}`, or a queue) or calls `Acquire`/`TryAcquire` (`semaphore.Weighted`).
//! - The handler calls `Lock()` before the `go` statement: the goroutine is started inside a critical
//!   section, typically a once-per-key setup guarded by a mutex and a cache (a helper process, a watcher),
//!   not once per request.
//! - The goroutine watches a cancellation (`<-ctx.Done()` inside it): its lifetime is tied to something.
//! - The goroutine uses nothing of the request (neither `r` nor a local the handler derived from it, nor the
//!   `ResponseWriter`): it triggers a server-wide job (a sync, a warm-up, a shutdown), not per-request work.
//! - The handler hijacks or upgrades the connection (`Hijack()`, `Upgrade(…)`, `websocket.Accept(…)`): the
//!   connection outlives the handler, and goroutines per connection are that model.
//! - The `go` statement sits in a function literal inside the handler (`once.Do(func() { go … })`), or the
//!   function is not a handler. `net/http` shadowed or dot-imported.
//! - Test code (`*_test.go`, files importing `testing`, test functions).
//!
//! ## References
//! `Request.Context` ("the context is canceled … when the ServeHTTP method returns") in `src/net/http/request.go`;
//! `context.WithoutCancel` (Go 1.21) in `src/semantic/context/context.go`; `golang.org/x/sync/semaphore`.

use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.10",
        name: "goroutine-per-request",
        summary: "an HTTP handler starting an unbounded goroutine per request, often using the request after it returns",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["ResponseWriter"],
        calls: &[],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("goroutine_per_request.rs"),
    query: QUERY,
    run,
    precheck: has_go_statement,
    other_files: None,
};

/// The keyword `go` at the start of a statement, outside test files.
fn has_go_statement(bytes: &[u8], _: &crate::read::gomod::Module) -> bool {
    if !crate::semantic::prefilter::imports(bytes, "net/http")
        || crate::semantic::prefilter::imports(bytes, "testing")
    {
        return false;
    }
    memchr::memmem::find_iter(bytes, b"go ").any(|i| {
        i > 0
            && matches!(bytes[i - 1], b'\t' | b' ' | b'\n' | b'{' | b';')
            && bytes
                .get(i + 3)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'(')
    })
}

const QUERY: &str = r#"(go_statement) @match"#;

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let go = m.node("match")?;
    let file = cx.file();
    let src = cx.src();
    let handler = syntax::enclosing_function(go)?;
    let (w, r) = handler_params(file, handler)?;
    if in_test_code(file, go) {
        return None;
    }
    let body = handler.child_by_field_name("body")?;
    // Waiting, bounding, hijacking: anywhere in the handler (outside the goroutine for waits).
    let mut waits = false;
    let mut bounded = false;
    let mut hijacks = false;
    syntax::walk(body, &mut |n| {
        let inside_go = n.start_byte() >= go.start_byte() && n.end_byte() <= go.end_byte();
        match n.kind() {
            "send_statement" => bounded = true,
            "unary_expression"
                if n.child_by_field_name("operator")
                    .is_some_and(|o| syntax::text(o, src) == "<-") =>
            {
                if !inside_go {
                    waits = true;
                } else {
                    // `<-ctx.Done()` inside the goroutine: it watches a cancellation.
                    bounded |= n.child_by_field_name("operand").is_some_and(|o| {
                        o.kind() == "call_expression"
                            && o.child_by_field_name("function")
                                .and_then(|f| f.child_by_field_name("field"))
                                .is_some_and(|f| syntax::text(f, src) == "Done")
                    });
                }
            }
            "range_clause" if !inside_go => {
                // `for v := range ch` cannot be told from a range over a slice; only a channel made here.
                waits |= n.child_by_field_name("right").is_some_and(|x| {
                    x.kind() == "identifier" && made_channel(body, syntax::text(x, src), src)
                });
            }
            "call_expression" => {
                let name = n
                    .child_by_field_name("function")
                    .and_then(|f| match f.kind() {
                        "selector_expression" => f.child_by_field_name("field"),
                        _ => None,
                    })
                    .map_or("", |f| syntax::text(f, src));
                match name {
                    "Wait" if !inside_go => waits = true,
                    // A `go` after `mu.Lock()`: started while guarding shared state (once-per-key setup).
                    "Lock" if n.end_byte() <= go.start_byte() => bounded = true,
                    "Acquire" | "TryAcquire" => bounded = true,
                    "Hijack" | "Upgrade" | "Accept" => hijacks = true,
                    _ => {}
                }
            }
            _ => {}
        }
    });
    if waits || bounded || hijacks {
        return None;
    }
    // Does the goroutine touch the request or the writer (and not under its own declaration of the name)?
    let uses = |name: &str| {
        !name.is_empty()
            && name != "_"
            && !syntax::declares_name(go, name, src)
            && syntax::identifiers(go, src).contains(name)
    };
    let text = cx.text(go);
    let detached = text.contains("WithoutCancel");
    // The request's context, directly or through a variable the handler assigned from `r.Context()`.
    let mut ctx_names = vec![format!("{r}.Context()")];
    syntax::walk(body, &mut |n| {
        if n.kind() != "short_var_declaration" {
            return;
        }
        if let (Some(l), Some(v)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) {
            for (a, b) in named_children(l).iter().zip(named_children(v)) {
                if syntax::text(b, src) == format!("{r}.Context()") {
                    ctx_names.push(syntax::text(*a, src).to_string());
                }
            }
        }
    });
    let uses_ctx = !r.is_empty()
        && !detached
        && (text.contains(&ctx_names[0]) || ctx_names[1..].iter().any(|c| uses(c)));
    let uses_body = uses(&r) && text.contains(&format!("{r}.Body"));
    let uses_w = uses(&w);
    let base = "this handler starts a goroutine per request with nothing bounding how many run at once, so a burst or a slow dependency piles them up";
    let advice = "hand the work to a fixed pool of workers through a bounded queue (reject or wait when it is full), with their context tied to server shutdown";
    // Per-request work uses something of the request: `r`, or a local the handler derived from it. A goroutine
    // that uses neither is a trigger for a server-wide job (a sync, a warm-up, a shutdown), not per-request work.
    let derived = derived_from(body, go, &r, src);
    if !uses_w && !uses(&r) && !derived.iter().any(|d| uses(d)) {
        return None;
    }
    let msg = if uses_w {
        format!(
            "{base}; the goroutine also uses the `ResponseWriter`, which must not be used after the handler returns; {advice}"
        )
    } else if uses_body {
        format!(
            "{base}; the goroutine also reads the request body, which must not be read after the handler returns; {advice}"
        )
    } else if uses_ctx {
        let ctx = if file.versions.api >= GoVersion(21) {
            "`context.WithoutCancel(r.Context())` keeps its values without the cancellation"
        } else {
            "use `context.Background()` and copy what the work needs"
        };
        format!(
            "{base}; it also uses the request's context, which is canceled as soon as the handler returns ({ctx}); {advice}"
        )
    } else {
        format!("{base}; {advice}")
    };
    cx.report(TextRange::of(go), msg);
    Some(())
}

/// `(w http.ResponseWriter, r *http.Request)`: the two parameter names, `net/http` resolved through imports.
fn handler_params(file: &PkgFile, func: Node<'_>) -> Option<(String, String)> {
    let params = func.child_by_field_name("parameters")?;
    let ps = named_children(params);
    let mut names = vec![];
    let mut types = vec![];
    for p in &ps {
        if p.kind() != "parameter_declaration" {
            return None;
        }
        let t = p.child_by_field_name("type")?;
        let mut c = p.walk();
        let ns: Vec<Node<'_>> = p.children_by_field_name("name", &mut c).collect();
        if ns.is_empty() {
            names.push(String::new());
            types.push(t);
        }
        for n in ns {
            names.push(file.node_text(n).to_string());
            types.push(t);
        }
    }
    let [tw, tr] = types[..] else { return None };
    let is_http = |t: Node<'_>, name: &str| {
        t.kind() == "qualified_type"
            && t.child_by_field_name("name")
                .is_some_and(|n| file.node_text(n) == name)
            && t.child_by_field_name("package").is_some_and(|p| {
                file.import_of("net/http")
                    .is_some_and(|i| i.is_usable() && i.local == file.node_text(p))
            })
    };
    let tr = (tr.kind() == "pointer_type").then(|| named_children(tr).first().copied())??;
    (is_http(tw, "ResponseWriter") && is_http(tr, "Request"))
        .then(|| (names[0].clone(), names[1].clone()))
}

/// The locals declared in `body` before `go` from an expression that mentions `r` or an earlier such local
/// (`user := r.FormValue("user")`, `path, addr := r.URL.Path, r.RemoteAddr`).
fn derived_from(body: Node<'_>, go: Node<'_>, r: &str, src: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    if r.is_empty() || r == "_" {
        return out;
    }
    syntax::walk(body, &mut |n| {
        if n.start_byte() >= go.start_byte() {
            return;
        }
        let (left, right) = match n.kind() {
            "short_var_declaration" | "assignment_statement" => (
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ),
            "var_spec" => (Some(n), n.child_by_field_name("value")),
            _ => return,
        };
        let (Some(left), Some(right)) = (left, right) else {
            return;
        };
        let ids = syntax::identifiers(right, src);
        if ids.contains(r) || out.iter().any(|d| ids.contains(d)) {
            let names: Vec<Node<'_>> = if n.kind() == "var_spec" {
                let mut c = n.walk();
                n.children_by_field_name("name", &mut c).collect()
            } else {
                named_children(left)
            };
            for x in names {
                if x.kind() == "identifier" {
                    out.push(syntax::text(x, src).to_string());
                }
            }
        }
    });
    out
}

/// Is `name` assigned from `make(chan …)` somewhere in `scope`?
fn made_channel(scope: Node<'_>, name: &str, src: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, &mut |n| {
        if found || n.kind() != "short_var_declaration" {
            return;
        }
        let (Some(l), Some(rv)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            return;
        };
        let (l, rv) = (named_children(l), named_children(rv));
        found = l.len() == rv.len()
            && l.iter().zip(&rv).any(|(a, b)| {
                syntax::text(*a, src) == name && syntax::text(*b, src).starts_with("make(chan")
            });
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn handler(body: &str) -> String {
        format!(
            "package m\n\nimport (\n\t\"context\"\n\t\"net/http\"\n\t\"sync\"\n)\n\nvar _ sync.WaitGroup\nvar _ = context.Background\n\nfunc work(ctx context.Context, s string) {{}}\n\nfunc h(w http.ResponseWriter, r *http.Request) {{\n{body}}}\n"
        )
    }

    #[test]
    fn unbounded_goroutines_fire_with_the_request_hazard() {
        let msgs = check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &handler("\tgo work(r.Context(), r.URL.Path)\n\tw.WriteHeader(202)\n"),
        );
        assert!(msgs[0].contains("WithoutCancel"), "{msgs:?}");
        let msgs = check_detect_only_go(
            &TRANSFORM,
            "1.20",
            &handler("\tgo work(r.Context(), r.URL.Path)\n\tw.WriteHeader(202)\n"),
        );
        assert!(msgs[0].contains("context.Background()"), "{msgs:?}");
        let msgs = check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &handler(
                "\tid := r.Header.Get(\"X-Id\")\n\tgo func() {\n\t\twork(context.Background(), id)\n\t}()\n",
            ),
        );
        assert!(!msgs[0].contains("request's context"), "{msgs:?}");
        // A trigger for a server-wide job uses nothing of the request.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &handler(
                "\tgo func() {\n\t\twork(context.Background(), \"resync\")\n\t}()\n\tw.WriteHeader(202)\n",
            ),
        );
        // Through a variable.
        let msgs = check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &handler("\tctx := r.Context()\n\tgo work(ctx, \"x\")\n"),
        );
        assert!(msgs[0].contains("request's context"), "{msgs:?}");
        // A literal passed to HandleFunc.
        check_detect_only_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"net/http\"\n\nfunc routes(mux *http.ServeMux, audit func(string)) {\n\tmux.HandleFunc(\"/x\", func(rw http.ResponseWriter, req *http.Request) {\n\t\tgo audit(req.RemoteAddr)\n\t})\n}\n",
        );
    }

    #[test]
    fn waiting_bounded_watching_and_hijacking_handlers_do_not() {
        for body in [
            "\tvar wg sync.WaitGroup\n\twg.Add(1)\n\tgo func() { defer wg.Done(); work(r.Context(), \"a\") }()\n\twg.Wait()\n",
            "\tdone := make(chan struct{})\n\tgo func() { work(r.Context(), \"a\"); close(done) }()\n\t<-done\n",
            "\tsem := make(chan struct{}, 4)\n\tsem <- struct{}{}\n\tgo func() { defer func() { <-sem }(); work(context.Background(), \"a\") }()\n",
            "\tgo func() {\n\t\t<-r.Context().Done()\n\t\twork(context.Background(), \"gone\")\n\t}()\n",
            "\tvar mu sync.Mutex\n\tmu.Lock()\n\tgo work(context.Background(), \"setup\")\n\tmu.Unlock()\n",
            "\tif hj, ok := w.(http.Hijacker); ok {\n\t\tc, _, _ := hj.Hijack()\n\t\tgo func() { c.Close() }()\n\t}\n",
        ] {
            check_no_fix_go(&TRANSFORM, "1.22", &handler(body));
        }
        // Not a handler; net/http aliased away by a local type.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"net/http\"\n\nvar _ = http.StatusOK\n\nfunc start(work func()) {\n\tgo work()\n}\n",
        );
    }
}
