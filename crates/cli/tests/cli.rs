//! The `timonel` binary as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

fn timonel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_timonel"))
}

#[test]
fn version_names_timonel_and_the_simulated_kubernetes() {
    let out = timonel().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "timonel {} (Kubernetes v1.36.4)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn help_explains_the_prompt() {
    let out = timonel().arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("timonel --version")
    );
}

#[test]
fn an_unknown_argument_is_a_usage_error() {
    let out = timonel().arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("timonel --help")
    );
}

#[test]
fn a_piped_script_with_a_heredoc_writes_a_file_and_applies_it() {
    let mut child = timonel()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"cat <<EOF > ns.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\nEOF\nkubectl apply -f ns.yaml\nkubectl get ns team-a -o name\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "namespace/team-a created\nnamespace/team-a\n"
    );
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
}

#[test]
fn the_prompt_runs_kubectl_lines_from_stdin() {
    let mut child = timonel()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"kubectl version\nkubectl versoin\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Client Version: v1.36.4\nKustomize Version: v5.8.1\nServer Version: v1.36.4\n"
    );
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("error: unknown command \"versoin\" for \"kubectl\"")
    );
}
