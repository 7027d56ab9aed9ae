//! Two texts compared line by line for a side-by-side view: the older on the left, the
//! newer on the right, a changed run's removed and added lines paired row by row (the
//! longer side's extra lines against blanks), and long unchanged runs folded to a
//! count with a few lines of context kept around each change.

use similar::{DiffOp, TextDiff};

/// Unchanged lines kept on each side of a change before the rest of a run is folded
/// (as `diff -u`'s three).
pub const CONTEXT_LINES: usize = 3;

/// One line of a text, with its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedLine {
    /// Its number in its text, from 1.
    pub number: usize,
    /// The line, without its newline.
    pub text: String,
}

/// One row of the side-by-side diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SideRow {
    /// A line both texts have.
    Same {
        /// Its number in the left (older) text.
        left: usize,
        /// Its number in the right (newer) text.
        right: usize,
        /// The line.
        text: String,
    },
    /// A changed line: what the left has here against what the right has (`None`: the
    /// other side of the change ran out of lines).
    Changed {
        /// The older text's line.
        left: Option<NumberedLine>,
        /// The newer text's line.
        right: Option<NumberedLine>,
    },
    /// A run of unchanged lines not shown.
    Folded {
        /// How many lines it hides.
        count: usize,
    },
}

/// The side-by-side comparison of two texts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SideBySide {
    /// The rows, top to bottom.
    pub rows: Vec<SideRow>,
    /// How many rows are changes.
    pub changed_rows: usize,
    /// How many lines only the left (older) text has.
    pub removed: usize,
    /// How many lines only the right (newer) text has.
    pub added: usize,
}

impl SideBySide {
    /// Compares `old` (left) with `new` (right), folding unchanged runs longer than
    /// `context` lines each side of a change.
    pub fn compare(old: &str, new: &str, context: usize) -> Self {
        let old_lines: Vec<&str> = old.lines().collect();
        let new_lines: Vec<&str> = new.lines().collect();
        let diff = TextDiff::from_lines(old, new);
        let ops = diff.ops();
        let mut rows = Vec::new();
        let mut changed_rows = 0;
        // Deletions and insertions between two unchanged runs form one change, whatever
        // ops the diff split it into, so its lines pair up row by row.
        let mut removed: Vec<usize> = Vec::new();
        let mut added: Vec<usize> = Vec::new();
        let last = ops.len().saturating_sub(1);
        for (i, op) in ops.iter().enumerate() {
            match *op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => {
                    changed_rows +=
                        pair_changes(&mut rows, &mut removed, &mut added, &old_lines, &new_lines);
                    let run = EqualRun {
                        old_index,
                        new_index,
                        len,
                    };
                    run.push(&mut rows, &old_lines, context, i == 0, i == last);
                }
                DiffOp::Delete {
                    old_index, old_len, ..
                } => removed.extend(old_index..old_index + old_len),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => added.extend(new_index..new_index + new_len),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    removed.extend(old_index..old_index + old_len);
                    added.extend(new_index..new_index + new_len);
                }
            }
        }
        changed_rows += pair_changes(&mut rows, &mut removed, &mut added, &old_lines, &new_lines);
        let count = |side: fn(&SideRow) -> bool| rows.iter().filter(|r| side(r)).count();
        let removed = count(|r| matches!(r, SideRow::Changed { left: Some(_), .. }));
        let added = count(|r| matches!(r, SideRow::Changed { right: Some(_), .. }));
        Self {
            rows,
            changed_rows,
            removed,
            added,
        }
    }

    /// Whether the two texts are the same.
    pub fn identical(&self) -> bool {
        self.changed_rows == 0
    }
}

/// A run of lines both texts have.
struct EqualRun {
    old_index: usize,
    new_index: usize,
    len: usize,
}

impl EqualRun {
    /// Pushes the run's rows: `context` lines next to each change, the rest folded. A
    /// run at the start or the end of the texts keeps only the lines next to its change.
    fn push(
        &self,
        rows: &mut Vec<SideRow>,
        old_lines: &[&str],
        context: usize,
        first: bool,
        last: bool,
    ) {
        let head = if first { 0 } else { context.min(self.len) };
        let tail = if last {
            0
        } else {
            context.min(self.len - head)
        };
        let hidden = self.len - head - tail;
        // Folding a single line would take as much room as showing it.
        let (head, hidden) = if hidden <= 1 {
            (head + hidden, 0)
        } else {
            (head, hidden)
        };
        let same = |offset: usize| SideRow::Same {
            left: self.old_index + offset + 1,
            right: self.new_index + offset + 1,
            text: old_lines
                .get(self.old_index + offset)
                .copied()
                .unwrap_or_default()
                .to_owned(),
        };
        rows.extend((0..head).map(same));
        if hidden > 0 {
            rows.push(SideRow::Folded { count: hidden });
        }
        rows.extend((head + hidden..self.len).map(same));
    }
}

