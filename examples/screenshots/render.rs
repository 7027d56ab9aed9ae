//! Draws a terminal screen (a `vt100::Screen`: characters, colours, bold, inverse) into an
//! RGB image with a monospace font, and encodes it as PNG.

#[path = "box_drawing.rs"]
mod box_drawing;

use std::path::Path;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};

/// An RGB colour.
pub type Rgb = [u8; 3];

/// The terminal's default background and foreground (a dark terminal).
pub const DEFAULT_BG: Rgb = [0x1c, 0x1c, 0x1c];
/// See [`DEFAULT_BG`].
pub const DEFAULT_FG: Rgb = [0xd0, 0xd0, 0xd0];

/// xterm's 16 ANSI colours (the values kdeck's theme code assumes too).
const ANSI: [Rgb; 16] = [
    [0, 0, 0],
    [205, 0, 0],
    [0, 205, 0],
    [205, 205, 0],
    [0, 0, 238],
    [205, 0, 205],
    [0, 205, 205],
    [229, 229, 229],
    [127, 127, 127],
    [255, 0, 0],
    [0, 255, 0],
    [255, 255, 0],
    [92, 92, 255],
    [255, 0, 255],
    [0, 255, 255],
    [255, 255, 255],
];

/// The xterm 256-colour palette: 16 ANSI colours, a 6x6x6 cube, a 24-step grey ramp.
pub fn xterm_colour(index: u8) -> Rgb {
    match index {
        0..=15 => ANSI[usize::from(index)],
        16..=231 => {
            let i = index - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            [level(i / 36), level(i / 6 % 6), level(i % 6)]
        }
        _ => {
            let grey = 8 + 10 * (index - 232);
            [grey, grey, grey]
        }
    }
}

fn resolve(colour: vt100::Color, default: Rgb) -> Rgb {
    match colour {
        vt100::Color::Default => default,
        vt100::Color::Idx(i) => xterm_colour(i),
        vt100::Color::Rgb(r, g, b) => [r, g, b],
    }
}

/// The regular and bold faces at one pixel size, and the cell they make.
pub struct CellFont {
    regular: FontVec,
    bold: FontVec,
    scale: PxScale,
    /// Width of a cell in pixels (the font's advance, rounded up).
    pub cell_w: u32,
    /// Height of a cell in pixels (ascent + descent + line gap, rounded up).
    pub cell_h: u32,
    /// From a cell's top to the baseline, in pixels.
    baseline: f32,
}

impl CellFont {
    /// Reads `DejaVuSansMono.ttf` and `DejaVuSansMono-Bold.ttf` from `dir` at `px` pixels.
    pub fn load(dir: &Path, px: f32) -> Result<Self, String> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path)
                .map_err(|e| format!("cannot read the font {}: {e}", path.display()))
        };
        Self::from_bytes(
            read("DejaVuSansMono.ttf")?,
            read("DejaVuSansMono-Bold.ttf")?,
            px,
        )
    }

    /// The faces from the bytes of two TrueType files.
    pub fn from_bytes(regular: Vec<u8>, bold: Vec<u8>, px: f32) -> Result<Self, String> {
        let regular = FontVec::try_from_vec(regular).map_err(|e| format!("regular face: {e}"))?;
        let bold = FontVec::try_from_vec(bold).map_err(|e| format!("bold face: {e}"))?;
        let scale = PxScale::from(px);
        let scaled = regular.as_scaled(scale);
        let advance = scaled.h_advance(regular.glyph_id('M'));
        let height = scaled.ascent() - scaled.descent() + scaled.line_gap();
        Ok(Self {
            cell_w: advance.ceil() as u32,
            cell_h: height.ceil() as u32,
            baseline: (scaled.ascent() + scaled.line_gap() / 2.0).round(),
            regular,
            bold,
            scale,
        })
    }
}

impl CellFont {
    /// Whether the regular face has a glyph for `c` (without one, a box is drawn).
    pub fn has_glyph(&self, c: char) -> bool {
        self.regular.glyph_id(c).0 != 0
    }
}

