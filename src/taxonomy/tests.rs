//! Unit tests for the taxonomy: the shipped vocabulary, the file format, merging and the
//! classifier (on sentences written for these tests).

use super::*;

/// Every slug of TAXONOMY.md, by section.
const ROOT_CAUSE_SLUGS: [&str; 24] = [
    "database",
    "web-server",
    "load-balancer",
    "network",
    "dns",
    "application",
    "cache",
    "storage",
    "certificate",
    "third-party",
    "compute",
    "deployment",
    "security",
    "misconfiguration",
    "resource-exhaustion",
    "traffic-surge",
    "inefficient-query",
    "software-bug",
    "bad-change",
    "hardware-failure",
    "expiry",
    "dependency-failure",
    "human-error",
    "attack",
];
const COMPONENTS: usize = 13;
const MEASURE_SLUGS: [&str; 15] = [
    "monitoring-alerting",
    "load-testing",
    "automated-testing",
    "code-review",
    "change-management",
    "configuration-management",
    "documentation",
    "training",
    "capacity-planning",
    "redundancy",
    "caching",
    "query-optimization",
    "incident-response",
    "resilience",
    "security-hardening",
];

fn rc(text: &str) -> Vec<String> {
    Taxonomy::builtin().classify_root_cause(text)
}

fn ms(text: &str) -> Vec<String> {
    Taxonomy::builtin().classify_measure(text)
}

#[test]
fn builtin_has_every_slug_of_the_vocabulary_exactly_once() {
    let t = Taxonomy::builtin();
    let rcs: Vec<&str> = t.root_causes.iter().map(|c| c.slug.as_str()).collect();
    let mss: Vec<&str> = t.measures.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(rcs, ROOT_CAUSE_SLUGS);
    assert_eq!(mss, MEASURE_SLUGS);
    for (i, c) in t.root_causes.iter().enumerate() {
        let want = if i < COMPONENTS {
            Facet::Component
        } else {
            Facet::Mechanism
        };
        assert_eq!(c.facet, want, "{}", c.slug);
    }
    for c in t.root_causes.iter().chain(&t.measures) {
        assert!(
            !c.name.is_empty() && !c.description.is_empty(),
            "{}",
            c.slug
        );
        assert!(!c.phrases.is_empty(), "{}", c.slug);
    }
    assert!(t.measures.iter().all(|c| c.facet == Facet::Measure));
}

#[test]
fn facet_serializes_lowercase() {
    let v = toml::Value::try_from(Facet::Component).unwrap();
    assert_eq!(v.as_str(), Some("component"));
    let v = toml::Value::try_from(Facet::Measure).unwrap();
    assert_eq!(v.as_str(), Some("measure"));
}

#[test]
fn lookups_by_slug() {
    let t = Taxonomy::builtin();
    assert_eq!(t.root_cause("dns").unwrap().name, "DNS");
    assert_eq!(t.measure("caching").unwrap().facet, Facet::Measure);
    assert!(t.root_cause("caching").is_none());
    assert!(t.measure("nope").is_none());
}

// ---- root causes: every component and mechanism ----------------------------------------

#[test]
fn rc_pool_settings() {
    assert_eq!(
        rc("The max pool size in the Postgres settings was set to 5, far too low for production."),
        ["database", "misconfiguration"]
    );
}

#[test]
fn rc_slow_report_query_exhausts_pool() {
    assert_eq!(
        rc(
            "A new reporting query without an index ran for minutes and the connection pool ran out of connections after the release."
        ),
        [
            "bad-change",
            "database",
            "inefficient-query",
            "resource-exhaustion"
        ]
    );
}

#[test]
fn rc_nginx_wrong_port() {
    assert_eq!(
        rc(
            "The nginx virtual host was listening on port 8081 instead of 80 because of a wrong setting."
        ),
        ["misconfiguration", "web-server"]
    );
}

#[test]
fn rc_haproxy_backend_weights() {
    assert_eq!(
        rc("HAProxy had incorrect backend weights, so it sent every request to a single server."),
        ["load-balancer", "misconfiguration"]
    );
}

