//! Request handlers recognised from their signatures (net/http, gin, echo, fiber).

use crate::read::syntax::named_children;
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

/// The parameters of a recognised request handler: the names of its writer/context and request parameters.
pub(super) struct Handler {
    pub(super) params: Vec<String>,
}

/// Recognises handler signatures from syntax: `(http.ResponseWriter, *http.Request)`, gin's
/// `(*gin.Context)`, echo's `(echo.Context) error`, fiber's `(*fiber.Ctx) error`; the package qualifiers
/// must resolve to those imports.
pub(super) fn handler_shape(file: &PkgFile, func: Node<'_>) -> Option<Handler> {
    let params = func.child_by_field_name("parameters")?;
    let mut list: Vec<(String, Node<'_>)> = vec![];
    for decl in named_children(params) {
        if decl.kind() != "parameter_declaration" {
            return None;
        }
        let ty = decl.child_by_field_name("type")?;
        let mut c = decl.walk();
        let names: Vec<String> = decl
            .children_by_field_name("name", &mut c)
            .map(|n| file.node_text(n).to_string())
            .collect();
        if names.is_empty() {
            list.push(("_".into(), ty));
        }
        list.extend(names.into_iter().map(|n| (n, ty)));
    }
    let result = func
        .child_by_field_name("result")
        .map(|r| file.node_text(r));
    let is = |ty: Node<'_>, pointer: bool, paths: &[&str], name: &str| -> bool {
        let ty = if pointer {
            match (ty.kind(), named_children(ty).first()) {
                ("pointer_type", Some(inner)) => *inner,
                _ => return false,
            }
        } else {
            ty
        };
        ty.kind() == "qualified_type"
            && ty
                .child_by_field_name("name")
                .is_some_and(|n| file.node_text(n) == name)
            && ty
                .child_by_field_name("package")
                .is_some_and(|p| paths.iter().any(|path| file.names_package(p, path)))
    };
    let ok = match (list.as_slice(), result) {
        ([(_, w), (_, r)], None) => {
            is(*w, false, &["net/http"], "ResponseWriter") && is(*r, true, &["net/http"], "Request")
        }
        ([(_, c)], None) => is(*c, true, &["github.com/gin-gonic/gin"], "Context"),
        ([(_, c)], Some("error")) => {
            is(
                *c,
                false,
                &["github.com/labstack/echo/v4", "github.com/labstack/echo"],
                "Context",
            ) || is(*c, true, &["github.com/gofiber/fiber/v2"], "Ctx")
                || is(*c, false, &["github.com/gofiber/fiber/v3"], "Ctx")
        }
        _ => false,
    };
    ok.then(|| Handler {
        params: list
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n != "_")
            .collect(),
    })
}