/// Pushes the pending change as rows and returns how many it took. Lines of the same
/// YAML key at the same depth pair up (an image against the image it replaced, even
/// when lines were added before it); the rest pair in order between those, the longer
/// side's extra lines against blanks.
fn pair_changes(
    rows: &mut Vec<SideRow>,
    removed: &mut Vec<usize>,
    added: &mut Vec<usize>,
    old_lines: &[&str],
    new_lines: &[&str],
) -> usize {
    let old_keys: Vec<(usize, &str)> = removed
        .iter()
        .map(|&i| yaml_key(line(old_lines, i)))
        .collect();
    let new_keys: Vec<(usize, &str)> = added
        .iter()
        .map(|&i| yaml_key(line(new_lines, i)))
        .collect();
    let before = rows.len();
    let mut left_only: Vec<usize> = Vec::new();
    let mut right_only: Vec<usize> = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old_keys, &new_keys) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            pair_in_order(rows, &mut left_only, &mut right_only, old_lines, new_lines);
            for (o, n) in old_range.zip(new_range) {
                left_only.push(removed[o]);
                right_only.push(added[n]);
                pair_in_order(rows, &mut left_only, &mut right_only, old_lines, new_lines);
            }
        } else {
            left_only.extend(old_range.map(|o| removed[o]));
            right_only.extend(new_range.map(|n| added[n]));
        }
    }
    pair_in_order(rows, &mut left_only, &mut right_only, old_lines, new_lines);
    removed.clear();
    added.clear();
    rows.len() - before
}

/// Pushes `left` beside `right` row by row, then empties them.
fn pair_in_order(
    rows: &mut Vec<SideRow>,
    left: &mut Vec<usize>,
    right: &mut Vec<usize>,
    old_lines: &[&str],
    new_lines: &[&str],
) {
    let numbered = |lines: &[&str], index: usize| NumberedLine {
        number: index + 1,
        text: line(lines, index).to_owned(),
    };
    for row in 0..left.len().max(right.len()) {
        rows.push(SideRow::Changed {
            left: left.get(row).map(|&i| numbered(old_lines, i)),
            right: right.get(row).map(|&i| numbered(new_lines, i)),
        });
    }
    left.clear();
    right.clear();
}

fn line<'a>(lines: &[&'a str], index: usize) -> &'a str {
    lines.get(index).copied().unwrap_or_default()
}

