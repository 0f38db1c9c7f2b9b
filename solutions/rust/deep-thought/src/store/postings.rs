//! One word's postings list for the word index: which elements of a
//! workspace hold the word, in about a byte per element.

/// An element as the word index names it: its document's place in the
/// workspace's document list (the high 32 bits) and its slot in the
/// document's node table (the low 32). Neither ever changes, and the pair
/// takes 8 bytes where `(DocumentId, ElementId)` takes 16.
pub(super) type Key = u64;

pub(super) fn key(document: u32, slot: u32) -> Key {
    (u64::from(document) << 32) | u64::from(slot)
}

/// `(document, slot)` back from a key.
pub(super) fn split(key: Key) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

/// Keys in the order they were added, delta-varint coded: each key is kept
/// as its difference from the key before, in 7-bit groups, low group
/// first, one byte per group, the high bit of a byte saying that another
/// follows. A bulk load adds a document's keys in slot order, so the
/// difference between two keys is the gap between two elements holding
/// the word: one byte, mostly.
#[derive(Debug, Clone, Default)]
pub(super) struct Postings {
    bytes: Vec<u8>,
    last: Option<Key>,
}

impl Postings {
    pub(super) fn push(&mut self, key: Key) {
        // An edit may index an element older than the last one: the
        // difference is then negative. Zigzag coding maps 0, -1, 1, -2, ...
        // to 0, 1, 2, 3, ..., so a small difference of either sign stays small.
        let delta = key.wrapping_sub(self.last.unwrap_or(0)) as i64;
        let mut zigzag = ((delta << 1) ^ (delta >> 63)) as u64;
        while zigzag >= 0x80 {
            self.bytes.push(zigzag as u8 | 0x80);
            zigzag >>= 7;
        }
        self.bytes.push(zigzag as u8);
        self.last = Some(key);
    }

    /// The key added last: an element's words are indexed together, so a
    /// word repeated in one text finds its element here.
    pub(super) fn ends_with(&self, key: Key) -> bool {
        self.last == Some(key)
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = Key> + '_ {
        let (mut at, mut key) = (0, 0u64);
        std::iter::from_fn(move || {
            let mut zigzag = 0u64;
            let mut shift = 0;
            loop {
                let byte = *self.bytes.get(at)?;
                at += 1;
                zigzag |= u64::from(byte & 0x7f) << shift;
                if byte < 0x80 {
                    break;
                }
                shift += 7;
            }
            let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
            key = key.wrapping_add(delta as u64);
            Some(key)
        })
    }

    /// Drops `key`: a pass over the list, as a `Vec::retain` would be.
    pub(super) fn remove(&mut self, key: Key) {
        let kept: Vec<Key> = self.iter().filter(|k| *k != key).collect();
        self.bytes.clear();
        self.last = None;
        for k in kept {
            self.push(k);
        }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
    }
}
