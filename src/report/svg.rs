//! Charts as inline SVG for the HTML report: lines, bars, horizontal
//! reference lines (SLA bounds) and shaded vertical bands (satisfaction
//! bands). Every chart has a title, axis labels with units and a legend.
//! Series differ by colour (the Okabe-Ito palette, safe for colour-blind
//! readers) and by dash pattern and marker, so they read in black and white
//! too. Numbers are written with fixed precision: the same data gives the
//! same bytes (the snapshot tests rely on it).

use std::fmt::Write;

/// Okabe-Ito colours, with the dash pattern each series pairs with.
const STYLES: [(&str, &str); 6] = [
    ("#0072B2", ""),
    ("#D55E00", "6 3"),
    ("#009E73", "2 2"),
    ("#CC79A7", "8 3 2 3"),
    ("#E69F00", "1 3"),
    ("#56B4E9", "10 4"),
];

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A polyline through the points.
    Line,
    /// A bar per point, `width` wide in x units, from 0 to y.
    Bars(f64),
    /// A marker per point (its shape follows the series' place).
    Points,
}

/// Draws marker `shape` (circle, square, triangle, diamond, cross) at (x, y).
fn marker(o: &mut String, shape: usize, x: f64, y: f64, color: &str) {
    let _ = match shape % 5 {
        0 => write!(
            o,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{color}"/>"#
        ),
        1 => write!(
            o,
            r#"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="{color}"/>"#,
            x - 4.0,
            y - 4.0
        ),
        2 => write!(
            o,
            r#"<path d="M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{color}"/>"#,
            y - 5.0,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
        3 => write!(
            o,
            r#"<path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z" fill="{color}"/>"#,
            y - 5.0,
            x + 5.0,
            y + 5.0,
            x - 5.0
        ),
        _ => write!(
            o,
            r#"<path d="M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}" stroke="{color}" stroke-width="2"/>"#,
            x - 4.0,
            y - 4.0,
            x + 4.0,
            y + 4.0,
            x - 4.0,
            y + 4.0,
            x + 4.0,
            y - 4.0
        ),
    };
}

/// One series of (x, y) points.
#[derive(Debug, Clone)]
pub struct Series {
    /// Its name in the legend.
    pub name: String,
    /// The points, in x order; NaN y values leave a gap.
    pub points: Vec<(f64, f64)>,
    /// Lines or bars.
    pub kind: Kind,
}

/// A chart.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// Title, above the plot.
    pub title: String,
    /// X axis label, with unit.
    pub x_label: String,
    /// Y axis label, with unit.
    pub y_label: String,
    /// The series.
    pub series: Vec<Series>,
    /// Horizontal reference lines: (y, label).
    pub rules: Vec<(f64, String)>,
    /// Shaded x ranges: (from, to, label).
    pub bands: Vec<(f64, f64, String)>,
    /// X tick labels at given positions (default: numbers).
    pub x_ticks: Option<Vec<(f64, String)>>,
    /// Lowest y shown (default 0).
    pub y_min: f64,
}

const W: f64 = 720.0;
const H: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 78.0;

/// About five round tick values covering `[lo, hi]`.
pub fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 {
        out.push(t);
        t += step;
    }
    out
}

