//! # deep-recursion-untrusted (R7.15)
//!
//! ## What it does
//! Reports a function that calls itself directly to walk decoded input — a `*json.Decoder` token stream,
//! an `*html.Node` (`golang.org/x/net/html`), or a parameter of type `map[string]any`, `[]any` (or the
//! `interface{}` spellings) or `any` taken apart as such maps and slices in a file that decodes with a
//! decoder that does not cap nesting (YAML v2, TOML, XML, msgpack, CBOR, …) — recursing on the elements of
//! that argument (a range variable, an index, a child node, or the same decoder) with no depth bound: no
//! integer parameter and no `depth`/`level`/`limit`-named value is compared with anything in the
//! function. Values decoded by `encoding/json`'s `Unmarshal` or by `gopkg.in/yaml.v3` are not reported:
//! those decoders cap nesting.
//!
//! ## Why is this bad?
//! The nesting depth of the input decides the recursion depth, and whoever writes the input chooses
//! it: a few bytes per level (`[[[[…`) buy a stack frame each. A goroutine stack starts at a few KiB
//! and grows by allocating one twice as large and copying every frame over (`runtime.morestack`), so a
//! deep document pays repeated copies on every parse that reaches a new depth; input that no decoder
//! limits (a token stream, an HTML tree, a hand-rolled parser) can go on until the stack reaches its
//! 1 GB maximum, where the runtime stops the whole process with a fatal error that `recover` cannot
//! catch. `encoding/json`'s `Unmarshal`/`Decode` and `gopkg.in/yaml.v3` refuse nesting beyond 10,000
//! levels for this reason, but `json.Decoder.Token` does not: a token-stream walker has no such cap.
//!
//! ## Example
//! ```go
//! package feed
//!
//! import "encoding/json"
//!
//! // skipValue consumes one value of a token stream, however deeply it nests.
//! func skipValue(dec *json.Decoder) error {
//! 	tok, err := dec.Token()
//! 	if err != nil {
//! 		return err
//! 	}
//! 	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
//! 		for dec.More() {
//! 			if d == '{' {
//! 				if _, err := dec.Token(); err != nil {
//! 					return err
//! 				}
//! 			}
//! 			if err := skipValue(dec); err != nil {
//! 				return err
//! 			}
//! 		}
//! 		_, err = dec.Token()
//! 	}
//! 	return err
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package feed
//!
//! import (
//! 	"encoding/json"
//! 	"errors"
//! )
//!
//! const maxDepth = 64
//!
//! var errTooDeep = errors.New("value nested too deeply")
//!
//! // skipValue consumes one value of a token stream, refusing nesting beyond maxDepth.
//! func skipValue(dec *json.Decoder, depth int) error {
//! 	if depth > maxDepth {
//! 		return errTooDeep
//! 	}
//! 	tok, err := dec.Token()
//! 	if err != nil {
//! 		return err
//! 	}
//! 	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
//! 		for dec.More() {
//! 			if d == '{' {
//! 				if _, err := dec.Token(); err != nil {
//! 					return err
//! 				}
//! 			}
//! 			if err := skipValue(dec, depth+1); err != nil {
//! 				return err
//! 			}
//! 		}
//! 		_, err = dec.Token()
//! 	}
//! 	return err
//! }
//! ```
//! Or walk with an explicit stack (a slice of pending nodes), which keeps the goroutine stack flat.
//!
//! ## Fix safety
//! No fix: report only. A depth bound turns deep input into an error the callers must handle, and the
//! right limit depends on the format; an explicit-stack rewrite changes the function's shape. Tier:
//! behind a profile for the stack-growth cost (the fatal error is reachable only where nothing upstream
//! limits nesting).
//!
//! ## Version gating
//! None.
//!
//! ## When it does not fire
//! - The function has a depth bound: an integer parameter, or an identifier or field whose name contains
//!   `depth`, `level`, `nest`, `limit` or `max`, appears in a comparison in its body.
//! - The recursion is over types declared in the program (an AST, a tree of the package's own structs,
//!   `reflect.Value`): whether such values come from untrusted input cannot be told from the code, and
//!   trees the program builds itself are bounded by it. `go/ast` trees are not reported either
//!   (`go/parser` limits nesting).
//! - Maps, slices and `any` values in a file whose only decoders cap nesting (`encoding/json`'s
//!   `Unmarshal`/`Decode`, `gopkg.in/yaml.v3`: 10,000 levels, a depth Go's stack handles), and `yaml.v3`
//!   node trees: the fatal error is out of reach.
//! - A recursive call that also passes a slice of another parameter (`walk(v[k], path[1:])`): the depth is
//!   bounded by the path the caller gives, not by the input.
//! - Maps and slices of `any` (and `any` itself) in a file that shows no decoding: no import of a JSON,
//!   YAML, TOML, XML, gob, msgpack or CBOR package and no `Unmarshal(`/`.Decode(` call. A walk over
//!   values the program builds itself (an encoder writing a header table, a validator of its own
//!   arguments) is bounded by that program.
//! - A parameter of type `any` in a function that never mentions `map[string]any`/`[]any` (a generic
//!   value printer); a recursive call that passes the parameter itself rather than an element (except
//!   for a decoder, which is consumed as it goes); calls through another function or a method value.
//! - Test code.
//!
//! ## References
//! `runtime/stack.go` (`newstack`, `maxstacksize`, "goroutine stack exceeds" fatal error);
//! `runtime/debug.SetMaxStack`; `encoding/json` (`maxNestingDepth` in `scanner.go`).

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.15",
        name: "deep-recursion-untrusted",
        summary: "a recursive walk of decoded input with no depth bound: deep input grows the stack without limit",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &[
            "map[string]any",
            "map[string]interface{}",
            "[]any",
            "[]interface{}",
            "RawMessage",
            "json.Decoder",
            "html.Node",
            "yaml.Node",
        ],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("deep_recursion_untrusted.rs"),
    query: QUERY,
    run,
    precheck: crate::rules::transform::outside_tests,
    other_files: None,
};

