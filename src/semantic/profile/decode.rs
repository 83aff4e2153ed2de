//! profile.proto → the few tables gofix-rt needs. Only these fields are read: Profile.sample_type (1),
//! sample (2), location (4), function (5), string_table (6); ValueType.type (1); Sample.location_id (1),
//! value (2); Location.id (1), line (4); Line.function_id (1), line (2); Function.id (1), name (2),
//! filename (4). Everything else (mappings, labels, period, comments) is skipped.

use super::wire::{self, Reader, Value};
use std::collections::HashMap;

/// One frame of a stack: a function (by index into `Decoded::functions`) at a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub function: u32,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    pub filename: String,
}

/// The decoded profile: sample types and functions; samples are walked one at a time (`for_each_sample`)
/// so that a large profile costs no allocation per sample.
#[derive(Debug, Default)]
pub struct Decoded<'a> {
    pub sample_types: Vec<String>,
    pub functions: Vec<Function>,
    samples: Vec<&'a [u8]>,
    /// All locations' frames, flat; `loc_dense[id]` / `loc_sparse[id]` give a location's range in it.
    frames: Vec<Frame>,
    loc_dense: Vec<(u32, u32)>,
    loc_sparse: HashMap<u64, (u32, u32)>,
}

impl<'a> Decoded<'a> {
    pub fn sample_count(&self) -> usize {
        self.samples.len()
    }

    #[inline]
    fn location(&self, id: u64) -> Option<&[Frame]> {
        let (a, b) = match usize::try_from(id).ok().and_then(|i| self.loc_dense.get(i)) {
            Some(&r) if r != (u32::MAX, u32::MAX) => r,
            _ => *self.loc_sparse.get(&id)?,
        };
        Some(&self.frames[a as usize..b as usize])
    }

    /// Calls `f(frames of each location, leaf first; value of sample type vi)` per sample.
    pub fn for_each_sample(
        &self,
        vi: usize,
        mut f: impl FnMut(&[&[Frame]], i64),
    ) -> Result<(), String> {
        let mut ids = vec![];
        let mut values = vec![];
        let mut locs: Vec<&[Frame]> = vec![];
        let bad = |e: wire::Error| format!("not a valid pprof profile ({e})");
        for raw in &self.samples {
            ids.clear();
            values.clear();
            locs.clear();
            let mut r = Reader::new(raw);
            while let Some((field, v)) = r.next_field().map_err(bad)? {
                match field {
                    1 => wire::push_ints(v, &mut ids).map_err(bad)?,
                    2 => wire::push_ints(v, &mut values).map_err(bad)?,
                    _ => {}
                }
            }
            if values.len() != self.sample_types.len() {
                return Err(bad("a sample's value count differs from the sample types"));
            }
            for id in &ids {
                locs.push(
                    self.location(*id)
                        .ok_or_else(|| bad("sample names an unknown location"))?,
                );
            }
            f(&locs, values[vi] as i64);
        }
        Ok(())
    }
}

struct RawFunction {
    name: u64,
    filename: u64,
}

pub fn decode(buf: &[u8]) -> Result<Decoded<'_>, String> {
    decode_inner(buf).map_err(|e| format!("not a valid pprof profile ({e})"))
}

