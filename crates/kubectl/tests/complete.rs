//! Tab completion at the prompt: what the first Tab puts on the line, and what a second Tab
//! lists.

use kubectl::Shell;

fn shell() -> Shell {
    Shell::new(sim::Cluster::default())
}

/// The line after one Tab with the cursor at the end.
fn tab(shell: &Shell, line: &str) -> String {
    shell.complete(line, line.len()).apply(line).0
}

/// What a second Tab lists for `line`.
fn choices(shell: &Shell, line: &str) -> Vec<String> {
    shell.complete(line, line.len()).choices
}

fn with_web() -> Shell {
    let mut s = shell();
    let out = s.run("kubectl create deployment web --image=nginx --replicas=2");
    assert_eq!(out.exit_code, 0, "{out:?}");
    s.cluster.advance(sim::Duration::seconds(30));
    s
}

#[test]
fn the_first_word_completes_to_kubectl() {
    assert_eq!(tab(&shell(), "kub"), "kubectl ");
}

#[test]
fn the_first_word_offers_the_shells_own_programs() {
    let s = shell();
    assert_eq!(tab(&s, "sl"), "sleep ");
    assert_eq!(tab(&s, "cle"), "clear ");
    assert_eq!(choices(&s, "c"), ["cat", "clear", "cut"]);
}

#[test]
fn a_verb_completes_from_a_unique_prefix() {
    let s = shell();
    assert_eq!(tab(&s, "kubectl desc"), "kubectl describe ");
    assert_eq!(tab(&s, "kubectl get"), "kubectl get ");
    assert_eq!(tab(&s, "k ro"), "k rollout ");
}

#[test]
fn an_ambiguous_verb_stays_as_typed_and_lists_its_choices() {
    let s = shell();
    let line = "kubectl c";
    let c = s.complete(line, line.len());
    assert!(!c.changes(line));
    assert!(c.ambiguous());
    assert_eq!(c.choices, ["cluster-info", "config", "cordon", "create"]);
}

#[test]
fn ambiguous_verbs_complete_to_their_longest_common_prefix() {
    let s = shell();
    assert_eq!(tab(&s, "kubectl co"), "kubectl co");
    assert_eq!(tab(&s, "kubectl ap"), "kubectl ap");
    assert_eq!(
        choices(&s, "kubectl ap"),
        ["api-resources", "api-versions", "apply"]
    );
    assert_eq!(tab(&s, "kubectl api-"), "kubectl api-");
    assert_eq!(tab(&s, "kubectl de"), "kubectl de");
    assert_eq!(choices(&s, "kubectl de"), ["delete", "describe"]);
}

#[test]
fn commands_the_playground_does_not_run_are_not_offered() {
    let s = shell();
    assert!(
        choices(&s, "kubectl ")
            .iter()
            .all(|v| v != "port-forward" && v != "attach")
    );
    assert!(choices(&s, "kubectl ").contains(&"scale".to_string()));
}

#[test]
fn a_resource_type_completes_to_its_plural_name() {
    let s = shell();
    assert_eq!(tab(&s, "kubectl get dep"), "kubectl get deployments ");
    assert_eq!(tab(&s, "kubectl get po"), "kubectl get pod");
    assert_eq!(
        choices(&s, "kubectl get po"),
        ["poddisruptionbudgets", "pods"]
    );
    assert_eq!(tab(&s, "kubectl describe no"), "kubectl describe nodes ");
}

#[test]
fn a_short_name_no_plural_starts_with_is_completed_as_typed() {
    let s = shell();
    assert_eq!(tab(&s, "kubectl get svc"), "kubectl get svc ");
    assert_eq!(tab(&s, "kubectl get cm"), "kubectl get cm ");
}

#[test]
fn object_names_come_from_the_cluster() {
    let s = with_web();
    assert_eq!(
        tab(&s, "kubectl get deployments w"),
        "kubectl get deployments web "
    );
    assert_eq!(
        tab(&s, "kubectl describe deploy w"),
        "kubectl describe deploy web "
    );
}

