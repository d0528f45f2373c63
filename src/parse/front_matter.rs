//! Front matter: the optional YAML (`---`) or TOML (`+++`) block at the top of a file,
//! read into the known postmortem keys with per-key type checks.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone};
use serde_json::{Map, Value};

use crate::diagnostics::Diagnostic;

/// The keys a postmortem may declare; each one that is set wins over what extraction infers.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FrontMatter {
    /// Whether the file had a front matter block at all.
    pub present: bool,
    /// `title`.
    pub title: Option<String>,
    /// `slug`: the page's URL name (checked and cleaned later).
    pub slug: Option<String>,
    /// `started_at`: when the outage began; wins over the text.
    pub started_at: Option<String>,
    /// `date`: often the post's publication date, so it only supplies the day when the
    /// text names none.
    pub date: Option<String>,
    /// `ended_at`.
    pub ended_at: Option<String>,
    /// `duration`, as written ("95m", "1h 35m", or a number of minutes).
    pub duration: Option<String>,
    /// `timezone`.
    pub timezone: Option<String>,
    /// `severity`.
    pub severity: Option<String>,
    /// `services`.
    pub services: Vec<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `users_affected`, as a percentage.
    pub users_affected: Option<f64>,
    /// `root_causes`: taxonomy slugs.
    pub root_causes: Vec<String>,
    /// `measures`: taxonomy slugs.
    pub measures: Vec<String>,
    /// `draft`: drafts are left out of the site.
    pub draft: bool,
    /// 1-based line of each key in the file, for diagnostics about its value.
    pub lines: Vec<(String, usize)>,
}

impl FrontMatter {
    /// The file line where `key` was declared, if it was.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|&(_, line)| line)
    }
}

#[derive(Clone, Copy)]
enum Format {
    Yaml,
    Toml,
}

/// Splits `text` into front matter and body. Returns the front matter, the body, the
/// 1-based line where the body starts, and diagnostics for a broken block (whose body is
/// still returned so the page survives).
pub fn split_front_matter<'a>(
    path: &str,
    text: &'a str,
) -> (FrontMatter, &'a str, usize, Vec<Diagnostic>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("").trim_end();
    let (format, fence) = match first_line {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ => return (FrontMatter::default(), text, 1, Vec::new()),
    };
    let block_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let Some((block_len, body_start)) = find_closing(&text[block_start..], fence) else {
        let diagnostic = Diagnostic::error(
            path,
            format!("front matter opened with `{fence}` is never closed"),
        )
        .at_line(1)
        .with_hint(format!("end the block with a line holding only `{fence}`"));
        let front_matter = FrontMatter {
            draft: states_draft(text),
            ..FrontMatter::default()
        };
        return (front_matter, text, 1, vec![diagnostic]);
    };
    let block = &text[block_start..block_start + block_len];
    let body = &text[block_start + body_start..];
    let body_line = text[..block_start + body_start].matches('\n').count() + 1;
    let mut diagnostics = Vec::new();
    let values = match format {
        Format::Yaml => parse_yaml(block),
        Format::Toml => parse_toml(block),
    };
    let front_matter = match values {
        Ok(map) => read_keys(path, block, &map, &mut diagnostics),
        Err((message, line)) => {
            let kind = match format {
                Format::Yaml => "YAML",
                Format::Toml => "TOML",
            };
            let mut diagnostic =
                Diagnostic::error(path, format!("front matter is not valid {kind}: {message}"))
                    .with_hint(
                        "fix the block or remove it; the page was built from the text alone",
                    );
            diagnostic.line = Some(line.map_or(1, |l| l + 1));
            diagnostics.push(diagnostic);
            FrontMatter {
                present: true,
                draft: states_draft(block),
                ..FrontMatter::default()
            }
        }
    };
    (front_matter, body, body_line, diagnostics)
}

/// Whether a front matter block that could not be parsed still says `draft: true` (or
/// `draft = true`) on a line of its own: a broken block must not publish a draft, the one
/// key whose loss would make private text public.
fn states_draft(block: &str) -> bool {
    block.lines().any(|line| {
        line.split_once([':', '='])
            .is_some_and(|(key, value)| key.trim() == "draft" && value.trim() == "true")
    })
}

