//! Box-drawing characters (U+2500..U+257F) drawn as lines that meet the cell's edges, so
//! borders are continuous from cell to cell (a font's glyphs often stop short of them).

/// The weight of one arm of a box-drawing character, from the cell's centre to an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arm {
    None,
    Light,
    Heavy,
    Double,
}

/// Arms (left, right, up, down) of U+2500..U+257F, four digits each: 0 none, 1 light,
/// 2 heavy, 3 double. Dashed lines are drawn solid; rounded corners square; the three
/// diagonals (U+2571..U+2573) are `d`.
const ARMS: [&str; 128] = [
    "1100", "2200", "0011", "0022", "1100", "2200", "0011", "0022", // 2500
    "1100", "2200", "0011", "0022", "0101", "0201", "0102", "0202", // 2508
    "1001", "2001", "1002", "2002", "0110", "0210", "0120", "0220", // 2510
    "1010", "2010", "1020", "2020", "0111", "0211", "0121", "0112", // 2518
    "0122", "0221", "0212", "0222", "1011", "2011", "1021", "1012", // 2520
    "1022", "2021", "2012", "2022", "1101", "2101", "1201", "2201", // 2528
    "1102", "2102", "1202", "2202", "1110", "2110", "1210", "2210", // 2530
    "1120", "2120", "1220", "2220", "1111", "2111", "1211", "2211", // 2538
    "1121", "1112", "1122", "2121", "1221", "2112", "1212", "2221", // 2540
    "2212", "2122", "1222", "2222", "1100", "2200", "0011", "0022", // 2548
    "3300", "0033", "0301", "0103", "0303", "3001", "1003", "3003", // 2550
    "0310", "0130", "0330", "3010", "1030", "3030", "0311", "0133", // 2558
    "0333", "3011", "1033", "3033", "3301", "1103", "3303", "3310", // 2560
    "1130", "3330", "3311", "1133", "3333", "0101", "1001", "1010", // 2568
    "0110", "d", "d", "d", "1000", "0010", "0100", "0001", // 2570
    "2000", "0020", "0200", "0002", "1200", "0012", "2100", "0021", // 2578
];

fn arm(code: u8) -> Arm {
    match code {
        b'1' => Arm::Light,
        b'2' => Arm::Heavy,
        b'3' => Arm::Double,
        _ => Arm::None,
    }
}

/// Whether `c` is drawn by [`draw`] rather than from the font.
pub fn handles(c: char) -> bool {
    ('\u{2500}'..='\u{257f}').contains(&c)
}

/// Draws `c` into a `w` x `h` cell by calling `plot(x, y)` for each pixel of the line
/// (coordinates within the cell). Returns false if `c` is not a box-drawing character.
pub fn draw(c: char, w: u32, h: u32, plot: &mut dyn FnMut(u32, u32)) -> bool {
    if !handles(c) {
        return false;
    }
    let index = (u32::from(c) - 0x2500) as usize;
    let code = ARMS[index].as_bytes();
    if code == b"d" {
        diagonal(c, w, h, plot);
        return true;
    }
    // About as thick as the font's strokes (2 px in an 18 px cell), so a border survives
    // a picture being shown scaled down.
    let light = (h / 9).max(1);
    let heavy = light * 2;
    let (cx, cy) = (w / 2, h / 2);
    // A double line is two light lines `gap` either side of the centre line.
    let gap = (w / 5).max(2);
    let mut fill = |x0: u32, x1: u32, y0: u32, y1: u32| {
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                plot(x, y);
            }
        }
    };
    let [left, right, up, down] = [0, 1, 2, 3].map(|i| arm(code[i]));
    let widest = [left, right, up, down]
        .into_iter()
        .map(|a| match a {
            Arm::None => 0,
            Arm::Light => light.div_ceil(2),
            Arm::Heavy => heavy.div_ceil(2),
            Arm::Double => gap + light,
        })
        .max()
        .unwrap_or(0);
    // Each arm runs from the far edge of the centre line's thickness to the cell's edge,
    // so a corner's two arms overlap at the centre instead of leaving a notch.
    let band = |centre: u32, thickness: u32| {
        let start = centre.saturating_sub(thickness / 2);
        (start, start + thickness)
    };
    for (which, weight) in [(0, left), (1, right), (2, up), (3, down)] {
        let offsets: &[(i64, u32)] = match weight {
            Arm::None => &[],
            Arm::Light => &[(0, light)],
            Arm::Heavy => &[(0, heavy)],
            Arm::Double => &[(-1, light), (1, light)],
        };
        for &(side, thickness) in offsets {
            let shift = |centre: u32| (i64::from(centre) + side * i64::from(gap)).max(0) as u32;
            // How far past the centre an arm reaches: to the far side of the widest line
            // crossing it, and no further (a longer reach shows as a stub past a corner).
            let reach = widest;
            match which {
                0 => {
                    let (y0, y1) = band(shift(cy), thickness);
                    fill(0, cx + reach, y0, y1);
                }
                1 => {
                    let (y0, y1) = band(shift(cy), thickness);
                    fill(cx.saturating_sub(reach), w, y0, y1);
                }
                2 => {
                    let (x0, x1) = band(shift(cx), thickness);
                    fill(x0, x1, 0, cy + reach);
                }
                _ => {
                    let (x0, x1) = band(shift(cx), thickness);
                    fill(x0, x1, cy.saturating_sub(reach), h);
                }
            }
        }
    }
    true
}

/// ╱ ╲ ╳ as one-pixel lines corner to corner.
fn diagonal(c: char, w: u32, h: u32, plot: &mut dyn FnMut(u32, u32)) {
    let rising = matches!(c, '\u{2571}' | '\u{2573}');
    let falling = matches!(c, '\u{2572}' | '\u{2573}');
    for y in 0..h {
        let x = (u64::from(y) * u64::from(w) / u64::from(h.max(1))) as u32;
        if falling {
            plot(x.min(w - 1), y);
        }
        if rising {
            plot((w - 1).saturating_sub(x), y);
        }
    }
}
