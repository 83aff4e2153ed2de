//! # signal-handler-blocking (R7.14)
//!
//! ## What it does
//! Reports the one receive from a `signal.Notify` channel for SIGINT or SIGTERM when the goroutine that
//! receives then does blocking cleanup itself — `srv.Shutdown(ctx)`, `db.Close()`, `wg.Wait()`,
//! `time.Sleep(...)`, waiting on another channel, or a call of a function or method named for cleanup
//! (`flushQueue()`, `q.drainPending()`, `shutdown()`) — without calling `signal.Stop` or
//! `signal.Reset` first, and nothing else ever receives from the channel.
//!
//! ## Why is this bad?
//! `signal.Notify` replaces the default action of the signals it names: from then on SIGINT and SIGTERM
//! no longer end the process, they are only delivered to the channel, with a send that never blocks.
//! Once the single receive has taken the first signal and the goroutine is busy shutting down, nobody
//! reads the channel again: a second signal only lands in its buffer (and any further one is dropped
//! because the buffer is full). The operator who presses Ctrl-C a second time, or the supervisor that
//! sends SIGTERM again because shutdown is stuck, gets no effect at all; only SIGKILL ends the process.
//!
//! ## Example
//! ```go
//! package main
//!
//! import (
//! 	"context"
//! 	"log"
//! 	"net/http"
//! 	"os"
//! 	"os/signal"
//! 	"syscall"
//! 	"time"
//! )
//!
//! func main() {
//! 	srv := &http.Server{Addr: ":8080"}
//! 	go func() {
//! 		if err := srv.ListenAndServe(); err != http.ErrServerClosed {
//! 			log.Fatal(err)
//! 		}
//! 	}()
//! 	sig := make(chan os.Signal, 1)
//! 	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
//! 	<-sig
//! 	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
//! 	defer cancel()
//! 	if err := srv.Shutdown(ctx); err != nil {
//! 		log.Print(err)
//! 	}
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package main
//!
//! import (
//! 	"context"
//! 	"log"
//! 	"net/http"
//! 	"os"
//! 	"os/signal"
//! 	"syscall"
//! 	"time"
//! )
//!
//! func main() {
//! 	srv := &http.Server{Addr: ":8080"}
//! 	go func() {
//! 		if err := srv.ListenAndServe(); err != http.ErrServerClosed {
//! 			log.Fatal(err)
//! 		}
//! 	}()
//! 	sig := make(chan os.Signal, 1)
//! 	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
//! 	<-sig
//! 	signal.Stop(sig) // a second signal now ends the process the default way
//! 	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
//! 	defer cancel()
//! 	if err := srv.Shutdown(ctx); err != nil {
//! 		log.Print(err)
//! 	}
//! }
//! ```
//! Alternatively keep one goroutine receiving: it starts the shutdown on the first signal (closing a
//! channel or cancelling a context) and calls `os.Exit(1)` on the second. With
//! `signal.NotifyContext`, calling its `stop` function once the context is done has the same effect as
//! `signal.Stop`.
//!
//! ## Fix safety
//! No fix: report only. Restoring the default action means a second signal kills the process without
//! running deferred calls or finishing the flush, which is what an operator asks for but is a behaviour
//! change the owner of the program has to accept.
//!
//! ## Version gating
//! None: `signal.Notify`, `signal.Stop` (Go 1.1) and `signal.Reset` (Go 1.5) are old.
//!
//! ## When it does not fire
//! - The signal list does not include SIGINT, SIGTERM or `os.Interrupt` (a SIGHUP reload channel, say);
//!   an empty list (all signals) counts as including them.
//! - The channel is not a buffered `make(chan os.Signal, n)` declared in the same function, or it is
//!   used for anything but `Notify`, `Stop` and that one receive (passed to a helper, a second receive,
//!   a `range`): someone else may be receiving.
//! - The receive sits in a loop (the goroutine comes back for the next signal).
//! - Nothing blocking follows the receive in that goroutine before the function ends, or
//!   `signal.Stop`/`signal.Reset`/`os.Exit`/`log.Fatal` comes first. Work started in another goroutine
//!   (`go srv.Shutdown(ctx)`) and deferred calls are not counted.
//! - A `defer signal.Stop(ch)` in the function: the handler is scoped to it on purpose.
//! - `signal.NotifyContext` (its `stop` function is the caller's to call); test code.
//!
//! Several `Notify` calls on one channel make one finding (at the first), for the signals they name together.
//!
//! ## References
//! `os/signal` package documentation ("Changing the behavior of signals in Go programs": a send that
//! does not block, so the channel needs a buffer) and `signal.Stop`/`signal.Reset` in
//! `src/os/signal/signal.go`.

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::PkgFile;
use crate::semantic::pkg_calls::{is_call_of, is_import_local};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.14",
        name: "signal-handler-blocking",
        summary: "the goroutine that receives SIGINT/SIGTERM does blocking cleanup: a second signal cannot stop the process",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &[],
        calls: &[("os/signal", &["Notify"])],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("signal_handler_blocking.rs"),
    query: QUERY,
    run,
    precheck: crate::rules::transform::outside_tests,
    other_files: None,
};