#[test]
fn rc_firewall_blocked_port() {
    assert_eq!(
        rc(
            "A misconfigured firewall rule blocked port 5432 between the app tier and the data tier."
        ),
        ["misconfiguration", "network"]
    );
}

#[test]
fn rc_domain_expired() {
    assert_eq!(
        rc("Our domain name expired because the registrar could not charge the old card."),
        ["dns", "expiry"]
    );
}

#[test]
fn rc_null_pointer_in_checkout() {
    assert_eq!(
        rc("A null pointer bug in the checkout code crashed the service on every coupon."),
        ["application", "software-bug"]
    );
}

#[test]
fn rc_redis_evictions_under_spike() {
    assert_eq!(
        rc("During a flash sale the Redis cache filled up and evicted sessions."),
        ["cache", "resource-exhaustion", "traffic-surge"]
    );
}

#[test]
fn rc_disk_full_of_logs() {
    assert_eq!(
        rc("Debug log files filled the disk on the primary host until no space was left."),
        ["resource-exhaustion", "storage"]
    );
}

#[test]
fn rc_tls_certificate_expired() {
    assert_eq!(
        rc("The TLS certificate on the API gateway expired on Sunday."),
        ["certificate", "expiry"]
    );
}

#[test]
fn rc_payment_provider_outage() {
    assert_eq!(
        rc("Our payment provider had a regional outage, so card payments failed."),
        ["dependency-failure", "third-party"]
    );
}

#[test]
fn rc_oom_killed_pods() {
    assert_eq!(
        rc("Kubernetes pods were OOM killed after the memory limit was exceeded."),
        ["compute", "resource-exhaustion"]
    );
}

#[test]
fn rc_ansible_run_pushed_bad_template() {
    assert_eq!(
        rc(
            "An Ansible playbook run during the scheduled maintenance pushed an invalid config template to all hosts."
        ),
        ["bad-change", "deployment", "misconfiguration"]
    );
}

#[test]
fn rc_ddos() {
    assert_eq!(
        rc("A botnet launched a DDoS attack against the login page."),
        ["attack", "security"]
    );
}

#[test]
fn rc_power_failure() {
    assert_eq!(
        rc(
            "A power outage in the data center took down the rack, and the backup generator failed to start."
        ),
        ["compute", "hardware-failure"]
    );
}

#[test]
fn rc_wrong_database_dropped() {
    assert_eq!(
        rc("An operator accidentally dropped the orders table on the wrong database."),
        ["database", "human-error"]
    );
}

#[test]
fn rc_leaked_key() {
    assert_eq!(
        rc(
            "An API key leaked in a public repository and was used to create unauthorized instances."
        ),
        ["security"]
    );
}

#[test]
fn rc_ignores_ruled_out_and_misleading_clauses() {
    let text = "The network was initially suspected. DNS was ruled out after checking the resolvers. \
                The real cause was a memory leak in the image resizer.";
    assert_eq!(rc(text), ["application", "software-bug"]);
    // A contrastive clause is cut off from the dropped hypothesis.
    assert_eq!(
        rc(
            "We first suspected the load balancer, but the cause was a typo in the nginx config file."
        ),
        ["misconfiguration", "web-server"]
    );
}

#[test]
fn rc_ignores_the_fix_and_links() {
    let text = "The web server ran out of worker connections during the campaign traffic spike.\n\
                Resolution: we added a second load balancer and more servers.\n\
                See https://github.com/example/infra/issues/12 for details.";
    assert_eq!(
        rc(text),
        ["resource-exhaustion", "traffic-surge", "web-server"]
    );
}

#[test]
fn rc_nothing_for_unrelated_text() {
    assert!(rc("Everyone went to lunch at noon.").is_empty());
    assert!(rc("").is_empty());
}

// ---- measures: every slug --------------------------------------------------------------

