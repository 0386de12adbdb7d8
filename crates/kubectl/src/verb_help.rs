//! Short help for kubectl's verbs (`kubectl get -h`, `kubectl rollout undo --help`), in
//! Timonel's own words: what the command does here, its usage, examples and the flags the
//! playground understands (kubectl's own help text is longer and not reproduced).

/// Whether `-h`/`--help` appears before any `--`.
pub fn requested(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "-h" || a == "--help")
}

pub fn text(verb: &str) -> String {
    let body = match verb {
        "patch" => {
            "Change fields of one object in place by sending a patch to the api-server.\n\
             \n\
             Usage:\n  kubectl patch TYPE NAME -p PATCH [--type=strategic|merge|json]\n\
             \n\
             Examples:\n\
             \x20 kubectl patch deployment web -p '{\"spec\":{\"replicas\":3}}'\n\
             \x20 kubectl patch pod web --type=json -p '[{\"op\":\"replace\",\"path\":\"/metadata/labels/tier\",\"value\":\"db\"}]'\n\
             \n\
             Flags used here: -p/--patch, --patch-file, --type, --dry-run, -o, --subresource.\n"
        }
        "replace" => {
            "Swap a stored object for the one in a manifest (the object must exist already).\n\
             \n\
             Usage:\n  kubectl replace -f FILE|-\n\
             \n\
             --force deletes the object and creates it again from the manifest.\n"
        }
        "wait" => {
            "Let the cluster run until objects meet a condition, or until --timeout (30s).\n\
             \n\
             Usage:\n  kubectl wait (TYPE NAME | TYPE/NAME | TYPE -l SELECTOR | TYPE --all) --for=CONDITION\n\
             \n\
             Conditions: condition=Ready[=true], delete, create, jsonpath='{.status.phase}'=Running.\n\
             In the playground, waiting moves the virtual clock.\n"
        }
        "edit" => {
            "Open an object's YAML in an editor and save the changes back to the cluster.\n\
             \n\
             Usage:\n  kubectl edit TYPE NAME | TYPE/NAME\n\
             \n\
             The playground needs a front end with an editor (the native timonel CLI uses $EDITOR).\n"
        }
        "set env" => {
            "Add, change, remove or list environment variables of a workload's containers.\n\
             \n\
             Usage:\n  kubectl set env TYPE/NAME KEY=VALUE ... [KEY-] [-c CONTAINER] [--list]\n"
        }
        "set resources" => {
            "Set CPU and memory requests and limits of a workload's containers.\n\
             \n\
             Usage:\n  kubectl set resources TYPE/NAME [-c CONTAINER] --limits=cpu=200m,memory=512Mi --requests=cpu=100m\n"
        }
        "logs" => {
            "Print what a container wrote to its standard output and error.\n\
         \n\
         In the playground, a container's output follows from its image and command: nginx prints\n\
         its startup lines, a shell loop prints as the virtual clock moves. -f moves the clock\n\
         while it follows.\n\
         \n\
         Usage:\n\
         \x20 kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]\n\
         \n\
         Examples:\n\
         \x20 kubectl logs web                     # the pod's only (or default) container\n\
         \x20 kubectl logs web -c sidecar          # one container of a multi-container pod\n\
         \x20 kubectl logs deploy/web --tail=20    # a pod of the deployment\n\
         \x20 kubectl logs -l app=web --prefix     # every pod with the label (10 lines each)\n\
         \x20 kubectl logs web -p                  # the run before the last restart\n\
         \n\
         Flags used here: -c, --all-containers, --all-pods, -f, -p, -l, --tail, --since,\n\
         --since-time, --timestamps, --prefix, --limit-bytes, --max-log-requests.\n"
        }
        "exec" => {
            "Run a command in a running container and print what it prints.\n\
         \n\
         In the playground a container answers from a model of its image: a shell (sh, and bash\n\
         where the image has it), ls, cat of the files the container has (its config maps and\n\
         secrets included), env, hostname, date, echo and friends. There is no interactive\n\
         terminal: -it is accepted, and a shell without a command reads end-of-input and exits.\n\
         \n\
         Usage:\n\
         \x20 kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]\n\
         \n\
         Examples:\n\
         \x20 kubectl exec web -- ls /\n\
         \x20 kubectl exec web -c sidecar -- cat /etc/hostname\n\
         \x20 kubectl exec deploy/web -- env\n\
         \x20 kubectl exec web -- sh -c 'echo $HOSTNAME; exit 3'\n"
        }
        _ => more_text(verb),
    };
    body.to_string()
}

/// The help of the command named by `command` and the words after it (`rollout` + `undo …`
/// gives `rollout undo`), when `-h`/`--help` is among them and Timonel has text for it.
pub fn lookup(command: &str, rest: &[String]) -> Option<String> {
    if !requested(rest) {
        return None;
    }
    let sub = rest.iter().find(|w| !w.starts_with('-'));
    let two = sub.map(|s| format!("{command} {s}"));
    let text = two
        .as_deref()
        .map(text)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| text(command));
    (!text.is_empty()).then_some(text)
}