const QUERY: &str = r#"
((call_expression
   function: (selector_expression field: (field_identifier) @fn)
   arguments: (argument_list . (identifier) @ch)) @match
 (#eq? @fn "Notify"))
"#;

/// Methods whose call waits for other work to finish or for I/O.
const BLOCKING_METHODS: &[&str] = &[
    "Shutdown",
    "GracefulStop",
    "Close",
    "Wait",
    "Drain",
    "Flush",
    "Sync",
];

/// Words in a function's or method's name that say it does the cleanup.
const CLEANUP_WORDS: &[&str] = &["shutdown", "cleanup", "flush", "drain", "close", "wait"];

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(call), Some(ch)) = (m.node("match"), m.node("ch")) else {
        return None;
    };
    let file = cx.file();
    if !file.is_pkg_call(call, "os/signal", "Notify") || in_test_code(file, call) {
        return None;
    }
    let scope = syntax::enclosing_top_function(call)?;
    let name = file.node_text(ch);
    // Several `Notify` calls on one channel make one finding, at the first, for all their signals.
    let notifies = notify_calls(file, scope, name);
    if notifies.first().is_some_and(|n| n.id() != call.id()) {
        return None;
    }
    let (sigint, sigterm) = notifies
        .iter()
        .map(|c| stop_signals(file, *c))
        .fold((false, false), |a, b| (a.0 || b.0, a.1 || b.1));
    if !sigint && !sigterm {
        return None;
    }
    // `defer signal.Stop(ch)`: the author scopes the handler to this function on purpose.
    if defers_stop(file, scope, name) {
        return None;
    }
    let decl = syntax::sole_declaration(scope, name, &file.text)?;
    if !is_buffered_signal_chan(file, decl) {
        return None;
    }
    let recv = only_receive(file, scope, decl, name)?;
    if syntax::enclosing_loop(recv).is_some() {
        return None;
    }
    let blocking = first_blocking_after(file, recv)?;
    let shown = shown_call(file, blocking);
    let (which, second) = match (sigint, sigterm) {
        (true, true) => (
            "SIGINT and SIGTERM",
            "an operator's second Ctrl-C or a repeated SIGTERM",
        ),
        (true, false) => ("SIGINT", "an operator's second Ctrl-C"),
        _ => ("SIGTERM", "a repeated SIGTERM"),
    };
    let msg = format!(
        "after this receive the same goroutine runs `{shown}` and nothing reads `{name}` again: `signal.Notify` replaced the default action of {which}, so a second signal only sits in the channel's buffer (or is dropped) and {second} cannot stop a stuck shutdown; call `signal.Stop({name})` right after the first signal (the next one then ends the process), or keep a goroutine receiving that exits on the second"
    );
    cx.report(TextRange::of(recv), msg);
    Some(())
}