#[test]
fn ms_alerting_on_pool() {
    assert_eq!(
        ms("Add an alert on connection pool usage to the on-call dashboard."),
        ["incident-response", "monitoring-alerting"]
    );
}

#[test]
fn ms_load_test() {
    assert_eq!(
        ms("Run a stress test that simulates twice the Black Friday traffic before each season."),
        ["load-testing"]
    );
}

#[test]
fn ms_unit_tests_and_review() {
    assert_eq!(
        ms("Add unit tests for the coupon parser and require a code review on every pull request."),
        ["automated-testing", "code-review"]
    );
}

#[test]
fn ms_second_reviewer() {
    assert_eq!(
        ms("Require two reviewers for database migrations."),
        ["code-review"]
    );
}

#[test]
fn ms_config_lint_in_ci() {
    assert_eq!(
        ms("Lint the nginx files in CI and validate them automatically before they are merged."),
        ["automated-testing"]
    );
}

#[test]
fn ms_canary_rollout() {
    assert_eq!(
        ms("Ship schema changes through a canary rollout with a written rollback plan."),
        ["change-management"]
    );
}

#[test]
fn ms_puppet_managed_config() {
    assert_eq!(
        ms("Move the pool settings into Puppet so the configuration is versioned and audited."),
        ["configuration-management"]
    );
}

#[test]
fn ms_runbook() {
    assert_eq!(
        ms("Write a runbook for rotating the primary database."),
        ["documentation"]
    );
}

#[test]
fn ms_training() {
    assert_eq!(
        ms("Hold a workshop to train new engineers on writing efficient SQL queries."),
        ["query-optimization", "training"]
    );
}

#[test]
fn ms_autoscaling() {
    assert_eq!(
        ms("Enable autoscaling for the worker fleet and raise the file descriptor limits."),
        ["capacity-planning"]
    );
}

#[test]
fn ms_replica_and_backups() {
    assert_eq!(
        ms("Add a hot standby replica in a second region and test nightly backups."),
        ["redundancy"]
    );
}

#[test]
fn ms_caching() {
    assert_eq!(
        ms("Put the product catalogue behind a Redis cache."),
        ["caching"]
    );
}

#[test]
fn ms_indexes() {
    assert_eq!(
        ms("Add the missing indexes and rewrite the report queries."),
        ["query-optimization"]
    );
}

#[test]
fn ms_escalation() {
    assert_eq!(
        ms("Define an escalation path and a status page update cadence for major incidents."),
        ["incident-response"]
    );
}

#[test]
fn ms_circuit_breaker() {
    assert_eq!(
        ms("Wrap calls to the pricing service with retries, timeouts and a circuit breaker."),
        ["resilience"]
    );
}

#[test]
fn ms_security() {
    assert_eq!(
        ms("Rotate credentials quarterly and enforce least privilege on production hosts."),
        ["security-hardening"]
    );
}

#[test]
fn ms_nothing_for_group_labels() {
    assert!(ms("Tasks:").is_empty());
}

// ---- analysis --------------------------------------------------------------------------

#[test]
fn analyzer_stems_like_the_search_index() {
    let mut a = english_analyzer();
    assert_eq!(
        analyze::stems(&mut a, "Misconfigured Configurations, DNS-records!"),
        ["misconfigur", "configur", "dns", "record"]
    );
}

#[test]
fn clauses_split_sentences_and_contrasts_but_not_file_names() {
    let got = analyze::clauses("Fixed wp-settings.php today. It broke; however it is fine\nnow");
    assert_eq!(
        got,
        [
            "Fixed wp-settings.php today.",
            "It broke;",
            "however it is fine",
            "now"
        ]
    );
}

// ---- file format, errors and merging ---------------------------------------------------

const SITE: &str = r#"
[[root_cause]]
slug = "database"
extend = true
phrases = ["ledgerdb"]

[[root_cause]]
slug = "cache"
name = "Caches"
phrases = ["kv store"]

[[root_cause]]
slug = "quantum"
name = "Quantum flux"
facet = "component"
description = "Made-up category for the test."
phrases = ["flux capacitor|capacitors~1^2"]

