//! Where each `MemStats` field's value comes from in `runtime/metrics` (or `debug.ReadGCStats`), and the
//! Go release that first serves each metric.

use crate::read::version::GoVersion;

const HEAP_OBJECTS: &str = "/memory/classes/heap/objects:bytes";
const HEAP_UNUSED: &str = "/memory/classes/heap/unused:bytes";
const HEAP_FREE: &str = "/memory/classes/heap/free:bytes";
const HEAP_RELEASED: &str = "/memory/classes/heap/released:bytes";
const HEAP_STACKS: &str = "/memory/classes/heap/stacks:bytes";
const MSPAN_INUSE: &str = "/memory/classes/metadata/mspan/inuse:bytes";
const MCACHE_INUSE: &str = "/memory/classes/metadata/mcache/inuse:bytes";
const TINY_ALLOCS: &str = "/gc/heap/tiny/allocs:objects";

/// Where a `MemStats` field's value comes from (go-semantics §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// The sum of these Uint64 metrics.
    Sum(&'static [&'static str]),
    /// One Uint64 metric (a one-element slice) converted to the field's `uint32`.
    Narrow(&'static [&'static str]),
    /// Always `true` (`EnableGC`).
    True,
    /// Always zero (`Lookups`, `DebugGC`): nothing to assign.
    Zero,
    /// `debug.ReadGCStats`: `LastGC`.
    LastGc,
    /// `debug.ReadGCStats`: `PauseTotalNs`.
    PauseTotal,
    /// Approximate or a reconstruction (`GCCPUFraction`, `BySize`, `PauseNs`, `PauseEnd`): never fire.
    Unmapped,
}

/// Every `MemStats` field, in declaration order (the order assignments are emitted in).
pub(super) static FIELDS: &[(&str, Source)] = &[
    ("Alloc", Source::Sum(&[HEAP_OBJECTS])),
    ("TotalAlloc", Source::Sum(&["/gc/heap/allocs:bytes"])),
    ("Sys", Source::Sum(&["/memory/classes/total:bytes"])),
    ("Lookups", Source::Zero),
    (
        "Mallocs",
        Source::Sum(&["/gc/heap/allocs:objects", TINY_ALLOCS]),
    ),
    (
        "Frees",
        Source::Sum(&["/gc/heap/frees:objects", TINY_ALLOCS]),
    ),
    ("HeapAlloc", Source::Sum(&[HEAP_OBJECTS])),
    (
        "HeapSys",
        Source::Sum(&[HEAP_OBJECTS, HEAP_UNUSED, HEAP_FREE, HEAP_RELEASED]),
    ),
    ("HeapIdle", Source::Sum(&[HEAP_FREE, HEAP_RELEASED])),
    ("HeapInuse", Source::Sum(&[HEAP_OBJECTS, HEAP_UNUSED])),
    ("HeapReleased", Source::Sum(&[HEAP_RELEASED])),
    ("HeapObjects", Source::Sum(&["/gc/heap/objects:objects"])),
    ("StackInuse", Source::Sum(&[HEAP_STACKS])),
    (
        "StackSys",
        Source::Sum(&[HEAP_STACKS, "/memory/classes/os-stacks:bytes"]),
    ),
    ("MSpanInuse", Source::Sum(&[MSPAN_INUSE])),
    (
        "MSpanSys",
        Source::Sum(&[MSPAN_INUSE, "/memory/classes/metadata/mspan/free:bytes"]),
    ),
    ("MCacheInuse", Source::Sum(&[MCACHE_INUSE])),
    (
        "MCacheSys",
        Source::Sum(&[MCACHE_INUSE, "/memory/classes/metadata/mcache/free:bytes"]),
    ),
    (
        "BuckHashSys",
        Source::Sum(&["/memory/classes/profiling/buckets:bytes"]),
    ),
    (
        "GCSys",
        Source::Sum(&["/memory/classes/metadata/other:bytes"]),
    ),
    ("OtherSys", Source::Sum(&["/memory/classes/other:bytes"])),
    ("NextGC", Source::Sum(&["/gc/heap/goal:bytes"])),
    ("LastGC", Source::LastGc),
    ("PauseTotalNs", Source::PauseTotal),
    ("PauseNs", Source::Unmapped),
    ("PauseEnd", Source::Unmapped),
    ("NumGC", Source::Narrow(&["/gc/cycles/total:gc-cycles"])),
    (
        "NumForcedGC",
        Source::Narrow(&["/gc/cycles/forced:gc-cycles"]),
    ),
    ("GCCPUFraction", Source::Unmapped),
    ("EnableGC", Source::True),
    ("DebugGC", Source::Zero),
    ("BySize", Source::Unmapped),
];

/// Cumulative allocation counters: a difference of two reads is allocation accounting (§1.4, must not fire).
pub(super) const CUMULATIVE: &[&str] = &["Mallocs", "Frees", "TotalAlloc"];

/// The first Go release whose runtime serves `metric` (§1.2); only names used in `FIELDS` occur.
pub(super) fn since(metric: &str) -> GoVersion {
    match metric {
        "/gc/heap/allocs:bytes" | "/gc/heap/allocs:objects" | "/gc/heap/frees:objects" => {
            GoVersion(17)
        }
        _ => GoVersion(16),
    }
}

impl Source {
    pub(super) fn metrics(self) -> &'static [&'static str] {
        match self {
            Source::Sum(names) | Source::Narrow(names) => names,
            _ => &[],
        }
    }
}
