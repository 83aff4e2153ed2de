//! Code whose purpose is the collection: helpers and admin endpoints named for it, handlers registered on
//! such a route, handlers that do nothing but respond around the call (§3.3).

use super::handler::Handler;
use super::idle::is_log_call;
use crate::read::syntax::{self, named_children};
use crate::semantic::package::{Package, PkgFile};
use crate::semantic::pkg_calls::any_node;
use tree_sitter::Node;

/// Words that say a function exists to collect garbage or give memory back.
const PURPOSE_WORDS: &[&str] = &[
    "gc", "garbage", "mem", "memory", "free", "release", "reclaim", "scavenge", "heap",
];
/// More words that mark an endpoint (handler names, routes) as administrative.
const ENDPOINT_WORDS: &[&str] = &["debug", "admin", "pprof"];

pub(super) fn words(s: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || next.is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter().map(|w| w.to_lowercase()).collect()
}

pub(super) fn names_purpose(s: &str, endpoint: bool) -> bool {
    let lower = s.to_lowercase();
    lower.starts_with("gc")
        || lower.ends_with("gc")
        || words(s).iter().any(|w| {
            PURPOSE_WORDS.contains(&w.as_str())
                || (endpoint && ENDPOINT_WORDS.contains(&w.as_str()))
        })
}

/// §3.3's "admin endpoints" and on-demand helpers: forcing a collection is what the code is for.
pub(super) fn forcing_is_the_purpose(
    pkg: &Package,
    file: &PkgFile,
    func: Node<'_>,
    handler: Option<&Handler>,
    removed: Node<'_>,
) -> bool {
    let endpoint = handler.is_some();
    let name = func.child_by_field_name("name").map(|n| file.node_text(n));
    if name.is_some_and(|n| names_purpose(n, endpoint)) {
        return true;
    }
    let Some(handler) = handler else { return false };
    // A `ServeHTTP` (or other handler method) of a type named for the job.
    if func.kind() == "method_declaration"
        && let Some(recv) = func.child_by_field_name("receiver")
        && any_node(recv, |n| {
            n.kind() == "type_identifier" && names_purpose(file.node_text(n), true)
        })
    {
        return true;
    }
    if registered_on_purpose_route(pkg, file, func, name) {
        return true;
    }
    func.child_by_field_name("body")
        .is_some_and(|b| only_responds(file, b, handler, removed))
}

/// Is the handler passed to a call that also takes a route string naming the job (`"/debug/gc"`)?
fn registered_on_purpose_route(
    pkg: &Package,
    file: &PkgFile,
    func: Node<'_>,
    name: Option<&str>,
) -> bool {
    let route_in = |f: &PkgFile, call: Node<'_>| {
        call.child_by_field_name("arguments").is_some_and(|args| {
            named_children(args).into_iter().any(|a| {
                matches!(
                    a.kind(),
                    "interpreted_string_literal" | "raw_string_literal"
                ) && names_purpose(f.node_text(a).trim_matches(['"', '`']), true)
            })
        })
    };
    if func.kind() == "func_literal" {
        // The registration call whose arguments hold the literal (possibly inside `http.HandlerFunc(...)`).
        return syntax::ancestors(func)
            .filter(|a| a.kind() == "call_expression")
            .take(2)
            .any(|c| route_in(file, c));
    }
    let Some(name) = name else { return false };
    let spells = |f: &&PkgFile| memchr::memmem::find(f.text.as_bytes(), name.as_bytes()).is_some();
    pkg.files.iter().filter(spells).any(|f| {
        any_node(f.tree().root_node(), |n| {
            n.kind() == "call_expression"
                && n.child_by_field_name("arguments").is_some_and(|args| {
                    named_children(args).into_iter().any(|a| {
                        any_node(a, |x| {
                            matches!(x.kind(), "identifier" | "field_identifier")
                                && f.node_text(x) == name
                        })
                    })
                })
                && route_in(f, n)
        })
    })
}

/// Does the handler body, apart from the removed statement, only write the response, log or return?
fn only_responds(file: &PkgFile, body: Node<'_>, handler: &Handler, removed: Node<'_>) -> bool {
    syntax::block_statements(body)
        .into_iter()
        .all(|s| responds(file, s, handler, removed))
}

fn responds(file: &PkgFile, s: Node<'_>, handler: &Handler, removed: Node<'_>) -> bool {
    if s.id() == removed.id() {
        return true;
    }
    match s.kind() {
        "return_statement" | "empty_statement" => true,
        "expression_statement" | "defer_statement" => named_children(s).first().is_some_and(|c| {
            c.kind() == "call_expression"
                && (is_log_call(file, *c) || is_response_call(file, *c, handler))
        }),
        "if_statement" => ["consequence", "alternative"].iter().all(|f| {
            s.child_by_field_name(f).is_none_or(|b| match b.kind() {
                "block" => only_responds(file, b, handler, removed),
                _ => responds(file, b, handler, removed),
            })
        }),
        _ => false,
    }
}

/// A call on the handler's parameters (`w.WriteHeader(204)`, `c.String(200, "ok")`) or an imported
/// package's function that takes them (`fmt.Fprintln(w, "ok")`, `http.Error(w, ...)`), with no other call in
/// its arguments.
fn is_response_call(file: &PkgFile, call: Node<'_>, handler: &Handler) -> bool {
    let is_param = |n: Node<'_>| {
        n.kind() == "identifier" && handler.params.iter().any(|p| p == file.node_text(n))
    };
    let Some(args) = call.child_by_field_name("arguments") else {
        return false;
    };
    let on_param = call
        .child_by_field_name("function")
        .is_some_and(|f| is_param(chain_root(f)));
    // `fmt.Fprintln(w, ...)`, `http.Error(w, ...)`: an imported package's function writing the response. A
    // package helper taking `w` and `r` (`serve(w, r)`) is the handler's real work (owner's decision).
    let imported_callee = call.child_by_field_name("function").is_some_and(|f| {
        f.kind() == "selector_expression"
            && f.child_by_field_name("operand").is_some_and(|o| {
                o.kind() == "identifier"
                    && file
                        .imports()
                        .iter()
                        .any(|i| i.is_usable() && i.local == file.node_text(o))
                    && !handler.params.iter().any(|p| p == file.node_text(o))
            })
    });
    let takes_param = imported_callee && named_children(args).into_iter().any(is_param);
    let plain_args = {
        let mut ok = true;
        for a in named_children(args) {
            syntax::walk(a, &mut |n| {
                ok &= n.kind() != "call_expression" || is_param(chain_root(n))
            });
        }
        ok
    };
    (on_param || takes_param) && plain_args
}

/// The leftmost operand of a selector/call/index chain: `w` for `w.Header().Set`.
fn chain_root(mut n: Node<'_>) -> Node<'_> {
    loop {
        let next = match n.kind() {
            "selector_expression" | "index_expression" => n.child_by_field_name("operand"),
            "call_expression" => n.child_by_field_name("function"),
            _ => None,
        };
        match next {
            Some(x) => n = x,
            None => return n,
        }
    }
}