/// The blocking call or receive as the message shows it: whole when short, else its callee with `(…)`.
fn shown_call(file: &PkgFile, n: Node<'_>) -> String {
    let t = file.node_text(n);
    if t.len() <= 50 && !t.contains('\n') {
        return t.to_string();
    }
    if n.kind() == "call_expression"
        && let Some(f) = n.child_by_field_name("function")
    {
        let callee = file.node_text(f);
        let callee = if callee.len() <= 40 && !callee.contains('\n') {
            callee
        } else {
            f.child_by_field_name("field")
                .map_or("a call", |x| file.node_text(x))
        };
        return format!("{callee}(…)");
    }
    match n.child_by_field_name("operand") {
        Some(o) if o.kind() == "identifier" || o.kind() == "selector_expression" => {
            format!("<-{}", file.node_text(o))
        }
        _ => "a channel receive".to_string(),
    }
}

/// The `signal.Notify(name, …)` calls in `scope`, in source order.
fn notify_calls<'t>(file: &PkgFile, scope: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut out = vec![];
    syntax::walk(scope, &mut |n| {
        if n.kind() == "call_expression"
            && file.is_pkg_call(n, "os/signal", "Notify")
            && n.child_by_field_name("arguments")
                .and_then(|a| syntax::named_children(a).into_iter().next())
                .is_some_and(|a| file.node_text(a) == name)
        {
            out.push(n);
        }
    });
    out
}

/// Is there a `defer signal.Stop(name)` (or `signal.Reset`) in `scope`?
fn defers_stop(file: &PkgFile, scope: Node<'_>, name: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, &mut |n| {
        if found || n.kind() != "defer_statement" {
            return;
        }
        let Some(c) = syntax::named_children(n).into_iter().next() else {
            return;
        };
        found = c.kind() == "call_expression"
            && is_call_of(file, c, "os/signal", &["Stop", "Reset"])
            && c.child_by_field_name("arguments")
                .is_some_and(|a| file.node_text(a).contains(name));
    });
    found
}

/// Which of SIGINT and SIGTERM the `Notify` call names (`os.Interrupt` is SIGINT; no signal at all
/// means every signal): `(sigint, sigterm)`.
fn stop_signals(file: &PkgFile, call: Node<'_>) -> (bool, bool) {
    let args = call
        .child_by_field_name("arguments")
        .map(syntax::named_children)
        .unwrap_or_default();
    if args.len() == 1 {
        return (true, true);
    }
    let names: Vec<&str> = args[1..]
        .iter()
        .filter_map(|a| match a.kind() {
            "selector_expression" => a.child_by_field_name("field"),
            "identifier" => Some(*a),
            _ => None,
        })
        .map(|f| file.node_text(f))
        .collect();
    (
        names.iter().any(|n| matches!(*n, "SIGINT" | "Interrupt")),
        names.contains(&"SIGTERM"),
    )
}

/// `ch := make(chan os.Signal, n)` (or `var ch = ...`) with a buffer.
fn is_buffered_signal_chan(file: &PkgFile, decl: Node<'_>) -> bool {
    if !matches!(decl.kind(), "short_var_declaration" | "var_spec") {
        return false;
    }
    let Some(values) = decl
        .child_by_field_name("right")
        .or_else(|| decl.child_by_field_name("value"))
        .map(syntax::named_children)
    else {
        return false;
    };
    let [v] = values[..] else {
        return false;
    };
    if v.kind() != "call_expression"
        || v.child_by_field_name("function")
            .is_none_or(|f| file.node_text(f) != "make")
    {
        return false;
    }
    let args = v
        .child_by_field_name("arguments")
        .map(syntax::named_children)
        .unwrap_or_default();
    let [t, size] = args[..] else {
        return false;
    };
    let elem_is_signal = t.kind() == "channel_type"
        && syntax::named_children(t).first().is_some_and(|e| {
            e.kind() == "qualified_type"
                && e.child_by_field_name("name")
                    .is_some_and(|n| file.node_text(n) == "Signal")
                && e.child_by_field_name("package")
                    .is_some_and(|p| file.names_package(p, "os") || file.node_text(p) == "os")
        });
    elem_is_signal && file.node_text(size) != "0"
}

