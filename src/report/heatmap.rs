//! A heat map as inline SVG, for a sweep's grid: one cell per point, its
//! shade from light (low) to dark (high) on one hue, so the order reads in
//! black and white; every cell also prints its value and the point's SLA
//! mark, so no reader depends on the shade alone.

use super::svg::esc;
use std::fmt::Write;

/// A grid of values.
#[derive(Debug, Clone, Default)]
pub struct HeatMap {
    /// Title, above the grid.
    pub title: String,
    /// What the columns vary, with unit.
    pub x_label: String,
    /// What the rows vary.
    pub y_label: String,
    /// Column headings.
    pub cols: Vec<String>,
    /// Row headings.
    pub rows: Vec<String>,
    /// `cells[row][col]`: the value (None: no data), and the text shown.
    pub cells: Vec<Vec<(Option<f64>, String)>>,
    /// What the shade means, for the legend (e.g. "orders lost, %").
    pub legend: String,
    /// The values the lightest and darkest shades stand for (default: this
    /// map's lowest and highest), so maps of one metric share a scale.
    pub range: Option<(f64, f64)>,
}

/// Light to dark blue, equal steps in lightness.
const SHADES: [&str; 6] = [
    "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c",
];

const CELL_H: f64 = 30.0;
const LEFT: f64 = 120.0;
const TOP: f64 = 52.0;
const W: f64 = 720.0;

impl HeatMap {
    /// The map as an `<svg>` element.
    pub fn render(&self) -> String {
        let shades = Shades::of(self);
        let ncols = self.cols.len().max(1);
        let cw = ((W - LEFT - 16.0) / ncols as f64).min(140.0);
        let gh = CELL_H * self.rows.len() as f64;
        let h = TOP + gh + 74.0;
        let mut o = String::new();
        let _ = write!(
            o,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="{t}"><title>{t}</title><text x="8" y="20" class="title">{t}</text>"#,
            t = esc(&self.title)
        );
        let _ = write!(
            o,
            r#"<text x="{:.1}" y="36" class="axis" text-anchor="middle">{}</text>"#,
            LEFT + cw * ncols as f64 / 2.0,
            esc(&self.x_label)
        );
        for (c, name) in self.cols.iter().enumerate() {
            let _ = write!(
                o,
                r#"<text x="{:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"#,
                LEFT + cw * (c as f64 + 0.5),
                TOP - 4.0,
                esc(name)
            );
        }
        for r in 0..self.rows.len() {
            self.draw_row(&mut o, r, cw, &shades);
        }
        let _ = write!(
            o,
            r#"<text transform="translate(14 {:.1}) rotate(-90)" class="axis" text-anchor="middle">{}</text>"#,
            TOP + gh / 2.0,
            esc(&self.y_label)
        );
        self.draw_legend(&mut o, TOP + gh + 24.0, &shades);
        o.push_str("</svg>");
        o
    }

    /// Row `r`: its name, then its cells, `cw` wide.
    fn draw_row(&self, o: &mut String, r: usize, cw: f64, shades: &Shades) {
        let y = TOP + CELL_H * r as f64;
        let _ = write!(
            o,
            r#"<text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{}</text>"#,
            LEFT - 6.0,
            y + CELL_H / 2.0 + 4.0,
            esc(&self.rows[r])
        );
        for (c, (v, text)) in self.cells[r].iter().enumerate() {
            let x = LEFT + cw * c as f64;
            let (fill, ink) = match v {
                Some(v) => {
                    let k = shades.of_value(*v);
                    (SHADES[k], if k >= 4 { "#fff" } else { "#111" })
                }
                None => ("#fff", "#111"),
            };
            let _ = write!(
                o,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{cw:.1}" height="{CELL_H}" fill="{fill}" stroke="#888"/><text x="{:.1}" y="{:.1}" class="cell" text-anchor="middle" fill="{ink}">{}</text>"##,
                x + cw / 2.0,
                y + CELL_H / 2.0 + 4.0,
                esc(text)
            );
        }
    }

    /// The legend at height `ly`: the shades from the lowest value to the
    /// highest.
    fn draw_legend(&self, o: &mut String, ly: f64, shades: &Shades) {
        let (lo, hi) = (shades.lo, shades.hi);
        let _ = write!(
            o,
            r#"<text x="{LEFT}" y="{:.1}" class="legend">{}: {}</text>"#,
            ly,
            esc(&self.legend),
            if !lo.is_finite() {
                "no data".to_string()
            } else if shades.flat {
                format!(
                    "all {} to {}, one shade",
                    super::svg::num(lo),
                    super::svg::num(hi)
                )
            } else {
                format!(
                    "lightest {} · darkest {}",
                    super::svg::num(lo),
                    super::svg::num(hi)
                )
            },
        );
        for (i, s) in SHADES.iter().enumerate() {
            let _ = write!(
                o,
                r##"<rect x="{:.1}" y="{:.1}" width="30" height="12" fill="{s}" stroke="#888"/>"##,
                LEFT + 30.0 * i as f64,
                ly + 8.0
            );
        }
    }
}

/// How values map to shades: the range (given, or the cells'), and
/// whether it is too narrow to shade (differences within 2% are noise to
/// the eye: one shade for all).
struct Shades {
    lo: f64,
    hi: f64,
    flat: bool,
}

impl Shades {
    fn of(map: &HeatMap) -> Shades {
        let values = map.cells.iter().flatten().filter_map(|c| c.0);
        let (lo, hi) = map.range.unwrap_or_else(|| {
            values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            })
        });
        let flat = (hi - lo).partial_cmp(&(0.02 * hi.abs().max(lo.abs())))
            != Some(std::cmp::Ordering::Greater);
        Shades { lo, hi, flat }
    }

    /// The index in [`SHADES`] of value `v`.
    fn of_value(&self, v: f64) -> usize {
        if self.flat {
            return 0;
        }
        (((v - self.lo) / (self.hi - self.lo)) * (SHADES.len() - 1) as f64).round() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_drawn_with_its_text_and_shades_follow_the_values() {
        let m = HeatMap {
            title: "Lost <orders>".into(),
            x_label: "bot share".into(),
            y_label: "staffing".into(),
            cols: vec!["0.6".into(), "0.8".into()],
            rows: vec!["1".into()],
            cells: vec![vec![(Some(1.0), "1% ✓".into()), (Some(5.0), "5% ✗".into())]],
            legend: "orders lost, %".into(),
            range: None,
        };
        let svg = m.render();
        assert!(svg.contains("<title>Lost &lt;orders&gt;</title>"));
        assert!(svg.contains(">1% ✓<") && svg.contains(">5% ✗<"));
        assert!(svg.contains(SHADES[0]) && svg.contains(&format!("fill=\"{}\" stroke", SHADES[5])));
        assert!(svg.contains(">bot share<") && svg.contains(">staffing<"));
    }
}
