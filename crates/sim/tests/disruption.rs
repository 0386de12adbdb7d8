//! PodDisruptionBudgets: the disruption controller's status and the evictions it allows.

use sim::api::pod::Pod;
use sim::api::pod_disruption_budget::PodDisruptionBudgetStatus;
use sim::api::{Deployment, Event, IntOrString, PodDisruptionBudget};
use sim::*;

fn kubectl() -> Actor {
    Actor::kubectl()
}

/// A cluster running Deployment `web` (label `app=web`) with `replicas` ready pods.
fn with_web(replicas: i32) -> Cluster {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            Deployment::new("default", "web", "nginx", replicas),
        )
        .unwrap();
    c.advance(Duration::seconds(30));
    c
}

fn budget(c: &Cluster, name: &str) -> PodDisruptionBudgetStatus {
    c.api()
        .get_as::<PodDisruptionBudget>("default", name)
        .unwrap()
        .status()
}

fn web_pods(c: &Cluster) -> Vec<String> {
    c.api()
        .iter_as::<Pod>(Some("default"))
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| p.metadata.name.to_string())
        .collect()
}

fn evict(c: &mut Cluster, name: &str) -> Result<(), Status> {
    c.api_mut()
        .evict(&kubectl(), "default", name, &DeleteOptions::default())
        .map(|_| ())
}

