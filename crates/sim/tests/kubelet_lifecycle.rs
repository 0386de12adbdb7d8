//! The kubelet's container lifecycle as a learner sees it in `kubectl get pods` and
//! `kubectl describe pod`: exits, restarts and their back-off, restart policies, init containers,
//! probes, image pull errors and graceful termination.

use sim::api::pod::{Container, ExecAction, HttpGetAction, Probe, TcpSocketAction};
use sim::api::{Event, IntOrString, Pod};
use sim::*;

fn kubectl() -> Actor {
    Actor::kubectl()
}

fn container(name: &str, image: &str, command: &[&str]) -> Container {
    Container {
        name: sim::api::Str::new(name),
        image: sim::api::Str::new(image),
        command: command.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn run(c: &mut Cluster, name: &str, image: &str, command: &[&str], policy: &str) {
    let mut p = Pod::new("default", name, image);
    p.spec.containers[0] = container("app", image, command);
    p.spec.restart_policy = Some(sim::api::Str::new(policy));
    create(c, p);
}

fn create(c: &mut Cluster, p: Pod) {
    c.api_mut().create(&kubectl(), p).unwrap();
    c.settle();
}

fn pod(c: &Cluster, name: &str) -> Pod {
    c.api().get_as::<Pod>("default", name).unwrap()
}

/// READY, STATUS and RESTARTS as `kubectl get pods` prints them.
fn row(c: &Cluster, name: &str) -> (String, String, i32) {
    let v = views::pod_view(&pod(c, name));
    (v.ready, v.status, v.restarts)
}

fn status(c: &Cluster, name: &str) -> String {
    row(c, name).1
}

fn messages(c: &Cluster, name: &str, reason: &str) -> Vec<String> {
    c.api()
        .iter_as::<Event>(Some("default"))
        .filter(|e| e.involved_object.name == name && e.reason.as_deref() == Some(reason))
        .map(|e| e.message.as_deref().unwrap_or_default().to_string())
        .collect()
}

/// Advances one second at a time for `seconds`, collecting each STATUS change with its time.
fn watch(c: &mut Cluster, name: &str, seconds: u64) -> Vec<(u64, String)> {
    let start = c.now();
    let mut seen: Vec<(u64, String)> = Vec::new();
    for _ in 0..seconds {
        c.advance(Duration::seconds(1));
        let Ok(p) = c.api().get_as::<Pod>("default", name) else {
            break;
        };
        let s = views::pod_status(&p);
        if seen.last().is_none_or(|l| l.1 != s) {
            seen.push((c.now().since(start).as_millis() / 1000, s));
        }
    }
    seen
}

#[test]
fn a_crashing_container_is_restarted_after_back_offs_of_10_20_and_40_seconds() {
    let mut c = Cluster::default();
    run(
        &mut c,
        "crash",
        "busybox:1.36",
        &["sh", "-c", "exit 1"],
        "Always",
    );
    let mut restarts_at = Vec::new();
    let mut last = 0;
    for s in 1..=120 {
        c.advance(Duration::seconds(1));
        let n = row(&c, "crash").2;
        if n != last {
            restarts_at.push(s);
            last = n;
        }
    }
    assert!(restarts_at.len() >= 4, "{restarts_at:?}");
    let gaps: Vec<u64> = restarts_at.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(&gaps[..3], &[10, 20, 40], "restarts at {restarts_at:?}");
    let p = pod(&c, "crash");
    let st = &p.status.as_ref().unwrap().container_statuses[0];
    let waiting = st.state.waiting.as_ref().unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("CrashLoopBackOff"));
    assert_eq!(
        waiting.message.as_deref(),
        Some(
            format!(
                "back-off 1m20s restarting failed container=app pod=crash_default({})",
                p.metadata.uid
            )
            .as_str()
        )
    );
    let last_state = st.last_state.terminated.as_ref().unwrap();
    assert_eq!(last_state.exit_code, 1);
    assert_eq!(last_state.reason.as_deref(), Some("Error"));
    assert_eq!(status(&c, "crash"), "CrashLoopBackOff");
    assert_eq!(p.phase(), "Running");
    assert!(messages(&c, "crash", "BackOff").contains(&format!(
        "Back-off restarting failed container app in pod crash_default({})",
        p.metadata.uid
    )));
}

#[test]
fn restart_policy_never_leaves_a_failed_command_in_error_and_the_pod_failed() {
    let mut c = Cluster::default();
    run(
        &mut c,
        "once",
        "busybox:1.36",
        &["sh", "-c", "exit 3"],
        "Never",
    );
    c.advance(Duration::seconds(30));
    assert_eq!(row(&c, "once"), ("0/1".into(), "Error".into(), 0));
    let p = pod(&c, "once");
    assert_eq!(p.phase(), "Failed");
    let t = p.status.as_ref().unwrap().container_statuses[0]
        .state
        .terminated
        .clone()
        .unwrap();
    assert_eq!(t.exit_code, 3);
    assert!(t.started_at.is_some() && t.finished_at.is_some() && t.container_id.is_some());
    let ready = p.condition("Ready").unwrap();
    assert_eq!(ready.status, "False");
    assert_eq!(ready.reason.as_deref(), Some("PodFailed"));
}

#[test]
fn on_failure_restarts_only_containers_that_fail() {
    let mut c = Cluster::default();
    run(&mut c, "ok", "busybox:1.36", &["true"], "OnFailure");
    run(&mut c, "bad", "busybox:1.36", &["false"], "OnFailure");
    c.advance(Duration::seconds(30));
    assert_eq!(row(&c, "ok"), ("0/1".into(), "Completed".into(), 0));
    assert_eq!(pod(&c, "ok").phase(), "Succeeded");
    let (_, st, restarts) = row(&c, "bad");
    assert!(restarts >= 2, "{restarts}");
    assert!(st == "CrashLoopBackOff" || st == "Error", "{st}");
    assert_eq!(pod(&c, "bad").phase(), "Running");
}

#[test]
fn a_job_like_command_runs_then_completes() {
    let mut c = Cluster::default();
    run(&mut c, "job", "busybox:1.36", &["sleep", "5"], "Never");
    let seen = watch(&mut c, "job", 20);
    let states: Vec<&str> = seen.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        states,
        ["ContainerCreating", "Running", "Completed"],
        "{seen:?}"
    );
    let p = pod(&c, "job");
    assert_eq!(p.phase(), "Succeeded");
    assert_eq!(
        p.condition("Ready").unwrap().reason.as_deref(),
        Some("PodCompleted")
    );
    let t = p.status.as_ref().unwrap().container_statuses[0]
        .state
        .terminated
        .clone()
        .unwrap();
    assert_eq!((t.exit_code, t.reason.as_deref()), (0, Some("Completed")));
}