/// A number for a tick label: no trailing zeros.
pub fn num(v: f64) -> String {
    // Large ticks in thousands or millions: "250k", "4M".
    for (scale, unit) in [(1e6, "M"), (1e4, "k")] {
        if v.abs() >= scale {
            let div = if unit == "k" { 1e3 } else { scale };
            return format!("{}{unit}", num(v / div));
        }
    }
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Escapes text for SVG and HTML, in content and in double-quoted
/// attributes alike.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Chart {
    fn extent(&self) -> ((f64, f64), (f64, f64)) {
        let xs = self.series.iter().flat_map(|s| {
            let w = match s.kind {
                Kind::Bars(w) => w,
                Kind::Line | Kind::Points => 0.0,
            };
            s.points.iter().flat_map(move |p| [p.0, p.0 + w])
        });
        let (mut x0, mut x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        if !x0.is_finite() {
            (x0, x1) = (0.0, 1.0);
        }
        // Markers at the very edge would be cut in half.
        if self.series.iter().any(|s| s.kind == Kind::Points) {
            let span = x1 - x0;
            let pad = if span > 0.0 {
                span * 0.05
            } else {
                (x0.abs() * 0.05).max(1e-6)
            };
            (x0, x1) = (x0 - pad, x1 + pad);
        }
        let y1 = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(self.rules.iter().map(|r| r.0))
            .filter(|y| y.is_finite())
            .fold(self.y_min + 1e-9, f64::max);
        (
            (x0, if x1 > x0 { x1 } else { x0 + 1.0 }),
            (self.y_min, y1 * 1.08),
        )
    }

    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let ((x0, x1), (y0, y1)) = self.extent();
        let plot = Plot { x0, x1, y0, y1 };
        let mut o = String::new();
        let t = esc(&self.title);
        let _ = write!(
            o,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{t}"><title>{t}</title><text x="{LEFT}" y="20" class="title">{t}</text>"#,
        );
        self.draw_bands(&mut o, &plot);
        self.draw_axes(&mut o, &plot);
        for (i, s) in self.series.iter().enumerate() {
            draw_series(&mut o, &plot, i, s);
        }
        self.draw_rules(&mut o, &plot);
        self.draw_legend(&mut o);
        o.push_str("</svg>");
        o
    }

    /// The shaded x ranges, labelled at their top left.
    fn draw_bands(&self, o: &mut String, p: &Plot) {
        for (i, (a, b, label)) in self.bands.iter().enumerate() {
            let (a, b) = (p.sx(a.max(p.x0)), p.sx(b.min(p.x1)));
            if b <= a {
                continue;
            }
            let fill = if i % 2 == 0 { "#f0f0f0" } else { "#dcdcdc" };
            let _ = write!(
                o,
                r#"<rect x="{a:.1}" y="{TOP}" width="{:.1}" height="{:.1}" fill="{fill}"/><text x="{:.1}" y="{:.1}" class="band">{}</text>"#,
                b - a,
                PH,
                a + 3.0,
                TOP + 12.0 + 12.0 * (i % 3) as f64,
                esc(label)
            );
        }
    }

    /// Grid lines and ticks on both axes, the plot's frame and the axis
    /// labels.
    fn draw_axes(&self, o: &mut String, p: &Plot) {
        for t in ticks(p.y0, p.y1) {
            let y = p.sy(t);
            let _ = write!(
                o,
                r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#e4e4e4"/><text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{}</text>"##,
                LEFT + PW,
                LEFT - 6.0,
                y + 4.0,
                num(t)
            );
        }
        let xt: Vec<(f64, String)> = match &self.x_ticks {
            Some(t) => t.clone(),
            None => ticks(p.x0, p.x1).into_iter().map(|t| (t, num(t))).collect(),
        };
        for (t, label) in xt.iter().filter(|(t, _)| *t >= p.x0 && *t <= p.x1) {
            let x = p.sx(*t);
            let _ = write!(
                o,
                r##"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="#444"/><text x="{x:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"##,
                TOP + PH,
                TOP + PH + 4.0,
                TOP + PH + 16.0,
                esc(label)
            );
        }
        let _ = write!(
            o,
            r##"<rect x="{LEFT}" y="{TOP}" width="{PW:.1}" height="{PH:.1}" fill="none" stroke="#444"/><text x="{:.1}" y="{:.1}" class="axis" text-anchor="middle">{}</text><text transform="translate(16 {:.1}) rotate(-90)" class="axis" text-anchor="middle">{}</text>"##,
            LEFT + PW / 2.0,
            TOP + PH + 34.0,
            esc(&self.x_label),
            TOP + PH / 2.0,
            esc(&self.y_label)
        );
    }

    /// The horizontal reference lines; rules at the same height share one
    /// label.
    fn draw_rules(&self, o: &mut String, p: &Plot) {
        let mut rules: Vec<(f64, String)> = Vec::new();
        for (y, label) in &self.rules {
            match rules.iter_mut().find(|(v, _)| v == y) {
                Some((_, l)) => *l = format!("{l}; {label}"),
                None => rules.push((*y, label.clone())),
            }
        }
        for (y, label) in &rules {
            let v = p.sy(*y);
            let _ = write!(
                o,
                r##"<line x1="{LEFT}" x2="{:.1}" y1="{v:.1}" y2="{v:.1}" stroke="#000" stroke-width="1.5" stroke-dasharray="4 2"/><text x="{:.1}" y="{:.1}" class="rule" text-anchor="end">{}</text>"##,
                LEFT + PW,
                LEFT + PW - 4.0,
                v - 4.0,
                esc(label)
            );
        }
    }

    /// The legend, under the x axis label, wrapping at the chart's width.
    fn draw_legend(&self, o: &mut String) {
        let mut lx = LEFT;
        let mut ly = H - 22.0;
        for (i, s) in self.series.iter().enumerate() {
            let (color, dash) = STYLES[i % STYLES.len()];
            let width = 30.0 + 6.5 * s.name.chars().count() as f64;
            if lx > LEFT && lx + width > W {
                (lx, ly) = (LEFT, ly + 15.0);
            }
            let _ = match s.kind {
                Kind::Bars(_) => write!(
                    o,
                    r#"<rect x="{lx:.1}" y="{:.1}" width="18" height="10" fill="{color}" fill-opacity="0.75"/>"#,
                    ly - 9.0
                ),
                Kind::Line => write!(
                    o,
                    r#"<line x1="{lx:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                    lx + 18.0,
                    ly - 4.0,
                    ly - 4.0
                ),
                Kind::Points => {
                    marker(o, i, lx + 9.0, ly - 4.0, color);
                    Ok(())
                }
            };
            let _ = write!(
                o,
                r#"<text x="{:.1}" y="{ly:.1}" class="legend">{}</text>"#,
                lx + 22.0,
                esc(&s.name)
            );
            lx += width;
        }
    }
}

