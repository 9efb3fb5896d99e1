//! HTTP Basic credentials for the target file's `[auth] basic`: a
//! `user:password` template whose `{token}` is the secret, sent as
//! `{basic}` (its base64) in a header: `Authorization = "Basic {basic}"`.
//! Zendesk writes `EMAIL/token:{token}`, Freshdesk `{token}:X`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Whether `template` is a `user:password` template whose only
/// placeholder is `{token}`; the reason when not.
pub fn check(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if &after[..close] == "token" => rest = &after[close + 1..],
            Some(close) => {
                return Err(format!(
                    "{template:?}: unknown placeholder {{{}}} (expected only {{token}})",
                    &after[..close]
                ));
            }
            None => return Err(format!("{template:?}: a '{{' without its '}}'")),
        }
    }
    if !template.contains(':') {
        return Err(format!(
            "{template:?}: expected \"USER:PASSWORD\" (a ':' between them), e.g. \"{{token}}:X\""
        ));
    }
    Ok(())
}

/// The base64 of `template` with `{token}` filled.
pub fn encode(template: &str, token: &str) -> String {
    STANDARD.encode(template.replace("{token}", token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_user_and_password() {
        // RFC 7617's example: Aladdin, open sesame.
        assert_eq!(
            encode("Aladdin:{token}", "open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(encode("{token}:X", "k3y"), STANDARD.encode("k3y:X"));
    }

    #[test]
    fn refuses_what_is_not_user_colon_password() {
        assert!(check("me@example.com/token:{token}").is_ok());
        let e = check("{token}").unwrap_err();
        assert!(e.contains("USER:PASSWORD"), "{e}");
        let e = check("{shopper}:{token}").unwrap_err();
        assert!(e.contains("{shopper}") && e.contains("only {token}"), "{e}");
        assert!(check("{token:X").unwrap_err().contains("without"));
    }
}