#[test]
fn init_containers_run_in_order_before_the_app_containers() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "web", "nginx:1.27");
    p.spec.containers[0].name = "app".into();
    p.spec.init_containers = vec![
        container("first", "busybox:1.36", &["sleep", "5"]),
        container("second", "busybox:1.36", &["sleep", "5"]),
    ];
    create(&mut c, p);
    let seen = watch(&mut c, "web", 30);
    let states: Vec<&str> = seen.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        states,
        ["Init:0/2", "Init:1/2", "PodInitializing", "Running"],
        "{seen:?}"
    );
    let p = pod(&c, "web");
    let st = p.status.as_ref().unwrap();
    let first = st.init_container_statuses[0]
        .state
        .terminated
        .clone()
        .unwrap();
    let second = st.init_container_statuses[1]
        .state
        .terminated
        .clone()
        .unwrap();
    assert!(first.finished_at <= second.started_at);
    assert_eq!(row(&c, "web").0, "1/1");
}

#[test]
fn a_failing_init_container_shows_init_error_then_init_crash_loop_back_off() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "web", "nginx:1.27");
    p.spec.init_containers = vec![container("setup", "busybox:1.36", &["false"])];
    create(&mut c, p);
    let seen = watch(&mut c, "web", 30);
    let states: Vec<&str> = seen.iter().map(|s| s.1.as_str()).collect();
    assert!(states.contains(&"Init:Error"), "{seen:?}");
    assert!(states.contains(&"Init:CrashLoopBackOff"), "{seen:?}");
    assert_eq!(pod(&c, "web").phase(), "Pending");
    let init = pod(&c, "web").condition("Initialized").cloned().unwrap();
    assert_eq!(init.reason.as_deref(), Some("ContainersNotInitialized"));
    assert_eq!(
        init.message.as_deref(),
        Some("containers with incomplete status: [setup]")
    );
}

