//! The kubelet's view of pods: the status it reports for containers it runs (image names as the
//! runtime resolves them, container IDs, conditions).

use crate::api::Condition;
use crate::api::Str;
use crate::api::pod::{
    ContainerState, ContainerStateRunning, ContainerStatus, IpEntry, Pod, PodStatus,
};
use crate::clock::Time;
use crate::rng::Rng;

/// The runtime's fully qualified image name: `nginx` → `docker.io/library/nginx:latest`.
pub fn normalize_image(image: &str) -> String {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let first = name.split_once('/').map(|(first, _)| first);
    let has_domain = first.is_some_and(|p| p.contains('.') || p.contains(':') || p == "localhost");
    let last = name.rsplit('/').next().unwrap_or("");
    // One allocation: this runs for every container the kubelets look at.
    let mut out = String::with_capacity(name.len() + 26 + digest.map_or(0, str::len));
    if !has_domain {
        out.push_str("docker.io/");
        if first.is_none() {
            out.push_str("library/");
        }
    }
    out.push_str(name);
    match digest {
        Some(d) => {
            out.push('@');
            out.push_str(d);
        }
        None if !last.contains(':') => out.push_str(":latest"),
        None => {}
    }
    out
}

fn fnv1a64(data: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A stable fake `sha256:` digest for an image name (the same image always has the same ID).
pub fn image_digest(image: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for i in 0..4 {
        let _ = write!(out, "{:016x}", fnv1a64(image.as_bytes(), i));
    }
    out
}

/// `imageID` as containerd reports it: the repository with the digest.
pub fn image_id(image: &str) -> String {
    let full = normalize_image(image);
    let repo = match full.split_once('@') {
        Some((r, _)) => r.to_string(),
        None => {
            let slash = full.rfind('/').unwrap_or(0);
            match full[slash..].rfind(':') {
                Some(i) => full[..slash + i].to_string(),
                None => full.clone(),
            }
        }
    };
    format!("{repo}@{}", image_digest(&full))
}

/// A random containerd container ID.
pub fn container_id(rng: &mut Rng) -> crate::api::Str {
    let words = [
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64(),
    ];
    crate::api::Str::format(format_args!(
        "containerd://{:016x}{:016x}{:016x}{:016x}",
        words[0], words[1], words[2], words[3]
    ))
}

fn condition(type_: &'static str, status: &'static str, at: &str) -> Condition {
    Condition {
        type_: type_.into(),
        status: status.into(),
        last_probe_time: None,
        last_transition_time: Some(Str::new(at)),
        observed_generation: None,
        ..Default::default()
    }
}

/// The status of a pod whose containers all run and are ready.
pub fn running_status(
    pod: &Pod,
    host_ip: &str,
    pod_ip: &str,
    scheduled: Time,
    started: Time,
    rng: &mut Rng,
) -> PodStatus {
    let at = started.rfc3339();
    let sched = scheduled.rfc3339();
    let generation = pod.metadata.generation;
    let mut conditions = vec![
        condition("PodReadyToStartContainers", "True", &at),
        condition("Initialized", "True", &sched),
        condition("Ready", "True", &at),
        condition("ContainersReady", "True", &at),
        condition("PodScheduled", "True", &sched),
    ];
    for c in &mut conditions {
        c.observed_generation = generation;
    }
    let container_statuses = pod
        .spec
        .containers
        .iter()
        .map(|c| ContainerStatus {
            name: c.name.clone(),
            state: ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(crate::api::Str::new(&at)),
                }),
                ..Default::default()
            },
            last_state: ContainerState::default(),
            ready: true,
            restart_count: 0,
            image: normalize_image(&c.image).into(),
            image_id: image_id(&c.image).into(),
            container_id: Some(container_id(rng)),
            started: Some(true),
        })
        .collect();
    PodStatus {
        observed_generation: generation,
        phase: Some("Running".into()),
        conditions,
        host_ip: Some(crate::api::Str::new(host_ip)),
        host_ips: vec![IpEntry {
            ip: crate::api::Str::new(host_ip),
        }],
        pod_ip: Some(crate::api::Str::new(pod_ip)),
        pod_ips: vec![IpEntry {
            ip: crate::api::Str::new(pod_ip),
        }],
        start_time: Some(sched.into()),
        container_statuses,
        qos_class: Some(pod.qos_class().into()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_named_as_the_runtime_names_them() {
        assert_eq!(normalize_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(
            normalize_image("nginx:1.27"),
            "docker.io/library/nginx:1.27"
        );
        assert_eq!(
            normalize_image("registry.k8s.io/etcd:3.6.4-0"),
            "registry.k8s.io/etcd:3.6.4-0"
        );
        assert_eq!(
            normalize_image("bitnami/redis"),
            "docker.io/bitnami/redis:latest"
        );
        assert_eq!(normalize_image("localhost/app"), "localhost/app:latest");
        assert_eq!(
            normalize_image("localhost:5000/team/app:v2"),
            "localhost:5000/team/app:v2"
        );
        assert_eq!(
            normalize_image("nginx@sha256:abc"),
            "docker.io/library/nginx@sha256:abc"
        );
        assert_eq!(
            normalize_image("quay.io/org/tool"),
            "quay.io/org/tool:latest"
        );
        assert!(image_id("nginx").starts_with("docker.io/library/nginx@sha256:"));
        assert_eq!(
            image_id("nginx"),
            image_id("docker.io/library/nginx:latest")
        );
    }
}

// ----- the pod lifecycle -----------------------------------------------------------------------

use crate::clock::Duration;

mod image;
mod lifecycle;
pub mod logs;
mod probe;

pub use image::{DefaultImages, ExecResult, ImageBehavior, Listen, Workload};
pub use lifecycle::{Behavior, Kubelets};
pub use logs::{ExecError, ExecOutput, LogLine};

/// Image pull speed of the simulated registry, in bytes per second.
pub const PULL_BYTES_PER_SECOND: u64 = 20_000_000;
/// Time to create the pod sandbox and start containers once images are present.
pub const START_DELAY: Duration = Duration::millis(1000);
/// Time a pod without running containers takes to be removed once deleted.
pub const STOP_DELAY: Duration = Duration::millis(1000);
/// Time between a container change (an exit, a failed pull) and the pod worker's next sync.
///
/// Simplification: upstream re-syncs on PLEG events (1 s relist) and a back-off requeue; Timonel
/// syncs exactly 1 s after the change.
pub const SYNC_DELAY: Duration = Duration::millis(1000);

/// Compressed size of an image, for pull times and the `Pulled` event.
///
/// Simplification: a small table of well-known images; anything else counts as 50 MB.
pub fn image_size_bytes(image: &str) -> u64 {
    let full = normalize_image(image);
    let repo = full.rsplit('/').next().unwrap_or("");
    let name = repo.split([':', '@']).next().unwrap_or("");
    image::KNOWN_LIBRARY
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(50_000_000, |(_, size)| *size)
}

/// Go's `time.Duration.String` for durations under an hour.
pub fn go_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let minutes = ms / 60_000;
    let secs = (ms % 60_000) as f64 / 1000.0;
    let s = format!("{secs:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s = if s.is_empty() { "0" } else { s };
    if minutes > 0 {
        format!("{minutes}m{s}s")
    } else {
        format!("{s}s")
    }
}