/// A YAML line's key and the column it starts at (a list item's `- ` counts as
/// indentation): `    image: x` and `  - image: y` are the same key. A line without a
/// key is its own.
fn yaml_key(line: &str) -> (usize, &str) {
    let text = line.trim_start_matches([' ', '-']);
    let depth = line.len() - text.len();
    (depth, text.split_once(':').map_or(text, |(key, _)| key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(range: std::ops::RangeInclusive<usize>) -> String {
        range
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }

    fn changed(left: Option<(usize, &str)>, right: Option<(usize, &str)>) -> SideRow {
        let numbered = |(number, text): (usize, &str)| NumberedLine {
            number,
            text: text.to_owned(),
        };
        SideRow::Changed {
            left: left.map(numbered),
            right: right.map(numbered),
        }
    }

    fn same(left: usize, right: usize) -> SideRow {
        SideRow::Same {
            left,
            right,
            text: format!("line {left}"),
        }
    }

    #[test]
    fn equal_texts_are_identical_and_fold_to_one_count() {
        let text = lines(1..=20);
        let diff = SideBySide::compare(&text, &text, CONTEXT_LINES);
        assert!(diff.identical());
        assert_eq!(diff.rows, [SideRow::Folded { count: 20 }]);
    }

    #[test]
    fn a_change_in_the_middle_keeps_three_lines_each_side_and_folds_the_rest() {
        let old = lines(1..=20);
        let new = old.replace("line 10\n", "line ten\n");
        let diff = SideBySide::compare(&old, &new, CONTEXT_LINES);
        assert!(!diff.identical());
        assert_eq!(diff.changed_rows, 1);
        assert_eq!(
            diff.rows,
            [
                SideRow::Folded { count: 6 },
                same(7, 7),
                same(8, 8),
                same(9, 9),
                changed(Some((10, "line 10")), Some((10, "line ten"))),
                same(11, 11),
                same(12, 12),
                same(13, 13),
                SideRow::Folded { count: 7 },
            ]
        );
    }

    #[test]
    fn a_run_between_two_changes_keeps_context_for_both_and_folds_its_middle() {
        let old = lines(1..=12);
        let new = old
            .replace("line 1\n", "line one\n")
            .replace("line 12\n", "line twelve\n");
        let diff = SideBySide::compare(&old, &new, CONTEXT_LINES);
        assert_eq!(diff.rows.len(), 1 + 3 + 1 + 3 + 1);
        assert_eq!(diff.rows[4], SideRow::Folded { count: 4 });
        assert_eq!(diff.rows[1], same(2, 2));
        assert_eq!(diff.rows[7], same(11, 11));
    }

    #[test]
    fn a_single_hidden_line_is_shown_rather_than_folded() {
        let old = lines(1..=8);
        let new = old
            .replace("line 1\n", "line one\n")
            .replace("line 8\n", "line eight\n");
        let diff = SideBySide::compare(&old, &new, CONTEXT_LINES);
        // Lines 2..=7 are six: three and three of context, nothing to fold.
        assert_eq!(diff.rows.len(), 8);
        assert!(
            diff.rows
                .iter()
                .all(|r| !matches!(r, SideRow::Folded { .. }))
        );
        let old = lines(1..=9);
        let new = old
            .replace("line 1\n", "line one\n")
            .replace("line 9\n", "line nine\n");
        let diff = SideBySide::compare(&old, &new, CONTEXT_LINES);
        // Seven between: one more than the context, shown, not folded to "1 line".
        assert_eq!(diff.rows.len(), 9);
        assert!(
            diff.rows
                .iter()
                .all(|r| !matches!(r, SideRow::Folded { .. }))
        );
    }

    #[test]
    fn a_changed_run_pairs_its_lines_and_the_longer_side_gets_blanks() {
        let old = "a\nb\nold 1\nold 2\nc\n";
        let new = "a\nb\nnew 1\nnew 2\nnew 3\nc\n";
        let diff = SideBySide::compare(old, new, CONTEXT_LINES);
        assert_eq!(diff.changed_rows, 3);
        assert_eq!((diff.removed, diff.added), (2, 3));
        let changes: Vec<&SideRow> = diff
            .rows
            .iter()
            .filter(|r| matches!(r, SideRow::Changed { .. }))
            .collect();
        assert_eq!(
            changes,
            [
                &changed(Some((3, "old 1")), Some((3, "new 1"))),
                &changed(Some((4, "old 2")), Some((4, "new 2"))),
                &changed(None, Some((5, "new 3"))),
            ]
        );
        // The unchanged line after the change keeps both its numbers.
        assert_eq!(
            diff.rows.last(),
            Some(&SideRow::Same {
                left: 5,
                right: 6,
                text: "c".into()
            })
        );
    }

    #[test]
    fn a_changed_line_pairs_with_the_line_of_its_key_past_lines_added_before_it() {
        let old = "spec:\n  containers:\n  - image: nginx:1.24\n    name: myapp\n";
        let new = "spec:\n  containers:\n  - env:\n    - name: MODE\n      value: fast\n    image: nginx:1.25\n    name: myapp\n";
        let diff = SideBySide::compare(old, new, CONTEXT_LINES);
        let changes: Vec<&SideRow> = diff
            .rows
            .iter()
            .filter(|r| matches!(r, SideRow::Changed { .. }))
            .collect();
        assert_eq!(
            changes,
            [
                &changed(None, Some((3, "  - env:"))),
                &changed(None, Some((4, "    - name: MODE"))),
                &changed(None, Some((5, "      value: fast"))),
                &changed(
                    Some((3, "  - image: nginx:1.24")),
                    Some((6, "    image: nginx:1.25"))
                ),
            ]
        );
        assert_eq!((diff.removed, diff.added), (1, 4));
    }

    #[test]
    fn lines_only_removed_show_against_blanks_on_the_right() {
        let diff = SideBySide::compare("a\nb\nc\n", "a\nc\n", CONTEXT_LINES);
        assert_eq!(
            diff.rows,
            [
                SideRow::Same {
                    left: 1,
                    right: 1,
                    text: "a".into()
                },
                changed(Some((2, "b")), None),
                SideRow::Same {
                    left: 3,
                    right: 2,
                    text: "c".into()
                },
            ]
        );
    }
}
