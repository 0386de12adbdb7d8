//! Short help for `patch`, `replace`, `wait`, `edit`, `logs`, `exec` and `set env|resources`, in Timonel's own
//! words (kubectl's own help text is longer and not reproduced).

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
        _ => "",
    };
    body.to_string()
}