/// Finds the closing fence line; returns the block's length and where the body starts.
fn find_closing(rest: &str, fence: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == fence || (fence == "---" && bare == "...") {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

type ParseResult = Result<Map<String, Value>, (String, Option<usize>)>;

fn parse_yaml(block: &str) -> ParseResult {
    if block.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_saphyr::from_str::<Value>(block) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(_) => Err(("expected `key: value` pairs".to_owned(), None)),
        Err(err) => {
            let line = err.location().map(|l| l.line() as usize);
            // saphyr's first line reads "error: line 5 column 11: unclosed bracket"; the
            // diagnostic gives the file's own line, so only the reason is kept.
            let first = err.to_string().lines().next().unwrap_or("").to_owned();
            let reason = first.strip_prefix("error: ").unwrap_or(&first);
            let reason = match reason.split_once(": ") {
                Some((at, rest)) if at.starts_with("line ") => rest,
                _ => reason,
            };
            Err((reason.to_owned(), line))
        }
    }
}

fn parse_toml(block: &str) -> ParseResult {
    match block.parse::<toml::Table>() {
        Ok(table) => Ok(table
            .into_iter()
            .map(|(k, v)| (k, toml_to_json(v)))
            .collect()),
        Err(err) => {
            let line = err
                .span()
                .map(|s| block[..s.start.min(block.len())].matches('\n').count() + 1);
            Err((err.message().to_owned(), line))
        }
    }
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Reads the known keys, reporting a key whose value has the wrong type at its line.
fn read_keys(
    path: &str,
    block: &str,
    map: &Map<String, Value>,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut lines: Vec<(String, usize)> = map
        .keys()
        .filter_map(|key| key_line(block, key).map(|line| (key.clone(), line + 2)))
        .collect();
    // `date` is another name for `started_at`: findings about the start point at it.
    if !map.contains_key("started_at")
        && let Some(line) = key_line(block, "date")
    {
        lines.push(("started_at".to_owned(), line + 2));
    }
    let mut fm = FrontMatter {
        present: true,
        lines,
        ..FrontMatter::default()
    };
    let mut wrong = |key: &str, expected: &str| {
        let line = fm_line(block, key);
        diagnostics.push(
            Diagnostic::warning(
                path,
                format!("front matter `{key}` should be {expected}; ignored"),
            )
            .at_line(line)
            .with_hint("fix the value's type, or remove the key to let pmkb infer it"),
        );
    };
    let text = |key: &str, wrong: &mut dyn FnMut(&str, &str)| match map.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            wrong(key, "a single value");
            None
        }
    };
    fm.title = text("title", &mut wrong);
    fm.slug = text("slug", &mut wrong);
    fm.started_at = text("started_at", &mut wrong);
    fm.date = text("date", &mut wrong);
    fm.ended_at = text("ended_at", &mut wrong);
    fm.duration = text("duration", &mut wrong);
    fm.timezone = text("timezone", &mut wrong);
    fm.severity = text("severity", &mut wrong);
    place_on_one_clock(&mut fm);
    let list = |key: &str, wrong: &mut dyn FnMut(&str, &str)| match map.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(_) => {
            wrong(key, "a list of strings");
            Vec::new()
        }
    };
    fm.services = list("services", &mut wrong);
    fm.tags = list("tags", &mut wrong);
    fm.root_causes = list("root_causes", &mut wrong);
    fm.measures = list("measures", &mut wrong);
    fm.users_affected = match map.get("users_affected") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64().filter(|v| (0.0..=100.0).contains(v)),
        Some(Value::String(s)) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    if map.contains_key("users_affected")
        && fm.users_affected.is_none()
        && !matches!(map.get("users_affected"), Some(Value::Null))
    {
        wrong("users_affected", "a percentage from 0 to 100");
    }
    fm.draft = match map.get("draft") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            wrong("draft", "true or false");
            false
        }
    };
    fm
}

/// Dates written with an offset (`2024-11-03T23:30:00-05:00`, `…Z`,
/// `2024-11-06 08:00:00 +0900`) become wall-clock times in one zone: the declared
/// `timezone` when pmkb can resolve it (a fixed offset or an IANA name such as
/// `America/New_York`, DST included), else the start's own offset, which then becomes the
/// timezone (`-05:00`, `UTC`). So an end written in another offset still lines up.
fn place_on_one_clock(fm: &mut FrontMatter) {
    let start = fm.started_at.as_deref().and_then(with_offset);
    let declared = fm.timezone.clone();
    let zone = declared.or_else(|| start.map(|s| zone_name(*s.offset())));
    if let Some(zone) = &zone {
        fm.timezone.get_or_insert_with(|| zone.clone());
    }
    for value in [&mut fm.started_at, &mut fm.ended_at, &mut fm.date] {
        let Some(instant) = value.as_deref().and_then(with_offset) else {
            continue;
        };
        // Without a zone of the outage (a `date` alone), a value keeps its own offset's clock.
        let offset = zone
            .as_deref()
            .and_then(|zone| zone_offset(zone, instant.naive_utc()))
            .unwrap_or(*instant.offset());
        *value = Some(wall_clock(instant.with_timezone(&offset).naive_local()));
    }
}

