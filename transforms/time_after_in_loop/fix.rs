//! R2's fix: the timer declared before the loop, the reset sequence before the select (async-safe or
//! plain, Shape A or B), the case reading the timer's channel, and the fired flag set in the case body.

use super::Plan;
use crate::read::syntax;
use crate::rules::fix::{Edit, Fix, TextRange};
use crate::rules::rewrite::indent_lines;
use crate::rules::transform::Ctx;

pub(super) fn build_fix(cx: &Ctx<'_>, plan: &Plan<'_>, timer: &str, fired: &str) -> Fix {
    let src = cx.src();
    let d = syntax::text(plan.site.arg, src);
    let time = &plan.site.time;
    let mut decl = String::new();
    let mut reset = String::new();
    match (plan.shape_a, plan.sync) {
        (true, false) => {
            decl.push_str(&format!(
                "{timer} := {time}.NewTimer({d})\n{fired} := false\n"
            ));
            reset.push_str(&format!(
                "if !{timer}.Stop() && !{fired} {{\n\t<-{timer}.C\n}}\n{timer}.Reset({d})\n{fired} = false\n"
            ));
        }
        (true, true) => {
            decl.push_str(&format!("{timer} := {time}.NewTimer({d})\n"));
            reset.push_str(&format!("{timer}.Reset({d})\n"));
        }
        (false, false) => {
            decl.push_str(&format!("var {timer} *{time}.Timer\n{fired} := false\n"));
            reset.push_str(&format!(
                "if {timer} == nil {{\n\t{timer} = {time}.NewTimer({d})\n}} else {{\n\tif !{timer}.Stop() && !{fired} {{\n\t\t<-{timer}.C\n\t}}\n\t{timer}.Reset({d})\n}}\n{fired} = false\n"
            ));
        }
        (false, true) => {
            decl.push_str(&format!("var {timer} *{time}.Timer\n"));
            reset.push_str(&format!(
                "if {timer} == nil {{\n\t{timer} = {time}.NewTimer({d})\n}} else {{\n\t{timer}.Reset({d})\n}}\n"
            ));
        }
    }
    let mode = if plan.sync {
        "plain Reset: timer channels are synchronous"
    } else {
        "async-safe reset"
    };
    let mut title = format!("reuse one `time.Timer` ({timer}) declared before the loop ({mode})");
    if let Some(r) = &plan.review {
        title.push_str(&format!("; review: {r}"));
    }
    let fi = cx.file_idx;
    let mut fix = Fix::new(title, plan.applicability)
        .edit(
            fi,
            Edit::insert(plan.decl_at.0, indent_lines(&decl, &plan.decl_at.1)),
        )
        .edit(
            fi,
            Edit::insert(plan.reset_at.0, indent_lines(&reset, &plan.reset_at.1)),
        )
        .edit(
            fi,
            Edit::replace(TextRange::of(plan.site.call), format!("{timer}.C")),
        );
    if !plan.sync {
        let (at, indent) = &plan.case_body_at;
        fix = fix.edit(fi, Edit::insert(*at, format!("{indent}{fired} = true\n")));
    }
    fix
}