[[measure]]
slug = "chaos"
name = "Chaos engineering"
phrases = ["game day"]
"#;

#[test]
fn merge_extends_replaces_and_appends() {
    let site = Taxonomy::from_toml(SITE).unwrap();
    let t = Taxonomy::builtin().merge(site);
    // extended: old phrases still work, new one added; other fields kept.
    assert_eq!(t.root_cause("database").unwrap().name, "Database");
    assert_eq!(t.classify_root_cause("ledgerdb fell over"), ["database"]);
    assert_eq!(t.classify_root_cause("postgres fell over"), ["database"]);
    // replaced: new phrases only, name replaced, facet kept.
    let cache = t.root_cause("cache").unwrap();
    assert_eq!(
        (cache.name.as_str(), cache.facet),
        ("Caches", Facet::Component)
    );
    assert_eq!(t.classify_root_cause("the kv store fell over"), ["cache"]);
    assert!(t.classify_root_cause("memcached fell over").is_empty());
    // appended, with a weighted slop phrase.
    assert_eq!(t.root_causes.last().unwrap().slug, "quantum");
    assert_eq!(
        t.classify_root_cause("the flux old capacitors melted"),
        ["quantum"]
    );
    assert_eq!(t.measures.last().unwrap().facet, Facet::Measure);
    assert_eq!(
        t.classify_measure("hold a game day"),
        ["chaos", "incident-response"]
    );
}

#[test]
fn threshold_and_weights_combine() {
    let t = Taxonomy::from_toml(
        r#"
[[measure]]
slug = "pair"
threshold = 1.5
phrases = ["alpha", "beta^0.5", "gamma*"]
negative = ["not alpha"]
"#,
    )
    .unwrap();
    assert!(t.classify_measure("alpha only").is_empty());
    assert_eq!(t.classify_measure("alpha and beta"), ["pair"]);
    assert_eq!(t.classify_measure("alpha and gammaray"), ["pair"]);
    assert!(t.classify_measure("not alpha. beta, gammaray? no").len() == 1);
    assert!(t.classify_measure("not alpha and beta").is_empty());
}

#[test]
fn errors_name_the_category_and_phrase() {
    let err = |text: &str| Taxonomy::from_toml(text).unwrap_err().to_string();
    let e = err("[[root_cause]]\nslug = \"db\"\nphrases = [\"sql^lots\"]\n");
    assert!(e.contains("\"db\"") && e.contains("sql^lots"), "{e}");
    let e = err("[[root_cause]]\nslug = \"db\"\nphrases = [\"a|b-c\"]\n");
    assert!(e.contains("b-c") && e.contains("one word"), "{e}");
    let e = err("[[root_cause]]\nslug = \"db\"\nphrases = [\"  ~2\"]\n");
    assert!(e.contains("no words"), "{e}");
    let e = err("[[measure]]\nslug = \"x\"\n[[measure]]\nslug = \"x\"\n");
    assert!(e.contains("defined twice") && e.contains("\"x\""), "{e}");
    let e = err("[[measure]]\nslug = \"x\"\nfacet = \"component\"\n");
    assert!(e.contains("facet") && e.contains("\"x\""), "{e}");
    let e = err("[[root_cause]]\nslug = \"Bad Slug\"\n");
    assert!(e.contains("Bad Slug"), "{e}");
    let e = err("[[root_cause]]\nslug = \"x\"\nthreshold = -1.0\n");
    assert!(e.contains("threshold"), "{e}");
    let e = err("[[root_cause]]\nslug = \"x\"\nphrasez = []\n");
    assert!(e.contains("phrasez"), "{e}");
}

// ---- root causes: stem traps and vocabulary added while tuning --------------------------

#[test]
fn rc_short_stems_do_not_match_longer_prefixes() {
    // "missing" stems to "miss", which must not count as a cut-down "misspel*" (typo).
    assert_eq!(
        rc("A failing hard drive left the main configuration file missing."),
        ["hardware-failure", "storage"]
    );
}

