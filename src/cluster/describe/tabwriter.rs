//! Go's `text/tabwriter` as kubectl configures it for describe (padding 2,
//! spaces): tab-separated cells of consecutive lines are aligned in blocks.

/// Aligns the tab-separated cells of `text` like Go's tabwriter.
pub fn align(text: &str) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut widths = Vec::new();
    format(&lines, &mut widths, 0, lines.len(), &mut out);
    // `split` yields one line after the final newline; it was written without one.
    out
}

use unicode_width::UnicodeWidthStr as _;

const PADDING: usize = 2;

/// Columns on a terminal (a CJK character takes two), as Go's tabwriter counts runes
/// (kubectl's) but aligned for how it is seen.
fn width(cell: &str) -> usize {
    cell.width()
}

fn format(lines: &[Vec<&str>], widths: &mut Vec<usize>, from: usize, to: usize, out: &mut String) {
    let column = widths.len();
    let mut line0 = from;
    let mut this = from;
    while this < to {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, widths, line0, this, out);
        line0 = this;
        let mut w = 0;
        while this < to && column + 1 < lines[this].len() {
            w = w.max(width(lines[this][column]) + PADDING);
            this += 1;
        }
        widths.push(w);
        format(lines, widths, line0, this, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, widths, line0, to, out);
}

fn write_lines(lines: &[Vec<&str>], widths: &[usize], from: usize, to: usize, out: &mut String) {
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j < widths.len() && j + 1 < line.len() {
                let pad = widths[j].saturating_sub(width(cell));
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_blocks_of_consecutive_lines() {
        let text = "Name:\tweb\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/web\n";
        assert_eq!(
            align(text),
            "Name:       web\nNamespace:  default\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/web\n"
        );
    }

    #[test]
    fn wide_characters_are_padded_by_their_width() {
        let text = "Name:\t网站\nNamespace:\tdefault\nLabels:\tapp=web\n";
        let aligned = align("Ñame:\tx\n名前:\ty\nA:\tz\n");
        assert_eq!(aligned, "Ñame:  x\n名前:  y\nA:     z\n");
        assert!(align(text).starts_with("Name:       网站"));
    }

    #[test]
    fn nested_columns_align_within_their_block() {
        let text = "  Type\tReason\tAge\n  ----\t------\t---\n  Normal\tScheduled\t5s\n";
        assert_eq!(
            align(text),
            "  Type    Reason     Age\n  ----    ------     ---\n  Normal  Scheduled  5s\n"
        );
    }
}
