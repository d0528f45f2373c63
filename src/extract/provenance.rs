//! Where an inferred outage-window value came from: the source line and how it was found,
//! and the values the text states elsewhere that disagree with it. `pmkb check` lists
//! them so a team can pin the value in front matter; the page's "inferred" marker says how.

use serde::Serialize;

/// How a window value (start, end or duration) was found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum How {
    /// A labelled line ("Duration: 2 hours", "Start time: …").
    Labelled,
    /// A sentence of the summary or impact text.
    Stated,
    /// The timeline's first event that reports impact or detection.
    FirstEvent,
    /// The timeline's event where service came back.
    Restored,
    /// The timeline's last event, where no event says service came back.
    LastEvent,
    /// Computed from the other two values (start + duration, or end − start).
    Computed,
    /// The front matter's `date`, for the day only.
    Published,
}

impl How {
    /// A short phrase for messages and the page's marker ("from the timeline's first
    /// impact or detection").
    pub fn describe(self) -> &'static str {
        match self {
            How::Labelled => "from a labelled line",
            How::Stated => "from the summary's wording",
            How::FirstEvent => "from the timeline's first impact or detection",
            How::Restored => "from the timeline's event where service came back",
            How::LastEvent => "from the timeline's last event",
            How::Computed => "computed from the other window values",
            How::Published => "from the front matter's publication date",
        }
    }

    /// Whether the value is a guess worth pinning: read off the timeline's shape or
    /// computed, rather than stated in words.
    pub fn is_guess(self) -> bool {
        matches!(
            self,
            How::LastEvent | How::Computed | How::Published | How::FirstEvent
        )
    }
}

/// The source of one inferred value: its 1-based line (None when computed) and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Source {
    /// 1-based line of the text the value came from.
    pub line: Option<usize>,
    /// How it was found.
    pub how: How,
}

impl Source {
    /// A value found on `line` by `how`.
    pub fn at(line: usize, how: How) -> Self {
        Self {
            line: Some(line),
            how,
        }
    }

    /// A value computed from others.
    pub fn computed() -> Self {
        Self {
            line: None,
            how: How::Computed,
        }
    }
}

/// A window value the text states elsewhere that disagrees with the one used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Conflict {
    /// The export field (`started_at`, `ended_at`, `duration_minutes`).
    #[serde(deserialize_with = "field_name")]
    pub field: FieldName,
    /// The other value, in export form (`2024-03-02T06:10`, `50`).
    pub value: String,
    /// 1-based line where the other value is written.
    pub line: usize,
}

/// Provenance of the outage window's inferred values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Window {
    /// Where `started_at` came from; None when declared or not found.
    pub started_at: Option<Source>,
    /// Where `ended_at` came from; None when declared or not found.
    pub ended_at: Option<Source>,
    /// Where `duration_minutes` came from; None when declared or not found.
    pub duration_minutes: Option<Source>,
    /// Disagreeing values stated elsewhere, in document order.
    pub conflicts: Vec<Conflict>,
}

impl Window {
    /// The source of an export field's value, by field name.
    pub fn source_of(&self, field: &str) -> Option<Source> {
        match field {
            "started_at" => self.started_at,
            "ended_at" => self.ended_at,
            "duration" | "duration_minutes" => self.duration_minutes,
            _ => None,
        }
    }
}

/// One of [`FIELD_NAMES`]. (An alias, so serde does not take the field for text borrowed
/// from its input.)
pub type FieldName = &'static str;

/// The names of the fields extraction reports on (inferred or conflicting values), the
/// only values of its `&'static str` name fields.
pub const FIELD_NAMES: &[&str] = &[
    "title",
    "started_at",
    "ended_at",
    "timezone",
    "duration",
    "duration_minutes",
    "users_affected_pct",
    "severity",
    "services",
];

/// Reads back a field name written by [`FIELD_NAMES`]'s owner (the per-file cache).
///
/// # Errors
/// When the name is not one of [`FIELD_NAMES`] (a cache written by other code): the
/// cached value is then not used.
pub fn field_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = <String as serde::Deserialize>::deserialize(d)?;
    known_field(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown field name {name}")))
}

/// [`field_name`] for a list.
///
/// # Errors
/// As [`field_name`].
pub fn field_names<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
    let names = <Vec<String> as serde::Deserialize>::deserialize(d)?;
    names
        .iter()
        .map(|name| {
            known_field(name)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown field name {name}")))
        })
        .collect()
}

fn known_field(name: &str) -> Option<&'static str> {
    FIELD_NAMES.iter().copied().find(|&known| known == name)
}