#[test]
fn rc_kubernetes_alone_is_compute() {
    assert_eq!(
        rc("The Kubernetes cluster ran out of IP addresses for new pods."),
        ["compute", "network", "resource-exhaustion"]
    );
}

#[test]
fn rc_scheduled_and_powered_are_not_compute() {
    assert!(rc("The release was scheduled for a quiet evening.").is_empty());
    assert!(rc("The response header says the site is powered by PHP.").is_empty());
}

#[test]
fn rc_power_surge_is_compute_hardware() {
    assert_eq!(
        rc("A surge in power when the mains came back damaged the UPS units."),
        ["compute", "hardware-failure"]
    );
}

#[test]
fn rc_provided_is_not_a_provider() {
    assert_eq!(
        rc("A bug in this code ignored the value provided by the client."),
        ["application", "software-bug"]
    );
}

#[test]
fn rc_certificate_on_a_load_balancer_is_not_the_load_balancer() {
    assert_eq!(
        rc("An expired TLS certificate on the load balancer made every HTTPS request fail."),
        ["certificate", "expiry"]
    );
}

#[test]
fn rc_nginx_as_reverse_proxy_is_the_web_server() {
    assert_eq!(
        rc("A misconfigured nginx acting as a reverse proxy stripped the request headers."),
        ["misconfiguration", "web-server"]
    );
}

#[test]
fn rc_escalation_and_cdn_are_not_network() {
    assert!(rc("We escalated the incident to the network team.").is_empty());
    assert!(rc("The outage was escalated to the networking engineers.").is_empty());
    assert_eq!(
        rc("An attacker used a privilege escalation to the admin role."),
        ["attack", "security"]
    );
    assert_eq!(
        rc("The content delivery network served stale pages."),
        ["cache"]
    );
}

#[test]
fn rc_replication_needs_a_database_context() {
    assert!(rc("The same warning was replicated on every page.").is_empty());
    assert_eq!(
        rc("Replication lag on the reporting database grew to an hour."),
        ["database"]
    );
}

#[test]
fn rc_modified_configuration_is_a_misconfiguration() {
    assert_eq!(
        rc("A recent release modified the connection pool configuration."),
        ["bad-change", "database", "misconfiguration"]
    );
}

#[test]
fn rc_lingering_privileges_are_security() {
    assert_eq!(
        rc("A security concern: team privileges persisted after members left the organisation."),
        ["security"]
    );
}

#[test]
fn multi_word_alternatives_are_separate_phrases() {
    assert_eq!(
        rc("A bug in the front end hid the checkout button."),
        ["application", "software-bug"]
    );
    assert_eq!(
        ms("Run the service across multiple availability zones."),
        ["redundancy"]
    );
    assert_eq!(
        ms("Check the status of the replication job every hour."),
        ["monitoring-alerting", "redundancy"]
    );
}

#[test]
fn rc_traffic_piled_on_one_server_is_not_a_surge() {
    assert_eq!(
        rc("The load balancer sent heavy traffic to a single server while the others idled."),
        ["load-balancer"]
    );
}

#[test]
fn rc_version_incompatibility_alone_is_not_a_bug() {
    assert_eq!(
        rc("After the upgrade, a version incompatibility stopped the agent."),
        ["bad-change"]
    );
}

#[test]
fn rc_pushed_up_is_not_a_push() {
    assert_eq!(
        rc("The backlog pushed disk usage up to 90 percent."),
        ["resource-exhaustion", "storage"]
    );
}

