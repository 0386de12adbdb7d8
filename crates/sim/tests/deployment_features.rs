//! Deployment features beyond a plain rollout: pause and resume, rollback to an old revision,
//! the progress deadline and proportional scaling in the middle of a rollout.

use sim::api::{Condition, Deployment, Event, ReplicaSet};
use sim::*;

fn kubectl() -> Actor {
    Actor::kubectl()
}

fn web(c: &mut Cluster, replicas: i32) {
    c.api_mut()
        .create_as(
            &kubectl(),
            Deployment::new("default", "web", "nginx:1.27", replicas),
        )
        .unwrap();
    c.advance(Duration::seconds(30));
}

fn deployment(c: &Cluster) -> Deployment {
    c.api().get_as::<Deployment>("default", "web").unwrap()
}

fn condition(c: &Cluster, type_: &str) -> Condition {
    deployment(c)
        .status
        .unwrap_or_default()
        .conditions
        .into_iter()
        .find(|x| x.type_ == type_)
        .unwrap_or_else(|| panic!("no {type_} condition"))
}

/// (name, image, replicas, revision) of every ReplicaSet of `web`, oldest first.
fn replica_sets(c: &Cluster) -> Vec<(String, String, i32, String)> {
    let mut v: Vec<ReplicaSet> = c
        .api()
        .iter_as::<ReplicaSet>(Some("default"))
        .cloned()
        .collect();
    v.sort_by(|a, b| {
        a.metadata
            .creation_timestamp
            .cmp(&b.metadata.creation_timestamp)
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
    v.into_iter()
        .map(|rs| {
            (
                rs.metadata.name.to_string(),
                rs.spec.template.spec.containers[0].image.to_string(),
                rs.spec.replicas.unwrap_or(0),
                rs.metadata
                    .annotations
                    .get("deployment.kubernetes.io/revision")
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn patch(c: &mut Cluster, body: serde_json::Value) {
    c.api_mut()
        .patch(
            &kubectl(),
            Kind::Deployment,
            "default",
            "web",
            &Patch::strategic(body),
            &WriteOptions::default(),
        )
        .unwrap();
    c.settle();
}

fn set_image(c: &mut Cluster, image: &str) {
    patch(
        c,
        serde_json::json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": image}]}}}}),
    );
}

#[test]
fn a_paused_deployment_does_not_roll_out_a_new_image_until_resumed() {
    let mut c = Cluster::default();
    web(&mut c, 3);
    patch(&mut c, serde_json::json!({"spec": {"paused": true}}));
    let p = condition(&c, "Progressing");
    assert_eq!(
        (p.status.as_str(), p.reason.as_deref(), p.message.as_deref()),
        (
            "Unknown",
            Some("DeploymentPaused"),
            Some("Deployment is paused")
        )
    );
    set_image(&mut c, "nginx:1.28");
    c.advance(Duration::seconds(60));
    let rss = replica_sets(&c);
    assert_eq!(rss.len(), 1, "no new ReplicaSet while paused: {rss:?}");
    assert_eq!(rss[0].1, "nginx:1.27");

    // Scaling still works while paused.
    patch(&mut c, serde_json::json!({"spec": {"replicas": 5}}));
    assert_eq!(replica_sets(&c)[0].2, 5);
    c.advance(Duration::seconds(10));

    patch(&mut c, serde_json::json!({"spec": {"paused": false}}));
    c.advance(Duration::seconds(60));
    let rss = replica_sets(&c);
    assert_eq!(rss.len(), 2, "{rss:?}");
    assert_eq!(
        (rss[0].2, rss[1].1.as_str(), rss[1].2),
        (0, "nginx:1.28", 5)
    );
    let p = condition(&c, "Progressing");
    assert_eq!(p.reason.as_deref(), Some("NewReplicaSetAvailable"));
    assert_eq!(
        p.message.as_deref().map(str::to_string),
        Some(format!(
            "ReplicaSet \"{}\" has successfully progressed.",
            rss[1].0
        ))
    );
}

#[test]
fn resuming_a_finished_deployment_passes_through_deployment_resumed_to_complete() {
    let mut c = Cluster::default();
    web(&mut c, 2);
    patch(&mut c, serde_json::json!({"spec": {"paused": true}}));
    let mark = c.api().resource_version();
    patch(&mut c, serde_json::json!({"spec": {"paused": false}}));
    let resumed = c.api().log().iter().any(|e| {
        e.resource_version > mark
            && matches!(e.object.as_ref(), Object::Deployment(d) if d.status.as_ref().is_some_and(|s| {
                s.conditions.iter().any(|c| {
                    c.reason.as_deref() == Some("DeploymentResumed")
                        && c.status == "Unknown"
                        && c.message.as_deref() == Some("Deployment is resumed")
                })
            }))
    });
    assert!(resumed, "the controller records DeploymentResumed");
    // Nothing to roll out: the next status sync finds the rollout complete.
    let p = condition(&c, "Progressing");
    assert_eq!(
        (p.status.as_str(), p.reason.as_deref()),
        ("True", Some("NewReplicaSetAvailable"))
    );
}

#[test]
fn undo_renumbers_the_reused_revision() {
    let mut c = Cluster::default();
    web(&mut c, 2);
    set_image(&mut c, "nginx:1.28");
    c.advance(Duration::seconds(60));
    let before = replica_sets(&c);
    assert_eq!(
        before.iter().map(|r| r.3.as_str()).collect::<Vec<_>>(),
        ["1", "2"]
    );
    // `kubectl rollout undo` copies revision 1's template back into the Deployment.
    set_image(&mut c, "nginx:1.27");
    c.advance(Duration::seconds(60));
    let after = replica_sets(&c);
    assert_eq!(after.len(), 2, "the old ReplicaSet is reused: {after:?}");
    assert_eq!(after[0].0, before[0].0);
    assert_eq!((after[0].2, after[0].3.as_str()), (2, "3"));
    assert_eq!((after[1].2, after[1].3.as_str()), (0, "2"));
    let rs = c
        .api()
        .get_as::<ReplicaSet>("default", &after[0].0)
        .unwrap();
    assert_eq!(
        rs.metadata
            .annotations
            .get("deployment.kubernetes.io/revision-history")
            .map(String::as_str),
        Some("1")
    );
    assert_eq!(
        deployment(&c)
            .metadata
            .annotations
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("3")
    );
}

/// A template whose pods fit nowhere: the rollout cannot make progress.
fn roll_out_unschedulable(c: &mut Cluster) {
    patch(
        c,
        serde_json::json!({"spec": {"template": {"spec": {
            "nodeSelector": {"disktype": "ssd"},
            "containers": [{"name": "nginx", "image": "nginx:1.28"}]
        }}}}),
    );
}

#[test]
fn a_stuck_rollout_reports_progress_deadline_exceeded_after_600_seconds() {
    let mut c = Cluster::default();
    web(&mut c, 3);
    roll_out_unschedulable(&mut c);
    c.advance(Duration::seconds(590));
    let p = condition(&c, "Progressing");
    assert_eq!(p.status, "True", "{p:?}");
    assert_eq!(p.reason.as_deref(), Some("ReplicaSetUpdated"));
    c.advance(Duration::seconds(20));
    let new_rs = replica_sets(&c)[1].0.clone();
    let p = condition(&c, "Progressing");
    assert_eq!(
        (p.status.as_str(), p.reason.as_deref()),
        ("False", Some("ProgressDeadlineExceeded"))
    );
    assert_eq!(
        p.message.as_deref().map(str::to_string),
        Some(format!(
            "ReplicaSet \"{new_rs}\" has timed out progressing."
        ))
    );
    // Still available: the old pods keep serving.
    let a = condition(&c, "Available");
    assert_eq!(
        (a.status.as_str(), a.reason.as_deref(), a.message.as_deref()),
        (
            "True",
            Some("MinimumReplicasAvailable"),
            Some("Deployment has minimum availability.")
        )
    );
}

#[test]
fn a_deployment_without_available_pods_reports_minimum_replicas_unavailable() {
    let mut c = Cluster::default();
    let mut d = Deployment::new("default", "web", "nginx:1.27", 2);
    d.spec
        .template
        .spec
        .node_selector
        .insert("disktype".into(), "ssd".into());
    c.api_mut().create_as(&kubectl(), d).unwrap();
    c.advance(Duration::seconds(30));
    let a = condition(&c, "Available");
    assert_eq!(
        (a.status.as_str(), a.reason.as_deref(), a.message.as_deref()),
        (
            "False",
            Some("MinimumReplicasUnavailable"),
            Some("Deployment does not have minimum availability.")
        )
    );
    let rs = replica_sets(&c)[0].0.clone();
    let p = condition(&c, "Progressing");
    assert_eq!(
        (
            p.reason.as_deref(),
            p.message.as_deref().map(str::to_string)
        ),
        (
            Some("ReplicaSetUpdated"),
            Some(format!("ReplicaSet \"{rs}\" is progressing."))
        )
    );
}

#[test]
fn scaling_mid_rollout_is_proportional() {
    let mut c = Cluster::default();
    web(&mut c, 10);
    roll_out_unschedulable(&mut c);
    c.advance(Duration::seconds(30));
    let rss = replica_sets(&c);
    // maxSurge 3 and maxUnavailable 2 of 10: the old set keeps 8, the new one gets 5.
    assert_eq!((rss[0].2, rss[1].2), (8, 5), "{rss:?}");

    patch(&mut c, serde_json::json!({"spec": {"replicas": 20}}));
    let rss = replica_sets(&c);
    // 12 more (20 + 5 surge − 13) spread as 8·25/13 ≈ 15 and 5·25/13 ≈ 10.
    assert_eq!((rss[0].2, rss[1].2), (15, 10), "{rss:?}");
    for (name, ..) in &rss {
        let rs = c.api().get_as::<ReplicaSet>("default", name).unwrap();
        let a = &rs.metadata.annotations;
        assert_eq!(
            a.get("deployment.kubernetes.io/desired-replicas")
                .map(String::as_str),
            Some("20")
        );
        assert_eq!(
            a.get("deployment.kubernetes.io/max-replicas")
                .map(String::as_str),
            Some("25")
        );
    }
    let events: Vec<String> = c
        .api()
        .iter_as::<Event>(Some("default"))
        .filter(|e| e.involved_object.name == "web")
        .filter_map(|e| e.message.as_deref().map(str::to_string))
        .collect();
    assert!(
        events.contains(&format!("Scaled up replica set {} from 8 to 15", rss[0].0)),
        "{events:?}"
    );
    assert!(
        events.contains(&format!("Scaled up replica set {} from 5 to 10", rss[1].0)),
        "{events:?}"
    );

    // And back down: 5 fewer than 25 allowed, taken from the larger, older set first.
    patch(&mut c, serde_json::json!({"spec": {"replicas": 16}}));
    let rss = replica_sets(&c);
    // allowed 16 + 4 = 20; 25 → 20: 15·20/25 = 12 (−3) and 10·20/25 = 8 (−2).
    assert_eq!((rss[0].2, rss[1].2), (12, 8), "{rss:?}");
}
