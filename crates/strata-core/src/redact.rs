//! Keeping secrets out of output.

/// Replaces the password in a URL with `***` (in the user info and in the `password=` and
/// `sslpassword=` query parameters), for every message and log line.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = url[..scheme_end + 3].to_string();
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            out.push_str(&authority[..colon]);
            out.push_str(":***");
            out.push_str(&authority[at..]);
        }
        _ => out.push_str(authority),
    }
    let tail = &rest[authority_end..];
    match tail.split_once('?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            let parts: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _))
                        if k.eq_ignore_ascii_case("password")
                            || k.eq_ignore_ascii_case("sslpassword") =>
                    {
                        format!("{k}=***")
                    }
                    _ => kv.to_string(),
                })
                .collect();
            out.push_str(&parts.join("&"));
        }
        None => out.push_str(tail),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite:app.db"), "sqlite:app.db");
        assert_eq!(
            redact_url("postgres://u:p%40ss@h/db?x=1"),
            "postgres://u:***@h/db?x=1"
        );
        assert_eq!(
            redact_url("postgresql://u@h/db?sslmode=require&password=pw"),
            "postgresql://u@h/db?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("postgres://u@h/db?sslkey=k.pem&sslpassword=keypw"),
            "postgres://u@h/db?sslkey=k.pem&sslpassword=***"
        );
    }
}