fn events_about(c: &Cluster, name: &str) -> Vec<(String, String, String)> {
    c.api()
        .iter_as::<Event>(Some("default"))
        .filter(|e| e.involved_object.name == name)
        .map(|e| {
            (
                e.type_.as_deref().unwrap_or_default().to_string(),
                e.reason.as_deref().unwrap_or_default().to_string(),
                e.message.as_deref().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_budget_counts_the_healthy_pods_and_allows_the_surplus_to_be_disrupted() {
    let mut c = with_web(3);
    c.api_mut()
        .create(
            &kubectl(),
            PodDisruptionBudget::new("default", "web", "web", IntOrString::Int(2)),
        )
        .unwrap();
    c.settle();
    let s = budget(&c, "web");
    assert_eq!(
        (
            s.expected_pods,
            s.current_healthy,
            s.desired_healthy,
            s.disruptions_allowed
        ),
        (3, 3, 2, 1)
    );
    assert_eq!(s.observed_generation, Some(1));
    let cond = &s.conditions[0];
    assert_eq!(
        (cond.type_.as_str(), cond.status.as_str()),
        ("DisruptionAllowed", "True")
    );
    assert_eq!(cond.reason.as_deref(), Some("SufficientPods"));
    assert_eq!(cond.message.as_deref(), Some(""));
}

#[test]
fn an_eviction_that_would_break_the_budget_is_refused_until_a_replacement_is_ready() {
    let mut c = with_web(3);
    c.api_mut()
        .create(
            &kubectl(),
            PodDisruptionBudget::new("default", "web", "web", IntOrString::Int(2)),
        )
        .unwrap();
    c.settle();
    let pods = web_pods(&c);
    evict(&mut c, &pods[0]).unwrap();
    // The eviction took the one allowed disruption at once, before any controller ran.
    let s = budget(&c, "web");
    assert_eq!(s.disruptions_allowed, 0);
    assert!(s.disrupted_pods.contains_key(&pods[0]));
    // The controller then sees the pod terminating: two healthy pods, none to spare.
    c.settle();
    let s = budget(&c, "web");
    assert_eq!((s.current_healthy, s.disruptions_allowed), (2, 0));
    assert!(s.disrupted_pods.is_empty());
    assert_eq!(s.conditions[0].reason.as_deref(), Some("InsufficientPods"));
    let err = evict(&mut c, &pods[1]).unwrap_err();
    assert_eq!(
        (err.code(), err.reason),
        (429, StatusReason::TooManyRequests)
    );
    assert_eq!(
        err.message,
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    let cause = &err.details.as_ref().unwrap().causes[0];
    assert_eq!(cause.reason, "DisruptionBudget");
    assert_eq!(
        cause.message,
        "The disruption budget web needs 2 healthy pods and has 2 currently"
    );
    // The second pod is untouched; once the ReplicaSet's replacement runs, one more may go.
    assert!(
        c.api()
            .get_as::<Pod>("default", &pods[1])
            .unwrap()
            .metadata
            .deletion_timestamp
            .is_none()
    );
    c.advance(Duration::seconds(40));
    let s = budget(&c, "web");
    assert_eq!((s.current_healthy, s.disruptions_allowed), (3, 1));
    assert!(s.disrupted_pods.is_empty());
    let cond = &s.conditions[0];
    assert_eq!(cond.reason.as_deref(), Some("SufficientPods"));
    evict(&mut c, &pods[1]).unwrap();
}

#[test]
fn max_unavailable_as_a_percentage_is_taken_from_the_deployments_scale() {
    let mut c = with_web(4);
    let mut pdb = PodDisruptionBudget::new("default", "web", "web", IntOrString::Int(0));
    pdb.spec.min_available = None;
    pdb.spec.max_unavailable = Some(IntOrString::String("25%".into()));
    c.api_mut().create(&kubectl(), pdb).unwrap();
    c.settle();
    let s = budget(&c, "web");
    assert_eq!(
        (s.expected_pods, s.desired_healthy, s.disruptions_allowed),
        (4, 3, 1)
    );
}

#[test]
fn a_budget_that_selects_no_pods_allows_no_disruption_and_says_why() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &kubectl(),
            PodDisruptionBudget::new("default", "db", "db", IntOrString::Int(1)),
        )
        .unwrap();
    c.settle();
    let s = budget(&c, "db");
    assert_eq!((s.expected_pods, s.disruptions_allowed), (0, 0));
    assert_eq!(s.conditions[0].reason.as_deref(), Some("InsufficientPods"));
    assert_eq!(s.conditions[0].status, "False");
    assert!(events_about(&c, "db").contains(&(
        "Normal".into(),
        "NoPods".into(),
        "No matching pods found".into()
    )));
}

#[test]
fn a_percentage_over_bare_pods_warns_that_they_are_unmanaged() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "solo", "nginx");
    p.metadata.labels.insert("app".into(), "solo".into());
    c.api_mut().create(&kubectl(), p).unwrap();
    c.advance(Duration::seconds(20));
    c.api_mut()
        .create(
            &kubectl(),
            PodDisruptionBudget::new("default", "solo", "solo", IntOrString::String("50%".into())),
        )
        .unwrap();
    c.settle();
    let warnings = events_about(&c, "solo");
    assert!(
        warnings
            .iter()
            .any(|(t, r, m)| t == "Warning" && r == "UnmanagedPods" && m.starts_with(
                "Pods selected by this PodDisruptionBudget (selector: app=solo) were found to be unmanaged."
            )),
        "{warnings:?}"
    );
}

#[test]
fn a_pod_under_two_budgets_cannot_be_evicted() {
    let mut c = with_web(2);
    for name in ["a", "b"] {
        c.api_mut()
            .create(
                &kubectl(),
                PodDisruptionBudget::new("default", name, "web", IntOrString::Int(0)),
            )
            .unwrap();
    }
    c.settle();
    let pod = web_pods(&c)[0].clone();
    let err = evict(&mut c, &pod).unwrap_err();
    assert_eq!(err.code(), 500);
    assert_eq!(
        err.message,
        "Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
    );
}

#[test]
fn an_unready_pod_may_be_evicted_while_the_budget_is_met() {
    let mut c = with_web(3);
    c.api_mut()
        .create(
            &kubectl(),
            PodDisruptionBudget::new("default", "web", "web", IntOrString::Int(3)),
        )
        .unwrap();
    c.settle();
    assert_eq!(budget(&c, "web").disruptions_allowed, 0);
    // A pending pod (here: one that cannot be scheduled) causes no new disruption.
    let mut big = Pod::new("default", "big", "nginx");
    big.metadata.labels.insert("app".into(), "web".into());
    big.spec.containers[0].resources = Some(sim::api::pod::ResourceRequirements {
        requests: [("cpu".to_string(), sim::api::Quantity("64".into()))].into(),
        ..Default::default()
    });
    c.api_mut().create(&kubectl(), big).unwrap();
    c.settle();
    evict(&mut c, "big").unwrap();
    // A ready one would break it.
    let pod = web_pods(&c)[0].clone();
    assert_eq!(evict(&mut c, &pod).unwrap_err().code(), 429);
}

#[test]
fn invalid_budgets_are_rejected_with_the_servers_messages() {
    let mut c = Cluster::default();
    let mut both = PodDisruptionBudget::new("default", "both", "web", IntOrString::Int(1));
    both.spec.max_unavailable = Some(IntOrString::Int(1));
    let err = c.api_mut().create(&kubectl(), both).unwrap_err();
    assert!(
        err.message
            .ends_with("minAvailable and maxUnavailable cannot be both set"),
        "{}",
        err.message
    );
    let too_much =
        PodDisruptionBudget::new("default", "pct", "web", IntOrString::String("120%".into()));
    let err = c.api_mut().create(&kubectl(), too_much).unwrap_err();
    assert_eq!(
        err.message,
        r#"PodDisruptionBudget.policy "pct" is invalid: spec.minAvailable: Invalid value: "120%": must not be greater than 100%"#
    );
    let negative = PodDisruptionBudget::new("default", "neg", "web", IntOrString::Int(-1));
    let err = c.api_mut().create(&kubectl(), negative).unwrap_err();
    assert_eq!(
        err.message,
        r#"PodDisruptionBudget.policy "neg" is invalid: spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"#
    );
}
