//! What `kubectl logs` and `kubectl exec` see: a container's output derived from its image,
//! command and the virtual clock, restarts and `--previous`, and commands run in a container.

use sim::api::pod::{Container, EnvVar, HttpGetAction, Probe};
use sim::api::{ConfigMap, IntOrString, Pod};
use sim::kubelet::{ExecError, LogLine};
use sim::*;

fn container(name: &str, image: &str, command: &[&str]) -> Container {
    Container {
        name: sim::api::Str::new(name),
        image: sim::api::Str::new(image),
        command: command.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn run(c: &mut Cluster, name: &str, image: &str, command: &[&str]) {
    let mut p = Pod::new("default", name, image);
    p.spec.containers[0] = container(name, image, command);
    create(c, p);
}

fn create(c: &mut Cluster, p: Pod) {
    c.api_mut().create(&Actor::kubectl(), p).unwrap();
    c.settle();
}

fn texts(lines: &[LogLine]) -> Vec<String> {
    lines.iter().map(|l| l.text.clone()).collect()
}

fn logs(c: &Cluster, pod: &str) -> Vec<String> {
    texts(&c.container_logs("default", pod, None, false).unwrap())
}

fn exec(c: &Cluster, pod: &str, argv: &[&str]) -> sim::kubelet::ExecOutput {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    c.exec("default", pod, None, &argv).unwrap()
}

#[test]
fn nginx_prints_its_entrypoint_and_startup_lines() {
    let mut c = Cluster::default();
    run(&mut c, "web", "nginx", &[]);
    c.advance(Duration::seconds(10));
    let lines = logs(&c, "web");
    assert_eq!(
        lines[0],
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("[notice] 1#1: start worker processes"))
    );
    // One worker per CPU of the node (4 by default).
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("start worker process "))
            .count(),
        4
    );
}

#[test]
fn an_echo_loop_prints_one_line_per_iteration_of_virtual_time() {
    let mut c = Cluster::default();
    run(
        &mut c,
        "counter",
        "busybox",
        &[
            "/bin/sh",
            "-c",
            "i=0; while true; do echo \"$i: $(date)\"; i=$((i+1)); sleep 1; done",
        ],
    );
    c.advance(Duration::seconds(10));
    let lines = c.container_logs("default", "counter", None, false).unwrap();
    assert!(lines.len() >= 5, "{lines:?}");
    assert!(
        lines[0].text.starts_with("0: Thu Jan  1 00:0"),
        "{:?}",
        lines[0]
    );
    assert!(lines[1].text.starts_with("1: "));
    // A line is written when the loop reaches it: one second apart.
    assert_eq!(lines[1].time.since(lines[0].time), Duration::seconds(1));
    let before = lines.len();
    c.advance(Duration::seconds(5));
    assert_eq!(logs(&c, "counter").len(), before + 5);
}

#[test]
fn a_command_that_exits_keeps_what_it_printed_and_previous_shows_the_last_run() {
    let mut c = Cluster::default();
    run(
        &mut c,
        "crash",
        "busybox",
        &[
            "sh",
            "-c",
            "echo starting; sleep 2; echo failing >&2; exit 1",
        ],
    );
    c.advance(Duration::seconds(5));
    // No previous run yet... or the first run ended and restarted: either way, its text shows.
    let now = logs(&c, "crash");
    assert_eq!(now.first().map(String::as_str), Some("starting"));
    c.advance(Duration::seconds(30));
    let previous = texts(&c.container_logs("default", "crash", None, true).unwrap());
    assert_eq!(previous, ["starting", "failing"]);
}

#[test]
fn previous_is_an_error_before_any_restart() {
    let mut c = Cluster::default();
    run(&mut c, "web", "nginx", &[]);
    c.advance(Duration::seconds(10));
    let err = c.container_logs("default", "web", None, true).unwrap_err();
    assert_eq!(err.reason, StatusReason::BadRequest);
    assert_eq!(
        err.message,
        "previous terminated container \"web\" in pod \"web\" not found"
    );
}

#[test]
fn a_container_still_being_created_has_no_logs_yet() {
    let mut c = Cluster::default();
    run(&mut c, "web", "nginx", &[]);
    c.advance(Duration::millis(500));
    let err = c.container_logs("default", "web", None, false).unwrap_err();
    assert_eq!(
        err.message,
        "container \"web\" in pod \"web\" is waiting to start: ContainerCreating"
    );
}

