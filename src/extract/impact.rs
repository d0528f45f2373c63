//! The share of users affected: "approximately 75% of users" → 75, "all users" → 100.

use std::sync::LazyLock;

use regex::Regex;

static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(\d{1,3}(?:\.\d+)?)\s*(?:%|percent)\s+(?:of\s+)?(?:(?:the|our|all|active|total|affected|mobile|web|global|registered|logged-in|api|incoming|customer|user)\s+){0,3}(users?|customers?|clients?|requests?|traffic|visitors?|subscribers?|accounts?|players?|merchants?|members?|sessions?|calls?|transactions?|shoppers?|buyers?|people|userbase|user base)",
    )
    .expect("valid regex")
});

static SHARE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(users?|customers?|requests?|traffic)\b[^.%]{0,40}?\b(\d{1,3}(?:\.\d+)?)\s*%")
        .expect("valid regex")
});

static ALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(all|every|every single|100% of)\s+(?:of\s+)?(?:our\s+|the\s+)?(users?|customers?|clients?|visitors?|subscribers?)\b")
        .expect("valid regex")
});

/// Finds the share of users affected in the given lines, preferring a share of
/// users/customers over one of requests or traffic. None when only vague amounts are given.
pub fn users_affected(lines: &[&str]) -> Option<f64> {
    let mut fallback = None;
    for line in lines {
        for caps in SHARE.captures_iter(line) {
            let value: f64 = caps[1].parse().ok()?;
            if value > 100.0 {
                continue;
            }
            let noun = caps[2].to_lowercase();
            if is_people(&noun) {
                return Some(value);
            }
            fallback = fallback.or(Some(value));
        }
        if let Some(caps) = SHARE_AFTER.captures(line)
            && is_people(&caps[1].to_lowercase())
            && let Ok(value) = caps[2].parse::<f64>()
            && value <= 100.0
            && !line.to_lowercase().contains("uptime")
        {
            return Some(value);
        }
        if ALL.is_match(line) {
            return Some(100.0);
        }
    }
    fallback
}

fn is_people(noun: &str) -> bool {
    [
        "user",
        "customer",
        "client",
        "visitor",
        "subscriber",
        "account",
        "player",
        "merchant",
        "member",
        "people",
        "shopper",
        "buyer",
    ]
    .iter()
    .any(|p| noun.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_impact() {
        let table: &[(&str, Option<f64>)] = &[
            ("Approximately 75% of users were affected.", Some(75.0)),
            ("The service was unavailable for all users.", Some(100.0)),
            ("100% of users affected", Some(100.0)),
            ("12% of API requests failed", Some(12.0)),
            ("About a third of customers saw errors", None),
            ("Uptime dropped to 99.5% for the month", None),
            (
                "Impact: 30 percent of our mobile users could not log in",
                Some(30.0),
            ),
            ("CPU was at 95% on the primary", None),
            ("users affected: roughly 40%", Some(40.0)),
        ];
        for (text, want) in table {
            assert_eq!(users_affected(&[text]), *want, "{text}");
        }
    }

    #[test]
    fn users_win_over_requests() {
        let lines = ["5% of requests failed", "and 20% of users saw slow pages"];
        assert_eq!(users_affected(&lines), Some(20.0));
    }
}