#[test]
fn pod_names_complete_to_their_common_prefix_and_list_every_pod() {
    let s = with_web();
    let line = "kubectl get pods we";
    let once = tab(&s, line);
    assert!(once.starts_with("kubectl get pods web-"), "{once}");
    assert!(!once.ends_with(' '));
    let listed = choices(&s, &once);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.iter().all(|p| p.starts_with("web-")));
    // Once the prefix is all that is common, Tab adds nothing.
    assert!(!s.complete(&once, once.len()).changes(&once));
}

#[test]
fn logs_and_exec_complete_pod_names() {
    let s = with_web();
    assert!(tab(&s, "kubectl logs we").starts_with("kubectl logs web-"));
    assert_eq!(choices(&s, "kubectl exec web-").len(), 2);
    assert_eq!(tab(&s, "kubectl logs deploy/w"), "kubectl logs deploy/web ");
}

#[test]
fn type_slash_name_completes_names_of_that_type() {
    let s = with_web();
    assert_eq!(
        tab(&s, "kubectl rollout status deploy/we"),
        "kubectl rollout status deploy/web "
    );
    assert_eq!(
        tab(&s, "kubectl get deployments/"),
        "kubectl get deployments/web "
    );
}

#[test]
fn names_come_from_the_namespace_given_with_n() {
    let s = shell();
    let line = "kubectl get pods -n kube-system etc";
    let done = tab(&s, line);
    assert!(
        done.starts_with("kubectl get pods -n kube-system etcd-"),
        "{done}"
    );
    assert_eq!(tab(&s, "kubectl get pods etc"), "kubectl get pods etc");
    let line = "kubectl --namespace=kube-system get deploy cor";
    assert_eq!(
        tab(&s, line),
        "kubectl --namespace=kube-system get deploy coredns "
    );
}

#[test]
fn names_come_from_the_current_contexts_namespace() {
    let mut s = shell();
    s.run("kubectl config set-context --current --namespace=kube-system");
    assert_eq!(
        tab(&s, "kubectl get deploy cor"),
        "kubectl get deploy coredns "
    );
}

#[test]
fn names_already_on_the_line_are_not_offered_again() {
    let s = shell();
    let line = "kubectl get ns default kube-";
    assert_eq!(
        choices(&s, line),
        ["kube-node-lease", "kube-public", "kube-system"]
    );
    assert_eq!(
        choices(&s, "kubectl get ns default def"),
        Vec::<String>::new()
    );
}

#[test]
fn namespaces_complete_after_n_and_namespace() {
    let s = shell();
    assert_eq!(
        tab(&s, "kubectl get pods -n kube-s"),
        "kubectl get pods -n kube-system "
    );
    assert_eq!(
        tab(&s, "kubectl get pods --namespace kube-p"),
        "kubectl get pods --namespace kube-public "
    );
    assert_eq!(
        tab(&s, "kubectl get pods --namespace=kube-p"),
        "kubectl get pods --namespace=kube-public "
    );
    assert_eq!(tab(&s, "kubectl -n d"), "kubectl -n default ");
}

#[test]
fn subcommands_complete_after_their_group() {
    let s = shell();
    assert_eq!(tab(&s, "kubectl rollout st"), "kubectl rollout status ");
    assert_eq!(tab(&s, "kubectl rollout re"), "kubectl rollout res");
    assert_eq!(choices(&s, "kubectl rollout re"), ["restart", "resume"]);
    assert_eq!(tab(&s, "kubectl create dep"), "kubectl create deployment ");
    assert_eq!(
        tab(&s, "kubectl create secret g"),
        "kubectl create secret generic "
    );
    assert_eq!(
        tab(&s, "kubectl create service n"),
        "kubectl create service nodeport "
    );
    assert_eq!(tab(&s, "kubectl config use"), "kubectl config use-context ");
    assert_eq!(tab(&s, "kubectl set im"), "kubectl set image ");
}

#[test]
fn flags_complete_from_the_commands_own_flag_list() {
    let s = shell();
    assert_eq!(
        tab(&s, "kubectl get --show-l"),
        "kubectl get --show-labels "
    );
    assert_eq!(
        tab(&s, "kubectl get pods --all-n"),
        "kubectl get pods --all-namespaces "
    );
    assert_eq!(
        tab(&s, "kubectl rollout status deploy/web --wat"),
        "kubectl rollout status deploy/web --watch "
    );
    assert_eq!(
        tab(&s, "kubectl create deployment web --ima"),
        "kubectl create deployment web --image "
    );
    assert_eq!(
        tab(&s, "kubectl create deploy web --rep"),
        "kubectl create deploy web --replicas "
    );
    // Flags of other commands are not offered.
    assert!(
        choices(&s, "kubectl scale --")
            .iter()
            .all(|f| f != "--show-labels")
    );
    assert!(choices(&s, "kubectl scale --").contains(&"--replicas".to_string()));
}

