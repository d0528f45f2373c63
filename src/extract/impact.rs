//! The share of users affected: "approximately 75% of users" → 75, "all users" → 100.

use std::sync::LazyLock;

use regex::Regex;

/// A percentage and the few words after it ("75% of our mobile users").
static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b)((?:[\s,]+[\w'-]+){0,6})")
        .expect("valid regex")
});

/// "users … 40%": the noun before the share.
static SHARE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(users?|customers?)\b[^.%]{0,40}?\b(\d{1,3}(?:\.\d+)?)\s*%")
        .expect("valid regex")
});

/// "for anyone trying to …", "everyone", "all requests failed": everybody was affected.
static EVERYONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:for|to) (?:anyone|everyone|everybody)\b|\ball (?:incoming |api |http )?(?:requests|traffic|jobs|transactions) (?:\w+ ){0,6}?(?:failed|were|was|returned|timed)")
        .expect("valid regex")
});

/// "all users", "every customer" — unless they are the subject of what they did ("all
/// clients tried to retry"): then the sentence is about load, not about who was affected.
static ALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(all|every|every single|100% of)\s+(?:of\s+)?(?:our\s+|the\s+)?(users?|customers?|clients?|visitors?|subscribers?)\b(?:\s+(?:then\s+|all\s+)?(tried|retried|retry|retrying|started|began|reconnected|reconnecting))?")
        .expect("valid regex")
});

/// Nobody could use the service: "no one was able to log in", "no customer could complete
/// a purchase", "nobody could reach the API", "none of our users could sign in".
static NOBODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:no one|nobody|none of (?:our |the )?(?:users|customers|clients|visitors|members)|no (?:single )?(?:user|customer|client|visitor|merchant|shopper|buyer|member|player|developer|student|learner)s?)\s+(?:\w+\s+){0,2}?(?:could|can|was able|were able|managed|succeeded)\b")
        .expect("valid regex")
});

/// Every attempt failed: "success rate reached 0%", "launch success drops to zero",
/// "a 0% success rate".
static ZERO_SUCCESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bsuccess(?:ful)?(?:\s+(?:rate|ratio))?\s+(?:\w+\s+){0,2}?(?:drop(?:s|ped)?|fell|falls|reach(?:ed|es)?|went|goes|hit|hits|was|is)\s+(?:down\s+)?(?:to\s+)?(?:zero\b|0(?:\.0+)?\s*%)|\b0(?:\.0+)?\s*%\s+success")
        .expect("valid regex")
});

/// The whole service was out: "the hub was rendered entirely inaccessible", "the site was
/// completely down", "a total outage", "all our services were down" — said of the
/// service, not one component.
static WHOLE_SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:site|website|service|hub|app|application|platform|api|product|everything)\b[^.;]{0,40}?\b(?:entirely|completely|totally|fully)\s+(?:inaccessible|unavailable|unreachable|down|offline|dark)\b|\ball (?:of )?(?:our |the )?(?:services|systems|sites|websites|apis|endpoints)\s+(?:were|went)\s+(?:down|unavailable|offline|unreachable|inaccessible)\b|\b(?:total|complete|full)\s+(?:service\s+)?outage\b")
        .expect("valid regex")
});

/// An apology or thanks addresses everyone, whoever was affected ("we apologize to
/// everyone affected").
fn addresses_readers(line: &str) -> bool {
    let lower = line.to_lowercase();
    ["apolog", "sorry", "thank"]
        .iter()
        .any(|w| lower.contains(w))
}

const PEOPLE: &[&str] = &[
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
    "student",
    "cashier",
    "employee",
    "tenant",
    "developer",
    "learner",
    "patient",
    "driver",
    "rider",
];

const REQUESTS: &[&str] = &[
    "request",
    "traffic",
    "call",
    "transaction",
    "session",
    "queries",
    "query",
    "page",
];

const NOT_USERS: &[&str] = &[
    "cpu",
    "memory",
    "disk",
    "capacity",
    "uptime",
    "availability",
    "battery",
    "load",
    "utilization",
    "utilisation",
    "usage",
    "space",
    "storage",
    "ram",
    "sla",
    "slo",
    "increase",
    "growth",
    "discount",
    "error",
];

/// Things a share can be of that are neither people nor their requests ("0.002% of all
/// rooms", "30% of the nodes"): LABELING.md counts shares of users, customers, requests
/// or traffic only.
const THINGS: &[&str] = &[
    "room",
    "channel",
    "record",
    "row",
    "file",
    "message",
    "node",
    "server",
    "host",
    "instance",
    "pod",
    "machine",
    "disk",
    "partition",
    "shard",
    "table",
    "bucket",
    "object",
    "packet",
    "fleet",
    "cluster",
    "data",
];

