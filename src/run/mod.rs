//! Running rules: settings (input only), a round (what one run started by `--verify` or `--branch`
//! changes about it), the pass loop that applies fixes, the whole run, verification.

pub mod apply;
pub mod engine;
pub mod ledger;
pub mod otherfiles;
pub mod path_rules;
pub mod progress;
pub mod replay;
pub mod round;
pub mod settings;
pub mod shard;
pub mod verify;
pub mod withheld;