#[test]
fn a_failing_readiness_probe_keeps_the_pod_running_but_not_ready() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "web", "nginx:1.27");
    p.spec.containers[0].name = "app".into();
    p.spec.containers[0].readiness_probe = Some(Box::new(Probe {
        http_get: Some(HttpGetAction {
            path: Some("/healthz".into()),
            port: IntOrString::Int(8080),
            host: None,
            scheme: None,
            http_headers: Vec::new(),
        }),
        ..Default::default()
    }));
    create(&mut c, p);
    let probe = pod(&c, "web").spec.containers[0]
        .readiness_probe
        .clone()
        .unwrap();
    assert_eq!(probe.period_seconds, Some(10));
    assert_eq!(probe.timeout_seconds, Some(1));
    assert_eq!(probe.failure_threshold, Some(3));
    assert_eq!(probe.success_threshold, Some(1));
    assert_eq!(probe.http_get.unwrap().scheme.as_deref(), Some("HTTP"));
    c.advance(Duration::seconds(60));
    assert_eq!(row(&c, "web"), ("0/1".into(), "Running".into(), 0));
    let p = pod(&c, "web");
    let ip = p.status.as_ref().unwrap().pod_ip.clone().unwrap();
    let ready = p.condition("Ready").unwrap();
    assert_eq!(ready.reason.as_deref(), Some("ContainersNotReady"));
    assert_eq!(
        ready.message.as_deref(),
        Some("containers with unready status: [app]")
    );
    assert_eq!(
        messages(&c, "web", "Unhealthy"),
        [format!(
            "Readiness probe failed: Get \"http://{ip}:8080/healthz\": dial tcp {ip}:8080: connect: connection refused"
        )]
    );
}

#[test]
fn a_passing_readiness_probe_makes_the_pod_ready() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "web", "nginx:1.27");
    p.spec.containers[0].readiness_probe = Some(Box::new(Probe {
        tcp_socket: Some(TcpSocketAction {
            port: IntOrString::Int(80),
            host: None,
        }),
        ..Default::default()
    }));
    create(&mut c, p);
    c.advance(Duration::seconds(10));
    assert_eq!(row(&c, "web"), ("1/1".into(), "Running".into(), 0));
}

#[test]
fn a_container_failing_its_liveness_probe_is_killed_and_restarted() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "web", "nginx:1.27");
    p.spec.containers[0].name = "app".into();
    p.spec.containers[0].liveness_probe = Some(Box::new(Probe {
        tcp_socket: Some(TcpSocketAction {
            port: IntOrString::Int(8081),
            host: None,
        }),
        ..Default::default()
    }));
    create(&mut c, p);
    c.advance(Duration::seconds(15));
    assert_eq!(row(&c, "web"), ("1/1".into(), "Running".into(), 0));
    c.advance(Duration::seconds(20));
    let ip = pod(&c, "web").status.unwrap().pod_ip.unwrap();
    assert!(
        messages(&c, "web", "Killing")
            .contains(&"Container app failed liveness probe, will be restarted".to_string())
    );
    assert_eq!(
        messages(&c, "web", "Unhealthy"),
        [format!(
            "Liveness probe failed: dial tcp {ip}:8081: connect: connection refused"
        )]
    );
    assert_eq!(row(&c, "web").2, 1);
    let st = &pod(&c, "web").status.unwrap().container_statuses[0];
    assert!(st.state.running.is_some());
    assert!(st.last_state.terminated.is_some());
}