/// The plot area's width and height inside the margins.
const PW: f64 = W - LEFT - RIGHT;
const PH: f64 = H - TOP - BOTTOM;

/// The data ranges shown, and where a data point lands in the picture.
struct Plot {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Plot {
    fn sx(&self, x: f64) -> f64 {
        LEFT + (x - self.x0) / (self.x1 - self.x0) * PW
    }
    fn sy(&self, y: f64) -> f64 {
        TOP + PH - (y - self.y0) / (self.y1 - self.y0) * PH
    }
}

/// Series `i` (its colour, dash and marker follow its place), as bars,
/// markers or a line broken at NaN values.
fn draw_series(o: &mut String, p: &Plot, i: usize, s: &Series) {
    let (color, dash) = STYLES[i % STYLES.len()];
    let finite = || s.points.iter().filter(|p| p.1.is_finite());
    match s.kind {
        Kind::Bars(w) => {
            for &(x, y) in finite() {
                let (a, b) = (p.sx(x), p.sx(x + w));
                let _ = write!(
                    o,
                    r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}" fill-opacity="0.75" stroke="{color}"/>"#,
                    p.sy(y),
                    (b - a - 0.5).max(0.5),
                    (p.sy(p.y0) - p.sy(y)).max(0.0)
                );
            }
        }
        Kind::Points => {
            for &(x, y) in finite() {
                marker(o, i, p.sx(x), p.sy(y), color);
            }
        }
        Kind::Line => {
            for run in s
                .points
                .split(|p| !p.1.is_finite())
                .filter(|r| !r.is_empty())
            {
                let pts: Vec<String> = run
                    .iter()
                    .map(|&(x, y)| format!("{:.1},{:.1}", p.sx(x), p.sy(y)))
                    .collect();
                let _ = write!(
                    o,
                    r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                    pts.join(" ")
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_double_quoted_attributes() {
        assert_eq!(
            esc(r#"a "quoted" <b> & c"#),
            "a &quot;quoted&quot; &lt;b&gt; &amp; c"
        );
        let chart = format!(r#"<svg aria-label="{}">"#, esc(r#"x" onload="y"#));
        assert_eq!(chart.matches('"').count(), 2, "{chart}");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(
            ticks(0.0, 0.9),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8]
        );
        assert_eq!(num(0.6000000000000001), "0.6");
        assert_eq!(num(1250.0), "1250");
        assert_eq!(num(25_000.0), "25k");
        assert_eq!(num(4_000_000.0), "4M");
        assert_eq!(num(2_500_000.0), "2.5M");
    }

    #[test]
    fn a_chart_has_title_axes_legend_and_series() {
        let c = Chart {
            title: "Queue <by> interval".into(),
            x_label: "time of day".into(),
            y_label: "shoppers".into(),
            series: vec![Series {
                name: "mean queue".into(),
                points: vec![(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0), (3.0, 2.0)],
                kind: Kind::Line,
            }],
            rules: vec![(2.5, "limit".into())],
            ..Chart::default()
        };
        let svg = c.render();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>Queue &lt;by&gt; interval</title>"));
        assert!(
            svg.contains(">time of day<")
                && svg.contains(">shoppers<")
                && svg.contains(">mean queue<")
        );
        assert_eq!(svg.matches("<polyline").count(), 2, "a NaN leaves a gap");
        assert!(svg.contains(">limit<"));
    }
}
