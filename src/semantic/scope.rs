//! Scopes and bindings (filled in by the resolver work).