const QUERY: &str = r#"
[
  (function_declaration name: (identifier) @name body: (block) @body) @match
  (method_declaration name: (field_identifier) @name body: (block) @body) @match
]
"#;

/// How a parameter's type says it holds decoded input.
#[derive(Clone, Copy, PartialEq)]
enum Input {
    /// `any`/`interface{}`, taken apart as maps and slices.
    Dynamic,
    /// `map[string]any`, `[]any`, `json.RawMessage`: recursion on elements.
    Container,
    /// `*json.Decoder`: recursion passes the decoder itself.
    Decoder,
    /// `*html.Node`, `yaml.Node`: recursion on children.
    Tree,
}

fn classify(file: &PkgFile, ty: Node<'_>) -> Option<Input> {
    let text: String = file
        .node_text(ty)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match text.as_str() {
        "any" | "interface{}" => return Some(Input::Dynamic),
        "map[string]any" | "map[string]interface{}" | "[]any" | "[]interface{}" => {
            return Some(Input::Container);
        }
        _ => {}
    }
    let (ptr, q) = match ty.kind() {
        "pointer_type" => (true, syntax::named_children(ty).into_iter().next()?),
        _ => (false, ty),
    };
    if q.kind() != "qualified_type" {
        return None;
    }
    let pkg = q.child_by_field_name("package")?;
    let name = file.node_text(q.child_by_field_name("name")?);
    let is = |path: &str| file.names_package(pkg, path);
    match (ptr, name) {
        (false, "RawMessage") if is("encoding/json") => Some(Input::Container),
        (true, "Decoder") if is("encoding/json") => Some(Input::Decoder),
        (true, "Node") if is("golang.org/x/net/html") => Some(Input::Tree),
        // yaml.v3's parser refuses nesting beyond 10,000 levels (`max_flow_level`, `max_indents` in
        // scannerc.go), so its node trees are bounded before they reach the walk.
        _ => None,
    }
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(func), Some(name), Some(body)) = (m.node("match"), m.node("name"), m.node("body"))
    else {
        return None;
    };
    let file = cx.file();
    if in_test_code(file, func) {
        return None;
    }
    let fname = file.node_text(name);
    let receiver = (func.kind() == "method_declaration")
        .then(|| receiver_name(file, func))
        .flatten();
    if func.kind() == "method_declaration" && receiver.is_none() {
        return None;
    }
    // The parameters, flattened to (position, name, kind of input).
    let params = func.child_by_field_name("parameters")?;
    let mut flat: Vec<(String, Option<Input>, Node<'_>)> = Vec::new();
    for d in syntax::named_children(params) {
        let ty = d.child_by_field_name("type")?;
        let input = if d.kind() == "parameter_declaration" {
            classify(file, ty)
        } else {
            None
        };
        let mut c = d.walk();
        let names: Vec<Node<'_>> = d.children_by_field_name("name", &mut c).collect();
        if names.is_empty() {
            flat.push(("_".into(), input, ty));
        }
        for n in names {
            flat.push((file.node_text(n).to_string(), input, ty));
        }
    }
    let inputs: Vec<(usize, &str, Input)> = flat
        .iter()
        .enumerate()
        .filter_map(|(i, (n, k, _))| k.map(|k| (i, n.as_str(), k)))
        .collect();
    if inputs.is_empty() {
        return None;
    }
    // A bound: an integer parameter or a depth-named value in a comparison.
    let int_params: Vec<&str> = flat
        .iter()
        .filter(|(_, _, ty)| syntax::is_integer_type(file.node_text(*ty)))
        .map(|(n, _, _)| n.as_str())
        .collect();
    if has_bound(file, body, &int_params) {
        return None;
    }
    let body_text = file.node_text(body);
    let takes_apart = [
        "map[string]any",
        "map[string]interface{}",
        "[]any",
        "[]interface{}",
    ]
    .iter()
    .any(|t| body_text.contains(t));
    // Values from a decoder that caps nesting are bounded before they reach the walk.
    let decodes = file_decoding(file) == Decoding::Uncapped;
    // The first self-call that recurses on an element of a decoded-input parameter.
    let mut hit = None;
    syntax::walk(body, &mut |n| {
        if hit.is_some()
            || n.kind() != "call_expression"
            || !is_self_call(file, n, fname, receiver.as_deref())
        {
            return;
        }
        let args = n
            .child_by_field_name("arguments")
            .map(syntax::named_children)
            .unwrap_or_default();
        if args.len() != flat.len() {
            return;
        }
        // `walk(v[k], path[1:])`: the depth is bounded by a path the caller gives, not by the input.
        if args.iter().enumerate().any(|(i, a)| {
            a.kind() == "slice_expression"
                && !inputs.iter().any(|(j, _, _)| *j == i)
                && a.child_by_field_name("operand")
                    .is_some_and(|o| flat.iter().any(|(n, _, _)| n == file.node_text(o)))
        }) {
            return;
        }
        for &(i, pname, kind) in &inputs {
            if kind == Input::Dynamic && !takes_apart {
                continue;
            }
            // Plain maps and slices of `any` are decoded input only where the file decodes.
            if matches!(kind, Input::Dynamic | Input::Container) && !decodes {
                continue;
            }
            if recurses_on_element(file, body, args[i], pname, kind) {
                hit = Some(n);
                return;
            }
        }
    });
    let call = hit?;
    let msg = format!(
        "`{fname}` calls itself on each nested element of its decoded input with no depth bound: the input's nesting sets the recursion depth, every new depth grows the goroutine stack by copying it, and input that nothing upstream limits can reach the 1 GB stack maximum, a fatal error `recover` cannot catch; add a depth parameter checked against a limit, or walk with an explicit stack"
    );
    cx.report(TextRange::of(call), msg);
    Some(())
}