#[test]
fn an_exec_liveness_probe_sees_the_file_the_container_removes() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "liveness-exec", "busybox:1.36");
    p.spec.containers[0] = container(
        "liveness",
        "busybox:1.36",
        &[
            "/bin/sh",
            "-c",
            "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600",
        ],
    );
    p.spec.containers[0].liveness_probe = Some(Box::new(Probe {
        exec: Some(ExecAction {
            command: vec!["cat".into(), "/tmp/healthy".into()],
        }),
        initial_delay_seconds: Some(5),
        period_seconds: Some(5),
        ..Default::default()
    }));
    create(&mut c, p);
    c.advance(Duration::seconds(30));
    assert_eq!(row(&c, "liveness-exec").2, 0);
    assert!(messages(&c, "liveness-exec", "Unhealthy").is_empty());
    c.advance(Duration::seconds(60));
    assert_eq!(
        messages(&c, "liveness-exec", "Unhealthy"),
        ["Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"]
    );
    assert!(row(&c, "liveness-exec").2 >= 1);
}

#[test]
fn a_startup_probe_holds_back_readiness_until_it_succeeds() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "slow", "nginx:1.27");
    p.spec.containers[0].startup_probe = Some(Box::new(Probe {
        http_get: Some(HttpGetAction {
            path: None,
            port: IntOrString::Int(80),
            host: None,
            scheme: None,
            http_headers: Vec::new(),
        }),
        initial_delay_seconds: Some(20),
        ..Default::default()
    }));
    create(&mut c, p);
    c.advance(Duration::seconds(15));
    assert_eq!(row(&c, "slow"), ("0/1".into(), "Running".into(), 0));
    assert_eq!(
        pod(&c, "slow").status.unwrap().container_statuses[0].started,
        Some(false)
    );
    c.advance(Duration::seconds(15));
    assert_eq!(row(&c, "slow"), ("1/1".into(), "Running".into(), 0));
}

#[test]
fn an_unknown_image_gives_err_image_pull_then_image_pull_back_off() {
    let mut c = Cluster::default();
    run(&mut c, "typo", "nginx:1.161", &[], "Always");
    assert_eq!(status(&c, "typo"), "ContainerCreating");
    let seen = watch(&mut c, "typo", 40);
    // Pulls are retried after 10 s, then 20 s.
    assert_eq!(
        seen,
        [
            (1, "ErrImagePull".to_string()),
            (2, "ImagePullBackOff".to_string()),
            (11, "ErrImagePull".to_string()),
            (12, "ImagePullBackOff".to_string()),
            (32, "ErrImagePull".to_string()),
            (33, "ImagePullBackOff".to_string())
        ]
    );
    let failed = messages(&c, "typo", "Failed");
    assert!(failed.contains(&"Failed to pull image \"nginx:1.161\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.161\": failed to resolve reference \"docker.io/library/nginx:1.161\": docker.io/library/nginx:1.161: not found".to_string()), "{failed:?}");
    assert!(failed.contains(&"Error: ErrImagePull".to_string()));
    assert!(failed.contains(&"Error: ImagePullBackOff".to_string()));
    assert!(
        messages(&c, "typo", "BackOff")
            .contains(&"Back-off pulling image \"nginx:1.161\"".to_string())
    );
}

