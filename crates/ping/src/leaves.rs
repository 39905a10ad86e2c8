//! A payload's leaves: key path → value, stored the way a batch of
//! payloads is read fastest. The key paths sit one after another in one
//! string and the leaves in one list, in the payload's order; a table of
//! positions finds a key path. A payload of thousands of metrics costs three
//! allocations instead of one per key.

use crate::dictionary::DefinitionId;
use serde_json::Value;
use std::hash::BuildHasher;

/// One key path's value, with its definition (looked up once, while parsing).
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    pub value: Value,
    /// The definition in the dictionary the payload was parsed with.
    pub definition: Option<DefinitionId>,
}

#[derive(Clone, Debug)]
struct Entry {
    start: u32,
    len: u32,
    leaf: Leaf,
}

/// Key path → leaf, in the order the payload gave them.
#[derive(Clone, Debug, Default)]
pub struct Leaves {
    paths: String,
    entries: Vec<Entry>,
    index: hashbrown::HashTable<u32>,
}

fn hash(key: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// The key path of the `i`th entry.
fn path_at<'a>(paths: &'a str, entries: &[Entry], i: u32) -> &'a str {
    entries
        .get(i as usize)
        .and_then(|e| paths.get(e.start as usize..e.start as usize + e.len as usize))
        .unwrap_or_default()
}

impl Leaves {
    /// Room for `keys` leaves of key paths about 48 bytes long.
    pub fn with_capacity(keys: usize) -> Leaves {
        Leaves {
            paths: String::with_capacity(keys * 48),
            entries: Vec::with_capacity(keys),
            index: hashbrown::HashTable::with_capacity(keys),
        }
    }

    /// Sets the leaf of a key path; a key given twice keeps the last value.
    pub fn insert(&mut self, key: &str, leaf: Leaf) {
        let h = hash(key);
        if let Some(&i) = self
            .index
            .find(h, |&i| path_at(&self.paths, &self.entries, i) == key)
        {
            if let Some(entry) = self.entries.get_mut(i as usize) {
                entry.leaf = leaf;
            }
            return;
        }
        // Payloads are far below 4 GiB (uploads are limited to megabytes).
        let (Ok(start), Ok(len), Ok(at)) = (
            u32::try_from(self.paths.len()),
            u32::try_from(key.len()),
            u32::try_from(self.entries.len()),
        ) else {
            return;
        };
        self.paths.push_str(key);
        self.entries.push(Entry { start, len, leaf });
        let (paths, entries) = (&self.paths, &self.entries);
        self.index
            .insert_unique(h, at, |&i| hash(path_at(paths, entries, i)));
    }

    pub fn get(&self, key: &str) -> Option<&Leaf> {
        let &i = self.index.find(hash(key), |&i| {
            path_at(&self.paths, &self.entries, i) == key
        })?;
        self.entries.get(i as usize).map(|e| &e.leaf)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Every key path and its leaf, in the payload's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Leaf)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (path_at(&self.paths, &self.entries, i as u32), &e.leaf))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(key, _)| key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(n: u64) -> Leaf {
        Leaf {
            value: Value::from(n),
            definition: None,
        }
    }

    #[test]
    fn keys_are_found_kept_in_order_and_replaced() {
        let mut leaves = Leaves::with_capacity(2);
        for n in 0..1000u64 {
            leaves.insert(&format!("counts.metric_{n}"), leaf(n));
        }
        leaves.insert("counts.metric_7", leaf(70));
        assert_eq!(leaves.len(), 1000);
        assert_eq!(leaves.get("counts.metric_7"), Some(&leaf(70)));
        assert_eq!(leaves.get("counts.metric_999"), Some(&leaf(999)));
        assert_eq!(leaves.get("counts.metric_1000"), None);
        assert!(!leaves.contains_key("counts"));
        let keys: Vec<&str> = leaves.keys().take(3).collect();
        assert_eq!(
            keys,
            vec!["counts.metric_0", "counts.metric_1", "counts.metric_2"]
        );
        assert_eq!(leaves.iter().count(), 1000);
        assert!(Leaves::default().is_empty() && Leaves::default().get("x").is_none());
    }
}
