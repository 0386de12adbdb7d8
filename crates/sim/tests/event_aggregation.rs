//! client-go's event correlator as `kubectl describe` / `kubectl get events` show it: repeats are
//! counted, many similar events (same object and reason, different messages) are combined into
//! one "(combined from similar events)" event, and the correlator's caches are bounded.

use sim::api::{ConfigMap, Deployment, Event, ReplicaSet};
use sim::*;

fn events_of(c: &Cluster, ns: &str, name: &str) -> Vec<Event> {
    let mut events: Vec<Event> = c
        .api()
        .iter_as::<Event>(Some(ns))
        .filter(|e| e.involved_object.name == name)
        .cloned()
        .collect();
    events.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    events
}

fn a_config_map(c: &mut Cluster, name: &str) -> Object {
    c.api_mut()
        .create(
            &Actor::kubectl(),
            ConfigMap {
                metadata: sim::api::ObjectMeta::named("default", name),
                ..Default::default()
            },
        )
        .expect("create config map")
}

fn record(c: &mut Cluster, obj: &Object, reason: impl Into<sim::api::Str>, message: &str) {
    let actor = Actor::new("test-controller");
    sim::events::record(c.api_mut(), &actor, obj, "", "Normal", reason, message);
}

#[test]
fn the_tenth_similar_event_is_combined_into_one() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &Actor::kubectl(),
            Deployment::new("default", "web", "nginx", 12),
        )
        .expect("create deployment");
    c.settle();
    let rs = c
        .api()
        .iter_as::<ReplicaSet>(Some("default"))
        .next()
        .expect("a replica set");
    let created: Vec<Event> = events_of(&c, "default", &rs.metadata.name)
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("SuccessfulCreate"))
        .collect();
    // Nine pods get an event each; the tenth, eleventh and twelfth are one combined event.
    assert_eq!(created.len(), 10, "{created:#?}");
    let (single, combined): (Vec<&Event>, Vec<&Event>) = created.iter().partition(|e| {
        !e.message
            .as_deref()
            .unwrap_or_default()
            .starts_with("(combined from similar events): ")
    });
    assert_eq!(single.len(), 9);
    assert!(single.iter().all(|e| e.count == Some(1)));
    let combined = combined.first().expect("a combined event");
    assert_eq!(combined.count, Some(3));
    let last_pod = c
        .api()
        .iter_as::<sim::api::Pod>(Some("default"))
        .map(|p| p.metadata.name.to_string())
        .find(|n| {
            !single
                .iter()
                .any(|e| e.message.as_deref() == Some(&format!("Created pod: {n}")))
                && combined.message.as_deref()
                    == Some(&format!("(combined from similar events): Created pod: {n}"))
        });
    assert!(last_pod.is_some(), "{:?}", combined.message);
    assert_eq!(combined.type_.as_deref(), Some("Normal"));
    assert_eq!(
        combined.source.as_ref().map(|s| s.component.as_str()),
        Some("replicaset-controller")
    );
}

#[test]
fn nine_similar_events_are_kept_apart() {
    let mut c = Cluster::default();
    let cm = a_config_map(&mut c, "cfg");
    for i in 0..9 {
        record(&mut c, &cm, "Synced", &format!("synced key {i}"));
    }
    let events = events_of(&c, "default", "cfg");
    assert_eq!(events.len(), 9);
    assert!(events.iter().all(|e| {
        !e.message
            .as_deref()
            .unwrap_or_default()
            .contains("combined")
    }));
}

#[test]
fn an_identical_event_repeated_is_counted_not_combined() {
    let mut c = Cluster::default();
    let cm = a_config_map(&mut c, "cfg");
    for _ in 0..15 {
        record(&mut c, &cm, "Synced", "synced");
        c.advance(Duration::seconds(1));
    }
    let events = events_of(&c, "default", "cfg");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].count, Some(15));
    assert_eq!(events[0].message.as_deref(), Some("synced"));
}

#[test]
fn later_similar_events_bump_the_combined_event_with_the_latest_message() {
    let mut c = Cluster::default();
    let cm = a_config_map(&mut c, "cfg");
    for i in 0..20 {
        record(&mut c, &cm, "Synced", &format!("synced key {i}"));
    }
    let events = events_of(&c, "default", "cfg");
    assert_eq!(events.len(), 10);
    let combined = events
        .iter()
        .find(|e| e.count == Some(11))
        .expect("a combined event counted 11 times");
    assert_eq!(
        combined.message.as_deref(),
        Some("(combined from similar events): synced key 19")
    );
}

#[test]
fn events_with_different_reasons_are_not_similar() {
    let mut c = Cluster::default();
    let cm = a_config_map(&mut c, "cfg");
    for i in 0..12 {
        record(&mut c, &cm, format!("Reason{i}"), &format!("message {i}"));
    }
    let events = events_of(&c, "default", "cfg");
    assert_eq!(events.len(), 12);
    assert!(events.iter().all(|e| e.count == Some(1)));
}

#[test]
fn similar_events_more_than_ten_minutes_apart_start_afresh() {
    let mut c = Cluster::default();
    let cm = a_config_map(&mut c, "cfg");
    for i in 0..9 {
        record(&mut c, &cm, "Synced", &format!("synced key {i}"));
    }
    c.advance(Duration::seconds(601));
    record(&mut c, &cm, "Synced", "synced key 9");
    let events = events_of(&c, "default", "cfg");
    assert_eq!(events.len(), 10);
    assert!(events.iter().all(|e| e.count == Some(1)));
}

#[test]
fn the_correlator_forgets_an_event_after_4096_newer_ones() {
    let mut c = Cluster::default();
    let cm = a_config_map(&mut c, "cfg");
    record(&mut c, &cm, "Synced", "synced");
    // Other objects' events push the first one out of the LRU caches.
    let other = a_config_map(&mut c, "other");
    for i in 0..4200 {
        record(&mut c, &other, format!("Reason{i}"), "m");
    }
    record(&mut c, &cm, "Synced", "synced");
    let events = events_of(&c, "default", "cfg");
    assert_eq!(events.len(), 2, "a forgotten event is recorded anew");
    assert!(events.iter().all(|e| e.count == Some(1)));
}