fn receiver_name(file: &PkgFile, method: Node<'_>) -> Option<String> {
    let recv = method.child_by_field_name("receiver")?;
    let decl = syntax::named_children(recv)
        .into_iter()
        .find(|d| d.kind() == "parameter_declaration")?;
    let n = decl.child_by_field_name("name")?;
    Some(file.node_text(n).to_string())
}

/// Is there a comparison in `body` with an integer parameter or a depth-named operand?
fn has_bound(file: &PkgFile, body: Node<'_>, int_params: &[&str]) -> bool {
    let mut bound = false;
    syntax::walk(body, &mut |n| {
        if bound || n.kind() != "binary_expression" {
            return;
        }
        let op = n
            .child_by_field_name("operator")
            .map(|o| file.node_text(o))
            .unwrap_or("");
        if !matches!(op, "<" | "<=" | ">" | ">=" | "==" | "!=") {
            return;
        }
        for side in ["left", "right"] {
            let Some(s) = n.child_by_field_name(side) else {
                continue;
            };
            let text = file.node_text(s);
            let lower = text.to_lowercase();
            if (s.kind() == "identifier" && int_params.contains(&text))
                || ["depth", "level", "nest", "limit", "max"]
                    .iter()
                    .any(|w| lower.contains(w))
            {
                bound = true;
            }
        }
    });
    bound
}

