//! Go's `text/tabwriter` (as `kubectl describe` configures it: minimum width 0, padding 2,
//! spaces): cells are tab-terminated, the last cell of a line is not aligned, and a column's
//! width is shared by the consecutive lines that have a cell in it.

/// Aligns `text` (lines of tab-separated cells).
pub fn align(text: &str, minwidth: usize, padding: usize) -> String {
    let mut lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    // `split` yields a last empty line after the final newline; it has one empty cell.
    let trailing_newline = text.ends_with('\n');
    if trailing_newline {
        lines.pop();
    }
    let mut out = String::new();
    let mut widths: Vec<usize> = Vec::new();
    format(
        &lines,
        0,
        lines.len(),
        &mut widths,
        minwidth,
        padding,
        &mut out,
    );
    if !trailing_newline && out.ends_with('\n') {
        out.pop();
    }
    out
}

fn width_of(s: &str) -> usize {
    s.chars().count()
}

fn format(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    minwidth: usize,
    padding: usize,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut width = minwidth;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(width_of(lines[this][column]) + padding);
            this += 1;
        }
        widths.push(width);
        format(lines, line0, this, widths, minwidth, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for line in &lines[from..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j < widths.len() && j + 1 < line.len() {
                let pad = widths[j].saturating_sub(width_of(cell));
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_lines_share_a_column() {
        let text = "Name:\tnginx\nNamespace:\tdefault\nContainers:\n  nginx:\n    Image:\tnginx\n";
        assert_eq!(
            align(text, 0, 2),
            "Name:       nginx\nNamespace:  default\nContainers:\n  nginx:\n    Image:  nginx\n"
        );
    }
}
