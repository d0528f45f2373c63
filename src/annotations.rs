//! Diagnostics as GitHub Actions workflow commands (`::warning file=…,line=…::…`), so
//! `pmkb check --format github` in a pull request's workflow flags each finding on the
//! line of the diff it is about.
//!
//! Escaping follows the runner's workflow-command rules (actions/toolkit
//! `packages/core/src/command.ts`): in the message `%`, `\r` and `\n` are percent-encoded;
//! in property values `:` and `,` are as well.

use crate::diagnostics::{Diagnostic, Severity};

/// One diagnostic as a workflow command. `prefix` is the folder its path is relative to,
/// as seen from the repository root (`content/`), so the file names a file of the diff.
pub fn github(diagnostic: &Diagnostic, prefix: &str) -> String {
    let level = match diagnostic.severity {
        Severity::Warning => "warning",
        Severity::Error => "error",
    };
    let mut properties = vec![format!(
        "file={}",
        property(&format!("{prefix}{}", diagnostic.path))
    )];
    if let Some(line) = diagnostic.line {
        properties.push(format!("line={line}"));
    }
    if let Some(column) = diagnostic.column {
        properties.push(format!("col={column}"));
    }
    properties.push(format!(
        "title={}",
        property(&format!("pmkb: {}", diagnostic.message))
    ));
    let mut message = diagnostic.message.clone();
    if let Some(hint) = &diagnostic.hint {
        message.push_str("\nhint: ");
        message.push_str(hint);
    }
    format!("::{level} {}::{}", properties.join(","), data(&message))
}

/// A message: `%`, `\r` and `\n` percent-encoded.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as a message, and `:` and `,` too.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_name_file_line_and_escape_what_the_runner_would_split_on() {
        let d = Diagnostic::warning("2024-a,b:c.md", "100% down\r\nfor: 2h, maybe")
            .at(7, 3)
            .with_hint("say so");
        assert_eq!(
            github(&d, "content/"),
            "::warning file=content/2024-a%2Cb%3Ac.md,line=7,col=3,\
             title=pmkb%3A 100%25 down%0D%0Afor%3A 2h%2C maybe\
             ::100%25 down%0D%0Afor: 2h, maybe%0Ahint: say so"
        );
        let e = Diagnostic::error("x.md", "bad");
        assert_eq!(github(&e, ""), "::error file=x.md,title=pmkb%3A bad::bad");
    }
}