/// How a percentage relates to users, judged from the words that follow it.
#[derive(PartialEq, PartialOrd)]
enum Kind {
    Unrelated,
    Other,
    Requests,
    People,
}

fn kind_of(following: &str) -> Kind {
    let words: Vec<String> = following
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.iter().any(|p| w.starts_with(p)));
    if has(PEOPLE) {
        Kind::People
    } else if words
        .first()
        .is_some_and(|w| NOT_USERS.iter().any(|n| w.starts_with(n)))
    {
        Kind::Unrelated
    } else if has(REQUESTS) {
        Kind::Requests
    } else if words.first().is_some_and(|w| w == "of") && !has(THINGS) {
        Kind::Other
    } else {
        Kind::Unrelated
    }
}

/// Whether a line says every use of the service failed: nobody could use it, every
/// attempt failed, or the whole service was out. Strong enough to be read anywhere in a
/// document, the timeline included.
pub fn everyone_failed(line: &str) -> bool {
    NOBODY.is_match(line) || ZERO_SUCCESS.is_match(line) || WHOLE_SERVICE.is_match(line)
}

/// Finds the share of users affected in the given lines (in document order), preferring a
/// share of people over one of requests, and that over a share of something else ("40% of
/// cashiers"). None when only vague amounts are given.
pub fn users_affected(lines: &[&str]) -> Option<f64> {
    let mut best: Option<(Kind, f64)> = None;
    for line in lines {
        let mut consider = |kind: Kind, value: f64| {
            if kind > Kind::Unrelated
                && value <= 100.0
                && best.as_ref().is_none_or(|(k, _)| kind > *k)
            {
                best = Some((kind, value));
            }
        };
        for caps in SHARE.captures_iter(line) {
            if let Ok(value) = caps[1].parse::<f64>() {
                consider(kind_of(&caps[2]), value);
            }
        }
        if let Some(caps) = SHARE_AFTER.captures(line)
            && let Ok(value) = caps[2].parse::<f64>()
            && !line.to_lowercase().contains("uptime")
        {
            consider(Kind::People, value);
        }
        if ALL.captures_iter(line).any(|c| c.get(3).is_none()) || NOBODY.is_match(line) {
            consider(Kind::People, 100.0);
        }
        if (EVERYONE.is_match(line) && !addresses_readers(line)) || everyone_failed(line) {
            consider(Kind::Requests, 100.0);
        }
        if best.as_ref().is_some_and(|(k, _)| *k == Kind::People) {
            break;
        }
    }
    best.map(|(_, value)| value)
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
            (
                "About 40% of vending point cashiers had this issue.",
                Some(40.0),
            ),
            ("a 30% decrease in user engagement", Some(30.0)),
            (
                "approximately 78% of flag evaluation requests failed",
                Some(78.0),
            ),
            ("memory usage reached 97%", None),
            ("14 rooms were lost (0.002% of all known rooms)", None),
            ("none of our users could sign in", Some(100.0)),
            ("the app went completely dark", Some(100.0)),
            ("all of our services were down for an hour", Some(100.0)),
            ("all services were healthy, only search failed", None),
            ("none of the alerts fired", None),
            ("30% of the nodes were drained", None),
            (
                "a 504 error for anyone trying to access the website",
                Some(100.0),
            ),
            (
                "All jobs depending on the scheduler failed overnight",
                Some(100.0),
            ),
            ("some users saw errors", None),
            ("No one was able to sign in for an hour.", Some(100.0)),
            ("no customer could complete a purchase", Some(100.0)),
            ("Nobody could reach the dashboard", Some(100.0)),
            ("The checkout success rate reached 0% at 10:05", Some(100.0)),
            ("Upload success drops to zero.", Some(100.0)),
            ("the site was rendered entirely inaccessible", Some(100.0)),
            ("We apologize to everyone affected by the outage.", None),
            ("All clients then tried to retry their requests", None),
            ("No one noticed the warning for a week", None),
            ("the success rate recovered to 99%", None),
            ("the replica was taken completely offline", None),
        ];
        for (text, want) in table {
            assert_eq!(users_affected(&[text]), *want, "{text}");
        }
    }

    #[test]
    fn users_win_over_requests_and_the_first_share_of_users_wins() {
        let lines = ["5% of requests failed", "and 20% of users saw slow pages"];
        assert_eq!(users_affected(&lines), Some(20.0));
        let lines = ["100% of users saw the warning", "65% of users left"];
        assert_eq!(users_affected(&lines), Some(100.0));
    }
}