#[test]
fn one_ambiguous_word_does_not_make_a_measure_category() {
    // Issue 13: "audit", "backup", "staging", "patch" alone say too little.
    assert_eq!(
        ms("Audit the on-call rotation so that every engineer has a named backup."),
        ["incident-response"]
    );
    assert!(
        !ms("Patch the checkout bug before the sale.").contains(&"security-hardening".to_string())
    );
    assert!(!ms("Staging will get its own dashboard.").contains(&"change-management".to_string()));
    // With what they are about, they still count.
    assert!(ms("Take nightly backups of the orders database.").contains(&"redundancy".to_string()));
    assert!(
        ms("Audit the configuration of every proxy.")
            .contains(&"configuration-management".to_string())
    );
    assert!(
        ms("Test every schema change in staging first.").contains(&"change-management".to_string())
    );
    assert!(
        ms("Patch the kernel on all hosts for the new CVE.")
            .contains(&"security-hardening".to_string())
    );
}

#[test]
fn validators_and_test_networks_are_not_automated_testing() {
    let automated = "automated-testing".to_string();
    assert!(!ms("Move the validator signing key to a freshly built node.").contains(&automated));
    assert!(!ms("Restore the accounts on the test network.").contains(&automated));
    assert!(ms("Validate the node configuration in CI before each release.").contains(&automated));
    assert!(ms("Add tests for the account export.").contains(&automated));
}

#[test]
fn words_that_name_something_else_in_a_measure() {
    let has = |text: &str, slug: &str| ms(text).contains(&slug.to_string());
    // A record in a log, a service brought back up, a staging copy mirroring production,
    // hosts isolated from a network, canary testing.
    assert!(!has(
        "Logged and triaged the regressions for later.",
        "monitoring-alerting"
    ));
    assert!(has("Add logging of slow requests.", "monitoring-alerting"));
    assert!(!has(
        "A manual switch so we can bring the flags back up quickly.",
        "redundancy"
    ));
    assert!(has("Back up the database every night.", "redundancy"));
    assert!(!has(
        "We need a staging site that mirrors production.",
        "redundancy"
    ));
    assert!(!has(
        "Isolate the validators from the public network with a firewall.",
        "resilience"
    ));
    assert!(has(
        "Isolate failures of the search service from checkout.",
        "resilience"
    ));
    assert!(!has(
        "Canary-node testing of new binaries before a rollout.",
        "automated-testing"
    ));
    assert!(has(
        "Canary-node testing of new binaries before a rollout.",
        "change-management"
    ));
}

#[test]
fn how_changes_are_made_and_described() {
    let has = |text: &str, slug: &str| ms(text).contains(&slug.to_string());
    assert!(has(
        "Read the vendor's release notes before upgrading the ingress add-on.",
        "change-management"
    ));
    assert!(has(
        "Ship smaller, more frequent changes to the portal.",
        "change-management"
    ));
    let steps = "Describe the process for deploying a hot fix during an incident.";
    for slug in ["change-management", "documentation", "incident-response"] {
        assert!(has(steps, slug), "{slug}: {:?}", ms(steps));
    }
    assert!(!has("Make the search page faster.", "change-management"));
}

#[test]
fn a_release_that_shipped_the_defect_is_a_bad_change() {
    assert!(
        rc("A release on Tuesday shipped a function that divided by zero.")
            .contains(&"bad-change".to_string())
    );
    assert!(
        !rc("The function divided by zero when a cart was empty.")
            .contains(&"bad-change".to_string())
    );
}

#[test]
fn backups_audits_and_staging_with_their_object() {
    assert!(
        ms("Write a backup script that renews the token if the cron job fails.")
            .contains(&"redundancy".to_string())
    );
    assert!(
        ms("We will audit the running instances against the sizing guide.")
            .contains(&"configuration-management".to_string())
    );
    assert!(
        ms("Smoke-test each PR once it is merged to staging.")
            .contains(&"change-management".to_string())
    );
}

/// Whether `slug` is among the root causes of `text`.
fn rc_has(text: &str, slug: &str) -> bool {
    rc(text).iter().any(|s| s == slug)
}

#[test]
fn network_alone_names_no_network_fault() {
    // A blockchain, a social network: the word alone is not connectivity.
    assert!(!rc_has(
        "Validators on the network stopped producing blocks.",
        "network"
    ));
    assert!(rc_has(
        "A network partition split the two data centres.",
        "network"
    ));
    assert!(rc_has(
        "We lost network connectivity to the rack.",
        "network"
    ));
}

