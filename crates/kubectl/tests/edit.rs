//! `kubectl edit` through a front end's editor (`kubectl::Editor` on the `Shell`).

use kubectl::{Editor, Shell};
use std::sync::{Arc, Mutex};

/// A shell whose editor applies `change` to the text and records every text it was given.
fn shell_with_editor(
    change: impl Fn(usize, &str) -> String + Send + Sync + 'static,
) -> (Shell, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let mut shell = Shell {
        editor: Some(Editor::new(move |text| {
            let mut log = log.lock().unwrap();
            let round = log.len();
            log.push(text.to_string());
            Ok(change(round, text))
        })),
        ..Shell::default()
    };
    shell.run("kubectl create deployment web --image=nginx");
    (shell, seen)
}

#[test]
fn the_editor_gets_the_object_under_kubectls_header() {
    let (mut shell, seen) = shell_with_editor(|_, text| text.to_string());
    let out = shell.run("kubectl edit deployment web");
    assert_eq!(out.stderr, "Edit cancelled, no changes made.\n");
    assert_eq!(out.exit_code, 0);
    let text = seen.lock().unwrap()[0].clone();
    assert!(text.starts_with(
        "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\napiVersion: apps/v1\nkind: Deployment\n"
    ));
    assert!(text.contains("  replicas: 1\n"));
}

#[test]
fn a_saved_change_is_written_and_the_controllers_react() {
    let (mut shell, _) =
        shell_with_editor(|_, text| text.replace("  replicas: 1\n", "  replicas: 3\n"));
    let out = shell.run("kubectl edit deploy/web");
    assert_eq!(out.stdout, "deployment.apps/web edited\n");
    let out = shell.run("kubectl get rs -o jsonpath='{.items[0].spec.replicas}'");
    assert_eq!(out.stdout, "3");
}

#[test]
fn an_invalid_change_goes_back_to_the_editor_with_the_errors() {
    let (mut shell, seen) = shell_with_editor(|round, text| match round {
        0 => text.replace("  replicas: 1\n", "  replicas: -1\n"),
        _ => text.replace("  replicas: -1\n", "  replicas: 2\n"),
    });
    let out = shell.run("kubectl edit deployment web");
    assert_eq!(out.stdout, "deployment.apps/web edited\n");
    let second = seen.lock().unwrap()[1].clone();
    assert!(second.contains(
        "#\n# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n"
    ), "{second}");
}

#[test]
fn saving_the_same_rejected_file_again_gives_up() {
    let (mut shell, _) =
        shell_with_editor(|_, text| text.replace("  replicas: 1\n", "  replicas: -1\n"));
    let out = shell.run("kubectl edit deployment web");
    assert_eq!(
        out.stderr,
        "error: Edit cancelled, no valid changes were saved.\n"
    );
    assert_eq!(out.exit_code, 1);
}

#[test]
fn an_emptied_file_aborts_the_edit() {
    let (mut shell, _) = shell_with_editor(|_, _| "# nothing\n".to_string());
    let out = shell.run("kubectl edit deployment web");
    assert_eq!(out.stderr, "Edit cancelled, saved file was empty.\n");
}

#[test]
fn without_an_editor_the_playground_says_what_to_do_instead() {
    let mut shell = Shell::default();
    shell.run("kubectl create deployment web --image=nginx");
    let out = shell.run("kubectl edit deployment web");
    assert_eq!(out.exit_code, 1);
    assert!(out.stderr.contains("kubectl replace -f web.yaml"));
}
