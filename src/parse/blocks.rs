//! The Markdown body as a flat list of blocks (headings, paragraphs, list items, table
//! rows, code), each with its plain text and source line, read from pulldown-cmark's
//! offset iterator.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// What kind of Markdown block a [`Block`] is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BlockKind {
    /// A `#`-style or underlined heading of this level (1–6).
    Heading(u8),
    /// A paragraph; soft line breaks are kept as `\n` because free-form postmortems put
    /// one timeline entry or field per line without blank lines between them.
    Paragraph,
    /// One list item's own text (nested items are blocks of their own).
    ListItem {
        /// 0 for a top-level item.
        depth: usize,
        /// Numbered list.
        ordered: bool,
        /// `Some(true)` for `- [x]`, `Some(false)` for `- [ ]`.
        checked: Option<bool>,
    },
    /// A table row; the header row has `header: true`.
    TableRow {
        /// The first row of the table.
        header: bool,
        /// Plain text of each cell.
        cells: Vec<String>,
    },
    /// A fenced code block (indented blocks are usually accidentally indented prose and
    /// become paragraphs).
    Code,
}

/// One block of the body with its plain text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Plain text with Markdown markup removed (for tables: cells joined by ` | `).
    pub text: String,
    /// Text of a bold/emphasised span that opens the block (`**Duration:** 2h` → `Duration:`),
    /// the usual way free-form postmortems mark a field or a timeline time.
    pub lead: Option<String>,
    /// 1-based line in the source file.
    pub line: usize,
}

/// Parses a Markdown body whose first line is line `first_line` of its file.
pub fn parse_blocks(body: &str, first_line: usize) -> Vec<Block> {
    let lines = LineIndex::new(body, first_line);
    let mut builder = Builder::default();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        builder.event(event, lines.line(range.start));
    }
    builder.blocks
}

/// Maps byte offsets to line numbers with one binary search.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts, first_line }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1 + self.first_line
    }
}

