//! The signature summary: how much of the profile the runtime spends in the costs gofix-rt's rules
//! address (allocation, select, channel operations, GC marking, stack growth, cgo, the scheduler, defer,
//! interface conversion) and which user-code call sites lead into it. Which rules address each is the
//! catalogue's (`catalog::costs`).

use super::decode::{Frame, Function};
use std::collections::HashMap;

/// One runtime cost: the functions that show it and the rules that address it.
pub struct Signature {
    pub label: &'static str,
    pub matches: fn(&str) -> bool,
}

pub const SIGNATURES: &[Signature] = &[
    Signature {
        label: "runtime.mallocgc",
        matches: |n| n == "runtime.mallocgc",
    },
    Signature {
        label: "runtime.convT*",
        matches: |n| n.starts_with("runtime.convT") || n == "runtime.convI2I",
    },
    Signature {
        label: "runtime.selectgo",
        matches: |n| n == "runtime.selectgo",
    },
    Signature {
        label: "runtime.chansend1/chanrecv1",
        matches: |n| {
            matches!(
                n,
                "runtime.chansend1" | "runtime.chanrecv1" | "runtime.chanrecv2"
            )
        },
    },
    Signature {
        label: "runtime.gcBgMarkWorker",
        matches: |n| matches!(n, "runtime.gcBgMarkWorker" | "runtime.gcAssistAlloc"),
    },
    Signature {
        label: "runtime.morestack",
        matches: |n| {
            matches!(
                n,
                "runtime.morestack" | "runtime.morestack_noctxt" | "runtime.newstack"
            )
        },
    },
    Signature {
        label: "runtime.cgocall",
        matches: |n| n == "runtime.cgocall",
    },
    Signature {
        label: "runtime.findRunnable",
        matches: |n| matches!(n, "runtime.findRunnable" | "runtime.findrunnable"),
    },
    Signature {
        label: "runtime.deferreturn",
        matches: |n| n == "runtime.deferreturn",
    },
];

/// A user-code frame that called into a signature, with the value of the samples through it.
#[derive(Debug, Clone)]
pub struct Site {
    pub function: String,
    pub filename: String,
    pub line: u32,
    pub value: i64,
}

#[derive(Debug, Clone)]
pub struct SignatureStat {
    pub label: &'static str,
    pub value: i64,
    /// Call sites, most samples first.
    pub sites: Vec<Site>,
}

/// Is this pprof function name outside the standard library (a main package, or a path whose first
/// element has a dot)?
pub fn is_user_code(name: &str) -> bool {
    if name.starts_with("main.") {
        return true;
    }
    let first = name.split('/').next().unwrap_or("");
    name.contains('/') && first.contains('.')
}

/// A multiply-and-rotate hasher for the small integer keys of the site tables (SipHash costs more than
/// the rest of the per-sample work on a large profile).
#[derive(Default, Clone, Copy)]
pub(super) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type Fast = std::hash::BuildHasherDefault<FastHasher>;

pub(super) struct Collector<'a> {
    functions: &'a [Function],
    /// Per function: the signature it shows, if any.
    sig_of: Vec<Option<usize>>,
    user: Vec<bool>,
    value: Vec<i64>,
    sites: Vec<HashMap<u64, i64, Fast>>,
}

impl<'a> Collector<'a> {
    pub(super) fn new(functions: &'a [Function]) -> Collector<'a> {
        Collector {
            functions,
            sig_of: functions
                .iter()
                .map(|f| SIGNATURES.iter().position(|s| (s.matches)(&f.name)))
                .collect(),
            user: functions.iter().map(|f| is_user_code(&f.name)).collect(),
            value: vec![0; SIGNATURES.len()],
            sites: vec![HashMap::default(); SIGNATURES.len()],
        }
    }

    pub(super) fn is_signature(&self, function: u32) -> bool {
        self.sig_of[function as usize].is_some()
    }

    pub(super) fn sample(&mut self, frames: &[Frame], v: i64) {
        let mut counted = [false; 16];
        for (i, fr) in frames.iter().enumerate() {
            let Some(s) = self.sig_of[fr.function as usize] else {
                continue;
            };
            if counted[s] {
                continue;
            }
            counted[s] = true;
            self.value[s] += v;
            if let Some(site) = frames[i + 1..]
                .iter()
                .find(|f| self.user[f.function as usize])
            {
                let key = u64::from(site.function) << 32 | u64::from(site.line);
                *self.sites[s].entry(key).or_default() += v;
            }
        }
    }

    pub(super) fn finish(self) -> Vec<SignatureStat> {
        SIGNATURES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.value[*i] > 0)
            .map(|(i, s)| {
                let mut sites: Vec<Site> = self.sites[i]
                    .iter()
                    .map(|(&key, &value)| (((key >> 32) as u32, key as u32), value))
                    .map(|((f, line), value)| Site {
                        function: self.functions[f as usize].name.clone(),
                        filename: self.functions[f as usize].filename.clone(),
                        line,
                        value,
                    })
                    .collect();
                sites.sort_by(|a, b| {
                    (b.value, &a.filename, a.line).cmp(&(a.value, &b.filename, b.line))
                });
                SignatureStat {
                    label: s.label,
                    value: self.value[i],
                    sites,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_code_is_main_or_a_dotted_module_path() {
        assert!(is_user_code("main.work"));
        assert!(is_user_code("example.com/m/pkg.(*T).M"));
        assert!(is_user_code("github.com/x/y.F.func1"));
        assert!(!is_user_code("runtime.mallocgc"));
        assert!(!is_user_code("net/http.(*conn).serve"));
        assert!(!is_user_code("internal/poll.(*FD).Read"));
    }

    #[test]
    fn at_most_16_signatures_and_their_matchers() {
        assert!(SIGNATURES.len() <= 16);
        assert!((SIGNATURES[1].matches)("runtime.convT64"));
        assert!((SIGNATURES[5].matches)("runtime.morestack_noctxt"));
        assert!((SIGNATURES[7].matches)("runtime.findrunnable"));
    }
}