#[test]
fn an_image_that_cannot_be_pulled_says_so() {
    let mut c = Cluster::default();
    run(&mut c, "bad", "nginxx", &[]);
    c.advance(Duration::seconds(30));
    let err = c.container_logs("default", "bad", None, false).unwrap_err();
    assert!(
        err.message
            .starts_with("container \"bad\" in pod \"bad\" is waiting to start: "),
        "{}",
        err.message
    );
}

#[test]
fn a_missing_pod_is_not_found() {
    let c = Cluster::default();
    let err = c
        .container_logs("default", "nope", None, false)
        .unwrap_err();
    assert_eq!(err.reason, StatusReason::NotFound);
    assert_eq!(err.message, "pods \"nope\" not found");
}

#[test]
fn a_pod_with_two_containers_needs_a_container_name() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "two", "nginx");
    p.spec.containers = vec![
        container("a", "nginx", &[]),
        container("b", "busybox", &["sh", "-c", "echo hi from b; sleep 3600"]),
    ];
    create(&mut c, p);
    c.advance(Duration::seconds(10));
    let err = c.container_logs("default", "two", None, false).unwrap_err();
    assert_eq!(
        err.message,
        "a container name must be specified for pod two, choose one of: [a b]"
    );
    let b = texts(
        &c.container_logs("default", "two", Some("b"), false)
            .unwrap(),
    );
    assert_eq!(b, ["hi from b"]);
}

#[test]
fn nginx_logs_each_http_probe_as_an_access_line() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "web", "nginx");
    p.spec.containers[0].readiness_probe = Some(Box::new(Probe {
        http_get: Some(HttpGetAction {
            path: Some("/".into()),
            port: IntOrString::Int(80),
            host: None,
            scheme: None,
            http_headers: Vec::new(),
        }),
        period_seconds: Some(5),
        ..Default::default()
    }));
    create(&mut c, p);
    c.advance(Duration::seconds(30));
    let access: Vec<String> = logs(&c, "web")
        .into_iter()
        .filter(|l| l.contains("kube-probe/1.36"))
        .collect();
    assert!(access.len() >= 4, "{access:?}");
    assert!(access[0].contains("\"GET / HTTP/1.1\" 200 615"));
}

#[test]
fn exec_runs_commands_with_the_pods_identity_and_files() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &Actor::kubectl(),
            ConfigMap {
                metadata: sim::api::ObjectMeta {
                    name: "cfg".into(),
                    namespace: "default".into(),
                    ..Default::default()
                },
                data: [("color".to_string(), "blue".to_string())].into(),
                ..Default::default()
            },
        )
        .unwrap();
    let mut p = Pod::new("default", "web", "nginx");
    p.spec.containers[0].env = vec![EnvVar {
        name: "GREETING".into(),
        value: Some("hello".into()),
        value_from: None,
    }];
    create(&mut c, p);
    c.advance(Duration::seconds(10));
    assert_eq!(exec(&c, "web", &["hostname"]).stdout, "web\n");
    let env = exec(&c, "web", &["env"]).stdout;
    assert!(env.starts_with("PATH="), "{env}");
    assert!(env.contains("\nHOSTNAME=web\n"));
    assert!(env.contains("\nGREETING=hello\n"));
    assert!(env.contains("\nKUBERNETES_SERVICE_HOST=10.96.0.1\n"));
    let index = exec(&c, "web", &["cat", "/usr/share/nginx/html/index.html"]).stdout;
    assert!(index.contains("<title>Welcome to nginx!</title>"));
    assert_eq!(index.len(), 615);
    let ls = exec(&c, "web", &["ls", "/"]).stdout;
    assert!(
        ls.starts_with("bin\nboot\ndev\ndocker-entrypoint.d\n"),
        "{ls}"
    );
    let sh = exec(
        &c,
        "web",
        &["sh", "-c", "echo $GREETING from $(hostname); exit 3"],
    );
    assert_eq!(sh.stdout, "hello from web\n");
    assert_eq!(sh.exit_code, 3);
    let missing = exec(&c, "web", &["cat", "/nope"]);
    assert_eq!(missing.exit_code, 1);
    assert_eq!(missing.stderr, "cat: /nope: No such file or directory\n");
}

