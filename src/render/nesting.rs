//! Nesting limits for postmortem bodies. The sanitiser's HTML parser (html5ever, under
//! ammonia) takes time proportional to the square of the nesting depth, so 100,000 `>`
//! markers or `<div>`s would stall a build for hours; past [`MAX_NESTING`] levels the
//! structure is flattened and its text kept.

use pulldown_cmark::Event;

/// Deeper than any real document nests, shallow enough to sanitise in linear time.
pub const MAX_NESTING: usize = 64;

/// Drops Markdown start and end tags nested deeper than [`MAX_NESTING`], in pairs, so
/// the HTML stays balanced and the text inside them is still rendered.
#[derive(Default)]
pub struct DepthCap {
    /// For every open tag, whether it was kept.
    kept: Vec<bool>,
    depth: usize,
}

impl DepthCap {
    /// The event if it is within the limit.
    pub fn admit<'a>(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        match event {
            Event::Start(_) => {
                let keep = self.depth < MAX_NESTING;
                self.kept.push(keep);
                self.depth += usize::from(keep);
                keep.then_some(event)
            }
            Event::End(_) => {
                let keep = self.kept.pop().unwrap_or(true);
                self.depth -= usize::from(keep && self.depth > 0);
                keep.then_some(event)
            }
            other => Some(other),
        }
    }
}

/// Elements whose end tag is optional or absent: they never deepen the tree as parsed.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "dd", "dt", "embed", "hr", "img", "input", "li", "link", "meta",
    "option", "p", "param", "source", "td", "th", "tr", "track", "wbr",
];

/// An estimate of how deeply the elements of `html` nest, in one pass: start tags of
/// elements that hold others count one level, end tags close one.
pub fn depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + offset + 1;
        let closing = bytes.get(start) == Some(&b'/');
        let name_start = start + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        i = start;
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || FLAT.contains(&name.as_str()) {
            continue;
        }
        let end = bytes[name_start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(bytes.len(), |p| name_start + p);
        i = end;
        if closing {
            depth = depth.saturating_sub(1);
        } else if bytes.get(end.wrapping_sub(1)) != Some(&b'/') {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_elements_that_hold_others() {
        let cases = [
            ("plain text", 0),
            ("<p>a<p>b<br><img src=x>", 0),
            ("<div><section><b>x</b></section></div>", 3),
            ("<div></div><div></div>", 1),
            ("<ul><li>a<li>b</ul>", 1),
            ("<x/><y />", 0),
            ("a < b and <3 <!-- c -->", 0),
            ("<div", 1),
            ("</div></div><div>", 1),
        ];
        for (html, want) in cases {
            assert_eq!(depth(html), want, "{html}");
        }
        assert_eq!(depth(&"<div>".repeat(100_000)), 100_000);
    }

    #[test]
    fn deep_markdown_is_flattened_in_balanced_pairs() {
        let body = format!("{} deep", ">".repeat(1000));
        let mut cap = DepthCap::default();
        let events: Vec<_> = pulldown_cmark::Parser::new(&body)
            .filter_map(|e| cap.admit(e))
            .collect();
        let starts = events
            .iter()
            .filter(|e| matches!(e, Event::Start(_)))
            .count();
        let ends = events.iter().filter(|e| matches!(e, Event::End(_))).count();
        assert_eq!((starts, ends), (MAX_NESTING, MAX_NESTING));
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Text(t) if &**t == "deep"))
        );
    }
}
