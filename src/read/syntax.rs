//! tree-sitter-go parsing and the node helpers every transform shares (ancestry, scope, text).

use std::cell::RefCell;
use std::collections::HashSet;
use tree_sitter::{Node, Parser, Tree};

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut p = Parser::new();
        p.set_language(&tree_sitter_go::LANGUAGE.into()).expect("tree-sitter-go grammar matches the runtime");
        p
    });
}

pub fn language() -> tree_sitter::Language {
    tree_sitter_go::LANGUAGE.into()
}

/// Every parse of this process, for the run summary and the benchmark (parsing dominates run time).
pub static PARSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Parses Go text with this thread's parser.
pub fn parse(text: &str) -> Tree {
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    PARSER
        .with(|p| p.borrow_mut().parse(text, None))
        .expect("parser has a language and no timeout")
}

/// The first ERROR or MISSING node, for a one-line syntax error message.
pub fn first_error(tree: &Tree) -> Option<Node<'_>> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut node = root;
    'outer: loop {
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.has_error() {
                node = child;
                continue 'outer;
            }
        }
        return Some(node);
    }
}

/// The top-level declarations (and stray top-level input) holding an ERROR or MISSING node: the parts of a
/// file with a syntax error that are neither analysed nor edited. Empty for a file that parses cleanly.
pub fn broken_ranges(tree: &Tree) -> Vec<std::ops::Range<usize>> {
    let root = tree.root_node();
    if !root.has_error() {
        return vec![];
    }
    let mut cursor = root.walk();
    let out: Vec<_> = root
        .children(&mut cursor)
        .filter(|n| n.has_error() || n.is_error() || n.is_missing())
        .map(|n| n.byte_range())
        .collect();
    if out.is_empty() || root.is_error() {
        return vec![root.byte_range()];
    }
    out
}

/// Where the package clause and import declarations end: the region the engine's import changes edit.
pub fn header_end(tree: &Tree) -> usize {
    let root = tree.root_node();
    let mut cursor = root.walk();
    root.children(&mut cursor)
        .filter(|n| matches!(n.kind(), "package_clause" | "import_declaration"))
        .map(|n| n.end_byte())
        .max()
        .unwrap_or(0)
}

/// Do two byte ranges overlap or touch? (An insertion at a broken declaration's edge edits it too.)
pub fn touches(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The syntax error at `node` (from `first_error`) as one clause, like `gofmt -e`:
/// "syntax error: missing `)`" or "syntax error: unexpected `{`".
pub fn describe_error(node: Node<'_>, src: &str) -> String {
    if node.is_missing() {
        return format!("syntax error: missing `{}`", node.kind());
    }
    let mut leaf = node;
    while let Some(c) = leaf.child(0) {
        leaf = c;
    }
    let token: String = src
        .get(leaf.byte_range())
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(20)
        .collect();
    if token.trim().is_empty() {
        "syntax error: unexpected input".into()
    } else {
        format!("syntax error: unexpected `{}`", token.trim())
    }
}

pub fn text<'t>(node: Node<'_>, src: &'t str) -> &'t str {
    &src[node.byte_range()]
}

pub fn ancestors(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    std::iter::successors(node.parent(), |n| n.parent())
}

pub fn is_function(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "function_declaration" | "method_declaration" | "func_literal"
    )
}

/// The innermost function (declaration, method or literal) containing `node`.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    ancestors(node).find(|n| is_function(*n))
}

