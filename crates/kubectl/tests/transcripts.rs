//! kubectl behaviour as transcript files: `tests/transcripts/*.txt`.
//!
//! A transcript is a list of `$ <command line>` lines, each followed by what a terminal shows:
//! stdout lines as they are, stderr lines prefixed with `! ` (or a lone `!` for an empty one),
//! and `? <code>` when the exit status is not 0. Lines starting with `#` before the first
//! command are comments. A file whose comments include `oracle: kubectl` holds only commands
//! that the real kubectl answers without a server; when `KUBECTL_ORACLE` names a real kubectl
//! binary, each of those commands is also run there and must print the same.
//!
//! A `$ sleep <duration>` line (`sleep 30`, `sleep 30s`, `sleep 2m`, `sleep 1h`) prints nothing
//! and moves the simulated cluster's virtual clock forward with `Cluster::advance`, so
//! transcripts can show AGE columns and pods becoming Running; it may not appear in oracle
//! transcripts. Every transcript starts from a fresh `sim::Cluster::default()`.
//!
//! `TIMONEL_BLESS=1 cargo test -p timonel-kubectl --test transcripts` rewrites the expected text
//! from Timonel's output; read the diff before committing it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Step {
    line: String,
    expected: String,
}

struct Transcript {
    header: String,
    steps: Vec<Step>,
}

fn parse(text: &str) -> Transcript {
    let mut header = String::new();
    let mut steps: Vec<Step> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(cmd) = line.strip_prefix("$ ") {
            steps.push(Step {
                line: cmd.trim_end_matches('\n').to_string(),
                expected: String::new(),
            });
        } else if let Some(step) = steps.last_mut() {
            step.expected.push_str(line);
        } else {
            header.push_str(line);
        }
    }
    Transcript { header, steps }
}

/// Renders a run the way transcripts record it.
fn render(stdout: &str, stderr: &str, code: i32) -> String {
    let mut out = String::from(stdout);
    for line in stderr.lines() {
        out.push_str(if line.is_empty() { "!" } else { "! " });
        out.push_str(line);
        out.push('\n');
    }
    if code != 0 {
        out.push_str(&format!("? {code}\n"));
    }
    out
}

fn transcript_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no transcripts found");
    files
}

#[test]
fn transcripts_match_what_timonel_prints() {
    let bless = std::env::var_os("TIMONEL_BLESS").is_some();
    let mut failures = Vec::new();
    for path in transcript_files() {
        let transcript = parse(&fs::read_to_string(&path).unwrap());
        let mut cluster = sim::Cluster::default();
        let mut blessed = transcript.header.clone();
        for step in &transcript.steps {
            let out = match sleep_duration(&step.line) {
                Some(d) => {
                    cluster.advance(d);
                    kubectl::Output::default()
                }
                None => kubectl::run_line(&mut cluster, &step.line),
            };
            let actual = render(&out.stdout, &out.stderr, out.exit_code);
            blessed.push_str(&format!("$ {}\n{actual}", step.line));
            if actual != step.expected {
                failures.push(format!(
                    "{}: $ {}\n--- expected\n{}--- actual\n{}",
                    path.display(),
                    step.line,
                    step.expected,
                    actual
                ));
            }
        }
        if bless {
            fs::write(&path, blessed).unwrap();
        }
    }
    if !bless {
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

/// `sleep 30`, `sleep 30s`, `sleep 2m`, `sleep 1h`: how far to move the virtual clock.
fn sleep_duration(line: &str) -> Option<sim::Duration> {
    let arg = line.strip_prefix("sleep ")?.trim();
    let (digits, unit) = match arg.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => arg.split_at(i),
        None => (arg, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    let seconds = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return None,
    };
    Some(sim::Duration::seconds(seconds))
}

/// Runs the real kubectl with no reachable server (an empty kubeconfig, no network).
fn real_kubectl(binary: &str, line: &str) -> String {
    let words = kubectl::split_words(line).unwrap();
    assert_eq!(
        words[0], "kubectl",
        "oracle transcripts hold only kubectl lines"
    );
    let scratch = std::env::temp_dir().join("timonel-oracle-kubeconfig");
    let out = Command::new(binary)
        .args(&words[1..])
        .env("KUBECONFIG", &scratch)
        .env_remove("KUBERC")
        .output()
        .unwrap();
    render(
        &String::from_utf8_lossy(&out.stdout),
        &String::from_utf8_lossy(&out.stderr),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn oracle_transcripts_match_the_real_kubectl() {
    let Ok(binary) = std::env::var("KUBECTL_ORACLE") else {
        eprintln!("KUBECTL_ORACLE is not set: not comparing with the real kubectl");
        return;
    };
    let mut compared = 0;
    let mut failures = Vec::new();
    for path in transcript_files() {
        let transcript = parse(&fs::read_to_string(&path).unwrap());
        if !transcript.header.contains("oracle: kubectl") {
            continue;
        }
        for step in &transcript.steps {
            let real = real_kubectl(&binary, &step.line);
            compared += 1;
            if real != step.expected {
                failures.push(format!(
                    "{}: $ {}\n--- transcript\n{}--- real kubectl\n{}",
                    path.display(),
                    step.line,
                    step.expected,
                    real
                ));
            }
        }
    }
    assert!(compared > 0, "no oracle transcripts");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