fn decode_inner(buf: &[u8]) -> Result<Decoded<'_>, wire::Error> {
    let mut strings: Vec<&[u8]> = vec![];
    let mut sample_types: Vec<u64> = vec![];
    let mut samples_raw: Vec<&[u8]> = vec![];
    let mut locations_raw: Vec<&[u8]> = vec![];
    let mut functions_raw: Vec<&[u8]> = vec![];
    let mut r = Reader::new(buf);
    while let Some((field, v)) = r.next_field()? {
        match field {
            1 => {
                let mut vt = Reader::new(wire::bytes(v)?);
                let mut ty = 0;
                while let Some((f, v)) = vt.next_field()? {
                    if f == 1 {
                        ty = wire::int(v)?;
                    }
                }
                sample_types.push(ty);
            }
            2 => samples_raw.push(wire::bytes(v)?),
            4 => locations_raw.push(wire::bytes(v)?),
            5 => functions_raw.push(wire::bytes(v)?),
            6 => strings.push(wire::bytes(v)?),
            _ => {}
        }
    }
    if strings.first().is_some_and(|s| !s.is_empty()) {
        return Err("string_table[0] is not empty");
    }
    let string = |i: u64| -> Result<String, wire::Error> {
        let s = usize::try_from(i)
            .ok()
            .and_then(|i| strings.get(i))
            .ok_or("string index out of range")?;
        Ok(String::from_utf8_lossy(s).into_owned())
    };
    // Functions by id.
    let mut functions = Vec::with_capacity(functions_raw.len());
    let mut function_index: HashMap<u64, u32> = HashMap::with_capacity(functions_raw.len());
    for raw in functions_raw {
        let mut id = 0;
        let mut f = RawFunction {
            name: 0,
            filename: 0,
        };
        let mut r = Reader::new(raw);
        while let Some((field, v)) = r.next_field()? {
            match (field, v) {
                (1, Value::Varint(x)) => id = x,
                (2, Value::Varint(x)) => f.name = x,
                (4, Value::Varint(x)) => f.filename = x,
                _ => {}
            }
        }
        function_index.insert(id, functions.len() as u32);
        functions.push(Function {
            name: normalise_name(&string(f.name)?),
            filename: string(f.filename)?,
        });
    }
    // Locations by id: their lines, innermost (inlined callee) first, as profile.proto orders them.
    let mut frames = vec![];
    let mut loc_dense: Vec<(u32, u32)> = vec![];
    let mut loc_sparse = HashMap::new();
    for raw in locations_raw {
        let mut id = 0;
        let start = frames.len() as u32;
        let mut r = Reader::new(raw);
        while let Some((field, v)) = r.next_field()? {
            match field {
                1 => id = wire::int(v)?,
                4 => {
                    let mut lr = Reader::new(wire::bytes(v)?);
                    let (mut fid, mut line) = (0, 0);
                    while let Some((f, v)) = lr.next_field()? {
                        match f {
                            1 => fid = wire::int(v)?,
                            2 => line = wire::int(v)?,
                            _ => {}
                        }
                    }
                    let function = *function_index
                        .get(&fid)
                        .ok_or("line names an unknown function")?;
                    frames.push(Frame {
                        function,
                        line: u32::try_from(line).unwrap_or(0),
                    });
                }
                _ => {}
            }
        }
        let range = (start, frames.len() as u32);
        // Go numbers locations 1..N: a vector indexed by id; any other numbering goes to a map.
        match usize::try_from(id) {
            Ok(i) if i < 4 * (loc_dense.len() + 1024) => {
                if loc_dense.len() <= i {
                    loc_dense.resize(i + 1, (u32::MAX, u32::MAX));
                }
                loc_dense[i] = range;
            }
            _ => {
                loc_sparse.insert(id, range);
            }
        }
    }
    Ok(Decoded {
        sample_types: sample_types
            .into_iter()
            .map(string)
            .collect::<Result<_, _>>()?,
        functions,
        samples: samples_raw,
        frames,
        loc_dense,
        loc_sparse,
    })
}

/// pprof names generic instantiations by their shapes (`pkg.F[go.shape.int]`); gofix-rt, which has no
/// type checker, names them `pkg.F[...]`, as `go tool pprof` prints them by default.
pub fn normalise_name(name: &str) -> String {
    if !name.contains('[') {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '[' => {
                if depth == 0 {
                    out.push_str("[...]");
                }
                depth += 1;
            }
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_shapes_become_ellipses() {
        assert_eq!(
            normalise_name("example.com/m.(*G[go.shape.int]).M"),
            "example.com/m.(*G[...]).M"
        );
        assert_eq!(
            normalise_name("m.F[go.shape.map[string]int,go.shape.int]"),
            "m.F[...]"
        );
        assert_eq!(normalise_name("m.F[...]"), "m.F[...]");
        assert_eq!(normalise_name("m.F.func1"), "m.F.func1");
    }

    #[test]
    fn an_empty_buffer_is_a_profile_with_nothing_in_it() {
        let d = decode(&[]).unwrap();
        assert!(d.sample_types.is_empty() && d.sample_count() == 0);
    }
}