/// The top-level function or method declaration containing `node` (through any literals).
pub fn enclosing_top_function(node: Node<'_>) -> Option<Node<'_>> {
    ancestors(node).find(|n| matches!(n.kind(), "function_declaration" | "method_declaration"))
}

/// The innermost `for` statement containing `node` within the same function body.
pub fn enclosing_loop(node: Node<'_>) -> Option<Node<'_>> {
    for a in ancestors(node) {
        if is_function(a) {
            return None;
        }
        if a.kind() == "for_statement" {
            return Some(a);
        }
    }
    None
}

/// The statement containing `node` that sits directly in a statement list (or a case clause).
pub fn enclosing_statement(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node;
    loop {
        let parent = cur.parent()?;
        if matches!(parent.kind(), "statement_list" | "source_file") {
            return Some(cur);
        }
        cur = parent;
    }
}

/// A labeled statement wrapping `stmt`, if any (placement rules insert before the label).
pub fn with_label(stmt: Node<'_>) -> Node<'_> {
    match stmt.parent() {
        Some(p) if p.kind() == "labeled_statement" => with_label(p),
        _ => stmt,
    }
}

/// Named children, skipping comments.
pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// Statements of a block (`{ statement_list }`) or of a case clause, comments excluded.
pub fn block_statements(block: Node<'_>) -> Vec<Node<'_>> {
    let mut out = vec![];
    for c in named_children(block) {
        if c.kind() == "statement_list" {
            out.extend(named_children(c));
        } else if block.kind() == "block" || block.kind() == "statement_list" {
            out.push(c);
        }
    }
    out
}

/// Statements of a `communication_case` / `default_case` / `expression_case` body.
pub fn case_statements(case: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = case.walk();
    case.named_children(&mut cursor)
        .filter(|c| c.kind() == "statement_list")
        .flat_map(named_children)
        .collect()
}

/// Does `text` spell `name` as a whole word (a cheap test before parsing or walking a file)?
pub fn contains_word(text: &str, name: &str) -> bool {
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    memchr::memmem::find_iter(b, name.as_bytes()).any(|at| {
        (at == 0 || !is_ident(b[at - 1])) && b.get(at + name.len()).is_none_or(|c| !is_ident(*c))
    })
}

/// Depth-first walk over every node of a subtree.
pub fn walk<'t>(node: Node<'t>, f: &mut impl FnMut(Node<'t>)) {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        f(n);
        let start = stack.len();
        stack.extend(n.children(&mut cursor));
        stack[start..].reverse();
    }
}

/// Every identifier spelled in a subtree (identifiers, field and type names), for choosing fresh names.
pub fn identifiers(node: Node<'_>, src: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    walk(node, &mut |n| {
        if matches!(
            n.kind(),
            "identifier"
                | "field_identifier"
                | "type_identifier"
                | "package_identifier"
                | "label_name"
        ) {
            out.insert(text(n, src).to_string());
        }
    });
    out
}

/// Every declaration of `name` in `scope`, as (declaring node, identifier): parameters, results,
/// receivers, `:=`, var, const, range and receive variables, type parameters, type-switch bindings, types.
/// The one syntactic declaration finder; `semantic::scope` answers which of them a use refers to.
pub fn declarations_of<'t>(scope: Node<'t>, name: &str, src: &str) -> Vec<(Node<'t>, Node<'t>)> {
    let mut found = vec![];
    walk(scope, &mut |n| {
        for d in declared_names(n) {
            if text(d, src) == name {
                found.push((n, d));
            }
        }
    });
    found
}

/// Does anything in `scope` declare `name` (see `declarations_of`)? Used conservatively: any declaration
/// anywhere counts as shadowing.
pub fn declares_name(scope: Node<'_>, name: &str, src: &str) -> bool {
    !declarations_of(scope, name, src).is_empty()
}

