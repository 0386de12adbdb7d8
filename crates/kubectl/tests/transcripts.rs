//! kubectl behaviour as transcript files: `tests/transcripts/*.txt`.
//!
//! A transcript is a list of `$ <command line>` lines, each followed by what a terminal shows:
//! stdout lines as they are, stderr lines prefixed with `! ` (or a lone `!` for an empty one),
//! and `? <code>` when the exit status is not 0. Lines starting with `#` before the first
//! command are comments. A file whose comments include `oracle: kubectl` holds only commands
//! that the real kubectl answers without a server; when `KUBECTL_ORACLE` names a real kubectl
//! binary, each of those commands is also run there and must print the same.
//!
//! Each step runs through `kubectl::Shell::run`, as the playground's prompt runs it, so a step
//! may use the shell's files and programs (`ls`, `cat`, `rm`, `mkdir`, `echo`), redirections
//! (`> f`, `>> f`, `2>&1`) and heredocs. A step whose `$ ` line opens a heredoc (`<<EOF`,
//! `<<'EOF'`, `<<-EOF`) holds the lines after it up to and including the terminator line
//! (`EOF`); its expected output starts after the terminator. A `$ ` line ending in a backslash
//! continues on the next line, as in a shell.
//!
//! A `$ sleep <duration>` line (`sleep 30`, `sleep 30s`, `sleep 2m`, `sleep 1h`) prints nothing
//! and moves the simulated cluster's virtual clock forward with `Cluster::advance`, so
//! transcripts can show AGE columns and pods becoming Running; it may not appear in oracle
//! transcripts. Every transcript starts from a fresh `sim::Cluster::default()` and no files.
//!
//! In oracle transcripts every step (kubectl lines, and shell lines that write or list files)
//! runs in `bash -c` in a fresh scratch folder per transcript, with `kubectl` on the PATH being
//! the real one: so the expected text of `cat`, `ls` and friends is checked against GNU
//! coreutils too.
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

/// The terminator of a heredoc the line opens, and whether it strips leading tabs.
fn heredoc(line: &str) -> Option<(String, bool)> {
    let at = line.find("<<")?;
    let rest = &line[at + 2..];
    let (strip, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let word: String = rest
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '<' | ';' | '|'))
        .filter(|c| !matches!(c, '\'' | '"'))
        .collect();
    (!word.is_empty()).then_some((word, strip))
}

fn parse(text: &str) -> Transcript {
    let mut header = String::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut open: Option<(String, bool)> = None;
    let mut continued = false;
    for line in text.split_inclusive('\n') {
        if continued {
            let step = steps.last_mut().unwrap();
            step.line.push('\n');
            step.line.push_str(line.trim_end_matches('\n'));
            continued = line.trim_end_matches('\n').ends_with('\\');
            if !continued {
                open = heredoc(&step.line);
            }
        } else if let Some((delimiter, strip)) = &open {
            let step = steps.last_mut().unwrap();
            step.line.push('\n');
            step.line.push_str(line.trim_end_matches('\n'));
            let bare = line.trim_end_matches('\n');
            let bare = if *strip {
                bare.trim_start_matches('\t')
            } else {
                bare
            };
            if bare == delimiter {
                open = None;
            }
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            let cmd = cmd.trim_end_matches('\n').to_string();
            continued = cmd.ends_with('\\');
            open = if continued { None } else { heredoc(&cmd) };
            steps.push(Step {
                line: cmd,
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
        let mut shell = kubectl::Shell::default();
        let mut blessed = transcript.header.clone();
        for step in &transcript.steps {
            let out = shell.run(&step.line);
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

/// Runs a step in bash, in `dir`, with the real kubectl first on the PATH and no reachable
/// server (an empty kubeconfig, no network).
fn real_shell(binary: &str, dir: &Path, bin: &Path, line: &str) -> String {
    assert!(
        !line.starts_with("sleep"),
        "oracle transcripts may not sleep"
    );
    let scratch = std::env::temp_dir().join("timonel-oracle-kubeconfig");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let _ = binary;
    let out = Command::new("bash")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .env("KUBECONFIG", &scratch)
        .env("LC_ALL", "C.UTF-8")
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
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let root = std::env::temp_dir().join(format!("timonel-oracle-{stem}"));
        let _ = fs::remove_dir_all(&root);
        let dir = root.join("files");
        let bin = root.join("bin");
        fs::create_dir_all(&dir).unwrap();
        fs::create_dir_all(&bin).unwrap();
        let real = fs::canonicalize(&binary).unwrap_or_else(|_| PathBuf::from(&binary));
        #[cfg(unix)]
        std::os::unix::fs::symlink(&real, bin.join("kubectl")).unwrap();
        for step in &transcript.steps {
            let real = real_shell(&binary, &dir, &bin, &step.line);
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
