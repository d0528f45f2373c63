//! `pmkb init` and `pmkb new`: the scaffold builds and publishes, the new postmortem
//! passes `pmkb check`, extracts once filled in, and nothing is ever overwritten.

use std::path::Path;

use crate::support::pmkb_in;

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every `uses:` of every step of every job of a workflow.
fn actions_used(workflow: &serde_json::Value) -> Vec<String> {
    workflow["jobs"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|job| job["steps"].as_array().unwrap())
        .filter_map(|step| step["uses"].as_str())
        .map(|uses| uses.split('@').next().unwrap().to_owned())
        .collect()
}

/// Every `run:` of every step of the job `name`.
fn commands(workflow: &serde_json::Value, name: &str) -> Vec<String> {
    workflow["jobs"][name]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|step| step["run"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn init_writes_a_site_that_builds_and_a_workflow_that_publishes_it() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    ok(&pmkb_in(dir.path(), &["init", "kb"]));
    for file in ["pmkb.toml", ".gitignore", ".github/workflows/pages.yml"] {
        assert!(kb.join(file).is_file(), "{file}");
    }
    let gitignore = std::fs::read_to_string(kb.join(".gitignore")).unwrap();
    assert!(gitignore.contains("/public/") && gitignore.contains("/.pmkb/"));

    ok(&pmkb_in(&kb, &["check"]));
    ok(&pmkb_in(
        &kb,
        &["build", "--base-url", "https://org.github.io/kb/"],
    ));
    assert!(kb.join("public/.nojekyll").is_file());
    let home = std::fs::read_to_string(kb.join("public/index.html")).unwrap();
    assert!(
        home.contains("postmortems/2024-05-21-orders-db-primary-hardware-failure/"),
        "the example postmortem is listed"
    );

    let text = std::fs::read_to_string(kb.join(".github/workflows/pages.yml")).unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let used = actions_used(&workflow);
    for action in [
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ] {
        assert!(used.iter().any(|u| u == action), "{action} in {used:?}");
    }
    let build = commands(&workflow, "build");
    let check = build.iter().position(|c| c.starts_with("pmkb check"));
    let publish = build
        .iter()
        .position(|c| c.starts_with("pmkb build --base-url"));
    assert!(check.is_some() && check < publish, "{build:?}");
    assert_eq!(
        workflow["env"]["PMKB_VERSION"],
        pmkb::VERSION,
        "a pinned pmkb"
    );
    assert!(
        build
            .iter()
            .any(|c| c.contains("cargo install pmkb --version \"=$PMKB_VERSION\" --locked")),
        "{build:?}"
    );
    assert!(commands(&workflow, "review").contains(&"pmkb check --format github".to_owned()));
    assert_eq!(
        workflow["jobs"]["review"]["if"],
        "github.event_name == 'pull_request'"
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_unless_forced_and_keeps_its_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pmkb.toml"), "title = \"Ours\"\n").unwrap();
    let out = pmkb_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert!(!dir.path().join("content").exists(), "nothing written");

    let stdout = ok(&pmkb_in(dir.path(), &["init", "--force"]));
    assert!(stdout.contains("kept"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pmkb.toml")).unwrap(),
        "title = \"Ours\"\n"
    );
    assert!(dir.path().join(".github/workflows/pages.yml").is_file());
}

/// The template filled in the way an author would: a value after each summary label,
/// rows under the timeline and action-item table headers.
fn fill_in(text: &str) -> String {
    let mut tables = [
        "| 2026-03-01 | 09:10 | Checkout errors paged the on-call engineer. |\n\
         | 2026-03-01 | 09:15 | The on-call engineer started investigating. |\n\
         | 2026-03-01 | 09:50 | The pool size change was found. |\n\
         | 2026-03-01 | 10:40 | The deploy was rolled back and payments recovered. |",
        "| Add an alert on database connection saturation. | payments | open |\n\
         | Load-test pool size changes before deploying them. | payments | open |",
    ]
    .into_iter();
    text.replace("draft: true", "draft: false")
        .lines()
        .map(|line| match line {
            l if l.starts_with("- **Duration:**") => {
                "- **Duration:** 09:10 – 10:40 UTC (1 hour 30 minutes)".to_owned()
            }
            l if l.starts_with("- **Impact:**") => {
                "- **Impact:** about 30% of users could not pay.".to_owned()
            }
            l if l.starts_with("- **Root cause:**") => "- **Root cause:** The payments database \
                ran out of connections after a deploy doubled the pool size of every worker."
                .to_owned(),
            l if l.starts_with("|---") => format!("{l}\n{}", tables.next().unwrap()),
            l => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The export record of the one postmortem in `dir`, after `check_args` passed on it.
fn checked_record(dir: &Path, check_args: &[&str]) -> serde_json::Value {
    let out = pmkb_in(dir, check_args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: serde_json::Value = serde_json::from_str(&ok(&pmkb_in(dir, &["export"]))).unwrap();
    records[0].clone()
}

#[test]
fn new_writes_a_postmortem_that_check_accepts_and_never_overwrites_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    let args = ["new", "Payments: 502s after deploy", "--date", "2026-03-01"];
    let stdout = ok(&pmkb_in(dir.path(), &args));
    let path = dir
        .path()
        .join("content/2026-03-01-payments-502s-after-deploy.md");
    assert_eq!(Path::new(stdout.trim()), path);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("---\ntitle: \"Payments: 502s after deploy\"\ndate: 2026-03-01\n"));
    for key in ["timezone:", "severity:", "services:", "draft: true"] {
        assert!(text.contains(key), "{key}");
    }
    // `check` reads drafts: the new file is counted, and what it lacks is listed.
    let out = pmkb_in(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("checked 1 postmortem (1 draft):"),
        "{stderr}"
    );
    assert!(stderr.contains("no duration found"), "{stderr}");

    // Never overwrites: the error names the file, which is left as it was.
    let out = pmkb_in(dir.path(), &args);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2026-03-01-payments-502s-after-deploy.md"),
        "{stderr}"
    );
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    // Published as written, it has no errors and its guidance is no fact: nothing is
    // read from the comments, so the export is empty where the author wrote nothing.
    std::fs::write(&path, text.replace("draft: true", "draft: false")).unwrap();
    let record = checked_record(dir.path(), &["check"]);
    for field in ["duration_minutes", "users_affected_pct", "root_cause"] {
        assert!(record[field].is_null(), "{field}: {}", record[field]);
    }
    assert_eq!(record["timeline"], serde_json::json!([]));
    assert_eq!(record["measures"], serde_json::json!([]));
    std::fs::write(&path, fill_in(&text)).unwrap();
    let record = checked_record(dir.path(), &["check", "--strict"]);
    assert_eq!(record["title"], "Payments: 502s after deploy");
    assert_eq!(record["started_at"], "2026-03-01T09:10");
    assert_eq!(record["duration_minutes"], 90);
    assert_eq!(record["timezone"], "UTC");
    assert_eq!(record["users_affected_pct"], 30);
    assert_eq!(record["timeline"].as_array().unwrap().len(), 4);
    assert_eq!(record["measures"].as_array().unwrap().len(), 2);
}

#[test]
fn a_site_template_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("theme/scaffold")).unwrap();
    std::fs::write(
        dir.path().join("theme/scaffold/postmortem.md"),
        "---\ntitle: {{title_quoted}}\n---\n# {{title}} on {{date}}\n",
    )
    .unwrap();
    ok(&pmkb_in(
        dir.path(),
        &["new", "DNS \"zone\" gone", "--date", "2025-01-02"],
    ));
    let text =
        std::fs::read_to_string(dir.path().join("content/2025-01-02-dns-zone-gone.md")).unwrap();
    assert_eq!(
        text,
        "---\ntitle: \"DNS \\\"zone\\\" gone\"\n---\n# DNS \"zone\" gone on 2025-01-02\n"
    );
}