/// The identifiers `n` itself declares (not those of its descendants).
pub fn declared_names(n: Node<'_>) -> Vec<Node<'_>> {
    match n.kind() {
        "parameter_declaration"
        | "variadic_parameter_declaration"
        | "var_spec"
        | "const_spec"
        | "type_parameter_declaration" => {
            let mut cursor = n.walk();
            n.children_by_field_name("name", &mut cursor).collect()
        }
        "type_spec" | "type_alias" => n.child_by_field_name("name").into_iter().collect(),
        "short_var_declaration" | "range_clause" | "receive_statement" => {
            let is_define = n.kind() == "short_var_declaration"
                || (0..n.child_count()).any(|i| n.child(i).is_some_and(|c| c.kind() == ":="));
            match (is_define, n.child_by_field_name("left")) {
                (true, Some(left)) => named_children(left),
                _ => vec![],
            }
        }
        "type_switch_statement" => n
            .child_by_field_name("alias")
            .map(named_children)
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// The one node in `scope` that declares `name` (parameter, result, `var` spec, `:=`, range clause,
/// type switch binding...), or `None` when nothing or more than one node does: several declarations are
/// shadowing that callers do not resolve.
pub fn sole_declaration<'t>(scope: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    let mut nodes: Vec<Node<'t>> = declarations_of(scope, name, src)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    nodes.dedup_by_key(|n| n.id());
    (nodes.len() == 1).then(|| nodes[0])
}

/// Expressions that can be evaluated any number of times, at any moment, with the same effect (none):
/// identifiers, literals, selectors, index expressions without calls, parenthesised and unary/binary
/// operators except receive, and the builtins `len`/`cap`.
pub fn is_pure_expr(node: Node<'_>, src: &str) -> bool {
    match node.kind() {
        "identifier"
        | "int_literal"
        | "float_literal"
        | "imaginary_literal"
        | "rune_literal"
        | "true"
        | "false"
        | "nil"
        | "iota"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "field_identifier" => true,
        "selector_expression" => node
            .child_by_field_name("operand")
            .is_some_and(|o| is_pure_expr(o, src)),
        "index_expression" => named_children(node).iter().all(|c| is_pure_expr(*c, src)),
        "parenthesized_expression" => named_children(node).iter().all(|c| is_pure_expr(*c, src)),
        "unary_expression" => {
            node.child_by_field_name("operator")
                .is_some_and(|o| text(o, src) != "<-")
                && node
                    .child_by_field_name("operand")
                    .is_some_and(|o| is_pure_expr(o, src))
        }
        "binary_expression" => named_children(node).iter().all(|c| is_pure_expr(*c, src)),
        "call_expression" => {
            let f = node.child_by_field_name("function");
            let builtin = f
                .is_some_and(|f| f.kind() == "identifier" && matches!(text(f, src), "len" | "cap"));
            builtin
                && node
                    .child_by_field_name("arguments")
                    .is_some_and(|a| named_children(a).iter().all(|c| is_pure_expr(*c, src)))
        }
        _ => false,
    }
}

/// `x.Done()` with a pure receiver: the one method call a select operand may be and stay cheap and pure.
pub fn is_done_call(node: Node<'_>, src: &str) -> bool {
    if node.kind() != "call_expression" {
        return false;
    }
    let no_args = node
        .child_by_field_name("arguments")
        .is_some_and(|a| named_children(a).is_empty());
    let f = node.child_by_field_name("function");
    no_args
        && f.is_some_and(|f| {
            f.kind() == "selector_expression"
                && f.child_by_field_name("field")
                    .is_some_and(|n| text(n, src) == "Done")
                && f.child_by_field_name("operand")
                    .is_some_and(|o| is_pure_expr(o, src))
        })
}

/// Start of the line holding `offset`.
pub fn line_start(src: &str, offset: usize) -> usize {
    src[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Offset just past the newline ending the line holding `offset` (or the text's end).
pub fn line_end_incl(src: &str, offset: usize) -> usize {
    src[offset..]
        .find('\n')
        .map_or(src.len(), |i| offset + i + 1)
}

/// The leading whitespace of the line holding `offset`.
pub fn indent_at(src: &str, offset: usize) -> &str {
    let start = line_start(src, offset);
    let line = &src[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Is `node` the only thing on its line(s), apart from whitespace and a trailing comment?
pub fn alone_on_line(node: Node<'_>, src: &str) -> bool {
    let before = &src[line_start(src, node.start_byte())..node.start_byte()];
    before.trim().is_empty() && {
        let end = line_end_incl(src, node.end_byte());
        let after = src[node.end_byte()..end].trim();
        after.is_empty() || after.starts_with("//")
    }
}

/// The value of a Go integer literal (`1_000`, `0x8000`, `0o17`, `017`, `0b101`).
pub fn int_literal(text: &str) -> Option<u128> {
    let digits: String = text.trim().chars().filter(|c| *c != '_').collect();
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(b) = lower.strip_prefix("0x") {
        (16, b)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b)
    } else if let Some(b) = lower.strip_prefix("0o") {
        (8, b)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    u128::from_str_radix(body, radix).ok()
}

/// Go's predeclared integer types (`byte` and `rune` are aliases of `uint8` and `int32`).
pub fn is_integer_type(name: &str) -> bool {
    matches!(
        name,
        "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "uintptr"
            | "byte"
            | "rune"
    )
}

/// Go's predeclared numeric types: the integers, `float32`/`float64`, `complex64`/`complex128`.
pub fn is_numeric_type(name: &str) -> bool {
    is_integer_type(name) || matches!(name, "float32" | "float64" | "complex64" | "complex128")
}

/// Go's predeclared basic types: `bool`, `string` and the numeric types.
pub fn is_basic_type(name: &str) -> bool {
    matches!(name, "bool" | "string") || is_numeric_type(name)
}

/// Is one of the comment lines directly above the line holding `at` a `//go:` directive?
pub fn directive_above(src: &str, at: usize) -> bool {
    let mut start = line_start(src, at);
    while start > 0 {
        let prev = line_start(src, start - 1);
        let line = src[prev..start].trim();
        if !line.starts_with("//") {
            return false;
        }
        if line.starts_with("//go:") {
            return true;
        }
        start = prev;
    }
    false
}

/// Does a comment start in `rest` (the remainder of a line), outside string and rune literals?
pub fn comment_follows(rest: &str) -> bool {
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && q != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if matches!(b.get(i + 1), Some(b'/') | Some(b'*')) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_ranges_are_the_declarations_holding_the_error() {
        let src = "package m\n\nimport \"fmt\"\n\nfunc ok() { fmt.Println() }\n\nfunc bad(n int { return }\n\nvar x = 1\n";
        let tree = parse(src);
        assert!(broken_ranges(&parse("package m\n\nfunc f() {}\n")).is_empty());
        let broken = broken_ranges(&tree);
        assert_eq!(broken.len(), 1);
        assert!(src[broken[0].clone()].starts_with("func bad(n int {"));
        assert_eq!(&src[..header_end(&tree)], "package m\n\nimport \"fmt\"");
        let err = first_error(&tree).unwrap();
        assert_eq!(describe_error(err, src), "syntax error: missing `)`");
        let stray = "package m\n\nfunc f() {}\n\n}}\n";
        let t = parse(stray);
        assert!(
            describe_error(first_error(&t).unwrap(), stray)
                .starts_with("syntax error: unexpected `}")
        );
    }

    #[test]
    fn finds_shadowing_declarations() {
        let src =
            "package m\nfunc f(time int) { for i, v := range xs { _ = v }; var q = 1; r := 2 }\n";
        let tree = parse(src);
        let f = tree.root_node().named_child(1).unwrap();
        for name in ["time", "i", "v", "q", "r"] {
            assert!(declares_name(f, name, src), "{name}");
        }
        assert!(!declares_name(f, "xs", src));
    }

    #[test]
    fn integer_literals() {
        let v: Vec<Option<u128>> = ["1_000", "0x8000", "0o17", "017", "0B101", "0", "08"]
            .iter()
            .map(|t| int_literal(t))
            .collect();
        assert_eq!(
            v,
            vec![
                Some(1000),
                Some(32768),
                Some(15),
                Some(15),
                Some(5),
                Some(0),
                None
            ]
        );
    }

    #[test]
    fn pure_expressions() {
        let src = "package m\nvar _ = []any{a.b[c], f(), <-ch, len(x) + 1, ctx.Done()}\n";
        let tree = parse(src);
        let mut lits = vec![];
        walk(tree.root_node(), &mut |n| {
            if n.kind() == "literal_value" {
                lits.extend(named_children(n).into_iter().map(|e| named_children(e)[0]));
            }
        });
        let pure: Vec<bool> = lits.iter().map(|n| is_pure_expr(*n, src)).collect();
        assert_eq!(pure, vec![true, false, false, true, false]);
        assert!(is_done_call(lits[4], src));
    }

    #[test]
    fn comments_are_told_from_strings() {
        assert!(comment_follows(", 1) // why"));
        assert!(comment_follows(" /* note */"));
        assert!(!comment_follows(", \"http://example.com\")"));
        assert!(!comment_follows(", `a//b`, '/')"));
        assert!(comment_follows(", \"a\\\"b\") // c"));
    }
}