/// A block being assembled from events.
struct Open {
    kind: BlockKind,
    text: String,
    lead: Option<String>,
    line: usize,
    /// Inside a bold/emphasis span that started at the block's beginning.
    in_lead: bool,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// Open blocks; list items stay open below the paragraphs they contain.
    stack: Vec<Open>,
    lists: Vec<bool>,
    table_cells: Option<Vec<String>>,
    in_table_head: bool,
    emphasis: usize,
    images: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, line: usize) {
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(tag) => self.end(tag),
            // An image's alt text describes a picture, not the incident.
            Event::Text(_) if self.images > 0 => {}
            Event::Text(text) | Event::Code(text) => self.text(&text, line),
            Event::InlineHtml(html) | Event::Html(html) => self.html(&html),
            Event::SoftBreak | Event::HardBreak => self.text("\n", line),
            Event::TaskListMarker(checked) => {
                if let Some(Open {
                    kind: BlockKind::ListItem { checked: c, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    *c = Some(checked);
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: usize) {
        match tag {
            Tag::Heading { level, .. } => self.open(BlockKind::Heading(level as u8), line),
            // Paragraphs inside a list item are the item's own text.
            Tag::Paragraph if !matches!(self.stack.last(), Some(o) if is_item(o)) => {
                self.open(BlockKind::Paragraph, line);
            }
            Tag::List(start) => {
                self.flush_item_text();
                self.lists.push(start.is_some());
            }
            Tag::Item => {
                let depth = self.lists.len().saturating_sub(1);
                let ordered = self.lists.last().copied().unwrap_or(false);
                self.open(
                    BlockKind::ListItem {
                        depth,
                        ordered,
                        checked: None,
                    },
                    line,
                );
            }
            // Free-form authors indent prose by accident; only fenced blocks are code.
            Tag::CodeBlock(CodeBlockKind::Indented) => self.open(BlockKind::Paragraph, line),
            Tag::CodeBlock(CodeBlockKind::Fenced(_)) => self.open(BlockKind::Code, line),
            Tag::TableHead => {
                self.in_table_head = true;
                self.table_cells = Some(Vec::new());
                self.open_row(line);
            }
            Tag::TableRow => {
                self.table_cells = Some(Vec::new());
                self.open_row(line);
            }
            Tag::TableCell => {}
            Tag::Image { .. } => self.images += 1,
            Tag::Strong | Tag::Emphasis => {
                self.emphasis += 1;
                if let Some(open) = self.stack.last_mut()
                    && open.text.trim().is_empty()
                    && open.lead.is_none()
                {
                    open.in_lead = true;
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Item => self.close(),
            TagEnd::Paragraph => {
                if matches!(self.stack.last(), Some(o) if o.kind == BlockKind::Paragraph) {
                    self.close();
                } else if let Some(open) = self.stack.last_mut() {
                    open.text.push('\n');
                }
            }
            TagEnd::List(_) => {
                self.lists.pop();
            }
            TagEnd::TableCell => {
                if let (Some(cells), Some(open)) =
                    (self.table_cells.as_mut(), self.stack.last_mut())
                {
                    cells.push(open.text.trim().to_owned());
                    open.text.clear();
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => self.close_row(),
            TagEnd::Image => self.images = self.images.saturating_sub(1),
            TagEnd::Strong | TagEnd::Emphasis => {
                self.emphasis = self.emphasis.saturating_sub(1);
                if let Some(open) = self.stack.last_mut()
                    && open.in_lead
                    && self.emphasis == 0
                {
                    open.in_lead = false;
                    open.lead = Some(open.text.trim().to_owned());
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str, line: usize) {
        if self.stack.is_empty() {
            // Text outside any block (e.g. inside raw HTML structure): keep it as a paragraph.
            self.open(BlockKind::Paragraph, line);
        }
        if let Some(open) = self.stack.last_mut() {
            open.text.push_str(text);
        }
    }

    fn html(&mut self, html: &str) {
        // Raw HTML is not content for extraction, but a `<br>` separates lines.
        if html.trim_start().to_ascii_lowercase().starts_with("<br")
            && let Some(open) = self.stack.last_mut()
        {
            open.text.push('\n');
        }
    }

    fn open(&mut self, kind: BlockKind, line: usize) {
        self.stack.push(Open {
            kind,
            text: String::new(),
            lead: None,
            line,
            in_lead: false,
        });
    }

    fn open_row(&mut self, line: usize) {
        self.open(
            BlockKind::TableRow {
                header: self.in_table_head,
                cells: Vec::new(),
            },
            line,
        );
    }

    fn close_row(&mut self) {
        let cells = self.table_cells.take().unwrap_or_default();
        self.in_table_head = false;
        if let Some(mut open) = self.stack.pop() {
            open.text = cells.join(" | ");
            if let BlockKind::TableRow { cells: c, .. } = &mut open.kind {
                *c = cells;
            }
            open.lead = None;
            self.push(open);
        }
    }

    fn close(&mut self) {
        if let Some(open) = self.stack.pop() {
            self.push(open);
        }
    }

    /// Emits a list item's own text before its nested list starts, so nested items follow
    /// their parent in document order.
    fn flush_item_text(&mut self) {
        let Some(open) = self.stack.last_mut() else {
            return;
        };
        if !is_item(open) || open.text.trim().is_empty() {
            return;
        }
        let block = Block {
            kind: open.kind.clone(),
            text: std::mem::take(&mut open.text),
            lead: open.lead.take(),
            line: open.line,
        };
        // Mark the item as already emitted: an empty text is skipped when it closes.
        self.push_block(block);
    }

    fn push(&mut self, open: Open) {
        let block = Block {
            kind: open.kind,
            text: open.text,
            lead: open.lead,
            line: open.line,
        };
        self.push_block(block);
    }

    fn push_block(&mut self, mut block: Block) {
        block.text = tidy(&block.text, block.kind == BlockKind::Code);
        if !block.text.is_empty() {
            self.blocks.push(block);
        }
    }
}

fn is_item(open: &Open) -> bool {
    matches!(open.kind, BlockKind::ListItem { .. })
}

/// Trims each line and drops empty ones (code keeps its indentation).
fn tidy(text: &str, keep_indent: bool) -> String {
    let lines = text
        .lines()
        .map(|l| if keep_indent { l.trim_end() } else { l.trim() });
    lines
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(body: &str) -> Vec<(BlockKind, String, usize)> {
        parse_blocks(body, 1)
            .into_iter()
            .map(|b| (b.kind, b.text, b.line))
            .collect()
    }

    #[test]
    fn headings_paragraph_lines_and_line_numbers() {
        let blocks = kinds("# Title\n\n## Timeline:\n10:00 AM: detected\n10:30 AM: fixed\n");
        assert_eq!(blocks[0], (BlockKind::Heading(1), "Title".into(), 1));
        assert_eq!(blocks[1], (BlockKind::Heading(2), "Timeline:".into(), 3));
        assert_eq!(
            blocks[2],
            (
                BlockKind::Paragraph,
                "10:00 AM: detected\n10:30 AM: fixed".into(),
                4
            )
        );
    }

    #[test]
    fn nested_list_items_keep_order_depth_and_checkboxes() {
        let blocks = parse_blocks("- [x] parent\n  - child\n- [ ] next\n", 10);
        let texts: Vec<_> = blocks.iter().map(|b| (b.text.as_str(), b.line)).collect();
        assert_eq!(texts, [("parent", 10), ("child", 11), ("next", 12)]);
        assert_eq!(
            blocks[0].kind,
            BlockKind::ListItem {
                depth: 0,
                ordered: false,
                checked: Some(true)
            }
        );
        assert_eq!(
            blocks[1].kind,
            BlockKind::ListItem {
                depth: 1,
                ordered: false,
                checked: None
            }
        );
        assert_eq!(
            blocks[2].kind,
            BlockKind::ListItem {
                depth: 0,
                ordered: false,
                checked: Some(false)
            }
        );
    }

    #[test]
    fn bold_lead_is_captured() {
        let blocks = parse_blocks("**Duration:** 2 hours\n\n- **14:05** alert fired\n", 1);
        assert_eq!(blocks[0].lead.as_deref(), Some("Duration:"));
        assert_eq!(blocks[0].text, "Duration: 2 hours");
        assert_eq!(blocks[1].lead.as_deref(), Some("14:05"));
    }

    #[test]
    fn table_rows_have_cells() {
        let blocks = parse_blocks("| Time | Event |\n|---|---|\n| 10:00 | *alert* |\n", 1);
        assert_eq!(
            blocks[0].kind,
            BlockKind::TableRow {
                header: true,
                cells: vec!["Time".into(), "Event".into()]
            }
        );
        assert_eq!(
            blocks[1].kind,
            BlockKind::TableRow {
                header: false,
                cells: vec!["10:00".into(), "alert".into()]
            }
        );
        assert_eq!(blocks[1].line, 3);
    }

    #[test]
    fn list_item_with_several_paragraphs_stays_one_item() {
        let blocks = parse_blocks("1. First para\n\n   second para\n2. Next\n", 1);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "First para\nsecond para");
    }
}
