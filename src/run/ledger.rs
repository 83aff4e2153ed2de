//! The fix ledger: every fix a run applied, in the order it applied them (rule, file, pass,
//! applicability, how many edits). The pass loop (src/run/apply.rs, for Go packages and build files alike)
//! records into it; `--branch` reads applicabilities from it instead of asking a second run.

use crate::rules::fix::Applicability;

/// One applied fix. `file` is a file index inside a package's outcome and becomes the display path once
/// the engine puts the run together (`Applied<String>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied<F = String> {
    pub code: &'static str,
    /// The file of the finding that was fixed.
    pub file: F,
    /// The pass (0-based) in which the fix was applied.
    pub pass: usize,
    pub applicability: Applicability,
    /// Byte edits of the fix (import and module-file changes not counted).
    pub edits: usize,
}

impl<F> Applied<F> {
    /// The same entry with its file named another way (an index becomes a display path).
    pub fn map_file<G>(self, name: impl FnOnce(F) -> G) -> Applied<G> {
        Applied {
            code: self.code,
            file: name(self.file),
            pass: self.pass,
            applicability: self.applicability,
            edits: self.edits,
        }
    }
}

/// Why a finding that remains after a run's pass loop was not fixed; the pass loop decides it, the
/// emitters print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The rule offers no fix here (or one to read, never to apply).
    DetectOnly,
    /// The rule's precondition withheld the fix (`Diagnostic::withhold`).
    Precondition,
    /// The fix is below the run's threshold (unsafe without `--unsafe-fixes`).
    UnsafeNotEnabled,
    /// `--verify` withheld this rule's fixes from the package: they broke its build or vet.
    VerifyFailed,
    /// At the threshold and still here after a fix run: it overlapped a fix that was applied, or its fix
    /// was reverted (an internal error, listed under problems).
    Conflict,
}

impl Skip {
    pub fn as_str(self) -> &'static str {
        match self {
            Skip::DetectOnly => "detect-only",
            Skip::Precondition => "precondition",
            Skip::UnsafeNotEnabled => "unsafe fixes not enabled",
            Skip::VerifyFailed => "verify failed",
            Skip::Conflict => "conflict",
        }
    }

    /// The reason for a remaining finding whose fix has applicability `fix` (`precondition`: the rule
    /// withheld it), in a run at `threshold` that fixes (`fixing`) or only reports; `by_verify`: its code
    /// is withheld from its package. `None` only when reporting a finding a fix run would fix.
    pub fn of(
        fix: Option<Applicability>,
        precondition: bool,
        threshold: Applicability,
        fixing: bool,
        by_verify: bool,
    ) -> Option<Skip> {
        match fix {
            None if precondition => Some(Skip::Precondition),
            None | Some(Applicability::DisplayOnly) => Some(Skip::DetectOnly),
            Some(a) if a < threshold => Some(Skip::UnsafeNotEnabled),
            _ if fixing && by_verify => Some(Skip::VerifyFailed),
            _ if fixing => Some(Skip::Conflict),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_reasons_follow_applicability_threshold_mode_and_verify() {
        let (safe, unsafe_, display) = (
            Some(Applicability::Safe),
            Some(Applicability::Unsafe),
            Some(Applicability::DisplayOnly),
        );
        let (s, u) = (Applicability::Safe, Applicability::Unsafe);
        // (fix, precondition, threshold, fixing, by verify) and the reason.
        let cases = [
            (None, false, s, false, false, Some(Skip::DetectOnly)),
            (None, true, s, true, false, Some(Skip::Precondition)),
            (display, false, s, true, false, Some(Skip::DetectOnly)),
            (unsafe_, false, s, true, false, Some(Skip::UnsafeNotEnabled)),
            (unsafe_, false, u, true, false, Some(Skip::Conflict)),
            (safe, false, s, true, false, Some(Skip::Conflict)),
            (safe, false, s, true, true, Some(Skip::VerifyFailed)),
            (safe, false, s, false, false, None),
        ];
        for (fix, pre, threshold, fixing, by_verify, want) in cases {
            assert_eq!(
                Skip::of(fix, pre, threshold, fixing, by_verify),
                want,
                "{fix:?} {pre} {threshold:?} {fixing} {by_verify}"
            );
        }
        assert_eq!(Skip::Precondition.as_str(), "precondition");
    }
}