#[test]
fn a_deleted_server_stops_within_a_second_and_a_sleep_is_killed_when_its_grace_period_ends() {
    let mut c = Cluster::default();
    run(&mut c, "web", "nginx:1.27", &[], "Always");
    run(&mut c, "nap", "busybox:1.36", &["sleep", "3600"], "Always");
    c.advance(Duration::seconds(10));
    let cursor = c.api().resource_version();
    for name in ["web", "nap"] {
        c.api_mut()
            .delete(
                &kubectl(),
                Kind::Pod,
                "default",
                name,
                &DeleteOptions::default(),
            )
            .unwrap();
    }
    c.advance(Duration::seconds(2));
    assert!(c.api().get_as::<Pod>("default", "web").is_err());
    assert_eq!(row(&c, "nap"), ("1/1".into(), "Terminating".into(), 0));
    c.advance(Duration::seconds(27));
    assert!(c.api().get_as::<Pod>("default", "nap").is_ok());
    c.advance(Duration::seconds(2));
    assert!(c.api().get_as::<Pod>("default", "nap").is_err());
    // Before each pod went away, its kubelet reported the container terminated.
    let mut last_codes = std::collections::BTreeMap::new();
    for e in c.api().watch(cursor).unwrap() {
        if let Object::Pod(p) = e.object.as_ref()
            && e.type_ == sim::apiserver::EventType::Modified
            && let Some(t) = p
                .status
                .as_ref()
                .and_then(|s| s.container_statuses.first())
                .and_then(|s| s.state.terminated.clone())
        {
            // The last write before removal carries the terminal phase (upstream >= 1.27):
            // kubectl shows Completed for a clean exit, Error for a killed one.
            let expected = if t.exit_code == 0 {
                "Completed"
            } else {
                "Error"
            };
            assert_eq!(views::pod_status(p), expected);
            last_codes.insert(p.metadata.name.to_string(), t.exit_code);
        }
    }
    assert_eq!(last_codes.get("web"), Some(&0));
    assert_eq!(last_codes.get("nap"), Some(&137));
}

#[test]
fn the_back_off_resets_once_a_container_ran_for_ten_minutes() {
    let mut c = Cluster::default();
    run(
        &mut c,
        "long",
        "busybox:1.36",
        &["sh", "-c", "sleep 660; exit 1"],
        "Always",
    );
    run(
        &mut c,
        "short",
        "busybox:1.36",
        &["sh", "-c", "sleep 5; exit 1"],
        "Always",
    );
    let mut long_states = std::collections::BTreeSet::new();
    let mut short_states = std::collections::BTreeSet::new();
    for _ in 0..1400 {
        c.advance(Duration::seconds(1));
        long_states.insert(status(&c, "long"));
        short_states.insert(status(&c, "short"));
    }
    assert_eq!(row(&c, "long").2, 2);
    assert!(!long_states.contains("CrashLoopBackOff"), "{long_states:?}");
    assert!(short_states.contains("CrashLoopBackOff"));
}

#[test]
fn probes_are_validated_as_the_api_server_does() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "bad", "nginx");
    p.spec.containers[0].liveness_probe = Some(Box::new(Probe {
        success_threshold: Some(2),
        ..Default::default()
    }));
    p.spec.containers[0].readiness_probe = Some(Box::new(Probe {
        tcp_socket: Some(TcpSocketAction {
            port: IntOrString::Int(70000),
            host: None,
        }),
        ..Default::default()
    }));
    let err = c.api_mut().create(&kubectl(), p).unwrap_err();
    assert_eq!(
        err.message,
        "Pod \"bad\" is invalid: [spec.containers[0].livenessProbe: Required value: must specify a handler type, spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1, spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: 70000: must be between 1 and 65535, inclusive]"
    );
}

#[test]
fn a_sidecar_init_container_keeps_running_while_the_app_starts() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "web", "nginx:1.27");
    let mut sidecar = container("proxy", "busybox:1.36", &["sleep", "infinity"]);
    sidecar.restart_policy = Some("Always".into());
    p.spec.init_containers = vec![sidecar];
    create(&mut c, p);
    c.advance(Duration::seconds(20));
    assert_eq!(status(&c, "web"), "Running");
    let st = pod(&c, "web").status.unwrap();
    assert!(st.init_container_statuses[0].state.running.is_some());
    assert!(st.container_statuses[0].state.running.is_some());
    assert_eq!(
        pod(&c, "web").condition("Initialized").unwrap().status,
        "True"
    );
    assert_eq!(pod(&c, "web").phase(), "Running");
}
