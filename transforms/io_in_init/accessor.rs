//! The fix of §4.3 for the textbook shapes: the lazy accessor in place of `init`, the old spec deleted,
//! every read made a call.

use super::*;

/// The fix of §4.3: the new declaration in place of `init`, the old spec deleted, every read made a call.
#[allow(clippy::too_many_arguments)]
pub(super) fn build_fix(
    cx: &mut Ctx<'_>,
    init: Node<'_>,
    found: &Found<'_>,
    decl: &semantic::VarDecl<'_>,
    ty: Node<'_>,
    name: &str,
    reads: &[(usize, Node<'_>)],
    once_value: bool,
) -> Result<Fix, &'static str> {
    let pkg = cx.pkg;
    let init_idx = cx.file_idx;
    let file = cx.file();
    let src = cx.src();
    let var_file = &pkg.files[decl.file];
    let vsrc: &str = &var_file.text;
    let ty_text = var_file.node_text(ty);
    // Comments of the init body would be lost.
    let kept: Vec<Node<'_>> = match &found.shape {
        Shape::Plain { call, .. } => vec![*call],
        Shape::Checked { call, branch, .. } => vec![*call, *branch],
    };
    let body = init.child_by_field_name("body").ok_or("no body")?;
    let mut stray_comment = false;
    syntax::walk(body, &mut |n| {
        if n.kind() == "comment"
            && !kept
                .iter()
                .any(|k| k.start_byte() <= n.start_byte() && n.end_byte() <= k.end_byte())
        {
            stray_comment = true;
        }
    });
    if stray_comment {
        return Err("the `init` body holds comments that would be lost");
    }
    // A trailing comment after a rewritten use may be aligned with its neighbours by gofmt.
    for (fi, id) in reads {
        let t: &str = &pkg.files[*fi].text;
        if comment_follows(&t[id.end_byte()..line_end_incl(t, id.end_byte())]) {
            return Err("a use of the variable shares its line with a comment gofmt aligns");
        }
    }
    let sync = cx.import_name(init_idx, "sync", "gosync");
    let mut fix = Fix::unsafe_fix(if once_value {
        format!("make `{name}` a lazy `sync.OnceValue` accessor and call it at its uses")
    } else {
        format!("make `{name}` a lazy `sync.Once` accessor and call it at its uses")
    })
    .import(
        init_idx,
        ImportChange::Add {
            path: "sync".into(),
            name: sync.clone(),
        },
    );
    // Packages T names, which the destination file may lack.
    if decl.file != init_idx {
        let mut quals = vec![];
        syntax::walk(ty, &mut |n| {
            if n.kind() == "qualified_type"
                && let Some(p) = n.child_by_field_name("package")
            {
                quals.push(var_file.node_text(p).to_string());
            }
        });
        for q in quals {
            let imp = var_file
                .imports()
                .iter()
                .find(|i| i.local == q && i.is_usable())
                .ok_or("the type names a package the file does not import")?
                .clone();
            let local = cx.import_name(init_idx, &imp.path, &q);
            if local != q {
                return Err("the type's package has another name in the file holding `init`");
            }
            fix = fix
                .import(
                    init_idx,
                    ImportChange::Add {
                        path: imp.path.clone(),
                        name: local,
                    },
                )
                .import(
                    decl.file,
                    ImportChange::RemoveIfUnused {
                        path: imp.path.clone(),
                    },
                );
        }
    }
    // The old declaration (and its doc comment, which moves).
    let (del, doc) = delete_var_spec(vsrc, decl.decl, decl.spec)?;
    fix = fix.edit(decl.file, del);
    // The new declaration replaces `init`.
    let call_text = file.node_text(match &found.shape {
        Shape::Plain { call, .. } | Shape::Checked { call, .. } => *call,
    });
    let new_text = if once_value {
        match &found.shape {
            Shape::Plain { .. } => {
                format!(
                    "{doc}var {name} = {sync}.OnceValue(func() {ty_text} {{\n\treturn {call_text}\n}})"
                )
            }
            Shape::Checked { err, branch, .. } => {
                let mut taken = HashSet::new();
                taken.insert(err.clone());
                taken.insert(name.to_string());
                let v = cx.fresh_name(init, "v", &taken);
                let if_text = file.node_text(*branch);
                format!(
                    "{doc}var {name} = {sync}.OnceValue(func() {ty_text} {{\n\t{v}, {err} := {call_text}\n\t{if_text}\n\treturn {v}\n}})"
                )
            }
        }
    } else {
        let Shape::Checked { err, branch, .. } = &found.shape else {
            return Err("no sync.Once fallback for this shape");
        };
        let once = package_fresh(pkg, init, src, &format!("{name}Once"))?;
        let val = package_fresh(pkg, init, src, &format!("{name}Val"))?;
        let call_moved = deeper(call_text);
        let if_moved = deeper(file.node_text(*branch));
        if call_text.contains('`') || if_moved.contains('`') {
            return Err("the moved code holds a raw string that re-indenting would change");
        }
        let body =
            format!("\t\tvar {err} error\n\t\t{val}, {err} = {call_moved}\n\t\t{if_moved}\n");
        format!(
            "var {once} {sync}.Once\nvar {val} {ty_text}\n\n{doc}func {name}() {ty_text} {{\n\t{once}.Do(func() {{\n{body}\t}})\n\treturn {val}\n}}"
        )
    };
    fix = fix.edit(init_idx, Edit::replace(TextRange::of(init), new_text));
    for (fi, id) in reads {
        fix = fix.edit(*fi, Edit::insert(id.end_byte(), "()"));
    }
    Ok(fix)
}

/// `text` (a node that started at depth 1) moved one level deeper: its continuation lines gain a tab.
pub(super) fn deeper(text: &str) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_string()
            } else {
                format!("\t{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A new package-level name based on `base`: not declared in the package block, not an import name of any
/// file, not spelled in the moved `init`.
pub(super) fn package_fresh(
    pkg: &Package,
    init: Node<'_>,
    src: &str,
    base: &str,
) -> Result<String, &'static str> {
    let used = syntax::identifiers(init, src);
    let taken = |n: &str| {
        used.contains(n)
            || pkg.declares_top_level(n)
            || pkg
                .files
                .iter()
                .any(|f| f.imports().iter().any(|i| i.local == n))
    };
    if !taken(base) {
        return Ok(base.to_string());
    }
    (2..100)
        .map(|k| format!("{base}{k}"))
        .find(|n| !taken(n))
        .ok_or("no fresh name")
}
