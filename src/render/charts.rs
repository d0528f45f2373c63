//! Charts as inline SVG, drawn at build time: column and bar charts for the statistics and
//! root-cause pages, and the phase strip of a postmortem's timeline. No JavaScript; colours
//! come from the theme's CSS (classes, `currentColor`), so dark mode works; every chart
//! carries a `<title>` and a `<desc>` listing its numbers. Each chart is drawn twice: wide
//! for larger screens and narrow for phones (the theme shows one), so its 12-unit text
//! never draws smaller than 11 px on a 375 px screen.

use std::fmt::Write;

/// One bar: its label, its value, and the value as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What the bar stands for.
    pub label: String,
    /// Its length.
    pub value: f64,
    /// The value as written beside it ("3", "2 h 10 min").
    pub shown: String,
}

impl Bar {
    /// A count.
    pub fn count(label: impl Into<String>, count: usize) -> Self {
        Self {
            label: label.into(),
            value: count as f64,
            shown: count.to_string(),
        }
    }
}

/// One coloured stretch of a strip.
#[derive(Debug, Clone, PartialEq)]
pub struct Stretch {
    /// CSS class suffix (`phase-<class>`).
    pub class: String,
    /// What it stands for.
    pub label: String,
    /// Where it starts.
    pub start: f64,
    /// How long it is.
    pub length: f64,
}

/// The width of the wide drawing, in user units (one unit is one CSS pixel at full size).
const WIDE: f64 = 640.0;
/// The width of the narrow drawing: about a phone's content width, so it is drawn at
/// about full size there.
const NARROW: f64 = 340.0;
/// About how wide a character of the charts' 12-unit text is.
const CHAR_WIDTH: f64 = 7.0;

/// The wide and the narrow drawing of a chart: `draw(width, class, id)`.
fn both(id: &str, draw: impl Fn(f64, &str, &str) -> String) -> String {
    let mut svg = draw(WIDE, "chart chart-wide", id);
    svg.push_str(&draw(NARROW, "chart chart-narrow", &format!("{id}-narrow")));
    svg
}

/// Columns over a category axis (quarters, buckets), for distributions.
pub fn columns(id: &str, title: &str, bars: &[Bar]) -> String {
    both(id, |width, class, id| {
        columns_at(width, class, id, title, bars)
    })
}

