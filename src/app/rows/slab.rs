//! Slots for rows, in chunks of fixed size: a slot never moves, the store never holds
//! more than one chunk of unused slots beyond its free list, and growing never copies
//! the rows (a `Vec` doubling at 50,000 rows reserved 15,000 rows too many, and held the
//! old and the new buffer at once while it copied).

use crate::cluster::Row;

/// Slots per chunk.
const CHUNK: usize = 1024;

/// Slots in chunks, addressed by index.
#[derive(Debug, Default)]
pub struct Slab {
    chunks: Vec<Box<[Option<Row>]>>,
    len: usize,
}

impl Slab {
    /// Number of slots (used or not).
    pub fn len(&self) -> usize {
        self.len
    }

    /// The row in `slot`, if any.
    pub fn get(&self, slot: usize) -> Option<&Row> {
        self.chunks.get(slot / CHUNK)?.get(slot % CHUNK)?.as_ref()
    }

    /// Sets `slot` (an existing one) to `row`.
    pub fn set(&mut self, slot: usize, row: Option<Row>) {
        if let Some(place) = self
            .chunks
            .get_mut(slot / CHUNK)
            .and_then(|c| c.get_mut(slot % CHUNK))
        {
            *place = row;
        }
    }

    /// Adds a slot holding `row`; returns it.
    pub fn push(&mut self, row: Row) -> usize {
        let slot = self.len;
        if slot / CHUNK == self.chunks.len() {
            self.chunks
                .push(std::iter::repeat_with(|| None).take(CHUNK).collect());
        }
        self.len += 1;
        self.set(slot, Some(row));
        slot
    }

    /// Every used slot and its row, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Row)> {
        self.chunks
            .iter()
            .flat_map(|c| c.iter())
            .take(self.len)
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i, r)))
    }

    /// Drops every slot.
    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }
}
