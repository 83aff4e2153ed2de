//! The protobuf wire format, by hand: varints, length-delimited fields and packed repeated varints —
//! all that pprof's profile.proto uses. No code generation, no schema: callers match field numbers.

/// A field's payload, by wire type (groups and fixed-width types are skipped by `Reader::next`).
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// A fixed 32- or 64-bit field (profile.proto has none; read only to be skipped).
    Fixed,
}

/// Iterates over the fields of one message.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

pub type Error = &'static str;

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, Error> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let Some(&b) = self.buf.get(self.pos) else {
                return Err("truncated varint");
            };
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint longer than 10 bytes")
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or("truncated field")?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// The next `(field number, value)`, `None` at the end of the message.
    pub fn next_field(&mut self) -> Result<Option<(u32, Value<'a>)>, Error> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = u32::try_from(key >> 3).map_err(|_| "field number out of range")?;
        if field == 0 {
            return Err("field number 0");
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| "length out of range")?;
                Value::Bytes(self.take(n)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            _ => return Err("unsupported wire type (groups are not used by profile.proto)"),
        };
        Ok(Some((field, value)))
    }
}

/// A repeated integer field, either packed (one length-delimited run) or one varint per occurrence.
pub fn push_ints(value: Value<'_>, out: &mut Vec<u64>) -> Result<(), Error> {
    match value {
        Value::Varint(v) => out.push(v),
        Value::Bytes(b) => {
            let mut r = Reader::new(b);
            while r.pos < b.len() {
                out.push(r.varint()?);
            }
        }
        Value::Fixed => return Err("fixed-width value where an integer was expected"),
    }
    Ok(())
}

pub fn int(value: Value<'_>) -> Result<u64, Error> {
    match value {
        Value::Varint(v) => Ok(v),
        _ => Err("length-delimited value where an integer was expected"),
    }
}

pub fn bytes(value: Value<'_>) -> Result<&[u8], Error> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err("integer where a message or string was expected"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_varints_packed_runs_and_strings() {
        // field 1 varint 300, field 2 packed [1, 150], field 3 "hi"
        let buf = [
            0x08, 0xac, 0x02, 0x12, 0x03, 0x01, 0x96, 0x01, 0x1a, 0x02, b'h', b'i',
        ];
        let mut r = Reader::new(&buf);
        let (f, v) = r.next_field().unwrap().unwrap();
        assert_eq!((f, int(v).unwrap()), (1, 300));
        let (f, v) = r.next_field().unwrap().unwrap();
        let mut ints = vec![];
        push_ints(v, &mut ints).unwrap();
        assert_eq!((f, ints), (2, vec![1, 150]));
        let (f, v) = r.next_field().unwrap().unwrap();
        assert_eq!((f, bytes(v).unwrap()), (3, &b"hi"[..]));
        assert!(r.next_field().unwrap().is_none());
    }

    #[test]
    fn truncation_is_an_error_not_a_panic() {
        assert!(Reader::new(&[0x08, 0x80]).next_field().is_err());
        assert!(Reader::new(&[0x12, 0x05, 1]).next_field().is_err());
        assert!(Reader::new(&[0x0b]).next_field().is_err());
    }
}
