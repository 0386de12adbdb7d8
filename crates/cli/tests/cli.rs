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

/// A scratch folder for one test, emptied first.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("timonel-cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn run_prints_what_a_terminal_shows_and_sleep_moves_the_clock() {
    let dir = scratch("run");
    let script = dir.join("lesson.sh");
    std::fs::write(
        &script,
        "# A lesson\nkubectl create deployment web --image=nginx --replicas=2\nsleep 2m\nkubectl get deploy web\nkubectl get pods --no-headers | wc -l\nkubectl get nope\n",
    )
    .unwrap();
    let out = timonel().arg("run").arg(&script).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a failing command does not fail the run"
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "deployment.apps/web created\nNAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/2     2            2           2m\n2\n"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: the server doesn't have a resource type \"nope\"\n"
    );
}

#[test]
fn run_json_prints_one_object_per_command_with_the_simulated_time() {
    let mut child = timonel()
        .args(["run", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"kubectl get ns default -o name\nsleep 30\nkubectl get ns missing\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["line"], "kubectl get ns default -o name");
    assert_eq!(lines[0]["stdout"], "namespace/default\n");
    assert_eq!(lines[0]["exit_code"], 0);
    assert_eq!(lines[1]["line"], "sleep 30");
    let before = lines[0]["sim_time"].as_str().unwrap().to_string();
    let after = lines[1]["sim_time"].as_str().unwrap().to_string();
    assert!(after > before, "{before} then {after}");
    assert_eq!(
        lines[2]["stderr"],
        "Error from server (NotFound): namespaces \"missing\" not found\n"
    );
    assert_eq!(lines[2]["exit_code"], 1);
}

#[test]
fn run_reads_files_named_with_f_from_the_scripts_folder() {
    let dir = scratch("files");
    std::fs::create_dir_all(dir.join("manifests")).unwrap();
    std::fs::write(
        dir.join("manifests/ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("lesson.sh"),
        "kubectl apply -f manifests/ns.yaml\nkubectl apply -f manifests\n",
    )
    .unwrap();
    let out = timonel()
        .arg("run")
        .arg(dir.join("lesson.sh"))
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "namespace/team-a created\nnamespace/team-a unchanged\n"
    );
}

#[test]
fn the_seed_decides_generated_names_and_the_same_seed_repeats_them() {
    let names = |seed: &str| {
        let mut child = timonel()
            .args(["run", "--seed", seed, "--workers", "3", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"kubectl create deployment web --image=nginx -o name\nkubectl get pods -l app=web -o name\nkubectl get nodes -o name\n")
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    let a = names("7");
    assert_eq!(a, names("7"));
    assert_ne!(a, names("8"));
    assert!(a.ends_with("node/timonel-worker3\n"), "{a}");
}

#[test]
fn an_unreadable_script_is_the_only_failure() {
    let out = timonel()
        .args(["run", "/nonexistent/lesson.sh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("timonel: cannot read /nonexistent/lesson.sh:")
    );
    let out = timonel().args(["run"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = timonel().args(["--seed", "x"]).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "timonel: --seed must be a whole number, not \"x\"\nRun 'timonel --help' for usage.\n"
    );
}
