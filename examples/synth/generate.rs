//! Synthetic postmortems for benchmarks: varied, free-form Markdown (front matter or
//! not, different headings, date and duration styles, timelines, action items) from a
//! seeded generator, so the same seed always gives the same corpus. No external data.

use std::fmt::Write;

/// splitmix64: a tiny, good-enough deterministic generator.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SERVICES: &[&str] = &[
    "checkout",
    "payments",
    "ledger",
    "search",
    "catalog",
    "inventory",
    "orders",
    "login",
    "sessions",
    "notifications",
    "email",
    "billing",
    "invoicing",
    "shipping",
    "tracking",
    "recommendations",
    "reviews",
    "media",
    "thumbnails",
    "storefront",
    "admin",
    "reporting",
    "analytics",
    "gateway",
    "api",
    "mobile-backend",
    "webhooks",
    "scheduler",
    "exports",
    "imports",
    "pricing",
    "vouchers",
    "cart",
    "wishlist",
    "accounts",
    "profiles",
    "sso",
];
const COMPONENTS: &[(&str, &[&str])] = &[
    (
        "database",
        &[
            "primary database",
            "read replica",
            "connection pool",
            "Postgres cluster",
            "MySQL primary",
            "schema migration",
        ],
    ),
    (
        "dns",
        &["DNS record", "DNS zone", "resolver", "CNAME", "TTL setting"],
    ),
    (
        "cache",
        &[
            "Redis cluster",
            "cache layer",
            "memcached pool",
            "CDN cache",
            "session cache",
        ],
    ),
    (
        "network",
        &[
            "load balancer",
            "firewall rule",
            "VPC peering",
            "BGP route",
            "network switch",
        ],
    ),
    (
        "storage",
        &[
            "disk volume",
            "object storage bucket",
            "NFS mount",
            "log partition",
        ],
    ),
    (
        "certificate",
        &[
            "TLS certificate",
            "intermediate certificate",
            "certificate chain",
        ],
    ),
    (
        "queue",
        &[
            "message queue",
            "Kafka topic",
            "consumer group",
            "dead-letter queue",
        ],
    ),
    (
        "deploy",
        &[
            "deployment pipeline",
            "release tool",
            "canary rollout",
            "feature flag",
        ],
    ),
    (
        "dependency",
        &[
            "third-party payment provider",
            "upstream API",
            "SMS vendor",
            "identity provider",
        ],
    ),
    (
        "compute",
        &[
            "Kubernetes node pool",
            "autoscaling group",
            "JVM heap",
            "container runtime",
        ],
    ),
];
const MECHANISMS: &[&str] = &[
    "was misconfigured after a routine change",
    "ran out of capacity under peak traffic",
    "leaked memory until the process was killed",
    "expired without anyone noticing",
    "was deleted by mistake during a cleanup",
    "hit a connection limit and started refusing requests",
    "failed over to a standby that was not warmed up",
    "received a burst of retries that amplified the load",
    "returned stale data after a cache invalidation bug",
    "was saturated by a slow query missing an index",
    "rejected traffic after a firewall rule was pushed to the wrong environment",
    "crashed on a null pointer in a new code path",
];
const SYMPTOMS: &[&str] = &[
    "customers saw HTTP 500 errors",
    "checkout latency rose above ten seconds",
    "users were logged out repeatedly",
    "orders were stuck in a pending state",
    "search returned empty results",
    "emails were delayed by several hours",
    "the mobile app showed a blank screen",
    "payments were declined",
    "images failed to load",
    "dashboards stopped updating",
];
const DETECTIONS: &[&str] = &[
    "An alert on the error rate paged the on-call engineer.",
    "Customer support reported a spike in tickets.",
    "A synthetic check failed from three regions.",
    "An engineer noticed the anomaly on a dashboard.",
    "A partner emailed us about failing webhooks.",
];
const FIXES: &[&str] = &[
    "rolled back the change",
    "restarted the affected pods",
    "failed over to the secondary region",
    "restored the deleted record from backup",
    "renewed and redeployed the certificate",
    "raised the connection limit",
    "added the missing index",
    "disabled the feature flag",
    "scaled the cluster out",
    "purged the cache",
];
const MEASURES: &[&str] = &[
    "Add an alert on {c} saturation with a runbook link",
    "Require a second reviewer for changes to the {c}",
    "Write a load test that exercises the {c} at twice peak traffic",
    "Document the failover procedure for the {c}",
    "Automate renewal and monitor expiry of the {c}",
    "Add a canary stage before changes reach the {c}",
    "Capacity-plan the {c} for the next holiday season",
    "Add integration tests covering the {c} code path",
    "Rate-limit retries from clients of the {c}",
    "Run a game day that breaks the {c} on purpose",
];
const HEADINGS: &[[&str; 5]] = &[
    [
        "Summary",
        "Impact",
        "Root cause",
        "Timeline",
        "Action items",
    ],
    [
        "Overview",
        "Customer impact",
        "Root Cause Analysis",
        "Timeline of events",
        "Corrective actions",
    ],
    [
        "What happened",
        "Who was affected",
        "Why it happened",
        "Timeline",
        "Follow-up",
    ],
    [
        "Issue Summary",
        "Impact",
        "Cause",
        "Chronology",
        "Preventive measures",
    ],
];
const DETAILS: &[&str] = &[
    "p99 latency reached {n} ms while the median stayed near {m} ms.",
    "The error budget for the quarter dropped by {m} percent.",
    "Roughly {n} requests failed before the mitigation took effect.",
    "Grafana showed CPU at {m}% on the busiest node.",
    "The runbook was out of date and pointed at a host decommissioned {m} days earlier.",
    "Logs were rotated every {m} minutes, which hid the first errors.",
    "We estimate {n} orders were delayed and {m} were cancelled by customers.",
    "The incident channel had {m} participants at its peak.",
    "Queue depth grew to {n} messages before consumers caught up.",
    "A similar incident happened {m} weeks before but was closed without follow-up.",
    "Retries with exponential backoff would have reduced the load by about {m}%.",
    "The status page was updated {m} minutes after the first alert.",
    "Heap usage climbed by {n} KB per request until garbage collection stalled.",
    "Replication lag peaked at {n} seconds on the standby.",
    "The on-call handbook now links the dashboard for {host}.",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const ZONES: &[&str] = &["UTC", "CET", "EAT", "PST", "WAT"];

/// One postmortem: a file name and its Markdown.
pub fn postmortem(rng: &mut Rng, n: usize) -> (String, String) {
    let service = rng.pick(SERVICES);
    let other = rng.pick(SERVICES);
    let (component, parts) = COMPONENTS[rng.below(COMPONENTS.len())];
    let part = rng.pick(parts);
    let mechanism = rng.pick(MECHANISMS);
    let symptom = rng.pick(SYMPTOMS);
    let fix = rng.pick(FIXES);
    let (year, month, day) = (2015 + rng.below(11), 1 + rng.below(12), 1 + rng.below(28));
    let (hour, minute) = (rng.below(24), rng.below(12) * 5);
    let minutes = 5 + rng.below(600);
    let pct = 1 + rng.below(99);
    let zone = rng.pick(ZONES);
    let ticket = format!("INC-{}", 10_000 + n);
    let host = format!("{service}-{component}-{:02}", rng.below(40));
    let h = HEADINGS[rng.below(HEADINGS.len())];
    let title = format!(
        "{} outage: {part} {}",
        capitalise(service),
        short(mechanism)
    );
    let mut md = String::new();
    if rng.chance(50) {
        let _ = write!(
            md,
            "---\ntitle: \"{title}\"\ndate: {year}-{month:02}-{day:02}T{hour:02}:{minute:02}\n\
             duration: {minutes}m\ntimezone: {zone}\nservices: [{service}, {other}]\n\
             tags: [{component}, {ticket}]\nusers_affected: {pct}\n---\n\n"
        );
    }
    let _ = writeln!(md, "# {title}\n");
    let date = if rng.chance(50) {
        format!("{year}-{month:02}-{day:02} {hour:02}:{minute:02} {zone}")
    } else {
        format!(
            "{} {day}, {year}, {hour:02}:{minute:02} ({zone})",
            MONTHS[month - 1]
        )
    };
    let _ = writeln!(
        md,
        "**Date:** {date}  \n**Duration:** {}h {}m  \n**Ticket:** {ticket}\n",
        minutes / 60,
        minutes % 60
    );
    let _ = writeln!(
        md,
        "## {}\n\nFor {} minutes the {service} service was degraded and {symptom}. \
         The problem started in the {part} on {host}; the {other} service depends on it and \
         also failed. {}\n",
        h[0],
        minutes,
        rng.pick(DETECTIONS)
    );
    let _ = writeln!(
        md,
        "## {}\n\nAbout {pct}% of users were affected. {}. Requests to {service} that \
         touched the {part} timed out, and retries from {other} made the backlog worse.\n",
        h[1],
        capitalise(symptom)
    );
    let _ = writeln!(
        md,
        "## {}\n\nThe {part} {mechanism}. {} The team first suspected the network, \
         but the traces pointed at {host}.\n",
        h[2],
        if rng.chance(50) {
            format!(
                "A change made earlier that day to the {component} configuration was the trigger."
            )
        } else {
            format!("Monitoring did not cover the {part}, so the warning signs went unnoticed.")
        }
    );
    for _ in 0..3 + rng.below(5) {
        let detail = rng
            .pick(DETAILS)
            .replace("{n}", &(100 + rng.below(99_900)).to_string())
            .replace("{m}", &(2 + rng.below(97)).to_string())
            .replace("{host}", &host);
        md.push_str(&detail);
        md.push(' ');
    }
    md.push_str("\n\n");
    let _ = writeln!(md, "## {}\n", h[3]);
    let mut t = hour * 60 + minute;
    for event in [
        format!("{symptom} first reported"),
        format!("on-call engineer paged about {service}"),
        format!("{part} identified as the cause on {host}"),
        format!("we {fix}"),
        format!("{service} recovered and error rates returned to normal"),
    ] {
        let _ = writeln!(
            md,
            "- {:02}:{:02} {zone} — {}",
            (t / 60) % 24,
            t % 60,
            capitalise(&event)
        );
        t += 1 + rng.below(minutes / 4 + 1);
    }
    let _ = writeln!(md, "\n## {}\n", h[4]);
    for _ in 0..2 + rng.below(3) {
        let measure = rng.pick(MEASURES).replace("{c}", part);
        let owner = rng.pick(SERVICES);
        let _ = writeln!(
            md,
            "- [{}] {measure} (owner: {owner} team)",
            if rng.chance(40) { "x" } else { " " }
        );
    }
    let slug = format!("{year}-{month:02}-{day:02}-{service}-{component}-{n}");
    (format!("{slug}.md"), md)
}

fn short(mechanism: &str) -> String {
    mechanism
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Writes `count` postmortems for `seed` into `dir` (created if needed).
pub fn write_corpus(dir: &std::path::Path, count: usize, seed: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed);
    for n in 0..count {
        let (name, text) = postmortem(&mut rng, n);
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}
