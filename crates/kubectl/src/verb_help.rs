//! Short help for `patch`, `replace`, `wait`, `edit` and `set env|resources`, in Timonel's own
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
        _ => "",
    };
    body.to_string()
}
