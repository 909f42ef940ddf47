//! Field encoding: little-endian integers and length-prefixed byte strings,
//! read with every length checked against what is actually there.

use super::FrameError;

/// Reads fields from a payload, never past its end.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        if n > self.buf.len() {
            return Err(FrameError::Truncated);
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FrameError> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    pub fn u8(&mut self) -> Result<u8, FrameError> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u32(&mut self) -> Result<u32, FrameError> {
        self.array().map(u32::from_le_bytes)
    }

    pub fn i32(&mut self) -> Result<i32, FrameError> {
        self.array().map(i32::from_le_bytes)
    }

    pub fn u64(&mut self) -> Result<u64, FrameError> {
        self.array().map(u64::from_le_bytes)
    }

    /// A `u32` length then that many bytes, borrowed.
    pub fn bytes(&mut self) -> Result<&'a [u8], FrameError> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    /// A `u32` count then that many [`bytes`](Self::bytes) strings. The count
    /// is checked against the bytes left (each string takes at least 4)
    /// before the vector is allocated.
    pub fn strings(&mut self) -> Result<Vec<Vec<u8>>, FrameError> {
        let n = self.count(4)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.bytes()?.to_vec());
        }
        Ok(out)
    }

    /// A `u32` count then that many [`bytes`](Self::bytes) strings, into
    /// one buffer; `Err(BadField(field))` if one holds a NUL byte.
    pub fn string_list(&mut self, field: &'static str) -> Result<Strings, FrameError> {
        let n = self.count(4)?;
        // Each string costs 4 bytes of length in the frame and 1 of NUL
        // here: the frame's size bounds the buffer.
        let mut out = Strings::with_capacity(n, self.buf.len());
        for _ in 0..n {
            let s = self.bytes()?;
            if s.contains(&0) {
                return Err(FrameError::BadField(field));
            }
            out.push(s);
        }
        Ok(out)
    }

    /// A `u32` count of items at least `min_size` bytes each, checked
    /// against the bytes left.
    pub fn count(&mut self, min_size: usize) -> Result<usize, FrameError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size.max(1)) > self.buf.len() {
            return Err(FrameError::Truncated);
        }
        Ok(n)
    }

    /// Fail unless every byte was read.
    pub fn finish(self) -> Result<(), FrameError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(FrameError::Trailing)
        }
    }
}

/// A list of byte strings without NUL bytes, kept in one buffer, each
/// followed by a NUL (ready to hand to `execve`): what a frame's
/// environment decodes to with two allocations instead of one per string.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Strings {
    /// Every string, each followed by a NUL.
    bytes: Vec<u8>,
    /// Where each string ends (its NUL) in `bytes`.
    ends: Vec<u32>,
}

impl Strings {
    pub fn new() -> Strings {
        Strings::default()
    }

    fn with_capacity(strings: usize, bytes: usize) -> Strings {
        Strings {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(strings),
        }
    }

    /// Append `s`, which should hold no NUL byte: a string that does
    /// reads back whole from [`iter`](Self::iter), but cut at its first
    /// NUL by anything that takes it as a C string, and a frame that
    /// carries it is refused.
    pub fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
        self.ends.push(self.bytes.len() as u32);
        self.bytes.push(0);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The strings, without their NULs.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + Clone + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let s = &self.bytes[start..end as usize];
            start = end as usize + 1;
            s
        })
    }

    /// The strings, each with its NUL: C strings, for `execve`.
    pub fn with_nuls(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let s = &self.bytes[start..=end as usize];
            start = end as usize + 1;
            s
        })
    }
}

impl<S: AsRef<[u8]>> FromIterator<S> for Strings {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Strings {
        let mut out = Strings::new();
        for s in iter {
            out.push(s.as_ref());
        }
        out
    }
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(String::from_utf8_lossy))
            .finish()
    }
}

/// Appends fields to a payload.
pub struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

impl<'a> Writer<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Writer<'a> {
        Writer { out }
    }

    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.out.push(v);
        self
    }

    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.u32(v.len() as u32);
        self.out.extend_from_slice(v);
        self
    }

    pub fn strings<'s>(&mut self, items: impl ExactSizeIterator<Item = &'s [u8]>) -> &mut Self {
        self.u32(items.len() as u32);
        for s in items {
            self.bytes(s);
        }
        self
    }
}