/// An RGB image, row after row.
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` pixels of 3 bytes.
    pub pixels: Vec<u8>,
}

impl Image {
    fn new(width: u32, height: u32, fill: Rgb) -> Self {
        let pixels = fill
            .iter()
            .copied()
            .cycle()
            .take(width as usize * height as usize * 3)
            .collect();
        Self {
            width,
            height,
            pixels,
        }
    }

    /// Blends `colour` over the pixel at (`x`, `y`) with `coverage` in 0..=1.
    fn blend(&mut self, x: u32, y: u32, colour: Rgb, coverage: f32) {
        if x >= self.width || y >= self.height {
            return;
        }
        let at = (y as usize * self.width as usize + x as usize) * 3;
        let c = coverage.clamp(0.0, 1.0);
        for (i, channel) in colour.iter().enumerate() {
            let old = f32::from(self.pixels[at + i]);
            self.pixels[at + i] = (old + (f32::from(*channel) - old) * c).round() as u8;
        }
    }

    fn fill(&mut self, x0: u32, y0: u32, w: u32, h: u32, colour: Rgb) {
        for y in y0..(y0 + h).min(self.height) {
            for x in x0..(x0 + w).min(self.width) {
                self.blend(x, y, colour, 1.0);
            }
        }
    }

    /// The image as a PNG file.
    pub fn to_png(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder
            .write_header()
            .map_err(|e| format!("PNG header: {e}"))?;
        writer
            .write_image_data(&self.pixels)
            .map_err(|e| format!("PNG data: {e}"))?;
        writer.finish().map_err(|e| format!("PNG end: {e}"))?;
        Ok(out)
    }
}

/// Draws every cell of `screen`, and the cursor as an inverted cell if it is shown.
pub fn render(screen: &vt100::Screen, font: &CellFont) -> Image {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let (cw, ch) = (font.cell_w, font.cell_h);
    let mut image = Image::new(u32::from(cols) * cw, u32::from(rows) * ch, DEFAULT_BG);
    let cursor = (!screen.hide_cursor()).then(|| screen.cursor_position());
    for row in 0..rows {
        for col in 0..cols {
            let Some(cell) = screen.cell(row, col) else {
                continue;
            };
            if cell.is_wide_continuation() {
                continue;
            }
            let mut fg = resolve(cell.fgcolor(), DEFAULT_FG);
            let mut bg = resolve(cell.bgcolor(), DEFAULT_BG);
            if cell.inverse() != (cursor == Some((row, col))) {
                std::mem::swap(&mut fg, &mut bg);
            }
            let width = if cell.is_wide() { 2 } else { 1 };
            let (x, y) = (u32::from(col) * cw, u32::from(row) * ch);
            image.fill(x, y, cw * width, ch, bg);
            draw_text(&mut image, font, cell.contents(), cell.bold(), (x, y), fg);
            if cell.underline() {
                image.fill(x, y + font.baseline as u32 + 1, cw * width, 1, fg);
            }
        }
    }
    image
}

/// Draws the characters of one cell with its top-left corner at `at`.
fn draw_text(image: &mut Image, font: &CellFont, text: &str, bold: bool, at: (u32, u32), fg: Rgb) {
    let (x, y) = at;
    for c in text.chars() {
        let mut plot = |px: u32, py: u32| image.blend(x + px, y + py, fg, 1.0);
        if box_drawing::draw(c, font.cell_w, font.cell_h, &mut plot) || c == ' ' {
            continue;
        }
        let face = if bold { &font.bold } else { &font.regular };
        // A character the face lacks is drawn from the other one (its box if neither has it).
        let face = if face.glyph_id(c).0 == 0 && font.has_glyph(c) {
            &font.regular
        } else {
            face
        };
        let glyph = face
            .glyph_id(c)
            .with_scale_and_position(font.scale, point(x as f32, y as f32 + font.baseline));
        if let Some(outline) = face.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if px >= 0 && py >= 0 {
                    image.blend(px as u32, py as u32, fg, coverage);
                }
            });
        }
    }
}