/// What decoding a file shows.
#[derive(PartialEq)]
enum Decoding {
    None,
    /// Only decoders that refuse nesting beyond a fixed depth: `encoding/json` (`maxNestingDepth`, 10,000,
    /// in scanner.go) and `gopkg.in/yaml.v3` (10,000 in scannerc.go).
    Capped,
    /// A decoder with no such cap (YAML v2, TOML, XML, gob, msgpack, CBOR), or decoding calls we cannot
    /// attribute.
    Uncapped,
}

/// Does the file show that it decodes input (an import of a JSON, YAML, TOML, XML, gob, msgpack or CBOR
/// package, or a call spelled `Unmarshal(` or `.Decode(`), and with what?
fn file_decoding(file: &PkgFile) -> Decoding {
    const CAPPED: &[&str] = &["encoding/json", "gopkg.in/yaml.v3"];
    let mut capped = false;
    for i in file.imports() {
        let decoder = ["json", "yaml", "toml", "xml", "gob", "msgpack", "cbor"]
            .iter()
            .any(|w| i.path.contains(w));
        if decoder && CAPPED.contains(&i.path.as_str()) {
            capped = true;
        } else if decoder {
            return Decoding::Uncapped;
        }
    }
    if capped {
        Decoding::Capped
    } else if file.text.contains("Unmarshal(") || file.text.contains(".Decode(") {
        Decoding::Uncapped
    } else {
        Decoding::None
    }
}

/// `name(...)` for a function, `recv.name(...)` for a method.
fn is_self_call(file: &PkgFile, call: Node<'_>, name: &str, receiver: Option<&str>) -> bool {
    let Some(f) = call.child_by_field_name("function") else {
        return false;
    };
    match receiver {
        None => f.kind() == "identifier" && file.node_text(f) == name,
        Some(r) => {
            f.kind() == "selector_expression"
                && f.child_by_field_name("field")
                    .is_some_and(|x| file.node_text(x) == name)
                && f.child_by_field_name("operand")
                    .is_some_and(|o| o.kind() == "identifier" && file.node_text(o) == r)
        }
    }
}