/// The one receive `<-name` in `scope`, when every other use of `name` is its declaration or an
/// argument of `signal.Notify`/`signal.Stop`/`signal.Reset`.
fn only_receive<'t>(
    file: &PkgFile,
    scope: Node<'t>,
    decl: Node<'t>,
    name: &str,
) -> Option<Node<'t>> {
    let mut recvs = Vec::new();
    let mut other = false;
    syntax::walk(scope, &mut |n| {
        if n.kind() != "identifier" || file.node_text(n) != name {
            return;
        }
        if syntax::declared_names(decl).contains(&n) {
            return;
        }
        let Some(p) = n.parent() else {
            return;
        };
        if p.kind() == "unary_expression"
            && p.child_by_field_name("operator")
                .is_some_and(|o| file.node_text(o) == "<-")
        {
            recvs.push(p);
            return;
        }
        let signal_arg = p.kind() == "argument_list"
            && p.parent()
                .is_some_and(|c| is_call_of(file, c, "os/signal", &["Notify", "Stop"]));
        if !signal_arg {
            other = true;
        }
    });
    match (other, &recvs[..]) {
        (false, [r]) => Some(*r),
        _ => None,
    }
}

/// The first blocking call or receive the receiving goroutine runs after `recv`, unless a
/// `signal.Stop`/`signal.Reset`, `os.Exit` or `log.Fatal*` comes first.
fn first_blocking_after<'t>(file: &PkgFile, recv: Node<'t>) -> Option<Node<'t>> {
    let func = syntax::enclosing_function(recv)?;
    let body = func.child_by_field_name("body")?;
    let mut found = None;
    let mut stopped = false;
    scan(file, body, recv, &mut found, &mut stopped);
    found
}

/// Walks `s` in source order (not into function literals, `go` or `defer`, nor into the other cases of
/// a `select` or `switch` around `recv`), recording the first blocking call after `recv`, or that the
/// signal was stopped or the process exits first.
fn scan<'t>(
    file: &PkgFile,
    s: Node<'t>,
    recv: Node<'t>,
    found: &mut Option<Node<'t>>,
    stopped: &mut bool,
) {
    if found.is_some() || *stopped || s.end_byte() <= recv.end_byte() {
        return;
    }
    if matches!(
        s.kind(),
        "func_literal" | "go_statement" | "defer_statement"
    ) {
        return;
    }
    let contains_recv = s.start_byte() <= recv.start_byte() && recv.end_byte() <= s.end_byte();
    if matches!(
        s.kind(),
        "communication_case" | "expression_case" | "default_case" | "type_case"
    ) && !contains_recv
        && s.parent()
            .is_some_and(|p| p.start_byte() <= recv.start_byte() && recv.end_byte() <= p.end_byte())
    {
        return;
    }
    let after = s.start_byte() >= recv.end_byte();
    if s.kind() == "call_expression" && after && stops_or_exits(file, s) {
        *stopped = true;
        return;
    }
    if s.kind() == "unary_expression"
        && after
        && s.child_by_field_name("operator")
            .is_some_and(|o| file.node_text(o) == "<-")
    {
        *found = Some(s);
        return;
    }
    // Arguments run before the call (`srv.Shutdown(ctx)` after its context is made).
    let mut c = s.walk();
    let kids: Vec<Node<'t>> = s.children(&mut c).collect();
    for k in kids {
        scan(file, k, recv, found, stopped);
    }
    if s.kind() == "call_expression"
        && after
        && found.is_none()
        && !*stopped
        && is_blocking_call(file, s)
    {
        *found = Some(s);
    }
}

/// `signal.Stop`/`signal.Reset` (the default action comes back), `os.Exit` or `log.Fatal*`.
fn stops_or_exits(file: &PkgFile, call: Node<'_>) -> bool {
    is_call_of(file, call, "os/signal", &["Stop", "Reset"])
        || is_call_of(file, call, "os", &["Exit"])
        || is_call_of(file, call, "log", &["Fatal", "Fatalf", "Fatalln"])
}

