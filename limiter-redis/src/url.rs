//! Redis URLs without their passwords, for `Debug`, logs and errors.

/// `url` with the password of its user part replaced by `***`
/// (`redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`).
pub(crate) fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    // The authority ends at the first '/', '?' or '#'; the user part at its last '@'.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let user_info = &authority[..at];
    let redacted_user = match user_info.find(':') {
        Some(colon) => format!("{}:***", &user_info[..colon]),
        // `redis://secret@host` is read as a password by some clients: hide it too.
        None if !user_info.is_empty() => "***".to_owned(),
        None => String::new(),
    };
    format!(
        "{}{}@{}",
        &url[..rest_start],
        redacted_user,
        &rest[at..].trim_start_matches('@')
    )
}

/// The password in `url`, if any (to scrub it from messages that might quote it).
pub(crate) fn password(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let user_info = &authority[..authority.rfind('@')?];
    let pw = match user_info.find(':') {
        Some(colon) => &user_info[colon + 1..],
        None => user_info,
    };
    (!pw.is_empty()).then_some(pw)
}

/// `message` with every occurrence of `url`'s password replaced by `***`.
pub(crate) fn scrub(message: &str, url: &str) -> String {
    match password(url) {
        Some(pw) => message.replace(pw, "***"),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("redis://user:s3cret@host:6379/0"),
            "redis://user:***@host:6379/0"
        );
        assert_eq!(redact("redis://:s3cret@host"), "redis://:***@host");
        assert_eq!(redact("rediss://s3cret@host/1"), "rediss://***@host/1");
        assert_eq!(redact("redis://host:6379"), "redis://host:6379");
        assert_eq!(redact("not a url"), "not a url");
        // An '@' in the path is not a user part.
        assert_eq!(redact("redis://host/0?x=a@b"), "redis://host/0?x=a@b");
        // A password holding '@': everything up to the last one.
        assert_eq!(redact("redis://u:p@ss@host"), "redis://u:***@host");
    }

    #[test]
    fn scrubbing_messages() {
        let url = "redis://u:p4ss@host";
        assert_eq!(password(url), Some("p4ss"));
        assert_eq!(scrub("auth p4ss failed", url), "auth *** failed");
        assert_eq!(password("redis://host"), None);
        assert_eq!(scrub("refused", "redis://host"), "refused");
    }
}