/// A date and time with its offset, in the forms front matter uses for one.
fn with_offset(value: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(value).ok().or_else(|| {
        [
            "%Y-%m-%d %H:%M:%S %z",
            "%Y-%m-%d %H:%M %z",
            "%Y-%m-%dT%H:%M%:z",
            "%Y-%m-%dT%H:%M%z",
        ]
        .iter()
        .find_map(|format| DateTime::parse_from_str(value, format).ok())
    })
}

/// `UTC` for offset zero, else `+09:00` / `-05:00`.
fn zone_name(offset: FixedOffset) -> String {
    let seconds = offset.local_minus_utc();
    if seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A wall clock as front matter writes it: `2024-11-06T08:00` (seconds when not zero).
fn wall_clock(at: NaiveDateTime) -> String {
    let format = if at.and_utc().timestamp() % 60 == 0 {
        "%Y-%m-%dT%H:%M"
    } else {
        "%Y-%m-%dT%H:%M:%S"
    };
    at.format(format).to_string()
}

/// The UTC offset of a zone written as `UTC`, `Z`, `+09:00`, `-0500` or an IANA name
/// (`Europe/Berlin`, resolved with chrono-tz, so DST is applied) at the instant `utc`.
/// None for anything else (abbreviations such as `CET` are extraction's to read).
pub fn zone_offset(zone: &str, utc: NaiveDateTime) -> Option<FixedOffset> {
    let zone = zone.trim();
    if matches!(zone.to_ascii_uppercase().as_str(), "UTC" | "Z" | "GMT") {
        return FixedOffset::east_opt(0);
    }
    if let Some(fixed) = ["%:z", "%z"].iter().find_map(|f| {
        DateTime::parse_from_str(
            &format!("2000-01-01 00:00 {zone}"),
            &format!("%Y-%m-%d %H:%M {f}"),
        )
        .ok()
    }) {
        return Some(*fixed.offset());
    }
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    Some(tz.offset_from_utc_datetime(&utc).fix())
}

/// 0-based line within the block where `key` is declared.
fn key_line(block: &str, key: &str) -> Option<usize> {
    block.lines().position(|line| {
        line.strip_prefix(key).is_some_and(|rest| {
            rest.trim_start().starts_with(':') || rest.trim_start().starts_with('=')
        })
    })
}

/// The file line of `key` (the block starts on line 2).
fn fm_line(block: &str, key: &str) -> usize {
    key_line(block, key).map_or(1, |l| l + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_is_read_and_body_line_counted() {
        let text = "---\ntitle: DB outage\ndate: 2024-02-14\ntags: [db, pool]\nusers_affected: 75\n---\n# Body\n";
        let (fm, body, body_line, diagnostics) = split_front_matter("a.md", text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(fm.title.as_deref(), Some("DB outage"));
        assert_eq!(fm.date.as_deref(), Some("2024-02-14"));
        assert_eq!(fm.tags, ["db", "pool"]);
        assert_eq!(fm.users_affected, Some(75.0));
        assert_eq!(body, "# Body\n");
        assert_eq!(body_line, 7);
        assert_eq!(fm.line_of("tags"), Some(4));
        assert_eq!(
            fm.line_of("started_at"),
            Some(3),
            "`date` stands for `started_at`"
        );
    }

    #[test]
    fn toml_front_matter_with_native_dates() {
        let text = "+++\ntitle = \"Cert expiry\"\nstarted_at = 2023-01-02T03:04:00\nroot_causes = [\"certificate\", \"expiry\"]\n+++\nBody";
        let (fm, body, _, diagnostics) = split_front_matter("a.md", text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(fm.started_at.as_deref(), Some("2023-01-02T03:04:00"));
        assert_eq!(fm.root_causes, ["certificate", "expiry"]);
        assert_eq!(body, "Body");
    }

    #[test]
    fn broken_yaml_reports_a_line_and_keeps_the_body() {
        let text = "---\ntitle: ok\ntags: [unclosed\n---\n# Body\n";
        let (fm, body, _, diagnostics) = split_front_matter("bad.md", text);
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].is_error());
        assert!(diagnostics[0].line.is_some());
        assert_eq!(fm.title, None);
        assert_eq!(body, "# Body\n");
    }

    #[test]
    fn wrong_types_are_warned_at_their_line() {
        let text = "---\ntitle: [a, b]\ndraft: maybe\n---\nx";
        let (_, _, _, diagnostics) = split_front_matter("t.md", text);
        assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
        assert_eq!(diagnostics[0].line, Some(2));
        assert_eq!(diagnostics[1].line, Some(3));
    }

    #[test]
    fn unclosed_block_is_an_error_and_text_is_body() {
        let (fm, body, line, diagnostics) = split_front_matter("u.md", "---\ntitle: x\n# Body");
        assert!(!fm.present);
        assert_eq!(body, "---\ntitle: x\n# Body");
        assert_eq!(line, 1);
        assert_eq!(diagnostics.len(), 1);
    }

    fn declared(text: &str) -> FrontMatter {
        split_front_matter("z.md", &format!("---\n{text}---\nx")).0
    }

    #[test]
    fn offsets_become_the_zone_and_the_wall_clock_stays() {
        let fm = declared(
            "started_at: 2025-02-10T06:15:00+05:30\nended_at: 2025-02-10T07:00:00+05:30\n",
        );
        assert_eq!(fm.timezone.as_deref(), Some("+05:30"));
        assert_eq!(fm.started_at.as_deref(), Some("2025-02-10T06:15"));
        assert_eq!(fm.ended_at.as_deref(), Some("2025-02-10T07:00"));
        let fm = declared("started_at: \"2025-03-01 22:05:30 -0330\"\n");
        assert_eq!(fm.timezone.as_deref(), Some("-03:30"));
        assert_eq!(fm.started_at.as_deref(), Some("2025-03-01T22:05:30"));
        let fm =
            declared("started_at: 2025-03-01T01:00:00Z\nended_at: 2025-03-01T03:00:00+01:00\n");
        assert_eq!(fm.timezone.as_deref(), Some("UTC"));
        assert_eq!(
            fm.ended_at.as_deref(),
            Some("2025-03-01T02:00"),
            "the end on the start's clock"
        );
        let fm = declared("started_at: 2025-03-01\n");
        assert_eq!(
            (fm.started_at.as_deref(), fm.timezone),
            (Some("2025-03-01"), None)
        );
        // A `date` alone (a publication stamp) is read on its own offset's clock and says
        // nothing about the outage's zone.
        let fm = declared("date: \"2025-04-02 21:10:00 -0400\"\n");
        assert_eq!(
            (fm.date.as_deref(), fm.timezone),
            (Some("2025-04-02T21:10"), None)
        );
    }

    #[test]
    fn a_declared_zone_wins_and_iana_names_follow_dst() {
        // 14:00 UTC is 09:00 in New York in winter (EST) and 10:00 in summer (EDT).
        let fm = declared("started_at: 2025-01-15T14:00:00Z\ntimezone: America/New_York\n");
        assert_eq!(fm.started_at.as_deref(), Some("2025-01-15T09:00"));
        let fm = declared("started_at: 2025-07-15T14:00:00Z\ntimezone: America/New_York\n");
        assert_eq!(fm.started_at.as_deref(), Some("2025-07-15T10:00"));
        let summer = NaiveDateTime::parse_from_str("2025-07-15 12:00", "%Y-%m-%d %H:%M").unwrap();
        let offset = |zone| zone_offset(zone, summer).map(|o| o.local_minus_utc() / 60);
        assert_eq!(offset("Europe/Berlin"), Some(120));
        assert_eq!(offset("Asia/Kolkata"), Some(330));
        assert_eq!(offset("-0500"), Some(-300));
        assert_eq!(offset("utc"), Some(0));
        assert_eq!(offset("PT"), None);
    }

    #[test]
    fn no_front_matter() {
        let (fm, body, line, diagnostics) = split_front_matter("n.md", "# Title\n");
        assert!(!fm.present && diagnostics.is_empty());
        assert_eq!((body, line), ("# Title\n", 1));
    }

    #[test]
    fn a_broken_block_that_says_draft_keeps_the_postmortem_a_draft() {
        let text = "---\ntitle: \"Secret draft\ndraft: true\n---\n# Secret\nInternal only.\n";
        let (fm, _, _, diagnostics) = split_front_matter("s.md", text);
        assert!(fm.draft, "{fm:?}");
        assert_eq!(diagnostics.len(), 1);
        let message = &diagnostics[0].message;
        assert!(
            !message.contains("error:") && !message.contains("column"),
            "{message}"
        );
        let text = "+++\ntitle = [\ndraft = true\n+++\nbody\n";
        assert!(split_front_matter("t.md", text).0.draft);
        let text = "---\ndraft: true\ntitle: never closed\n";
        assert!(split_front_matter("u.md", text).0.draft);
        // Without the key, or with it false, a broken block is no draft.
        let text = "---\ntitle: \"Open\ndraft: false\n---\nbody\n";
        assert!(!split_front_matter("v.md", text).0.draft);
        let text = "---\ntitle: [\n---\nThe draft: true story.\n";
        assert!(!split_front_matter("w.md", text).0.draft);
    }
}
