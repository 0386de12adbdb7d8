//! `kubectl edit` driven step by step (`Shell::run_edit`), as the web page drives it: the
//! editor's text comes back while the edit waits, and each answer runs the line again.

use kubectl::{Answer, EditRun, Shell};

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

fn shell_with_web() -> Shell {
    let mut shell = Shell::default();
    shell.run("kubectl create deployment web --image=nginx");
    shell
}

fn waiting(run: EditRun) -> String {
    match run {
        EditRun::Waiting(text) => text,
        EditRun::Done(steps) => panic!("the edit finished: {steps:?}"),
    }
}

fn done(run: EditRun) -> Vec<kubectl::Step> {
    match run {
        EditRun::Done(steps) => steps,
        EditRun::Waiting(text) => panic!("the edit still waits on:\n{text}"),
    }
}

#[test]
fn an_edit_waits_with_kubectls_file_and_changes_nothing_meanwhile() {
    let mut shell = shell_with_web();
    let before = shell.cluster.snapshot().to_string();
    let text = waiting(shell.run_edit("kubectl edit deployment web", &[]));
    assert!(text.starts_with(&format!(
        "{HEADER}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
    )));
    assert!(text.contains("  replicas: 1\n"));
    assert_eq!(shell.cluster.snapshot().to_string(), before);
}

#[test]
fn a_saved_change_finishes_the_edit_with_kubectls_line() {
    let mut shell = shell_with_web();
    let text = waiting(shell.run_edit("kubectl edit deploy/web", &[]));
    let saved = text.replace("  replicas: 1\n", "  replicas: 3\n");
    let steps = done(shell.run_edit("kubectl edit deploy/web", &[Answer::Save(saved)]));
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].command, "kubectl edit deploy/web");
    assert_eq!(steps[0].output.stdout, "deployment.apps/web edited\n");
    let out = shell.run("kubectl get deploy web -o jsonpath='{.spec.replicas}'");
    assert_eq!(out.stdout, "3");
}

#[test]
fn a_rejected_save_reopens_with_the_errors_on_top_and_a_fix_then_finishes() {
    let mut shell = shell_with_web();
    let line = "kubectl edit deployment web";
    let text = waiting(shell.run_edit(line, &[]));
    let bad = Answer::Save(text.replace("  replicas: 1\n", "  replicas: -1\n"));
    let again = waiting(shell.run_edit(line, std::slice::from_ref(&bad)));
    assert!(again.starts_with(&format!(
        "{HEADER}# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n"
    )), "{again}");
    let fixed = Answer::Save(again.replace("  replicas: -1\n", "  replicas: 2\n"));
    let steps = done(shell.run_edit(line, &[bad, fixed]));
    assert_eq!(steps[0].output.stdout, "deployment.apps/web edited\n");
}

#[test]
fn a_yaml_error_reopens_with_the_syntax_error_on_top() {
    let mut shell = shell_with_web();
    let line = "kubectl edit deployment web";
    let text = waiting(shell.run_edit(line, &[]));
    let broken = Answer::Save(text.replace("  replicas: 1\n", "  replicas: 1\n   oops: [\n"));
    let again = waiting(shell.run_edit(line, &[broken]));
    assert!(
        again.contains("# The edited file had a syntax error: error converting YAML to JSON: "),
        "{again}"
    );
}

#[test]
fn cancel_leaves_the_object_as_it_was() {
    let mut shell = shell_with_web();
    let steps = done(shell.run_edit("kubectl edit deployment web", &[Answer::Cancel]));
    assert_eq!(steps[0].output.stderr, "Edit cancelled, no changes made.\n");
    assert_eq!(steps[0].output.exit_code, 0);
}

#[test]
fn an_interrupted_edit_prints_nothing_and_stops_what_follows() {
    let mut shell = shell_with_web();
    let steps = done(shell.run_edit(
        "kubectl edit deployment web\nkubectl edit deployment web",
        &[Answer::Interrupt],
    ));
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].output.stdout, "");
    assert_eq!(steps[0].output.stderr, "");
    assert_eq!(steps[0].output.exit_code, 130);
    assert_eq!(steps[1].output.exit_code, 130, "no second editor opens");
}

#[test]
fn commands_around_the_edit_run_once_when_it_finishes() {
    let mut shell = Shell::default();
    let line =
        "kubectl create ns team && kubectl edit ns team -o json; kubectl get ns team -o name";
    let text = waiting(shell.run_edit(line, &[]));
    assert!(text.starts_with(&format!("{HEADER}{{\n")), "{text}");
    let out = shell.run("kubectl get ns team");
    assert!(out.stderr.contains("NotFound"), "nothing ran yet");
    let saved = text.replace(
        "\"name\": \"team\",",
        "\"name\": \"team\",\n        \"labels\": {\"tier\": \"a\"},",
    );
    let steps = done(shell.run_edit(line, &[Answer::Save(saved)]));
    assert_eq!(steps.len(), 1, "one line, one step");
    assert_eq!(
        steps[0].output.stdout,
        "namespace/team created\nnamespace/team edited\nnamespace/team\n"
    );
    let out = shell.run("kubectl get ns team -o jsonpath='{.metadata.labels.tier}'");
    assert_eq!(out.stdout, "a");
}

#[test]
fn several_objects_are_offered_one_after_another() {
    let mut shell = shell_with_web();
    shell.run("kubectl create deployment api --image=nginx");
    let line = "kubectl edit deploy web api";
    let first = waiting(shell.run_edit(line, &[]));
    assert!(first.contains("  name: web\n"));
    let second = waiting(shell.run_edit(line, &[Answer::Cancel]));
    assert!(second.contains("  name: api\n"));
    let saved = Answer::Save(second.replace("  replicas: 1\n", "  replicas: 2\n"));
    let steps = done(shell.run_edit(line, &[Answer::Cancel, saved]));
    assert_eq!(steps[0].output.stdout, "deployment.apps/api edited\n");
    assert_eq!(steps[0].output.stderr, "Edit cancelled, no changes made.\n");
}

#[test]
fn a_finished_edit_replays_the_same_from_its_line_and_answers() {
    let line = "kubectl edit deployment web";
    let mut live = shell_with_web();
    let text = waiting(live.run_edit(line, &[]));
    let answers = [Answer::Save(
        text.replace("  replicas: 1\n", "  replicas: 4\n"),
    )];
    let live_steps = done(live.run_edit(line, &answers));
    let mut replay = shell_with_web();
    let replay_steps = replay.finish_edit(line, &answers);
    assert_eq!(replay_steps, live_steps);
    assert_eq!(
        replay.cluster.snapshot().to_string(),
        live.cluster.snapshot().to_string()
    );
    // Answers that stop short (a damaged record) end as a cancel, never a wait.
    let mut short = shell_with_web();
    let steps = short.finish_edit(line, &[]);
    assert_eq!(steps[0].output.stderr, "Edit cancelled, no changes made.\n");
}

#[test]
fn lines_without_an_edit_run_as_usual() {
    let mut shell = Shell::default();
    let steps = done(shell.run_edit("kubectl create ns plain", &[]));
    assert_eq!(steps[0].output.stdout, "namespace/plain created\n");
    let steps = done(shell.run_edit("kubectl get ns plain -o name", &[]));
    assert_eq!(steps[0].output.stdout, "namespace/plain\n");
}