#[test]
fn a_provider_named_by_a_common_word_is_matched_as_written() {
    // "Fastly" stems like "fast": only the name as written is the CDN provider.
    assert!(!rc_has(
        "Fast retries queued up behind the slow writes.",
        "third-party"
    ));
    assert!(rc_has(
        "Fastly served errors from every edge.",
        "third-party"
    ));
}

#[test]
fn hammering_our_own_service_is_no_attack() {
    let got = rc("Every client retried at once and we effectively DDoSed ourselves.");
    assert!(!got.contains(&"attack".to_string()), "{got:?}");
    assert!(!got.contains(&"security".to_string()), "{got:?}");
    assert!(rc_has("A botnet attacked the login page.", "attack"));
}

#[test]
fn services_inside_a_provider_outage_are_the_provider() {
    let got =
        rc("An outage in AWS services, including DynamoDB and Route 53, stopped our image pulls.");
    assert!(got.contains(&"third-party".to_string()), "{got:?}");
    assert!(!got.contains(&"database".to_string()), "{got:?}");
    assert!(!got.contains(&"dns".to_string()), "{got:?}");
    assert!(rc_has(
        "Our DynamoDB table ran out of write capacity.",
        "database"
    ));
}

#[test]
fn a_bug_named_without_its_place_is_in_the_application() {
    // No component named: the defect is in the team's own code.
    let got = rc("Several bugs in the mempool logic stalled block creation.");
    assert!(got.contains(&"software-bug".to_string()), "{got:?}");
    assert!(got.contains(&"application".to_string()), "{got:?}");
    // A component named: the bug is that component's, not the application's.
    let got = rc("A bug in nginx dropped keep-alive connections.");
    assert!(got.contains(&"web-server".to_string()), "{got:?}");
    assert!(!got.contains(&"application".to_string()), "{got:?}");
}

#[test]
fn build_jobs_and_release_artifacts_are_the_deployment_tooling() {
    assert!(rc_has(
        "The CI job that publishes the docs stalled after the branch rename.",
        "deployment"
    ));
    assert!(rc_has(
        "The release binary was built without the required patch.",
        "deployment"
    ));
    assert!(!rc_has(
        "The checkout page threw an exception.",
        "deployment"
    ));
}

#[test]
fn a_person_acting_by_mistake_is_human_error() {
    assert!(rc_has(
        "An engineer unintentionally deleted the production namespace.",
        "human-error"
    ));
    assert!(rc_has(
        "A manual overwrite of the user table.",
        "human-error"
    ));
    assert!(!rc_has(
        "The change had an unintended side effect on the cache.",
        "human-error"
    ));
}

#[test]
fn a_resource_leak_exhausts_resources() {
    assert!(rc_has(
        "A resource leak in the spawner made the hub unresponsive.",
        "resource-exhaustion"
    ));
}

#[test]
fn a_throughput_jump_is_a_traffic_surge() {
    assert!(rc_has(
        "Write throughput jumped tenfold within fifteen minutes.",
        "traffic-surge"
    ));
}

#[test]
fn renaming_is_a_change_and_passenger_an_app_server() {
    assert!(rc_has(
        "The change that broke the publish job was renaming the default branch.",
        "bad-change"
    ));
    assert!(rc_has(
        "Passenger loaded the system gems instead of the bundled ones.",
        "web-server"
    ));
}

#[test]
fn why_the_response_was_slow_is_not_the_cause() {
    assert!(!rc_has(
        "The delay in incident response was due to a misconfigured pager app.",
        "misconfiguration"
    ));
    assert!(rc_has(
        "A misconfigured pool size caused the outage.",
        "misconfiguration"
    ));
}

#[test]
fn transaction_id_wraparound_is_a_limit_hit() {
    assert!(rc_has(
        "Postgres stopped accepting writes to protect against transaction ID wraparound.",
        "resource-exhaustion"
    ));
}
