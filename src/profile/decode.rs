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

/// The decoded profile: sample types, functions, and each sample as leaf-first frames with its values.
#[derive(Debug, Default)]
pub struct Decoded {
    pub sample_types: Vec<String>,
    pub functions: Vec<Function>,
    /// Per sample: (frames leaf first, inlined frames expanded; values, one per sample type).
    pub samples: Vec<(Vec<Frame>, Vec<i64>)>,
}

struct RawFunction {
    name: u64,
    filename: u64,
}

pub fn decode(buf: &[u8]) -> Result<Decoded, String> {
    decode_inner(buf).map_err(|e| format!("not a valid pprof profile ({e})"))
}

fn decode_inner(buf: &[u8]) -> Result<Decoded, wire::Error> {
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
    let mut locations: HashMap<u64, Vec<Frame>> = HashMap::with_capacity(locations_raw.len());
    for raw in locations_raw {
        let mut id = 0;
        let mut frames = vec![];
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
        locations.insert(id, frames);
    }
    let mut samples = Vec::with_capacity(samples_raw.len());
    let mut ids = vec![];
    let mut values_u = vec![];
    for raw in samples_raw {
        ids.clear();
        values_u.clear();
        let mut r = Reader::new(raw);
        while let Some((field, v)) = r.next_field()? {
            match field {
                1 => wire::push_ints(v, &mut ids)?,
                2 => wire::push_ints(v, &mut values_u)?,
                _ => {}
            }
        }
        let mut frames = Vec::with_capacity(ids.len());
        for id in &ids {
            frames.extend_from_slice(
                locations
                    .get(id)
                    .ok_or("sample names an unknown location")?,
            );
        }
        if values_u.len() != sample_types.len() {
            return Err("a sample's value count differs from the sample types");
        }
        samples.push((frames, values_u.iter().map(|&v| v as i64).collect()));
    }
    Ok(Decoded {
        sample_types: sample_types
            .into_iter()
            .map(string)
            .collect::<Result<_, _>>()?,
        functions,
        samples,
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
        assert!(d.sample_types.is_empty() && d.samples.is_empty());
    }
}
