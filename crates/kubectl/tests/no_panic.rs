//! No command line makes kubectl panic: random words drawn from kubectl's vocabulary (verbs,
//! kinds, flags, selectors, templates) and arbitrary text, run in turn against a cluster that
//! holds a Deployment.

use proptest::prelude::*;

const WORDS: &[&str] = &[
    "get",
    "describe",
    "delete",
    "scale",
    "create",
    "run",
    "label",
    "annotate",
    "set",
    "image",
    "rollout",
    "status",
    "history",
    "undo",
    "restart",
    "cordon",
    "uncordon",
    "api-resources",
    "deployment",
    "deploy",
    "pods",
    "po",
    "pod/x",
    "deploy/web",
    "rs",
    "ds",
    "nodes",
    "ns",
    "cm",
    "secret",
    "sa",
    "events",
    "all",
    "pods,deploy",
    "web",
    "nginx",
    "x",
    "generic",
    "namespace",
    "configmap",
    "-n",
    "dev",
    "-A",
    "-l",
    "app=web",
    "app in (web",
    "!app",
    "--all",
    "-o",
    "yaml",
    "json",
    "wide",
    "name",
    "jsonpath={.items[*].metadata.name}",
    "jsonpath={range .items[*]}{.metadata.name}{end}",
    "jsonpath={.a[?(@.b==\"c\")",
    "custom-columns=N:.metadata.name",
    "custom-columns=",
    "--sort-by=.metadata.name",
    "--sort-by={.spec.replicas}",
    "--replicas=3",
    "--replicas=-1",
    "--image=nginx",
    "--from-literal=a=b",
    "--dry-run=server",
    "--dry-run=client",
    "--force",
    "--grace-period=0",
    "--now",
    "--overwrite",
    "a=b",
    "a-",
    "nginx=nginx:1.28",
    "*=busybox",
    "--to-revision=1",
    "--revision=2",
    "--show-labels",
    "-L",
    "app",
    "--no-headers",
    "--field-selector",
    "metadata.name=web",
    "status.phase=Running",
    "--",
    "-w",
    "=",
    "{",
    "}",
    "[",
    "]",
    "'",
    "\"",
    "--show-events=false",
    "--current-replicas=1",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(WORDS).prop_map(str::to_string),
        1 => "[ -~]{0,12}",
    ]
}

// 256 cases by default; `PROPTEST_CASES=N` runs more.
proptest! {
    #[test]
    fn random_command_lines_never_panic(lines in proptest::collection::vec(
        proptest::collection::vec(word(), 0..7), 1..6)
    ) {
        let mut cluster = sim::Cluster::default();
        kubectl::run_line(&mut cluster, "kubectl create deployment web --image=nginx --replicas=2");
        for words in lines {
            let line = format!("kubectl {}", words.join(" "));
            let out = kubectl::run_line(&mut cluster, &line);
            // A failure says why, unless the shell redirected its stderr (`2>f`, `&>f`).
            prop_assert!(
                out.exit_code == 0 || !out.stderr.is_empty() || line.contains('>'),
                "{line}: failed silently"
            );
        }
    }
}

/// Pieces of manifests and shell syntax, for random pasted blocks.
const PIECES: &[&str] = &[
    "apiVersion: v1\n",
    "apiVersion: apps/v1\n",
    "kind: Pod\n",
    "kind: Deployment\n",
    "kind: ConfigMap\n",
    "kind: List\n",
    "metadata:\n",
    "  name: web\n",
    "  namespace: dev\n",
    "  labels: {app: web}\n",
    "spec:\n",
    "  replicas: 3\n",
    "  containers:\n",
    "  - name: c\n",
    "    image: nginx\n",
    "items: [1, {a: b}]\n",
    "data: {a: '1'}\n",
    "---\n",
    "{\"apiVersion\": \"v1\",",
    "[",
    "]",
    ": ",
    "\t",
    "  ",
    "EOF\n",
    "'EOF'",
    "kubectl apply -f - <<EOF\n",
    "kubectl create -f - <<-EOF\n",
    "kubectl delete -f a.yaml\n",
    "kubectl apply -f . -R\n",
    "cat <<EOF > a.yaml\n",
    "cat a.yaml >> b.yml\n",
    " 2>&1 ",
    " > ",
    " < ",
    " | ",
    " || ",
    " && ",
    "; ",
    " & ",
    "$",
    "$(",
    ")",
    "${X:-",
    "}",
    "`",
    "X=1 ",
    "export X=$(kubectl get deploy -o name)\n",
    "echo $X ${X} \"$X\" '$X'\n",
    "kubectl get pods -A | grep -E 'a|(b' | head -n -1 | tail -n +2 | sort -k2 -rn | uniq -c\n",
    "cut -d: -f2- a.yaml | wc -lwc | base64 | base64 -d -i | tee t.txt\n",
    "grep -o -w -x -C2 '[[:alpha:]]\\{1,3\\}' a.yaml\n",
    "printf '%-5s%d%%\\n' a b\n",
    "\\\n",
    "\"",
    "'",
    "mkdir -p d/e\n",
    "rm -rf d\n",
    "ls d ..\n",
    "\n",
];

proptest! {
    #[test]
    fn random_pasted_blocks_never_panic(pieces in proptest::collection::vec(
        prop_oneof![
            6 => proptest::sample::select(PIECES).prop_map(str::to_string),
            1 => "[ -~\n]{0,10}",
        ], 0..40)
    ) {
        let mut shell = kubectl::Shell::default();
        let text: String = pieces.concat();
        for step in shell.run_each(&text) {
            // A failure says why, unless its stderr was redirected or a filter answered
            // (`grep` finding nothing and `false` fail silently in bash too).
            prop_assert!(
                step.output.exit_code == 0
                    || !step.output.stderr.is_empty()
                    || step.command.contains('>')
                    || step.command.contains('|')
                    || step.command.contains("grep")
                    || step.command.contains("false"),
                "{}: failed silently", step.command
            );
        }
    }
}
