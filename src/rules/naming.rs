//! Spelling the names generated code introduces.

use crate::rules::transform::Ctx;
use std::collections::HashSet;
use tree_sitter::Node;

/// Fresh names in `scope` for `bases`, in order: each is also different from `taken` and from the names
/// picked before it (`Ctx::fresh_name` for several names at once).
pub fn fresh_names(
    cx: &Ctx<'_>,
    scope: Node<'_>,
    bases: &[&str],
    taken: &HashSet<String>,
) -> Vec<String> {
    let mut taken = taken.clone();
    let mut out = vec![];
    for base in bases {
        let name = cx.fresh_name(scope, base, &taken);
        taken.insert(name.clone());
        out.push(name);
    }
    out
}

/// `IdleTimeout` → `idleTimeout`, `TTL` → `ttl`, `HTTPTimeout` → `httpTimeout`: a Go local's spelling of
/// a name taken from a field or constant.
pub fn lower_camel(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let upper = chars.iter().take_while(|c| c.is_uppercase()).count();
    let cut = if upper > 1 && upper < chars.len() && chars[upper].is_lowercase() {
        upper - 1
    } else {
        upper
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < cut {
                c.to_lowercase().next().unwrap_or(*c)
            } else {
                *c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::lower_camel;

    #[test]
    fn initialisms_and_exported_names() {
        assert_eq!(lower_camel("IdleTimeout"), "idleTimeout");
        assert_eq!(lower_camel("TTL"), "ttl");
        assert_eq!(lower_camel("HTTPTimeout"), "httpTimeout");
        assert_eq!(lower_camel("idle"), "idle");
    }
}