/// Does the argument `arg` (for parameter `param`) stand for a nested element of it?
fn recurses_on_element(
    file: &PkgFile,
    body: Node<'_>,
    arg: Node<'_>,
    param: &str,
    kind: Input,
) -> bool {
    let text = file.node_text(arg);
    match kind {
        Input::Decoder => arg.kind() == "identifier" && text == param,
        Input::Tree => {
            // `n.FirstChild`, or a loop variable `c` of `for c := n.FirstChild; ...`.
            (arg.kind() == "selector_expression"
                && arg
                    .child_by_field_name("operand")
                    .is_some_and(|o| file.node_text(o) == param))
                || (arg.kind() == "identifier"
                    && text != param
                    && syntax::declares_name(body, text, &file.text))
        }
        Input::Dynamic | Input::Container => match arg.kind() {
            "identifier" => text != param && syntax::declares_name(body, text, &file.text),
            "index_expression" | "type_assertion_expression" => true,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    const WALK: &str = "package p\n\nimport \"github.com/BurntSushi/toml\"\n\nvar _ = toml.Unmarshal\n\nfunc walk(v any) int {\n\tn := 1\n\tswitch t := v.(type) {\n\tcase map[string]any:\n\t\tfor _, c := range t {\n\t\t\tn += walk(c)\n\t\t}\n\tcase []any:\n\t\tfor i := range t {\n\t\t\tn += walk(t[i])\n\t\t}\n\t}\n\treturn n\n}\n";

    #[test]
    fn reports_dynamic_walks() {
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", WALK);
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].contains("`walk`"), "{msgs:?}");
        let container = "package p\n\nimport \"github.com/BurntSushi/toml\"\n\nvar _ = toml.Unmarshal\n\nfunc count(m map[string]any) int {\n\tn := len(m)\n\tfor _, v := range m {\n\t\tif sub, ok := v.(map[string]any); ok {\n\t\t\tn += count(sub)\n\t\t}\n\t}\n\treturn n\n}\n";
        check_detect_only_go(&TRANSFORM, "1.22", container);
        // The same walk in a file that decodes nothing: values the program built itself.
        let own = WALK.replace(
            "import \"github.com/BurntSushi/toml\"\n\nvar _ = toml.Unmarshal\n\n",
            "",
        );
        check_no_fix_go(&TRANSFORM, "1.22", &own);
        // encoding/json and yaml.v3 refuse nesting beyond 10,000 levels: the walk is bounded.
        for capped in [
            "encoding/json\"\n\nvar _ = json.Valid",
            "gopkg.in/yaml.v3\"\n\nvar _ = yaml.Unmarshal",
        ] {
            let src = WALK.replace(
                "github.com/BurntSushi/toml\"\n\nvar _ = toml.Unmarshal",
                capped,
            );
            check_no_fix_go(&TRANSFORM, "1.22", &src);
        }
        // A walk bounded by a path the caller gives.
        let path = WALK
            .replace("walk(v any)", "walk(v any, path []string)")
            .replace("walk(c)", "walk(c, path[1:])")
            .replace("walk(t[i])", "walk(t[i], path[1:])");
        check_no_fix_go(&TRANSFORM, "1.22", &path);
    }

    #[test]
    fn reports_decoder_recursion_with_unchecked_depth() {
        let src = "package p\n\nimport \"encoding/json\"\n\nfunc skip(d *json.Decoder, depth int) error {\n\tt, err := d.Token()\n\tif err != nil {\n\t\treturn err\n\t}\n\tif t == json.Delim('[') {\n\t\tfor d.More() {\n\t\t\tif err := skip(d, depth+1); err != nil {\n\t\t\t\treturn err\n\t\t\t}\n\t\t}\n\t}\n\treturn nil\n}\n";
        // `depth` is passed along but never compared: still unbounded.
        let no_cmp = src.replace(
            "if t == json.Delim('[')",
            "if t, ok := t.(json.Delim); ok && t == '['",
        );
        check_detect_only_go(&TRANSFORM, "1.22", &no_cmp);
    }

    #[test]
    fn reports_html_and_yaml_trees() {
        let html = "package p\n\nimport \"golang.org/x/net/html\"\n\nfunc text(n *html.Node, out *[]string) {\n\tif n.Type == html.TextNode {\n\t\t*out = append(*out, n.Data)\n\t}\n\tfor c := n.FirstChild; c != nil; c = c.NextSibling {\n\t\ttext(c, out)\n\t}\n}\n";
        check_detect_only_go(&TRANSFORM, "1.22", html);
        let yaml = "package p\n\nimport \"gopkg.in/yaml.v3\"\n\nfunc count(n *yaml.Node) int {\n\tc := 1\n\tfor _, k := range n.Content {\n\t\tc += count(k)\n\t}\n\treturn c\n}\n";
        // yaml.v3 caps nesting at parse time.
        check_no_fix_go(&TRANSFORM, "1.22", yaml);
        // Another package named html.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &html.replace("golang.org/x/net/html", "example.com/html"),
        );
    }

    #[test]
    fn no_bounded_generic_or_same_argument() {
        let bounded = WALK
            .replace("walk(v any)", "walk(v any, depth int)")
            .replace("walk(c)", "walk(c, depth+1)")
            .replace("walk(t[i])", "walk(t[i], depth+1)")
            .replace(
                "\tn := 1\n",
                "\tif depth > 100 {\n\t\treturn 0\n\t}\n\tn := 1\n",
            );
        check_no_fix_go(&TRANSFORM, "1.22", &bounded);
        // `any` never taken apart as decoded maps/slices.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package p\n\ntype node struct{ kids []any }\n\nfunc size(v any) int {\n\tn, ok := v.(*node)\n\tif !ok {\n\t\treturn 1\n\t}\n\ts := 1\n\tfor _, k := range n.kids {\n\t\ts += size(k)\n\t}\n\treturn s\n}\n",
        );
        // A package type: not decoded input.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package p\n\ntype Tree struct{ Kids []*Tree }\n\nfunc (t *Tree) Len() int {\n\tn := 1\n\tfor _, k := range t.Kids {\n\t\tn += k.Len()\n\t}\n\treturn n\n}\n",
        );
        // A bound kept on the receiver.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package p\n\nimport \"encoding/json\"\n\nvar _ = json.Valid\n\ntype w struct{ level int }\n\nfunc (x *w) walk(v []any) {\n\tif x.level > 32 {\n\t\treturn\n\t}\n\tx.level++\n\tfor _, e := range v {\n\t\tif s, ok := e.([]any); ok {\n\t\t\tx.walk(s)\n\t\t}\n\t}\n\tx.level--\n}\n",
        );
    }
}