#[test]
fn exec_of_a_program_the_image_lacks_fails_to_start() {
    let mut c = Cluster::default();
    run(&mut c, "box", "busybox", &["sleep", "3600"]);
    c.advance(Duration::seconds(10));
    let argv = vec!["bash".to_string()];
    match c.exec("default", "box", None, &argv) {
        Err(ExecError::Stream(m)) => assert!(
            m.contains("exec: \"bash\": executable file not found in $PATH"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    let sh = exec(&c, "box", &["sh", "-c", "nope"]);
    assert_eq!(sh.exit_code, 127);
    assert_eq!(sh.stderr, "sh: nope: not found\n");
}

#[test]
fn exec_into_a_container_that_is_not_running_is_refused() {
    let mut c = Cluster::default();
    run(&mut c, "web", "nginx", &[]);
    let argv = vec!["ls".to_string()];
    assert_eq!(
        c.exec("default", "web", None, &argv),
        Err(ExecError::Upgrade("container not found (\"web\")".into()))
    );
}

#[test]
fn files_the_containers_command_touched_are_seen_by_exec() {
    let mut c = Cluster::default();
    run(
        &mut c,
        "probe",
        "busybox",
        &[
            "sh",
            "-c",
            "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600",
        ],
    );
    c.advance(Duration::seconds(10));
    assert_eq!(exec(&c, "probe", &["cat", "/tmp/healthy"]).exit_code, 0);
    c.advance(Duration::seconds(30));
    let gone = exec(&c, "probe", &["cat", "/tmp/healthy"]);
    assert_eq!(gone.exit_code, 1);
    assert_eq!(
        gone.stderr,
        "cat: can't open '/tmp/healthy': No such file or directory\n"
    );
}

#[test]
fn odd_shell_scripts_never_panic() {
    let mut c = Cluster::default();
    run(&mut c, "box", "busybox", &["sleep", "3600"]);
    c.advance(Duration::seconds(10));
    for script in [
        "$((",
        "${",
        "'unterminated",
        "\"unterminated $(",
        "while",
        "until",
        "while true; do :; done",
        "while :; do echo y; done",
        "until false; do x=$((x+1)); done",
        "for in do done",
        "if then fi else",
        "echo $(( 1/0 )) $(( 5 % 0 ))",
        "echo $((-9223372036854775807 - 9 ))",
        "((((",
        "a=$(",
        "\\",
        "||| &&&& ;;; | &",
        ">> 2>&1 > <",
        "echo ${x:-default} $? $$ $1",
        "for i in 1 2 3; do if [ $i -eq 2 ]; then break; fi; echo $i; done",
        "cat < /etc/hostname | grep -v x | wc -l | head -n 1 | tail -1",
        "echo hi > /tmp/a; cat /tmp/a; ls /tmp; rm /tmp/a; rm /tmp/a",
        "printf '%s-%d\\n' a 1 b",
        "date +%Y-%m-%dT%H:%M:%S%z%",
        "é$(ü)ß=1; echo é",
    ] {
        let argv = vec!["sh".to_string(), "-c".to_string(), script.to_string()];
        let _ = c.exec("default", "box", None, &argv);
        let mut p = Pod::new("default", "odd", "busybox");
        p.spec.containers[0] = container("odd", "busybox", &["sh", "-c", script]);
        create(&mut c, p);
        c.advance(Duration::seconds(3));
        let _ = c.container_logs("default", "odd", None, false);
        let _ = c.container_logs("default", "odd", None, true);
        c.api_mut()
            .delete(
                &Actor::kubectl(),
                Kind::Pod,
                "default",
                "odd",
                &DeleteOptions {
                    grace_period_seconds: Some(0),
                    ..Default::default()
                },
            )
            .ok();
        c.advance(Duration::seconds(3));
    }
    let loop_break = exec(
        &c,
        "box",
        &[
            "sh",
            "-c",
            "for i in 1 2 3; do if [ $i -eq 2 ]; then break; fi; echo $i; done",
        ],
    );
    assert_eq!(loop_break.stdout, "1\n");
}
