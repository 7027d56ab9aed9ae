//! The screenshot renderer (examples/screenshots/render.rs) on a small terminal screen fed
//! with known escape sequences, its PNG decoded back: size, colours, glyphs, box lines.
//! Fast, and needs neither the embedded cluster nor the binary.

#[path = "../examples/screenshots/render.rs"]
#[allow(
    dead_code,
    reason = "the script uses more of the renderer than these tests"
)]
mod render;

use std::path::Path;

use render::{CellFont, DEFAULT_BG, DEFAULT_FG, Rgb};

const COLS: u16 = 12;
const ROWS: u16 = 4;

fn font() -> CellFont {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots/font");
    CellFont::load(&dir, 16.0).expect("the bundled DejaVu Sans Mono faces")
}

/// A screen of `COLS` x `ROWS` after `bytes`.
fn screen(bytes: &str) -> vt100::Parser {
    let nz = |n| std::num::NonZeroU16::new(n).expect("non-zero");
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), 0);
    // Hide the cursor: a shown cursor is drawn inverted.
    parser.process(b"\x1b[?25l");
    parser.process(bytes.as_bytes());
    parser
}

/// Renders `bytes`, encodes to PNG and decodes it again: (width, height, RGB pixels).
fn round_trip(font: &CellFont, bytes: &str) -> (u32, u32, Vec<u8>) {
    let png_bytes = render::render(screen(bytes).screen(), font)
        .to_png()
        .expect("encode the PNG");
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a buffer size")];
    let info = reader.next_frame(&mut pixels).expect("the PNG's pixels");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

struct Decoded<'a> {
    width: u32,
    pixels: &'a [u8],
    font: &'a CellFont,
}

impl Decoded<'_> {
    fn at(&self, x: u32, y: u32) -> Rgb {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }

    /// Every pixel of the cell at (`row`, `col`).
    fn cell(&self, row: u16, col: u16) -> Vec<Rgb> {
        let (x0, y0) = (
            u32::from(col) * self.font.cell_w,
            u32::from(row) * self.font.cell_h,
        );
        let mut out = Vec::new();
        for y in y0..y0 + self.font.cell_h {
            for x in x0..x0 + self.font.cell_w {
                out.push(self.at(x, y));
            }
        }
        out
    }
}

#[test]
fn the_png_is_cols_by_rows_cells() {
    let font = font();
    assert!(font.cell_w >= 6 && font.cell_h > font.cell_w, "a text cell");
    let (width, height, pixels) = round_trip(&font, "hello");
    assert_eq!(width, u32::from(COLS) * font.cell_w);
    assert_eq!(height, u32::from(ROWS) * font.cell_h);
    assert_eq!(pixels.len(), (width * height * 3) as usize);
}

#[test]
fn background_colours_fill_their_cells() {
    let font = font();
    // Red (ANSI 1) behind a space; 256-colour 196; RGB; inverse of the defaults.
    let (width, _, pixels) = round_trip(
        &font,
        "\x1b[41m \x1b[0m\x1b[48;5;196m \x1b[48;2;10;20;30m \x1b[0m\x1b[7m \x1b[0m ",
    );
    let image = Decoded {
        width,
        pixels: &pixels,
        font: &font,
    };
    let only = |col: u16, want: Rgb| {
        let cell = image.cell(0, col);
        assert!(
            cell.iter().all(|p| *p == want),
            "cell {col} should be all {want:?}, has {:?}",
            cell.iter().find(|p| **p != want)
        );
    };
    only(0, [205, 0, 0]);
    only(1, [255, 0, 0]);
    only(2, [10, 20, 30]);
    only(3, DEFAULT_FG);
    only(4, DEFAULT_BG);
}

#[test]
fn a_glyph_cell_has_foreground_and_background_pixels() {
    let font = font();
    let (width, _, pixels) = round_trip(&font, "\x1b[32;44mA\x1b[0m\x1b[1mW");
    let image = Decoded {
        width,
        pixels: &pixels,
        font: &font,
    };
    let (green, blue) = ([0, 205, 0], [0, 0, 238]);
    let cell = image.cell(0, 0);
    assert!(cell.contains(&green), "the A is drawn in green");
    assert!(cell.contains(&blue), "around it, the blue background");
    let glyph = cell.iter().filter(|p| **p != blue).count();
    assert!(
        glyph > 0 && glyph * 2 < cell.len(),
        "a letter covers part of its cell, less than half ({glyph} of {})",
        cell.len()
    );
    let bold = image.cell(0, 1);
    assert!(bold.contains(&DEFAULT_FG) && bold.contains(&DEFAULT_BG));
}

#[test]
fn box_drawing_lines_are_continuous_across_cells() {
    let font = font();
    // A box of 6 x 3 cells: its top edge and left edge cross cell boundaries.
    let (width, _, pixels) = round_trip(&font, "┌────┐\r\n│    │\r\n└────┘");
    let image = Decoded {
        width,
        pixels: &pixels,
        font: &font,
    };
    let (w, h) = (font.cell_w, font.cell_h);
    let top_line = (0..h).find(|&y| (w / 2..6 * w - w / 2).all(|x| image.at(x, y) == DEFAULT_FG));
    assert!(
        top_line.is_some(),
        "a pixel row of the top edge is unbroken from corner to corner"
    );
    let left_line = (0..w).find(|&x| (h / 2..3 * h - h / 2).all(|y| image.at(x, y) == DEFAULT_FG));
    assert!(
        left_line.is_some(),
        "a pixel column of the left edge is unbroken from corner to corner"
    );
    // Inside the box, nothing is drawn.
    assert!(image.cell(1, 2).iter().all(|p| *p == DEFAULT_BG));
}

#[test]
fn xterm_palette_matches_the_cube_and_grey_ramp() {
    assert_eq!(render::xterm_colour(16), [0, 0, 0]);
    assert_eq!(render::xterm_colour(196), [255, 0, 0]);
    assert_eq!(render::xterm_colour(231), [255, 255, 255]);
    assert_eq!(render::xterm_colour(232), [8, 8, 8]);
    assert_eq!(render::xterm_colour(255), [238, 238, 238]);
}

#[test]
fn the_bundled_font_has_the_symbols_kdeck_draws() {
    let font = font();
    // Those in kdeck's screens (src/ui): separators, ellipsis, bars, marks, arrows.
    let missing: String = "·…█─—é✗✓●▸▒▏↓↑"
        .chars()
        .filter(|c| !font.has_glyph(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "no glyph in DejaVu Sans Mono for {missing:?}"
    );
}

#[test]
fn a_shown_cursor_is_an_inverted_cell() {
    let font = font();
    // Cursor shown again and moved to row 2, column 4 (1-based), over an empty cell.
    let (width, _, pixels) = round_trip(&font, "\x1b[?25h\x1b[2;4H");
    let image = Decoded {
        width,
        pixels: &pixels,
        font: &font,
    };
    assert!(image.cell(1, 3).iter().all(|p| *p == DEFAULT_FG));
    assert!(image.cell(1, 2).iter().all(|p| *p == DEFAULT_BG));
}
