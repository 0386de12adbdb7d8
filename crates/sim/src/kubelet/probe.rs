//! The prober: runs a container's startup, liveness and readiness probes against what its image
//! does ([`super::ImageBehavior`]) and words the outcome as the kubelet's prober does.

use crate::api::IntOrString;
use crate::api::pod::{Container, Probe};
use crate::clock::Duration;

use super::image::{ImageBehavior, Listen, Workload};

/// Which probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Startup,
    Liveness,
    Readiness,
}

impl ProbeKind {
    /// As the prober names it in events (`Liveness probe failed: …`).
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
        }
    }

    pub fn lower(self) -> &'static str {
        match self {
            ProbeKind::Startup => "startup",
            ProbeKind::Liveness => "liveness",
            ProbeKind::Readiness => "readiness",
        }
    }
}

/// A port of a probe handler: a number, or the name of one of the container's ports.
fn resolve_port(container: &Container, port: &IntOrString) -> Result<i32, String> {
    match port {
        IntOrString::Int(n) => Ok(*n),
        IntOrString::String(name) => {
            if let Ok(n) = name.parse::<i32>() {
                return Ok(n);
            }
            container
                .ports
                .iter()
                .find(|p| p.name.as_deref() == Some(name.as_str()))
                .map(|p| p.container_port)
                .ok_or_else(|| format!("couldn't find port: {name} in {}", container.name))
        }
    }
}

fn listens(workload: &Workload, port: i32) -> bool {
    match &workload.listens {
        Listen::Nothing => false,
        Listen::Ports(ports) => ports.contains(&port),
        Listen::Any => true,
    }
}

/// Runs one probe `running_for` after the container started. `Ok` is success, `Err` the
/// failure output (what follows `Liveness probe failed: `).
pub fn run(
    behavior: &dyn ImageBehavior,
    container: &Container,
    workload: &Workload,
    probe: &Probe,
    pod_ip: &str,
    running_for: Duration,
) -> Result<(), String> {
    if let Some(exec) = &probe.exec {
        let r = behavior.exec(workload, running_for, &exec.command);
        return if r.exit_code == 0 {
            Ok(())
        } else {
            Err(r.output.trim_end().to_string())
        };
    }
    if let Some(h) = &probe.http_get {
        let port = resolve_port(container, &h.port)?;
        let host = h
            .host
            .as_deref()
            .filter(|h| !h.is_empty())
            .unwrap_or(pod_ip);
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_ascii_lowercase();
        let path = h.path.as_deref().unwrap_or("/");
        if !listens(workload, port) {
            return Err(format!(
                "Get \"{scheme}://{host}:{port}{path}\": dial tcp {host}:{port}: connect: connection refused"
            ));
        }
        let code = behavior.http_status(container, port, path);
        return if (200..400).contains(&code) {
            Ok(())
        } else {
            Err(format!("HTTP probe failed with statuscode: {code}"))
        };
    }
    if let Some(t) = &probe.tcp_socket {
        let port = resolve_port(container, &t.port)?;
        let host = t
            .host
            .as_deref()
            .filter(|h| !h.is_empty())
            .unwrap_or(pod_ip);
        return if listens(workload, port) {
            Ok(())
        } else {
            Err(format!(
                "dial tcp {host}:{port}: connect: connection refused"
            ))
        };
    }
    if let Some(g) = &probe.grpc {
        // Simplification: a gRPC health check succeeds on any listening port.
        return if listens(workload, g.port) {
            Ok(())
        } else {
            Err(format!(
                "timeout: failed to connect service \"{pod_ip}:{}\" within {}s: context deadline exceeded",
                g.port,
                probe.timeout_seconds.unwrap_or(1)
            ))
        };
    }
    Ok(())
}
