//! Where R2 fires: a `time.After`/`time.Tick` call of the standard `time` package that is the operand of
//! a select case's receive.

use super::{Kind, Site};
use crate::read::nodes::{is_unary, unparen};
use crate::read::syntax;
use crate::rules::transform::Ctx;
use crate::semantic::constant;
use tree_sitter::Node;

/// §2.4.1: `call` is exactly the operand of `case [lhs :=|=] <-call:` and calls the standard library's
/// `time.After` (or `time.Tick` with a constant duration > 0, §2.5).
pub(super) fn site_of_call<'t>(cx: &Ctx<'_>, call: Node<'t>) -> Option<Site<'t>> {
    let file = cx.file();
    let src = cx.src();
    if call.kind() != "call_expression" || call.child_by_field_name("type_arguments").is_some() {
        return None;
    }
    let unary = call.parent().filter(|p| is_unary(*p, "<-", src))?;
    let recv = unary.parent().filter(|p| p.kind() == "receive_statement")?;
    if recv.child_by_field_name("right")?.id() != unary.id() {
        return None;
    }
    let case = recv.parent().filter(|p| p.kind() == "communication_case")?;
    let func = call.child_by_field_name("function")?;
    let kind = match syntax::text(func.child_by_field_name("field")?, src) {
        "After" => Kind::After,
        "Tick" => Kind::Tick,
        _ => return None,
    };
    // §0.3 / must-not-fire: the qualifier is the standard `time` import, not shadowed, not a dot import,
    // not a fake clock.
    let pkg = func.child_by_field_name("operand")?;
    if !file.names_package(pkg, "time") {
        return None;
    }
    // §2.4.7: one argument expression, no comments inside the parentheses, on one line (moved verbatim).
    let args = call.child_by_field_name("arguments")?;
    let mut cursor = args.walk();
    let children: Vec<Node<'t>> = args.named_children(&mut cursor).collect();
    let [arg] = children.as_slice() else {
        return None;
    };
    if arg.kind() == "variadic_argument" || syntax::text(*arg, src).contains('\n') {
        return None;
    }
    // §2.5: `time.Tick(d)` only with a constant d > 0 (Tick returns nil for d <= 0, a timer fires at once).
    if kind == Kind::Tick && !constant::value(cx.pkg, cx.file_idx, *arg).is_some_and(|v| v.v > 0.0)
    {
        return None;
    }
    Some(Site {
        case,
        call,
        arg: *arg,
        kind,
        time: syntax::text(pkg, src).to_string(),
    })
}

/// Is `case` a select case whose operand is a `time.After`/`time.Tick` call, whatever its argument?
pub(super) fn is_timer_case(cx: &Ctx<'_>, case: Node<'_>) -> bool {
    let src = cx.src();
    let Some(right) = case
        .child_by_field_name("communication")
        .filter(|c| c.kind() == "receive_statement")
        .and_then(|r| r.child_by_field_name("right"))
    else {
        return false;
    };
    let Some(call) = unparen(right).child_by_field_name("operand").map(unparen) else {
        return false;
    };
    let Some(f) = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
    else {
        return false;
    };
    call.kind() == "call_expression"
        && f.child_by_field_name("field")
            .is_some_and(|n| matches!(syntax::text(n, src), "After" | "Tick"))
        && f.child_by_field_name("operand")
            .is_some_and(|o| cx.file().names_package(o, "time"))
}
