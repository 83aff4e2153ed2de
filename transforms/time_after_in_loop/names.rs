//! The names R2's fix declares: a timer and its fired flag named after the duration, fresh in the
//! function and distinct from those of the function's other firing sites in the same pass.

use super::Plan;
use super::plan::make_plan;
use super::site::site_of_call;
use crate::read::nodes::unparen;
use crate::read::syntax::{self, named_children};
use crate::rules::naming::{fresh_names, lower_camel};
use crate::rules::transform::Ctx;
use crate::semantic::constant;
use std::collections::HashSet;
use tree_sitter::Node;

/// The timer and flag names for this site: fresh in the whole function, and different from the names
/// that every earlier firing site of the same function takes in this pass (two fixes may apply together).
pub(super) fn names_for(cx: &Ctx<'_>, plan: &Plan<'_>) -> (String, String) {
    let mut taken = HashSet::new();
    let mut earlier = vec![];
    syntax::walk(plan.scope, &mut |n| {
        if n.kind() == "call_expression" && n.start_byte() < plan.site.call.start_byte() {
            earlier.push(n);
        }
    });
    for call in earlier {
        if let Some(p) = site_of_call(cx, call).and_then(|s| make_plan(cx, s)) {
            let (t, f) = pick_names(cx, &p, &taken);
            taken.insert(t);
            taken.insert(f);
        }
    }
    pick_names(cx, plan, &taken)
}

/// `<base>Timer` and `<base>Fired` (`timer`, `timerFired` when the duration suggests no name).
fn pick_names(cx: &Ctx<'_>, plan: &Plan<'_>, taken: &HashSet<String>) -> (String, String) {
    let base = name_base(cx, plan.site.arg);
    let timer = match &base {
        Some(b) => format!("{b}Timer"),
        None => "timer".to_string(),
    };
    let fired = format!("{}Fired", base.as_deref().unwrap_or("timer"));
    let [timer, fired]: [String; 2] = fresh_names(cx, plan.scope, &[&timer, &fired], taken)
        .try_into()
        .expect("two bases, two names");
    (timer, fired)
}

/// The name a duration suggests: `idle` → `idle`, `s.cfg.IdleTimeout` → `idleTimeout`, `backoff * 2` →
/// `backoff`, `time.Duration(n) * time.Second` → `n`; `None` for pure constants like `5 * time.Second`.
fn name_base(cx: &Ctx<'_>, d: Node<'_>) -> Option<String> {
    let src = cx.src();
    let file = cx.file();
    let is_constish = |n: Node<'_>| {
        matches!(n.kind(), "int_literal" | "float_literal")
            || (n.kind() == "selector_expression"
                && n.child_by_field_name("operand")
                    .is_some_and(|o| file.names_package(o, "time")))
    };
    let d = unparen(d);
    let name = match d.kind() {
        "identifier" => syntax::text(d, src).to_string(),
        "selector_expression" if !is_constish(d) => {
            syntax::text(d.child_by_field_name("field")?, src).to_string()
        }
        "binary_expression" => {
            let l = unparen(d.child_by_field_name("left")?);
            let r = unparen(d.child_by_field_name("right")?);
            return match (is_constish(l), is_constish(r)) {
                (true, false) => name_base(cx, r),
                (false, true) => name_base(cx, l),
                _ => None,
            };
        }
        "call_expression" if constant::is_time_duration(file, d) => {
            return name_base(
                cx,
                *named_children(d.child_by_field_name("arguments")?).first()?,
            );
        }
        _ => return None,
    };
    if name == "_" {
        return None;
    }
    Some(lower_camel(&name))
}