fn more_text(verb: &str) -> &'static str {
    match verb {
        "get" => {
            "List objects as a table, or print them whole.\n\
             \n\
             Usage:\n  kubectl get TYPE[,TYPE…] [NAME…] [flags]\n  kubectl get TYPE/NAME …\n\
             \n\
             Examples:\n\
             \x20 kubectl get pods\n\
             \x20 kubectl get pods,services -o wide\n\
             \x20 kubectl get deploy web -o yaml\n\
             \x20 kubectl get pods -l app=web --show-labels\n\
             \x20 kubectl get pods -A --sort-by=.metadata.creationTimestamp\n\
             \x20 kubectl get pods -w\n\
             \n\
             Flags used here: -n, -A, -l/--selector, --field-selector, -o wide|yaml|json|name|\n\
             jsonpath=…|custom-columns=…, --show-labels, -L, --sort-by, --no-headers, --show-kind,\n\
             --ignore-not-found, -w/--watch, --watch-only, --output-watch-events.\n\
             A watch moves the virtual clock and ends after a quiet spell (or at 10 minutes).\n"
        }
        "describe" => {
            "Show an object in detail, with the events recorded about it.\n\
             \n\
             Usage:\n  kubectl describe TYPE [NAME_PREFIX] [-l SELECTOR]\n\
             \n\
             Examples:\n\
             \x20 kubectl describe pod web-7d4b9c-x2x8q\n\
             \x20 kubectl describe deploy web\n\
             \x20 kubectl describe nodes\n\
             \n\
             A name prefix matches every object whose name starts with it.\n\
             Flags used here: -n, -A, -l/--selector, --show-events.\n"
        }
        "apply" => {
            "Create or update objects so they match a manifest (declarative configuration).\n\
             \n\
             Usage:\n  kubectl apply -f FILE|FOLDER|-\n\
             \n\
             Examples:\n\
             \x20 kubectl apply -f web.yaml\n\
             \x20 kubectl apply -f manifests/\n\
             \x20 kubectl apply -f - <<EOF … EOF\n\
             \n\
             Each object reports created, configured or unchanged. The previous manifest is kept in\n\
             the kubectl.kubernetes.io/last-applied-configuration annotation, so fields removed from\n\
             the file are removed from the object.\n\
             Flags used here: -f, -R, --dry-run=client|server, -o yaml|json|name, --force,\n\
             --grace-period.\n"
        }
        "create" => {
            "Create objects from a manifest, or build one from flags.\n\
             \n\
             Usage:\n  kubectl create -f FILE|-\n  kubectl create KIND NAME [flags]\n\
             \n\
             Kinds built from flags: deployment, service (clusterip, nodeport, loadbalancer),\n\
             configmap, secret generic, namespace, job, ingress, poddisruptionbudget.\n\
             Add --dry-run=client -o yaml to print the manifest instead of creating it.\n"
        }
        "create deployment" | "create deploy" => {
            "Create a Deployment running an image.\n\
             \n\
             Usage:\n  kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=PORT] [-- COMMAND …]\n\
             \n\
             Example:\n  kubectl create deployment web --image=nginx --replicas=3\n"
        }
        "create service" | "create svc" => {
            "Create a Service of a given type.\n\
             \n\
             Usage:\n  kubectl create service clusterip|nodeport|loadbalancer NAME --tcp=PORT[:TARGET] [--node-port=N]\n\
             \n\
             The selector is app=NAME; kubectl expose builds one from an existing workload instead.\n"
        }
        "create configmap" | "create cm" => {
            "Create a ConfigMap from literal values, files or an env file.\n\
             \n\
             Usage:\n  kubectl create configmap NAME [--from-literal=KEY=VALUE] [--from-file=[KEY=]PATH] [--from-env-file=PATH]\n"
        }
        "create secret" => {
            "Create a Secret (values are base64-encoded in the object).\n\
             \n\
             Usage:\n  kubectl create secret generic NAME [--from-literal=KEY=VALUE] [--from-file=[KEY=]PATH] [--type=TYPE]\n"
        }
        "create namespace" | "create ns" => {
            "Create a namespace.\n\nUsage:\n  kubectl create namespace NAME\n"
        }
        "create job" => {
            "Create a Job that runs a command to completion.\n\
             \n\
             Usage:\n  kubectl create job NAME --image=IMAGE [-- COMMAND …]\n"
        }
        "create ingress" | "create ing" => {
            "Create an Ingress from routing rules.\n\
             \n\
             Usage:\n  kubectl create ingress NAME --rule=HOST/PATH=SERVICE:PORT[,tls] [--class=CLASS] [--default-backend=SERVICE:PORT]\n"
        }
        "create poddisruptionbudget" | "create pdb" => {
            "Create a PodDisruptionBudget: how many pods of a set must stay up during drains.\n\
             \n\
             Usage:\n  kubectl create pdb NAME --selector=SELECTOR --min-available=N|N%\n  kubectl create pdb NAME --selector=SELECTOR --max-unavailable=N|N%\n"
        }
        "run" => {
            "Start one pod running an image.\n\
             \n\
             Usage:\n  kubectl run NAME --image=IMAGE [--port=PORT] [--env=KEY=VALUE] [--labels=K=V,…]\n\
             \x20            [--restart=Always|OnFailure|Never] [--command] [-- ARG …]\n\
             \n\
             Examples:\n\
             \x20 kubectl run web --image=nginx --port=80\n\
             \x20 kubectl run once --image=busybox --restart=Never -- echo hello\n\
             \x20 kubectl run web --image=nginx --dry-run=client -o yaml > pod.yaml\n"
        }
        "delete" => {
            "Delete objects by name, label selector or manifest.\n\
             \n\
             Usage:\n  kubectl delete TYPE NAME… | TYPE/NAME | TYPE -l SELECTOR | TYPE --all | -f FILE\n\
             \n\
             Pods stop gracefully (30 s unless --grace-period says otherwise); the command waits\n\
             until they are gone, moving the virtual clock.\n\
             Flags used here: -n, -A, -l, --field-selector, --all, -f, --grace-period, --force, --now,\n\
             --cascade=background|foreground|orphan, --wait, --ignore-not-found, -o name.\n"
        }
        "scale" => {
            "Set the number of replicas of a Deployment or ReplicaSet.\n\
             \n\
             Usage:\n  kubectl scale TYPE NAME --replicas=N [--current-replicas=M]\n\
             \n\
             Example:\n  kubectl scale deployment web --replicas=5\n"
        }
        "expose" => {
            "Create a Service in front of a pod, Deployment, ReplicaSet or Service, with its selector.\n\
             \n\
             Usage:\n  kubectl expose TYPE NAME --port=PORT [--target-port=PORT] [--type=ClusterIP|NodePort|LoadBalancer] [--name=NAME]\n\
             \n\
             Example:\n  kubectl expose deployment web --port=80 --type=NodePort\n"
        }
        "label" | "annotate" => {
            "Add, change (--overwrite) or remove (KEY-) labels or annotations.\n\
             \n\
             Usage:\n  kubectl label|annotate TYPE NAME KEY=VALUE … [KEY-] [--overwrite] [--list]\n\
             \n\
             Examples:\n\
             \x20 kubectl label pod web tier=frontend\n\
             \x20 kubectl label pod web tier-\n\
             \x20 kubectl annotate deploy web note='rolled by hand' --overwrite\n"
        }
        "rollout" => {
            "Follow and steer a Deployment's rollouts.\n\
             \n\
             Usage:\n  kubectl rollout status|history|undo|pause|resume|restart TYPE NAME\n\
             \n\
             Examples:\n\
             \x20 kubectl rollout status deployment web\n\
             \x20 kubectl rollout history deployment web\n\
             \x20 kubectl rollout undo deployment web --to-revision=1\n\
             \x20 kubectl rollout restart deployment web\n"
        }
        "rollout status" => {
            "Wait until a rollout finishes, printing its progress (moves the virtual clock).\n\
             \n\
             Usage:\n  kubectl rollout status TYPE NAME [--watch=false] [--timeout=DURATION]\n"
        }
        "rollout history" => {
            "List a Deployment's revisions, or show one with --revision=N.\n\
             \n\
             Usage:\n  kubectl rollout history TYPE NAME [--revision=N]\n"
        }
        "rollout undo" => {
            "Go back to the previous revision, or to --to-revision=N.\n\
             \n\
             Usage:\n  kubectl rollout undo TYPE NAME [--to-revision=N]\n"
        }
        "rollout pause" | "rollout resume" => {
            "Pause a Deployment (template changes wait) or resume it (they roll out).\n\
             \n\
             Usage:\n  kubectl rollout pause|resume TYPE NAME\n"
        }
        "rollout restart" => {
            "Replace every pod of a Deployment by rolling out an unchanged template.\n\
             \n\
             Usage:\n  kubectl rollout restart TYPE NAME\n"
        }
        "set" => {
            "Change one aspect of a workload.\n\
             \n\
             Usage:\n  kubectl set image|env|resources TYPE/NAME …\n"
        }
        "set image" => {
            "Change the image of containers of a workload (starts a rollout).\n\
             \n\
             Usage:\n  kubectl set image TYPE/NAME CONTAINER=IMAGE … | *=IMAGE\n\
             \n\
             Example:\n  kubectl set image deployment/web nginx=nginx:1.29\n"
        }
        "cordon" | "uncordon" => {
            "Mark a node unschedulable (cordon) or schedulable again (uncordon); running pods stay.\n\
             \n\
             Usage:\n  kubectl cordon|uncordon NODE [--dry-run=client|server]\n"
        }
        "api-resources" => {
            "List the kinds this cluster serves, with short names and API groups.\n\
             \n\
             Usage:\n  kubectl api-resources [--namespaced=true|false] [--api-group=GROUP] [-o wide|name]\n"
        }
        "events" => {
            "List events, oldest first, optionally about one object.\n\
             \n\
             Usage:\n  kubectl events [--for=TYPE/NAME] [--types=Normal,Warning] [-n NS | -A]\n"
        }
        _ => "",
    }
}