#[test]
fn a_single_dash_offers_shorthands_too() {
    let s = shell();
    let listed = choices(&s, "kubectl get -");
    assert!(listed.contains(&"-o".to_string()));
    assert!(listed.contains(&"-A".to_string()));
    assert!(listed.contains(&"--output".to_string()));
    assert!(!choices(&s, "kubectl get --").contains(&"-o".to_string()));
}

#[test]
fn global_flags_are_offered_with_every_command() {
    let s = shell();
    assert_eq!(
        tab(&s, "kubectl describe --namesp"),
        "kubectl describe --namespace "
    );
}

#[test]
fn a_flags_value_is_not_mistaken_for_a_resource_type() {
    let s = with_web();
    assert_eq!(
        tab(&s, "kubectl get -o wide deploy w"),
        "kubectl get -o wide deploy web "
    );
    assert_eq!(tab(&s, "kubectl get -o ya"), "kubectl get -o yaml ");
}

#[test]
fn files_complete_after_f() {
    let mut s = shell();
    s.files.write("web.yaml", "x");
    s.files.write("manifests/db.yaml", "x");
    s.files.write("manifests/cache.yaml", "x");
    assert_eq!(tab(&s, "kubectl apply -f w"), "kubectl apply -f web.yaml ");
    assert_eq!(tab(&s, "kubectl apply -f m"), "kubectl apply -f manifests/");
    assert_eq!(
        choices(&s, "kubectl apply -f manifests/"),
        ["manifests/cache.yaml", "manifests/db.yaml"]
    );
    assert_eq!(
        tab(&s, "kubectl delete --filename=w"),
        "kubectl delete --filename=web.yaml "
    );
    assert_eq!(
        tab(&s, "kubectl create -f w"),
        "kubectl create -f web.yaml "
    );
}

#[test]
fn the_shells_programs_complete_file_names() {
    let mut s = shell();
    s.files.write("notes.txt", "x");
    assert_eq!(tab(&s, "cat no"), "cat notes.txt ");
    assert_eq!(
        tab(&s, "kubectl get pods > no"),
        "kubectl get pods > notes.txt "
    );
}

#[test]
fn the_command_after_a_pipe_is_completed_on_its_own() {
    let s = shell();
    assert_eq!(tab(&s, "kubectl get pods | gr"), "kubectl get pods | grep ");
    assert_eq!(tab(&s, "sleep 5; kubectl ver"), "sleep 5; kubectl version ");
}

#[test]
fn the_cursor_in_the_middle_completes_the_word_before_it() {
    let s = shell();
    let line = "kubectl desc pods";
    let c = s.complete(line, "kubectl desc".len());
    assert_eq!(
        c.apply(line),
        (
            "kubectl describe  pods".to_string(),
            "kubectl describe ".len()
        )
    );
}

#[test]
fn nothing_to_offer_leaves_the_line_as_it_was() {
    let s = shell();
    for line in [
        "kubectl zzz",
        "kubectl get zzz",
        "kubectl version --zzz",
        "sleep 3",
        "",
    ] {
        let c = s.complete(line, line.len());
        assert!(!c.changes(line), "{line}: {c:?}");
    }
    assert!(s.complete("", 0).choices.contains(&"kubectl".to_string()));
}

#[test]
fn completion_never_panics_on_odd_input() {
    let s = with_web();
    for line in [
        "kubectl get pods 'we",
        "kubectl get \"po",
        "kubectl get pods\\ ",
        "kubectl -",
        "kubectl --=",
        "kubectl get //",
        "kubectl get a/b/c",
        "kubectl 2>&1 get",
        "ñandú kubectl get pó",
        ">>>",
        "| | ;",
        "kubectl get pods -n",
        "kubectl get pods -n ",
    ] {
        for cursor in 0..=line.len() + 2 {
            let _ = s.complete(line, cursor).apply(line);
        }
    }
}
