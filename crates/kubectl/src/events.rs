//! `kubectl events [--for TYPE/NAME] [--types=…] [-A]`: the events table of kubectl's own
//! `events` command (sorted by time, `Kind/name` objects, `(xN over …)` intervals).

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use crate::get::namespace_of;
use crate::printers::table::{age, render};
use crate::{Output, resources};
use sim::api::Event;
use sim::{Cluster, Time};

const FLAGS: &[Flag] = &[
    short("all-namespaces", 'A', FlagKind::Bool),
    flag("for", FlagKind::String),
    flag("types", FlagKind::StringSlice),
    flag("no-headers", FlagKind::Bool),
    short("output", 'o', FlagKind::String),
    short("watch", 'w', FlagKind::Bool),
    flag("chunk-size", FlagKind::Int),
    flag("show-managed-fields", FlagKind::Bool),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("template", FlagKind::String),
];

/// The time `kubectl events` sorts by (`eventTime` in its source).
fn sort_time(e: &Event) -> Time {
    let t = e
        .series
        .as_ref()
        .map(|s| s.last_observed_time.as_str())
        .or(e.last_timestamp.as_deref())
        .or(e.event_time.as_deref());
    t.and_then(Time::parse_rfc3339).unwrap_or(Time::ZERO)
}

/// `getInterval`: `5s`, or `20s (x3 over 2m)` for repeated events.
pub fn interval(e: &Event, now: Time) -> String {
    let first = match &e.event_time {
        Some(t) if !t.is_empty() => age(now, Some(t)),
        _ => age(now, e.first_timestamp.as_deref()),
    };
    if let Some(series) = &e.series {
        format!(
            "{} (x{} over {first})",
            age(now, Some(&series.last_observed_time)),
            series.count
        )
    } else if e.count.unwrap_or(0) > 1 {
        format!(
            "{} (x{} over {first})",
            age(now, e.last_timestamp.as_deref()),
            e.count.unwrap_or(0)
        )
    } else {
        first
    }
}

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    let cmd = Cmd {
        path: "kubectl events",
    };
    let parsed = match cmd.parse(FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if !parsed.args.is_empty() {
        return Output::error(format!(
            "unknown command \"{}\" for \"kubectl events\"",
            parsed.args[0]
        ));
    }
    if parsed.bool("watch") || parsed.changed("output") {
        return Output::error(
            "\"kubectl events\" with --watch or -o is not available in this playground yet",
        );
    }
    let all_namespaces = parsed.bool("all-namespaces");
    let namespace = namespace_of(&parsed);
    let types: Vec<String> = parsed.list("types");
    for t in &types {
        if !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning") {
            return Output::error(format!("valid --types are Normal or Warning; got {t}"));
        }
    }
    let target = match parsed.string("for") {
        Some(f) => {
            let Some((ty, name)) = f.split_once('/') else {
                return Output::error(format!("--for must be in resource/name form, got {f}"));
            };
            match resources::kind_of(ty) {
                Ok(kind) => Some((kind.info().kind, name.to_string())),
                Err(out) => return out,
            }
        }
        None => None,
    };
    let now = cluster.now();
    let ns = (!all_namespaces).then_some(namespace.as_str());
    let mut events: Vec<&Event> = cluster
        .api()
        .iter_as::<Event>(ns)
        .filter(|e| {
            target
                .as_ref()
                .is_none_or(|(k, n)| e.involved_object.kind == *k && e.involved_object.name == *n)
        })
        .filter(|e| {
            types.is_empty()
                || types.iter().any(|t| {
                    e.type_
                        .as_deref()
                        .is_some_and(|et| et.eq_ignore_ascii_case(t))
                })
        })
        .collect();
    events.sort_by_key(|e| sort_time(e));
    if events.is_empty() {
        return Output {
            stderr: if all_namespaces {
                "No events found.\n".into()
            } else {
                format!("No events found in {namespace} namespace.\n")
            },
            ..Output::default()
        };
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !parsed.bool("no-headers") {
        let mut h = Vec::new();
        if all_namespaces {
            h.push("NAMESPACE".to_string());
        }
        h.extend(
            ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
                .iter()
                .map(|s| s.to_string()),
        );
        rows.push(h);
    }
    for e in events {
        let mut row = Vec::new();
        if all_namespaces {
            row.push(e.metadata.namespace.to_string());
        }
        row.push(interval(e, now));
        row.push(e.type_.as_deref().unwrap_or_default().to_string());
        row.push(e.reason.as_deref().unwrap_or_default().to_string());
        row.push(format!(
            "{}/{}",
            e.involved_object.kind, e.involved_object.name
        ));
        row.push(
            e.message
                .as_deref()
                .unwrap_or_default()
                .to_string()
                .trim()
                .to_string(),
        );
        rows.push(row);
    }
    Output::ok(render(&rows))
}

/// One row of the page's live events table: `kubectl events -A`'s columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// The event's uid: a stable key for a list.
    pub key: String,
    pub namespace: String,
    pub last_seen: String,
    pub type_: String,
    pub reason: String,
    pub object: String,
    pub message: String,
}

/// The newest `limit` events of every namespace, newest first, as `kubectl events -A` words
/// them.
pub fn recent(cluster: &Cluster, limit: usize) -> Vec<EventRow> {
    let now = cluster.now();
    // Read in place and each time parsed once: the page draws this on every tick, and a busy
    // cluster keeps thousands of events.
    let mut events: Vec<(Time, &Event)> = cluster
        .api()
        .iter_as::<Event>(None)
        .map(|e| (sort_time(e), e))
        .collect();
    // Newest first; among events of one instant, the one recorded last (names grow in time).
    events.sort_by(|(ta, a), (tb, b)| {
        tb.cmp(ta)
            .then_with(|| b.metadata.name.cmp(&a.metadata.name))
    });
    events
        .into_iter()
        .take(limit)
        .map(|(_, e)| EventRow {
            key: e.metadata.uid.to_string(),
            namespace: e.metadata.namespace.to_string(),
            last_seen: interval(e, now),
            type_: e.type_.as_deref().unwrap_or_default().to_string(),
            reason: e.reason.as_deref().unwrap_or_default().to_string(),
            object: format!("{}/{}", e.involved_object.kind, e.involved_object.name),
            message: e
                .message
                .as_deref()
                .unwrap_or_default()
                .to_string()
                .trim()
                .to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_events_come_newest_first_in_kubectl_events_words() {
        let mut cluster = Cluster::default();
        crate::run_line(&mut cluster, "kubectl run web --image=nginx:1.27");
        cluster.advance(sim::Duration::seconds(10));
        let rows = recent(&cluster, 5);
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].reason, "Started");
        assert_eq!(rows[0].object, "Pod/web");
        assert_eq!(rows[0].type_, "Normal");
        assert_eq!(rows[0].namespace, "default");
        assert!(rows.iter().any(|r| r.reason == "Scheduled"));
        assert!(recent(&cluster, 0).is_empty());
    }
}