fn columns_at(width: f64, class: &str, id: &str, title: &str, bars: &[Bar]) -> String {
    let (height, top, bottom, left) = (200.0, 18.0, 34.0, 8.0);
    let max = max_value(bars);
    let slot = (width - 2.0 * left) / bars.len().max(1) as f64;
    let plot = height - top - bottom;
    let mut svg = open(class, id, title, bars, width, height);
    let base = height - bottom;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{left}" y1="{base}" x2="{:.1}" y2="{base}"/>"#,
        width - left
    );
    // Label every n-th bar so labels never overlap; values only when they fit their column.
    let widest = |text: fn(&Bar) -> &str| {
        bars.iter()
            .map(|b| text(b).chars().count())
            .max()
            .unwrap_or(0) as f64
            * CHAR_WIDTH
    };
    let every = ((widest(|b| &b.label) + 8.0) / slot).ceil().max(1.0) as usize;
    let values = widest(|b| &b.shown) + 2.0 <= slot;
    for (i, bar) in bars.iter().enumerate() {
        let h = plot * bar.value / max;
        let x = left + slot * i as f64;
        let mid = x + slot / 2.0;
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"/>"#,
            x + slot * 0.15,
            base - h,
            slot * 0.7
        );
        if values && bar.value > 0.0 {
            let _ = write!(
                svg,
                r#"<text class="value" x="{mid:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                base - h - 4.0,
                esc(&bar.shown)
            );
        }
        if i % every == 0 {
            let _ = write!(
                svg,
                r#"<text class="label" x="{mid:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                base + 16.0,
                esc(&bar.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars for named categories: labels on the left when wide, above each bar
/// when narrow.
pub fn bars(id: &str, title: &str, bars: &[Bar]) -> String {
    both(id, |width, class, id| {
        if width < WIDE {
            stacked_bars(width, class, id, title, bars)
        } else {
            bars_at(width, class, id, title, bars)
        }
    })
}

fn bars_at(width: f64, class: &str, id: &str, title: &str, bars: &[Bar]) -> String {
    let (row, label_width, pad) = (24.0, 220.0, 6.0);
    let height = row * bars.len() as f64 + 2.0 * pad;
    let max = max_value(bars);
    let room = width - label_width - 60.0;
    let mut svg = open(class, id, title, bars, width, height);
    for (i, bar) in bars.iter().enumerate() {
        let y = pad + row * i as f64;
        let w = room * bar.value / max;
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="bar" x="{label_width}" y="{:.1}" width="{w:.1}" height="{:.1}"/><text class="value" x="{:.1}" y="{:.1}">{}</text>"#,
            label_width - 8.0,
            y + row * 0.65,
            esc(&truncate(&bar.label, 30)),
            y + row * 0.15,
            row * 0.7,
            label_width + w + 6.0,
            y + row * 0.65,
            esc(&bar.shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Bars with each label on its own line above the bar: for narrow screens.
fn stacked_bars(width: f64, class: &str, id: &str, title: &str, bars: &[Bar]) -> String {
    let (row, bar_height, pad) = (38.0, 14.0, 4.0);
    let height = row * bars.len() as f64 + 2.0 * pad;
    let max = max_value(bars);
    let room = width - 50.0;
    let mut svg = open(class, id, title, bars, width, height);
    let longest = ((width / CHAR_WIDTH) as usize).max(8);
    for (i, bar) in bars.iter().enumerate() {
        let y = pad + row * i as f64;
        let w = room * bar.value / max;
        let _ = write!(
            svg,
            r#"<text class="label" x="0" y="{:.1}">{}</text><rect class="bar" x="0" y="{:.1}" width="{w:.1}" height="{bar_height}"/><text class="value" x="{:.1}" y="{:.1}">{}</text>"#,
            y + 12.0,
            esc(&truncate(&bar.label, longest)),
            y + 17.0,
            w + 6.0,
            y + 28.0,
            esc(&bar.shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A strip of coloured stretches along one axis of `total` (minutes of an incident),
/// labelled at both ends.
pub fn strip(id: &str, title: &str, desc: &str, stretches: &[Stretch], total: f64) -> String {
    both(id, |width, class, id| {
        strip_at(width, class, id, title, desc, stretches, total)
    })
}

fn strip_at(
    width: f64,
    class: &str,
    id: &str,
    title: &str,
    desc: &str,
    stretches: &[Stretch],
    total: f64,
) -> String {
    let (height, bar) = (44.0, 22.0);
    let total = total.max(1.0);
    let mut svg = open_with_desc(class, id, title, desc, width, height);
    for s in stretches {
        let x = width * s.start / total;
        let w = (width * s.length / total).max(1.0);
        let _ = write!(
            svg,
            r#"<rect class="phase phase-{}" x="{x:.1}" y="0" width="{w:.1}" height="{bar}"><title>{}</title></rect>"#,
            esc(&s.class),
            esc(&s.label)
        );
    }
    let _ = write!(
        svg,
        r#"<text class="label" x="0" y="{:.1}">0</text><text class="label" x="{width}" y="{:.1}" text-anchor="end">{}</text></svg>"#,
        bar + 16.0,
        bar + 16.0,
        esc(&super::views::human_duration(total as i64))
    );
    svg
}

fn max_value(bars: &[Bar]) -> f64 {
    bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0)
}

/// The opening tag, title and a description listing every bar.
fn open(class: &str, id: &str, title: &str, bars: &[Bar], width: f64, height: f64) -> String {
    let desc = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ");
    open_with_desc(class, id, title, &desc, width, height)
}

fn open_with_desc(
    class: &str,
    id: &str,
    title: &str,
    desc: &str,
    width: f64,
    height: f64,
) -> String {
    let id = esc(id);
    format!(
        r#"<svg class="{class}" id="{id}" viewBox="0 0 {width} {height:.0}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    )
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// Escapes text for XML content and attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_and_describe_their_numbers() {
        let svg = columns(
            "q",
            "Incidents <per> quarter",
            &[Bar::count("2024 Q1", 3), Bar::count("2024 Q2", 0)],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Incidents &lt;per&gt; quarter"));
        assert!(svg.contains("<desc id=\"q-desc\">2024 Q1: 3; 2024 Q2: 0</desc>"));
        assert_eq!(
            svg.matches("<rect").count(),
            4,
            "two bars, drawn wide and narrow"
        );
        assert!(svg.contains(r#"class="chart chart-narrow" id="q-narrow""#));
        let strip = strip(
            "t",
            "Phases",
            "d",
            &[Stretch {
                class: "misleading".into(),
                label: "Misleading path, 30 min".into(),
                start: 0.0,
                length: 30.0,
            }],
            60.0,
        );
        assert!(strip.contains(r#"class="phase phase-misleading" x="0.0" y="0" width="320.0""#));
    }
}
