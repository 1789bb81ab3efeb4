//! Slack's descriptions as rustdoc text.
//!
//! The descriptions are markdown written for the method's web page: links may be relative,
//! square brackets would be read as intra-doc links, `<` as HTML, and "see below" points at
//! a page section the reader of the Rust docs does not have.

/// Sentences that only point at a part of the web page, dropped.
const DANGLING: &[&str] = &["see below", "see authorship below", "described below"];

/// Phrases that point at a part of the web page inside a sentence, reworded.
const REWORDED: &[(&str, &str)] = &[
    // JSON arguments take any `Serialize` value; the client encodes them.
    (", presented as a URL-encoded string", ""),
    ("(see below)", "(see the method's documentation)"),
    ("see below", "see the method's documentation"),
];

/// A description as one line of rustdoc: markdown links become `text (<url>)` (relative
/// links just `text`), other brackets and `<` are escaped, and pointers to "below" are
/// dropped or reworded.
pub fn doc_text(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let linked = links(&one_line);
    let kept: Vec<&str> = sentences(&linked)
        .into_iter()
        .filter(|sentence| {
            let lower = sentence.to_ascii_lowercase();
            !DANGLING.iter().any(|d| lower.starts_with(d))
        })
        .collect();
    let mut out = kept.join(" ");
    for (from, to) in REWORDED {
        out = out.replace(from, to);
    }
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Markdown links rewritten and other brackets escaped.
fn links(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        out.push_str(&escape(&rest[..open]));
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let url_end = after[close + 2..].find(')')?;
            Some((
                &after[..close],
                &after[close + 2..close + 2 + url_end],
                close + 2 + url_end + 1,
            ))
        });
        match link {
            Some((text, url, used)) if !text.contains('[') => {
                out.push_str(&escape(text));
                if url.starts_with("http") {
                    out.push_str(" (<");
                    out.push_str(url);
                    out.push_str(">)");
                }
                rest = &after[used..];
            }
            _ => {
                out.push_str("\\[");
                rest = after;
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

/// Sentences, each keeping its final punctuation. A sentence ends at `. `, `! ` or `? `.
fn sentences(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    for i in 0..bytes.len() {
        let end = matches!(bytes[i], b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ');
        if end {
            out.push(s[start..=i].trim());
            start = i + 1;
        }
    }
    let last = s[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_plain_text() {
        assert_eq!(
            doc_text("A [view payload](/reference/surfaces/views). This must be JSON."),
            "A view payload. This must be JSON."
        );
        assert_eq!(
            doc_text("See [docs](https://docs.slack.dev/x) now"),
            "See docs (<https://docs.slack.dev/x>) now."
        );
        assert_eq!(doc_text("a [b] c <d>"), "a \\[b\\] c &lt;d>.");
        assert_eq!(doc_text(""), "");
    }

    #[test]
    fn pointers_below_are_dropped() {
        assert_eq!(
            doc_text("Pass true to post as the user. Defaults to false. See authorship below."),
            "Pass true to post as the user. Defaults to false."
        );
        assert_eq!(
            doc_text("How this field works depends on other fields.\nSee below for more detail."),
            "How this field works depends on other fields."
        );
        assert_eq!(
            doc_text("Filter files by type ([see below](#file_types)). You can pass several."),
            "Filter files by type (see the method's documentation). You can pass several."
        );
    }
}