fn is_blocking_call(file: &PkgFile, call: Node<'_>) -> bool {
    let Some(f) = call.child_by_field_name("function") else {
        return false;
    };
    match f.kind() {
        "selector_expression" => {
            let field = f
                .child_by_field_name("field")
                .map(|x| file.node_text(x))
                .unwrap_or("");
            if file.is_pkg_call(call, "time", "Sleep") {
                return true;
            }
            // A method, not a package function (`os.Close` does not exist, but `ioutil.X` might).
            let on_package = f.child_by_field_name("operand").is_some_and(|o| {
                o.kind() == "identifier" && is_import_local(file, file.node_text(o))
            });
            let lower = field.to_lowercase();
            !on_package
                && (BLOCKING_METHODS.contains(&field)
                    || CLEANUP_WORDS.iter().any(|w| lower.contains(w)))
        }
        "identifier" => {
            let name = file.node_text(f).to_lowercase();
            CLEANUP_WORDS.iter().any(|w| name.contains(w))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn main_with(sigs: &str, after: &str) -> String {
        format!(
            "package main\n\nimport (\n\t\"os\"\n\t\"os/signal\"\n\t\"sync\"\n\t\"syscall\"\n\t\"time\"\n)\n\nvar _ = syscall.SIGTERM\nvar _ = time.Second\n\nfunc main() {{\n\tvar wg sync.WaitGroup\n\tsig := make(chan os.Signal, 1)\n\tsignal.Notify(sig{sigs})\n\t<-sig\n{after}}}\n"
        )
    }

    #[test]
    fn reports_blocking_cleanup_after_the_receive() {
        for after in [
            "\twg.Wait()\n",
            "\ttime.Sleep(time.Second)\n",
            "\tif true {\n\t\tflushQueue()\n\t}\n",
        ] {
            let src =
                main_with(", syscall.SIGINT, syscall.SIGTERM", after) + "\nfunc flushQueue() {}\n";
            let msgs = check_detect_only_go(&TRANSFORM, "1.22", &src);
            assert!(msgs[0].contains("signal.Stop(sig)"), "{msgs:?}");
        }
        // No signal list: every signal, SIGINT included.
        check_detect_only_go(&TRANSFORM, "1.22", &main_with("", "\twg.Wait()\n"));
    }

    #[test]
    fn reports_in_a_select_case_of_a_goroutine() {
        let src = "package main\n\nimport (\n\t\"context\"\n\t\"net/http\"\n\t\"os\"\n\t\"os/signal\"\n)\n\nfunc run(ctx context.Context, srv *http.Server) {\n\tsig := make(chan os.Signal, 1)\n\tsignal.Notify(sig, os.Interrupt)\n\tgo func() {\n\t\tselect {\n\t\tcase <-sig:\n\t\t\tsrv.Shutdown(context.Background())\n\t\tcase <-ctx.Done():\n\t\t}\n\t}()\n}\n\nfunc main() {}\n";
        check_detect_only_go(&TRANSFORM, "1.22", src);
    }

    #[test]
    fn no_stop_exit_loop_reload_or_nothing_blocking() {
        for (sigs, after) in [
            (", syscall.SIGTERM", "\tsignal.Stop(sig)\n\twg.Wait()\n"),
            (", syscall.SIGTERM", "\tsignal.Reset()\n\twg.Wait()\n"),
            (", syscall.SIGTERM", "\tos.Exit(1)\n\twg.Wait()\n"),
            (", syscall.SIGTERM", "\tgo wg.Wait()\n"),
            (", syscall.SIGHUP", "\twg.Wait()\n"),
            (
                ", syscall.SIGTERM",
                "\tgo func() { <-sig; os.Exit(1) }()\n\twg.Wait()\n",
            ),
        ] {
            check_no_fix_go(&TRANSFORM, "1.22", &main_with(sigs, after));
        }
        let looped = main_with(", syscall.SIGTERM", "")
            .replace("\t<-sig\n", "\tfor {\n\t\t<-sig\n\t\twg.Wait()\n\t}\n");
        check_no_fix_go(&TRANSFORM, "1.22", &looped);
        let unbuffered = main_with(", syscall.SIGTERM", "\twg.Wait()\n")
            .replace("make(chan os.Signal, 1)", "make(chan os.Signal)");
        check_no_fix_go(&TRANSFORM, "1.22", &unbuffered);
    }
}
