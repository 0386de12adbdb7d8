//! What a container wrote (`kubectl logs`) and what runs in it (`kubectl exec`), derived from
//! the pod's spec and status and the virtual clock: nothing is stored while the cluster runs.
//!
//! A container's output is a pure function of its image, command, environment and the moment
//! it started: nginx prints its entrypoint's startup lines and one access-log line per HTTP
//! probe; a `sh -c` script is run by a small shell interpreter ([`Shell`]) whose `echo`, `date`
//! and `sleep` follow the virtual clock; a finished run's output stops when it finished.
//!
//! Simplification: the shell understands simple commands, `;`, `&&`, `||`, pipes into `grep`,
//! `head`, `tail`, `wc`, redirections into files, variables with `$((…))` arithmetic, `$(…)`,
//! `while`/`until`/`for`/`if`; no functions, globs, here-documents or job control. Networking
//! tools (`curl`, `wget`, `nslookup`, `ping`) print a note instead of reaching other pods.

use std::collections::BTreeMap;

use crate::Cluster;
use crate::api::Resource;
use crate::api::pod::{Container, ContainerStatus, Pod};
use crate::api::{ConfigMap, Kind, Secret, Service};
use crate::apiserver::{ApiServer, Status};
use crate::clock::{Duration, Time};

use super::image::Workload;

/// One line a container wrote, with when it wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub time: Time,
    pub text: String,
}

/// What a command run with `kubectl exec` printed, and its exit code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

/// Why an exec could not run the command at all.
#[derive(Clone, Debug, PartialEq)]
pub enum ExecError {
    /// The api-server refused the request (the pod is missing, not scheduled, the container
    /// name is wrong).
    Request(Status),
    /// The kubelet refused to open the stream (kubectl: `unable to upgrade connection: …`).
    Upgrade(String),
    /// The runtime could not start the process (kubectl prints the message after `error: `).
    Stream(String),
}

/// Lines kept per container run.
///
/// Simplification: the kubelet rotates a container's log at 10 MiB; Timonel keeps its last
/// 20,000 lines.
pub const MAX_LOG_LINES: usize = 20_000;
/// Commands one shell run may execute before it is cut short (an endless loop without `sleep`)
/// when it prints a container's log.
const STEP_BUDGET: u64 = 500_000;
/// The same for an exec'd command.
const EXEC_STEP_BUDGET: u64 = 50_000;
/// The same when the kubelet asks how long a looping script runs (on every container start).
const EXIT_STEP_BUDGET: u64 = 20_000;

/// Which userland an image ships: it decides the shell, the error texts and the tools found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Userland {
    /// busybox applets (busybox, alpine and images built on it).
    Busybox,
    /// Debian/Ubuntu: dash as `sh`, bash, GNU coreutils.
    Debian,
    /// No shell or tools at all (pause, hello-world, distroless).
    Scratch,
}

/// Everything a process in the container sees: identity, environment, files.
#[derive(Clone, Debug)]
pub struct Sandbox {
    pub pod: String,
    pub namespace: String,
    pub hostname: String,
    pub pod_ip: String,
    /// The node's end of the pod network (where kubelet probes come from).
    pub gateway: String,
    pub cpus: u32,
    pub image: String,
    /// The image's repository name without registry or tag (`nginx`).
    pub base: String,
    pub userland: Userland,
    pub env: Vec<(String, String)>,
    pub working_dir: String,
    /// Regular files by absolute path, and directories (value `None`).
    pub files: BTreeMap<String, Option<String>>,
}

fn base_name(image: &str) -> String {
    let full = super::normalize_image(image);
    let name = full.split('@').next().unwrap_or("");
    let last = name.rsplit('/').next().unwrap_or("");
    last.split(':').next().unwrap_or("").to_string()
}

fn userland_of(image: &str) -> Userland {
    match base_name(image).as_str() {
        "busybox" | "alpine" | "curl" | "bash" | "traefik" | "caddy" | "registry" | "memcached" => {
            Userland::Busybox
        }
        "pause"
        | "hello-world"
        | "http-echo"
        | "kube-apiserver"
        | "kube-scheduler"
        | "kube-controller-manager"
        | "etcd"
        | "coredns" => Userland::Scratch,
        _ => Userland::Debian,
    }
}

/// Environment the image itself sets (its Dockerfile's `ENV` lines).
fn image_env(image: &str) -> Vec<(&'static str, &'static str)> {
    match base_name(image).as_str() {
        "nginx" => vec![
            ("NGINX_VERSION", "1.29.3"),
            ("NJS_VERSION", "0.9.4"),
            ("NJS_RELEASE", "1~trixie"),
            ("PKG_RELEASE", "1~trixie"),
            ("DYNPKG_RELEASE", "1~trixie"),
        ],
        "redis" => vec![(
            "REDIS_DOWNLOAD_URL",
            "http://download.redis.io/releases/redis-8.2.1.tar.gz",
        )],
        "postgres" => vec![
            ("GOSU_VERSION", "1.17"),
            ("LANG", "en_US.utf8"),
            ("PG_MAJOR", "18"),
            ("PG_VERSION", "18.1-1.pgdg13+2"),
            ("PGDATA", "/var/lib/postgresql/18/docker"),
        ],
        _ => Vec::new(),
    }
}

const NGINX_INDEX: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

fn root_dirs(userland: Userland, image: &str) -> Vec<&'static str> {
    let mut dirs = match userland {
        Userland::Busybox if base_name(image) == "busybox" => vec![
            "bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr", "var",
        ],
        Userland::Busybox => vec![
            "bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run",
            "sbin", "srv", "sys", "tmp", "usr", "var",
        ],
        Userland::Debian => vec![
            "bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc",
            "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var",
        ],
        Userland::Scratch => vec!["dev", "etc", "proc", "sys"],
    };
    if base_name(image) == "nginx" {
        dirs.push("docker-entrypoint.d");
    }
    dirs
}

/// `$(VAR)` references in env values, commands and args, expanded as the kubelet does
/// (`$$` escapes, unknown names stay as written).
pub fn expand_kube_vars(text: &str, env: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(a) = after.strip_prefix('$') {
            out.push('$');
            rest = a;
        } else if let Some(inner) = after.strip_prefix('(')
            && let Some(end) = inner.find(')')
            && let Some(v) = env.iter().rev().find(|(k, _)| *k == inner[..end])
        {
            out.push_str(&v.1);
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Upper-cased service name as the docker-links environment variables use it.
fn env_name(service: &str) -> String {
    service.to_uppercase().replace('-', "_")
}

/// The service environment variables (`enableServiceLinks`) for the pod's namespace.
///
/// Simplification: every Service existing now is listed, not only those that existed when the
/// container started.
fn service_env(api: &ApiServer, namespace: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut services: Vec<&Service> = api.iter_as::<Service>(Some(namespace)).collect();
    if namespace != "default"
        && let Some(k) = api
            .get_ref(Kind::Service, "default", "kubernetes")
            .and_then(<Service as Resource>::from_object)
    {
        services.push(k);
    }
    for s in services {
        let Some(ip) = s.spec.cluster_ip.as_deref().filter(|ip| *ip != "None") else {
            continue;
        };
        let Some(first) = s.spec.ports.first() else {
            continue;
        };
        let n = env_name(&s.metadata.name);
        out.push((format!("{n}_SERVICE_HOST"), ip.to_string()));
        out.push((format!("{n}_SERVICE_PORT"), first.port.to_string()));
        for p in &s.spec.ports {
            if !p.name.is_empty() {
                out.push((
                    format!("{n}_SERVICE_PORT_{}", env_name(&p.name)),
                    p.port.to_string(),
                ));
            }
        }
        let proto = |p: &crate::api::service::ServicePort| {
            p.protocol.clone().unwrap_or_else(|| "TCP".into())
        };
        out.push((
            format!("{n}_PORT"),
            format!("{}://{ip}:{}", proto(first).to_lowercase(), first.port),
        ));
        for p in &s.spec.ports {
            let pr = proto(p);
            let prefix = format!("{n}_PORT_{}_{}", p.port, pr.to_uppercase());
            out.push((
                prefix.clone(),
                format!("{}://{ip}:{}", pr.to_lowercase(), p.port),
            ));
            out.push((format!("{prefix}_PROTO"), pr.to_lowercase()));
            out.push((format!("{prefix}_PORT"), p.port.to_string()));
            out.push((format!("{prefix}_ADDR"), ip.to_string()));
        }
    }
    out
}

fn config_value(api: &ApiServer, ns: &str, kind: Kind, name: &str, key: &str) -> Option<String> {
    match kind {
        Kind::ConfigMap => api
            .get_ref(Kind::ConfigMap, ns, name)
            .and_then(<ConfigMap as Resource>::from_object)
            .and_then(|c| c.data.get(key).cloned()),
        _ => api
            .get_ref(Kind::Secret, ns, name)
            .and_then(<Secret as Resource>::from_object)
            .and_then(|s| s.data.get(key).cloned())
            .and_then(|v| crate::api::secret::base64_decode(&v).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
    }
}

fn json_str<'a>(v: &'a serde_json::Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    cur.as_str()
}

/// The container's environment as the kubelet builds it: the user's `envFrom` and `env` (with
/// `$(VAR)` expansion and `valueFrom` resolved), then the service links.
fn container_env(api: &ApiServer, pod: &Pod, c: &Container) -> Vec<(String, String)> {
    let ns = pod.metadata.namespace.as_str();
    let mut env: Vec<(String, String)> = Vec::new();
    let set = |env: &mut Vec<(String, String)>, k: String, v: String| {
        env.retain(|(n, _)| *n != k);
        env.push((k, v));
    };
    for from in &c.env_from {
        let prefix = from.get("prefix").and_then(|p| p.as_str()).unwrap_or("");
        let (kind, name) = if let Some(n) = json_str(from, &["configMapRef", "name"]) {
            (Kind::ConfigMap, n)
        } else if let Some(n) = json_str(from, &["secretRef", "name"]) {
            (Kind::Secret, n)
        } else {
            continue;
        };
        let keys: Vec<String> = match kind {
            Kind::ConfigMap => api
                .get_ref(kind, ns, name)
                .and_then(<ConfigMap as Resource>::from_object)
                .map(|c| c.data.keys().cloned().collect())
                .unwrap_or_default(),
            _ => api
                .get_ref(kind, ns, name)
                .and_then(<Secret as Resource>::from_object)
                .map(|s| s.data.keys().cloned().collect())
                .unwrap_or_default(),
        };
        for k in keys {
            if let Some(v) = config_value(api, ns, kind, name, &k) {
                set(&mut env, format!("{prefix}{k}"), v);
            }
        }
    }
    for e in &c.env {
        let value = if let Some(v) = &e.value {
            expand_kube_vars(v, &env)
        } else if let Some(from) = &e.value_from {
            let status = pod.status.as_ref();
            if let Some(field) = json_str(from, &["fieldRef", "fieldPath"]) {
                match field {
                    "metadata.name" => pod.metadata.name.to_string(),
                    "metadata.namespace" => ns.to_string(),
                    "metadata.uid" => pod.metadata.uid.to_string(),
                    // The same fields as the field selectors read.
                    "spec.nodeName" | "spec.serviceAccountName" | "status.podIP" => {
                        crate::api::Resource::field(pod, field).unwrap_or_default()
                    }
                    "status.hostIP" => status
                        .and_then(|s| s.host_ip.as_deref())
                        .unwrap_or_default()
                        .to_string(),
                    f => {
                        let label = f
                            .strip_prefix("metadata.labels['")
                            .and_then(|r| r.strip_suffix("']"));
                        label
                            .and_then(|l| pod.metadata.labels.get(l).cloned())
                            .unwrap_or_default()
                    }
                }
            } else if let Some(name) = json_str(from, &["configMapKeyRef", "name"]) {
                let key = json_str(from, &["configMapKeyRef", "key"]).unwrap_or("");
                config_value(api, ns, Kind::ConfigMap, name, key).unwrap_or_default()
            } else if let Some(name) = json_str(from, &["secretKeyRef", "name"]) {
                let key = json_str(from, &["secretKeyRef", "key"]).unwrap_or("");
                config_value(api, ns, Kind::Secret, name, key).unwrap_or_default()
            } else {
                String::new()
            }
        } else {
            String::new()
        };
        set(&mut env, e.name.clone(), value);
    }
    if pod.spec.enable_service_links != Some(false) {
        for (k, v) in service_env(api, ns) {
            if !env.iter().any(|(n, _)| *n == k) {
                env.push((k, v));
            }
        }
    }
    // The `kubernetes` Service's variables are always set.
    if pod.spec.enable_service_links == Some(false) {
        for (k, v) in service_env(api, "default") {
            if k.starts_with("KUBERNETES_") && !env.iter().any(|(n, _)| *n == k) {
                env.push((k, v));
            }
        }
    }
    env
}

impl Sandbox {
    /// What container `c` of `pod` sees.
    pub fn new(api: &ApiServer, pod: &Pod, c: &Container) -> Sandbox {
        let ns = pod.metadata.namespace.clone();
        let hostname = pod
            .spec
            .hostname
            .clone()
            .unwrap_or_else(|| pod.metadata.name.clone());
        let pod_ip = pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default();
        let gateway = match pod_ip.rsplit_once('.') {
            Some((net, _)) => format!("{net}.1"),
            None => "10.244.0.1".into(),
        };
        let cpus = pod
            .spec
            .node_name
            .as_deref()
            .and_then(|n| api.get_ref(Kind::Node, "", n))
            .and_then(<crate::api::Node as Resource>::from_object)
            .map(|n| (n.allocatable_milli("cpu") / 1000).clamp(1, 256) as u32)
            .unwrap_or(4);
        let userland = userland_of(&c.image);
        let mut files: BTreeMap<String, Option<String>> = BTreeMap::new();
        if userland != Userland::Scratch {
            for d in root_dirs(userland, &c.image) {
                files.insert(format!("/{d}"), None);
            }
        }
        let mut add = |path: String, content: Option<String>| {
            let mut dir = path.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                if parent.is_empty() {
                    break;
                }
                files.entry(parent.to_string()).or_insert(None);
                dir = parent;
            }
            files.insert(path, content);
        };
        add("/etc/hostname".into(), Some(format!("{hostname}\n")));
        add(
            "/etc/hosts".into(),
            Some(format!(
                "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{pod_ip}\t{hostname}\n"
            )),
        );
        add(
            "/etc/resolv.conf".into(),
            Some(format!(
                "search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
            )),
        );
        if base_name(&c.image) == "nginx" {
            add(
                "/usr/share/nginx/html/index.html".into(),
                Some(NGINX_INDEX.into()),
            );
            add("/usr/share/nginx/html/50x.html".into(), Some(String::new()));
            add("/etc/nginx/nginx.conf".into(), Some(String::new()));
            add("/etc/nginx/conf.d/default.conf".into(), Some(String::new()));
            add("/docker-entrypoint.sh".into(), Some(String::new()));
        }
        if pod.spec.automount_service_account_token != Some(false) {
            let dir = "/var/run/secrets/kubernetes.io/serviceaccount";
            add(format!("{dir}/namespace"), Some(ns.to_string()));
            add(
                format!("{dir}/ca.crt"),
                Some("-----BEGIN CERTIFICATE-----\n(the cluster's CA certificate)\n-----END CERTIFICATE-----\n".into()),
            );
            add(
                format!("{dir}/token"),
                Some("(a projected service account token)".into()),
            );
        }
        for m in &c.volume_mounts {
            let Some(v) = pod.spec.volumes.iter().find(|v| v.name == m.name) else {
                continue;
            };
            let mount = m.mount_path.trim_end_matches('/').to_string();
            add(mount.clone(), None);
            let source = if let Some(cm) = v.source.get("configMap") {
                cm.get("name")
                    .and_then(|n| n.as_str())
                    .map(|n| (Kind::ConfigMap, n.to_string(), cm))
            } else if let Some(s) = v.source.get("secret") {
                s.get("secretName")
                    .and_then(|n| n.as_str())
                    .map(|n| (Kind::Secret, n.to_string(), s))
            } else {
                None
            };
            let Some((kind, name, spec)) = source else {
                continue;
            };
            let keys: Vec<String> = match kind {
                Kind::ConfigMap => api
                    .get_ref(kind, &ns, &name)
                    .and_then(<ConfigMap as Resource>::from_object)
                    .map(|c| c.data.keys().cloned().collect())
                    .unwrap_or_default(),
                _ => api
                    .get_ref(kind, &ns, &name)
                    .and_then(<Secret as Resource>::from_object)
                    .map(|s| s.data.keys().cloned().collect())
                    .unwrap_or_default(),
            };
            let items: Vec<(String, String)> = match spec.get("items").and_then(|i| i.as_array()) {
                Some(items) => items
                    .iter()
                    .filter_map(|i| {
                        Some((
                            i.get("key")?.as_str()?.to_string(),
                            i.get("path")?.as_str()?.to_string(),
                        ))
                    })
                    .collect(),
                None => keys.iter().map(|k| (k.clone(), k.clone())).collect(),
            };
            for (key, path) in items {
                if let Some(value) = config_value(api, &ns, kind, &name, &key) {
                    match &m.sub_path {
                        Some(sub) if *sub == path => add(mount.clone(), Some(value)),
                        Some(_) => {}
                        None => add(format!("{mount}/{path}"), Some(value)),
                    }
                }
            }
        }
        let env = container_env(api, pod, c);
        Sandbox {
            pod: pod.metadata.name.to_string(),
            namespace: ns.to_string(),
            hostname: hostname.to_string(),
            pod_ip: pod_ip.to_string(),
            gateway,
            cpus,
            image: c.image.to_string(),
            base: base_name(&c.image),
            userland,
            env,
            working_dir: c.working_dir.as_deref().unwrap_or("/").to_string(),
            files,
        }
    }

    /// A sandbox knowing only the image (to tell how a script behaves over time).
    fn bare(image: &str) -> Sandbox {
        Sandbox {
            pod: String::new(),
            namespace: "default".into(),
            hostname: String::new(),
            pod_ip: String::new(),
            gateway: String::new(),
            cpus: 4,
            image: image.to_string(),
            base: base_name(image),
            userland: userland_of(image),
            env: Vec::new(),
            working_dir: "/".into(),
            files: BTreeMap::new(),
        }
    }

    /// The full process environment, as `env` prints it.
    pub fn process_env(&self) -> Vec<(String, String)> {
        let mut out = vec![
            (
                "PATH".to_string(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
            ),
            ("HOSTNAME".to_string(), self.hostname.clone()),
        ];
        for (k, v) in image_env(&self.image) {
            out.push((k.to_string(), v.to_string()));
        }
        for (k, v) in &self.env {
            out.retain(|(n, _)| n != k);
            out.push((k.clone(), v.clone()));
        }
        if !out.iter().any(|(k, _)| k == "HOME") {
            out.push(("HOME".to_string(), "/root".to_string()));
        }
        out
    }
}

// ----- time formats ---------------------------------------------------------------------------

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month 1-12, day, hour, minute, second, weekday 0=Sunday) of a virtual instant.
fn civil(t: Time) -> (i64, usize, u32, u64, u64, u64, usize) {
    let s = t.rfc3339();
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok());
    let y = num(0..4).unwrap_or(2026);
    let mo = num(5..7).unwrap_or(1).clamp(1, 12) as usize;
    let d = num(8..10).unwrap_or(1) as u32;
    let secs = t.0 / 1000;
    let sod = secs % 86400;
    // 2026-01-01 was a Thursday.
    let weekday = ((secs / 86400 + 4) % 7) as usize;
    (y, mo, d, sod / 3600, sod / 60 % 60, sod % 60, weekday)
}

/// `date`'s default output: `Thu Jan  1 00:00:05 UTC 2026`.
fn date_text(t: Time, format: Option<&str>) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(t);
    let Some(format) = format else {
        return format!(
            "{} {} {d:>2} {h:02}:{mi:02}:{s:02} UTC {y}",
            WEEKDAYS[wd],
            MONTHS[mo - 1]
        );
    };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&y.to_string()),
            Some('m') => out.push_str(&format!("{mo:02}")),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('e') => out.push_str(&format!("{d:>2}")),
            Some('H') => out.push_str(&format!("{h:02}")),
            Some('M') => out.push_str(&format!("{mi:02}")),
            Some('S') => out.push_str(&format!("{s:02}")),
            Some('T') => out.push_str(&format!("{h:02}:{mi:02}:{s:02}")),
            Some('F') => out.push_str(&format!("{y}-{mo:02}-{d:02}")),
            Some('s') => out.push_str(&(1_767_225_600 + t.0 / 1000).to_string()),
            Some('a') => out.push_str(WEEKDAYS[wd]),
            Some('b') => out.push_str(MONTHS[mo - 1]),
            Some('Z') => out.push_str("UTC"),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    out
}

/// nginx's error-log timestamp: `2026/01/01 00:00:05`.
fn nginx_time(t: Time) -> String {
    let (y, mo, d, h, mi, s, _) = civil(t);
    format!("{y}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02}")
}

/// nginx's access-log timestamp: `01/Jan/2026:00:00:05 +0000`.
fn clf_time(t: Time) -> String {
    let (y, mo, d, h, mi, s, _) = civil(t);
    format!("{d:02}/{}/{y}:{h:02}:{mi:02}:{s:02} +0000", MONTHS[mo - 1])
}

// ----- what images print ----------------------------------------------------------------------

fn nginx_startup(sb: &Sandbox, start: Time) -> Vec<LogLine> {
    let mut lines: Vec<LogLine> = [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
    ]
    .iter()
    .enumerate()
    .map(|(i, l)| LogLine {
        time: start.plus(Duration::millis(i as u64 * 2)),
        text: (*l).to_string(),
    })
    .collect();
    let at = start.plus(Duration::millis(25));
    let stamp = nginx_time(at);
    let mut notice = |text: String| {
        lines.push(LogLine {
            time: at,
            text: format!("{stamp} [notice] 1#1: {text}"),
        })
    };
    notice("using the \"epoll\" event method".into());
    notice("nginx/1.29.3".into());
    notice("built by gcc 14.2.0 (Debian 14.2.0-19) ".into());
    notice("OS: Linux 6.8.0-87-generic".into());
    notice("getrlimit(RLIMIT_NOFILE): 1048576:1048576".into());
    notice("start worker processes".into());
    for i in 0..sb.cpus {
        notice(format!("start worker process {}", 29 + i));
    }
    lines
}

/// One access-log line per HTTP probe the kubelet sends to an nginx container.
fn nginx_probe_lines(sb: &Sandbox, c: &Container, start: Time, until: Time) -> Vec<LogLine> {
    let mut lines = Vec::new();
    for probe in [&c.startup_probe, &c.liveness_probe, &c.readiness_probe]
        .into_iter()
        .flatten()
    {
        let Some(get) = &probe.http_get else { continue };
        let path = get.path.clone().unwrap_or_else(|| "/".into());
        let port = match &get.port {
            crate::api::IntOrString::Int(p) => *p,
            crate::api::IntOrString::String(name) => c
                .ports
                .iter()
                .find(|p| p.name.as_deref() == Some(name.as_str()))
                .map_or(0, |p| p.container_port),
        };
        if port != 80 {
            continue;
        }
        let period = u64::try_from(probe.period_seconds.unwrap_or(10).max(1)).unwrap_or(10);
        let delay = u64::try_from(probe.initial_delay_seconds.unwrap_or(0).max(0)).unwrap_or(0);
        let found = matches!(path.as_str(), "/" | "/index.html");
        let mut t = start.plus(Duration::seconds(delay.max(1)));
        while t <= until && lines.len() < MAX_LOG_LINES * 2 {
            let (status, size) = if found { (200, 615) } else { (404, 153) };
            if !found {
                lines.push(LogLine {
                    time: t,
                    text: format!(
                        "{} [error] 29#29: *{} open() \"/usr/share/nginx/html{path}\" failed (2: No such file or directory), client: {}, server: localhost, request: \"GET {path} HTTP/1.1\", host: \"{}:80\"",
                        nginx_time(t),
                        lines.len() / 2 + 1,
                        sb.gateway,
                        sb.pod_ip
                    ),
                });
            }
            lines.push(LogLine {
                time: t,
                text: format!(
                    "{} - - [{}] \"GET {path} HTTP/1.1\" {status} {size} \"-\" \"kube-probe/1.36\" \"-\"",
                    sb.gateway,
                    clf_time(t)
                ),
            });
            t = t.plus(Duration::seconds(period));
        }
    }
    lines.sort_by_key(|l| l.time);
    lines
}

fn nginx_shutdown(sb: &Sandbox, at: Time) -> Vec<LogLine> {
    let stamp = nginx_time(at);
    let mut text = vec![format!(
        "{stamp} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down"
    )];
    for i in 0..sb.cpus {
        let pid = 29 + i;
        text.push(format!(
            "{stamp} [notice] {pid}#{pid}: gracefully shutting down"
        ));
        text.push(format!("{stamp} [notice] {pid}#{pid}: exiting"));
        text.push(format!("{stamp} [notice] {pid}#{pid}: exit"));
    }
    for i in 0..sb.cpus {
        let pid = 29 + i;
        text.push(format!(
            "{stamp} [notice] 1#1: signal 17 (SIGCHLD) received from {pid}"
        ));
        text.push(format!(
            "{stamp} [notice] 1#1: worker process {pid} exited with code 0"
        ));
    }
    text.push(format!("{stamp} [notice] 1#1: exit"));
    text.into_iter()
        .map(|text| LogLine { time: at, text })
        .collect()
}

fn redis_startup(start: Time) -> Vec<LogLine> {
    let (_, mo, d, h, mi, s, _) = civil(start);
    let (y, ..) = civil(start);
    let stamp = format!(
        "{d:02} {} {y} {h:02}:{mi:02}:{s:02}.{:03}",
        MONTHS[mo - 1],
        start.0 % 1000
    );
    [
        "1:C {} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        "1:C {} * Redis version=8.2.1, bits=64, commit=00000000, modified=1, pid=1, just started",
        "1:C {} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf",
        "1:M {} * monotonic clock: POSIX clock_gettime",
        "1:M {} * Running mode=standalone, port=6379.",
        "1:M {} * Server initialized",
        "1:M {} * Ready to accept connections tcp",
    ]
    .iter()
    .map(|l| LogLine {
        time: start,
        text: l.replace("{}", &stamp),
    })
    .collect()
}

const POSTGRES_NO_PASSWORD: &str = "Error: Database is uninitialized and superuser password is not specified.\n       You must specify POSTGRES_PASSWORD to a non-empty value for the\n       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".\n\n       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all\n       connections without a password. This is *not* recommended.\n\n       See PostgreSQL documentation about \"trust\":\n       https://www.postgresql.org/docs/current/auth-trust.html";

const HELLO_WORLD: &str = "\nHello from Docker!\nThis message shows that your installation appears to be working correctly.\n\nTo generate this message, Docker took the following steps:\n 1. The Docker client contacted the Docker daemon.\n 2. The Docker daemon pulled the \"hello-world\" image from the Docker Hub.\n    (amd64)\n 3. The Docker daemon created a new container from that image which runs the\n    executable that produces the output you are currently reading.\n 4. The Docker daemon streamed that output to the Docker client, which sent it\n    to your terminal.\n\nTo try something more ambitious, you can run an Ubuntu container with:\n $ docker run -it ubuntu bash\n\nShare images, automate workflows, and more with a free Docker ID:\n https://hub.docker.com/\n\nFor more examples and ideas, visit:\n https://docs.docker.com/get-started/\n";

fn text_lines(text: &str, at: Time) -> Vec<LogLine> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split('\n')
        .map(|l| LogLine {
            time: at,
            text: l.to_string(),
        })
        .collect()
}

/// The argv the container runs (`command` + `args`, or the image's entrypoint with `args`),
/// with `$(VAR)` expanded; `None` when the image's own entrypoint runs.
fn container_argv(c: &Container, sb: &Sandbox) -> Option<Vec<String>> {
    let env = sb.process_env();
    let expand =
        |v: &Vec<String>| -> Vec<String> { v.iter().map(|a| expand_kube_vars(a, &env)).collect() };
    if !c.command.is_empty() {
        let mut argv = expand(&c.command);
        argv.extend(expand(&c.args));
        return Some(argv);
    }
    if sb.userland != Userland::Scratch
        && !c.args.is_empty()
        && !matches!(
            base_name(&c.image).as_str(),
            "nginx" | "httpd" | "redis" | "postgres" | "mysql" | "mariadb" | "mongo"
        )
    {
        return Some(expand(&c.args));
    }
    None
}

/// Everything one run of container `c` wrote, from `start` until `until` (its end, or now).
/// `terminated` says whether the run ended by a stop signal (a graceful shutdown is logged).
pub fn run_output(
    c: &Container,
    sb: &Sandbox,
    start: Time,
    until: Time,
    stopped: bool,
) -> Vec<LogLine> {
    let mut lines = match container_argv(c, sb) {
        None => match base_name(&c.image).as_str() {
            "nginx" => {
                let mut l = nginx_startup(sb, start);
                l.extend(nginx_probe_lines(sb, c, start, until));
                if stopped {
                    l.extend(nginx_shutdown(sb, until));
                }
                l
            }
            "redis" => redis_startup(start),
            "postgres"
                if !sb
                    .env
                    .iter()
                    .any(|(k, _)| k == "POSTGRES_PASSWORD" || k == "POSTGRES_HOST_AUTH_METHOD") =>
            {
                text_lines(POSTGRES_NO_PASSWORD, start)
            }
            "postgres" => text_lines(
                &format!(
                    "{} UTC [1] LOG:  database system is ready to accept connections",
                    date_text(start, Some("%F %T.000"))
                ),
                start,
            ),
            "hello-world" => text_lines(HELLO_WORLD, start),
            _ => Vec::new(),
        },
        Some(argv) => {
            let mut shell = Shell::new(sb, start, until);
            shell.run_argv(&argv);
            shell.into_lines()
        }
    };
    lines.retain(|l| l.time <= until);
    if lines.len() > MAX_LOG_LINES {
        lines.drain(..lines.len() - MAX_LOG_LINES);
    }
    lines
}

/// When a looping `sh -c` script ends by itself and with which code, if it does within
/// `horizon`.
pub(super) fn loop_script_exit(
    image: &str,
    script: &str,
    horizon: Duration,
) -> Option<(Duration, i32)> {
    let sb = Sandbox::bare(image);
    let mut shell = Shell::new(&sb, Time::ZERO, Time::ZERO.plus(horizon));
    shell.budget = EXIT_STEP_BUDGET;
    shell.run_script(&parse_script(script), None);
    if shell.halted && !shell.exited {
        return None;
    }
    Some((Duration::millis(shell.t), shell.code))
}

// ----- the shell ------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

fn tokenize(script: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut word = String::new();
    let mut in_word = false;
    let flush = |word: &mut String, in_word: &mut bool, toks: &mut Vec<Tok>| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(&c) = chars.get(i) {
        match c {
            '\'' => {
                in_word = true;
                word.push(c);
                i += 1;
                while let Some(&d) = chars.get(i) {
                    word.push(d);
                    i += 1;
                    if d == '\'' {
                        break;
                    }
                }
                continue;
            }
            '"' => {
                in_word = true;
                word.push(c);
                i += 1;
                while let Some(&d) = chars.get(i) {
                    word.push(d);
                    i += 1;
                    if d == '\\' {
                        if let Some(&e) = chars.get(i) {
                            word.push(e);
                            i += 1;
                        }
                        continue;
                    }
                    if d == '"' {
                        break;
                    }
                }
                continue;
            }
            '\\' => {
                in_word = true;
                word.push(c);
                if let Some(&d) = chars.get(i + 1) {
                    word.push(d);
                }
                i += 2;
                continue;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                in_word = true;
                let mut depth = 0;
                while let Some(&d) = chars.get(i) {
                    word.push(d);
                    i += 1;
                    if d == '(' {
                        depth += 1;
                    } else if d == ')' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                continue;
            }
            '#' if !in_word => {
                while chars.get(i).is_some_and(|d| *d != '\n') {
                    i += 1;
                }
                continue;
            }
            ' ' | '\t' => flush(&mut word, &mut in_word, &mut toks),
            '\n' | ';' => {
                flush(&mut word, &mut in_word, &mut toks);
                toks.push(Tok::Op(";"));
            }
            '&' | '|' => {
                flush(&mut word, &mut in_word, &mut toks);
                let double = chars.get(i + 1) == Some(&c);
                toks.push(Tok::Op(match (c, double) {
                    ('&', true) => "&&",
                    ('|', true) => "||",
                    ('&', false) => "&",
                    _ => "|",
                }));
                if double {
                    i += 1;
                }
            }
            '>' | '<' => {
                // `2>&1`, `>/dev/null`, `>> file`: the operator is its own word.
                let mut op = String::new();
                if in_word && (word == "2" || word == "1") {
                    op = std::mem::take(&mut word);
                    in_word = false;
                }
                flush(&mut word, &mut in_word, &mut toks);
                op.push(c);
                while let Some(&d) = chars.get(i + 1) {
                    if d == '>' || d == '&' || (op.ends_with('&') && d.is_ascii_digit()) {
                        op.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                toks.push(Tok::Word(format!("\u{0}{op}")));
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
        i += 1;
    }
    flush(&mut word, &mut in_word, &mut toks);
    toks
}

#[derive(Clone, Debug)]
enum Node {
    Simple(Vec<String>),
    While {
        until: bool,
        cond: Script,
        body: Script,
    },
    For {
        var: String,
        items: Vec<String>,
        body: Script,
    },
    If {
        branches: Vec<(Script, Script)>,
        otherwise: Option<Script>,
    },
    Group(Script),
}

/// `(connector before, pipeline)`: connector is `;`, `&&` or `||`.
type Script = Vec<(&'static str, Vec<Node>)>;

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self) -> Option<&str> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.toks.get(self.pos), Some(Tok::Op(";" | "&"))) {
            self.pos += 1;
        }
    }

    /// Parses commands until one of `stops` appears as a command word (left unconsumed).
    fn script(&mut self, stops: &[&str]) -> Script {
        let mut out: Script = Vec::new();
        let mut connector = ";";
        loop {
            self.skip_separators();
            match self.peek_word() {
                None if self.pos >= self.toks.len() => break,
                Some(w) if stops.contains(&w) => break,
                _ => {}
            }
            let mut pipeline = Vec::new();
            while let Some(node) = self.command(stops) {
                pipeline.push(node);
                if !matches!(self.toks.get(self.pos), Some(Tok::Op("|"))) {
                    break;
                }
                self.pos += 1;
            }
            if pipeline.is_empty() {
                // An operator with no command before it: skip it.
                self.pos += 1;
                if self.pos > self.toks.len() {
                    break;
                }
                continue;
            }
            out.push((connector, pipeline));
            connector = match self.toks.get(self.pos) {
                Some(Tok::Op("&&")) => "&&",
                Some(Tok::Op("||")) => "||",
                _ => ";",
            };
            if matches!(self.toks.get(self.pos), Some(Tok::Op(_))) {
                self.pos += 1;
            }
        }
        out
    }

    fn expect(&mut self, word: &str) {
        self.skip_separators();
        if self.peek_word() == Some(word) {
            self.pos += 1;
        }
    }

    fn command(&mut self, stops: &[&str]) -> Option<Node> {
        let first = self.peek_word()?.to_string();
        if stops.contains(&first.as_str()) {
            return None;
        }
        match first.as_str() {
            "while" | "until" => {
                self.pos += 1;
                let cond = self.script(&["do"]);
                self.expect("do");
                let body = self.script(&["done"]);
                self.expect("done");
                Some(Node::While {
                    until: first == "until",
                    cond,
                    body,
                })
            }
            "for" => {
                self.pos += 1;
                let var = self.peek_word().unwrap_or("").to_string();
                self.pos += 1;
                let mut items = Vec::new();
                if self.peek_word() == Some("in") {
                    self.pos += 1;
                    while let Some(w) = self.peek_word() {
                        if w == "do" {
                            break;
                        }
                        items.push(w.to_string());
                        self.pos += 1;
                    }
                }
                self.expect("do");
                let body = self.script(&["done"]);
                self.expect("done");
                Some(Node::For { var, items, body })
            }
            "if" => {
                self.pos += 1;
                let mut branches = Vec::new();
                let mut otherwise = None;
                loop {
                    let cond = self.script(&["then"]);
                    self.expect("then");
                    let body = self.script(&["elif", "else", "fi"]);
                    branches.push((cond, body));
                    self.skip_separators();
                    match self.peek_word() {
                        Some("elif") => {
                            self.pos += 1;
                        }
                        Some("else") => {
                            self.pos += 1;
                            otherwise = Some(self.script(&["fi"]));
                            self.expect("fi");
                            break;
                        }
                        _ => {
                            self.expect("fi");
                            break;
                        }
                    }
                }
                Some(Node::If {
                    branches,
                    otherwise,
                })
            }
            "{" => {
                self.pos += 1;
                let body = self.script(&["}"]);
                self.expect("}");
                Some(Node::Group(body))
            }
            _ => {
                let mut words = Vec::new();
                while let Some(Tok::Word(w)) = self.toks.get(self.pos) {
                    words.push(w.clone());
                    self.pos += 1;
                }
                Some(Node::Simple(words))
            }
        }
    }
}

fn parse_script(text: &str) -> Script {
    let mut p = Parser {
        toks: tokenize(text),
        pos: 0,
    };
    p.script(&[])
}

/// Which shell runs a script: its name prefixes error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    /// busybox `sh`/`ash`: `sh: x: not found`.
    Ash,
    /// Debian's `/bin/sh`: `sh: 1: x: not found`.
    Dash,
    /// `bash`: `bash: line 1: x: command not found`.
    Bash,
}

/// Tools each userland has beside the shell builtins.
fn has_tool(userland: Userland, base: &str, tool: &str) -> bool {
    if base == "netshoot" {
        return true;
    }
    let base = base.to_string();
    let common = matches!(
        tool,
        "ls" | "cat"
            | "echo"
            | "env"
            | "printenv"
            | "hostname"
            | "date"
            | "sleep"
            | "id"
            | "whoami"
            | "uname"
            | "pwd"
            | "touch"
            | "rm"
            | "mkdir"
            | "grep"
            | "wc"
            | "head"
            | "tail"
            | "true"
            | "false"
            | "test"
            | "["
            | "printf"
            | "kill"
            | "sh"
            | "yes"
            | "tr"
            | "sort"
    );
    match userland {
        Userland::Scratch => false,
        Userland::Busybox => {
            common
                || matches!(
                    tool,
                    "wget" | "nslookup" | "ping" | "ps" | "ash" | "nc" | "top"
                )
                || (tool == "bash" && base == "bash")
                || (tool == "curl" && base == "curl")
        }
        Userland::Debian => {
            common
                || tool == "bash"
                || (tool == "curl" && matches!(base.as_str(), "nginx" | "httpd" | "python"))
                || (tool == "ps" && matches!(base.as_str(), "ubuntu" | "python" | "node"))
        }
    }
}

/// A small POSIX-ish shell over the virtual clock: runs a container's command (its output is
/// the container's log) or an exec'd command.
pub struct Shell<'a> {
    sb: &'a Sandbox,
    vars: BTreeMap<String, String>,
    start: Time,
    /// Virtual time spent so far (ms since start).
    t: u64,
    /// Stop once the run reaches this instant.
    until: Time,
    stdout: Vec<(u64, String)>,
    stderr: Vec<(u64, String)>,
    code: i32,
    steps: u64,
    budget: u64,
    /// The run reached `until` (or an endless wait), or `exit` was called.
    halted: bool,
    /// `exit` was called.
    exited: bool,
    /// `break` was called: the innermost loop ends.
    breaking: bool,
    dialect: Dialect,
    files: BTreeMap<String, Option<String>>,
    /// Parsed `$(…)` scripts (a loop substitutes the same text every iteration).
    parsed: BTreeMap<String, std::rc::Rc<Script>>,
}

/// `$((…))` arithmetic: integers, variables, `+ - * / %`, parentheses, comparisons.
fn arith(expr: &str, vars: &BTreeMap<String, String>) -> i64 {
    fn tokens(expr: &str, vars: &BTreeMap<String, String>) -> Vec<String> {
        let mut out = Vec::new();
        let chars: Vec<char> = expr.chars().collect();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if c.is_whitespace() {
                i += 1;
            } else if c.is_ascii_digit() {
                let mut n = String::new();
                while let Some(&d) = chars.get(i).filter(|d| d.is_ascii_digit()) {
                    n.push(d);
                    i += 1;
                }
                out.push(n);
            } else if c.is_ascii_alphabetic() || c == '_' || c == '$' {
                let mut n = String::new();
                if c == '$' {
                    i += 1;
                }
                while let Some(&d) = chars
                    .get(i)
                    .filter(|d| d.is_ascii_alphanumeric() || **d == '_')
                {
                    n.push(d);
                    i += 1;
                }
                let v = vars
                    .get(&n)
                    .and_then(|v| v.trim().parse::<i64>().ok())
                    .unwrap_or(0);
                out.push(v.to_string());
            } else {
                let two: String = chars.iter().skip(i).take(2).collect();
                if matches!(two.as_str(), "<=" | ">=" | "==" | "!=") {
                    out.push(two);
                    i += 2;
                } else {
                    out.push(c.to_string());
                    i += 1;
                }
            }
        }
        out
    }
    fn primary(t: &[String], i: &mut usize) -> i64 {
        match t.get(*i).map(String::as_str) {
            Some("(") => {
                *i += 1;
                let v = compare(t, i);
                *i += 1;
                v
            }
            Some("-") => {
                *i += 1;
                primary(t, i).wrapping_neg()
            }
            Some(n) => {
                *i += 1;
                n.parse().unwrap_or(0)
            }
            None => 0,
        }
    }
    fn term(t: &[String], i: &mut usize) -> i64 {
        let mut v = primary(t, i);
        while let Some(op) = t.get(*i).filter(|o| matches!(o.as_str(), "*" | "/" | "%")) {
            let op = op.clone();
            *i += 1;
            let r = primary(t, i);
            v = match op.as_str() {
                "*" => v.wrapping_mul(r),
                "/" => v.checked_div(r).unwrap_or(0),
                _ => v.checked_rem(r).unwrap_or(0),
            };
        }
        v
    }
    fn sum(t: &[String], i: &mut usize) -> i64 {
        let mut v = term(t, i);
        while let Some(op) = t.get(*i).filter(|o| matches!(o.as_str(), "+" | "-")) {
            let plus = op == "+";
            *i += 1;
            let r = term(t, i);
            v = if plus {
                v.wrapping_add(r)
            } else {
                v.wrapping_sub(r)
            };
        }
        v
    }
    fn compare(t: &[String], i: &mut usize) -> i64 {
        let v = sum(t, i);
        if let Some(op) = t
            .get(*i)
            .filter(|o| matches!(o.as_str(), "<" | ">" | "<=" | ">=" | "==" | "!="))
        {
            let op = op.clone();
            *i += 1;
            let r = sum(t, i);
            let b = match op.as_str() {
                "<" => v < r,
                ">" => v > r,
                "<=" => v <= r,
                ">=" => v >= r,
                "==" => v == r,
                _ => v != r,
            };
            return i64::from(b);
        }
        v
    }
    let t = tokens(expr, vars);
    let mut i = 0;
    compare(&t, &mut i)
}

impl<'a> Shell<'a> {
    pub fn new(sb: &'a Sandbox, start: Time, until: Time) -> Self {
        Shell {
            sb,
            vars: sb.process_env().into_iter().collect(),
            start,
            t: 0,
            until,
            stdout: Vec::new(),
            stderr: Vec::new(),
            code: 0,
            steps: 0,
            budget: STEP_BUDGET,
            halted: false,
            exited: false,
            breaking: false,
            dialect: match sb.userland {
                Userland::Busybox => Dialect::Ash,
                _ => Dialect::Dash,
            },
            files: sb.files.clone(),
            parsed: BTreeMap::new(),
        }
    }

    fn now(&self) -> Time {
        self.start.plus(Duration::millis(self.t))
    }

    /// Runs a container command or an exec'd argv (no shell unless it names one).
    pub fn run_argv(&mut self, argv: &[String]) {
        let Some(first) = argv.first() else { return };
        let bin = first.rsplit('/').next().unwrap_or("").to_string();
        if matches!(bin.as_str(), "sh" | "ash" | "bash" | "dash") {
            if !has_tool(self.sb.userland, &self.sb.base, &bin) && bin != "sh" {
                self.not_in_path(&bin);
                return;
            }
            if bin == "bash" {
                self.dialect = Dialect::Bash;
            }
            let mut i = 1;
            while let Some(a) = argv.get(i) {
                if a == "-c" {
                    let script = argv.get(i + 1).cloned().unwrap_or_default();
                    let parsed = parse_script(&script);
                    self.run_script(&parsed, None);
                    return;
                }
                if !a.starts_with('-') {
                    // `sh script.sh`: a file Timonel does not have.
                    self.err(format!(
                        "{bin}: can't open '{a}': No such file or directory\n"
                    ));
                    self.code = 2;
                    return;
                }
                i += 1;
            }
            // An interactive shell without a terminal reads end-of-file and exits.
            return;
        }
        let words: Vec<String> = argv.to_vec();
        self.simple(&words, None, true);
    }

    fn not_in_path(&mut self, bin: &str) {
        self.code = 127;
        self.err(format!(
            "exec: \"{bin}\": executable file not found in $PATH\n"
        ));
    }

    fn out(&mut self, text: String) {
        if !text.is_empty() {
            self.stdout.push((self.t, text));
        }
    }

    fn err(&mut self, text: String) {
        if !text.is_empty() {
            self.stderr.push((self.t, text));
        }
    }

    /// The container's log: stdout and stderr interleaved by time, split into lines.
    pub fn into_lines(self) -> Vec<LogLine> {
        let mut chunks: Vec<(u64, usize, String)> = Vec::new();
        for (i, (t, s)) in self.stdout.into_iter().enumerate() {
            chunks.push((t, i * 2, s));
        }
        for (i, (t, s)) in self.stderr.into_iter().enumerate() {
            chunks.push((t, i * 2 + 1, s));
        }
        chunks.sort_by_key(|c| (c.0, c.1));
        let mut lines = Vec::new();
        let mut partial = String::new();
        for (t, _, text) in chunks {
            partial.push_str(&text);
            while let Some(i) = partial.find('\n') {
                let line: String = partial.drain(..=i).collect();
                lines.push(LogLine {
                    time: self.start.plus(Duration::millis(t)),
                    text: line.trim_end_matches('\n').to_string(),
                });
            }
        }
        if !partial.is_empty() {
            lines.push(LogLine {
                time: self.start.plus(Duration::millis(self.t)),
                text: partial,
            });
        }
        if lines.len() > MAX_LOG_LINES {
            lines.drain(..lines.len() - MAX_LOG_LINES);
        }
        lines
    }

    /// Stdout, stderr and exit code of an exec'd command.
    pub fn into_exec(self) -> ExecOutput {
        ExecOutput {
            stdout: self.stdout.into_iter().map(|(_, s)| s).collect(),
            stderr: self.stderr.into_iter().map(|(_, s)| s).collect(),
            exit_code: self.code,
        }
    }

    fn run_script(&mut self, script: &Script, stdin: Option<&str>) {
        for (connector, pipeline) in script {
            if self.halted || self.breaking {
                return;
            }
            match *connector {
                "&&" if self.code != 0 => continue,
                "||" if self.code == 0 => continue,
                _ => {}
            }
            self.pipeline(pipeline, stdin);
        }
    }

    fn pipeline(&mut self, nodes: &[Node], stdin: Option<&str>) {
        if nodes.len() == 1 {
            if let Some(n) = nodes.first() {
                self.node(n, stdin);
            }
            return;
        }
        let mut input: Option<String> = stdin.map(str::to_string);
        for (i, n) in nodes.iter().enumerate() {
            let last = i + 1 == nodes.len();
            if last {
                self.node(n, input.as_deref());
            } else {
                let mark = self.stdout.len();
                self.node(n, input.as_deref());
                let captured: String = self.stdout.drain(mark..).map(|(_, s)| s).collect();
                input = Some(captured);
            }
        }
    }

    /// Counts one step against the budget; false (and halted) once it is spent.
    fn tick(&mut self) -> bool {
        self.steps += 1;
        if self.steps > self.budget {
            self.halted = true;
        }
        !self.halted
    }

    fn node(&mut self, node: &Node, stdin: Option<&str>) {
        if !self.tick() {
            return;
        }
        match node {
            Node::Simple(words) => self.simple(words, stdin, false),
            Node::Group(s) => self.run_script(s, stdin),
            Node::While { until, cond, body } => loop {
                // Every round counts, so a loop with an empty condition and body (`while`)
                // still ends.
                if !self.tick() {
                    return;
                }
                let before = self.t;
                self.run_script(cond, stdin);
                if self.halted || ((self.code == 0) == *until) {
                    self.code = 0;
                    return;
                }
                self.run_script(body, stdin);
                if std::mem::take(&mut self.breaking) {
                    return;
                }
                if self.t == before && self.stdout.len() > MAX_LOG_LINES {
                    // A loop printing without ever sleeping: its output is endless.
                    self.halted = true;
                    return;
                }
            },
            Node::For { var, items, body } => {
                let items: Vec<String> = items
                    .iter()
                    .flat_map(|i| {
                        let v = self.expand(i);
                        if i.starts_with('"') || i.starts_with('\'') {
                            vec![v]
                        } else {
                            v.split_whitespace().map(str::to_string).collect()
                        }
                    })
                    .collect();
                for item in items {
                    if self.halted {
                        return;
                    }
                    self.vars.insert(var.clone(), item);
                    self.run_script(body, stdin);
                    if std::mem::take(&mut self.breaking) {
                        return;
                    }
                }
            }
            Node::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    self.run_script(cond, stdin);
                    if self.halted {
                        return;
                    }
                    if self.code == 0 {
                        self.run_script(body, stdin);
                        return;
                    }
                }
                self.code = 0;
                if let Some(o) = otherwise {
                    self.run_script(o, stdin);
                }
            }
        }
    }

    /// Expands one word: quotes removed, `$VAR`, `${VAR}`, `$((…))`, `$(…)` substituted.
    fn expand(&mut self, word: &str) -> String {
        let chars: Vec<char> = word.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        let mut quote: Option<char> = None;
        while let Some(&c) = chars.get(i) {
            match (c, quote) {
                ('\'', None) => {
                    i += 1;
                    while let Some(&d) = chars.get(i) {
                        i += 1;
                        if d == '\'' {
                            break;
                        }
                        out.push(d);
                    }
                    continue;
                }
                ('"', None) => quote = Some('"'),
                ('"', Some(_)) => quote = None,
                ('\\', q) => {
                    if let Some(&d) = chars.get(i + 1) {
                        if q.is_some() && !matches!(d, '"' | '\\' | '$' | '`') {
                            out.push('\\');
                        }
                        out.push(d);
                    }
                    i += 2;
                    continue;
                }
                ('$', _) => {
                    i += 1;
                    match chars.get(i) {
                        Some('(') if chars.get(i + 1) == Some(&'(') => {
                            let (inner, next) = balanced(&chars, i);
                            let expr = inner.get(1..inner.len().saturating_sub(1)).unwrap_or("");
                            out.push_str(&arith(expr, &self.vars).to_string());
                            i = next;
                        }
                        Some('(') => {
                            let (inner, next) = balanced(&chars, i);
                            let text = self.substitute(&inner);
                            out.push_str(text.trim_end_matches('\n'));
                            i = next;
                        }
                        Some('{') => {
                            let end = chars[i..].iter().position(|c| *c == '}').map(|p| p + i);
                            let name: String = match end {
                                Some(e) => chars[i + 1..e].iter().collect(),
                                None => String::new(),
                            };
                            let (name, default) = match name.split_once(":-") {
                                Some((n, d)) => (n.to_string(), Some(d.to_string())),
                                None => (name, None),
                            };
                            let v = self.var(&name);
                            match default {
                                Some(d) if v.is_empty() => out.push_str(&d),
                                _ => out.push_str(&v),
                            }
                            i = end.map_or(chars.len(), |e| e + 1);
                        }
                        Some(d) if d.is_ascii_alphabetic() || *d == '_' => {
                            let mut name = String::new();
                            while let Some(&d) = chars
                                .get(i)
                                .filter(|d| d.is_ascii_alphanumeric() || **d == '_')
                            {
                                name.push(d);
                                i += 1;
                            }
                            out.push_str(&self.var(&name));
                        }
                        Some('?') => {
                            out.push_str(&self.code.to_string());
                            i += 1;
                        }
                        Some('$') => {
                            out.push('1');
                            i += 1;
                        }
                        Some(d) if d.is_ascii_digit() => {
                            i += 1;
                        }
                        _ => out.push('$'),
                    }
                    continue;
                }
                _ => out.push(c),
            }
            i += 1;
        }
        out
    }

    fn var(&self, name: &str) -> String {
        match name {
            "HOSTNAME" if !self.vars.contains_key("HOSTNAME") => self.sb.hostname.clone(),
            "RANDOM" => ((self.t / 7 + self.steps * 31) % 32768).to_string(),
            _ => self.vars.get(name).cloned().unwrap_or_default(),
        }
    }

    /// `$(…)`: runs the inner script and returns what it printed.
    fn substitute(&mut self, inner: &str) -> String {
        let body = inner.get(1..inner.len().saturating_sub(1)).unwrap_or("");
        let script = match self.parsed.get(body) {
            Some(s) => std::rc::Rc::clone(s),
            None => {
                let s = std::rc::Rc::new(parse_script(body));
                self.parsed.insert(body.to_string(), std::rc::Rc::clone(&s));
                s
            }
        };
        let mark = self.stdout.len();
        let code = self.code;
        self.run_script(&script, None);
        let text: String = self.stdout.drain(mark..).map(|(_, s)| s).collect();
        self.code = code;
        text
    }

    fn resolve(&self, path: &str) -> String {
        let joined = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.sb.working_dir.trim_end_matches('/'))
        };
        let mut parts: Vec<&str> = Vec::new();
        for p in joined.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        format!("/{}", parts.join("/"))
    }

    fn not_found(&mut self, bin: &str) {
        self.code = 127;
        let msg = match self.dialect {
            Dialect::Ash => format!("sh: {bin}: not found\n"),
            Dialect::Dash => format!("sh: 1: {bin}: not found\n"),
            Dialect::Bash => format!("bash: line 1: {bin}: command not found\n"),
        };
        self.err(msg);
    }

    fn busybox(&self) -> bool {
        self.sb.userland == Userland::Busybox
    }

    /// A simple command; `direct` is an exec without a shell (unknown binaries fail to start).
    fn simple(&mut self, raw: &[String], stdin: Option<&str>, direct: bool) {
        // Redirections.
        let mut words: Vec<String> = Vec::new();
        let mut redirect: Option<(String, bool)> = None;
        let mut discard_err = false;
        let mut merge_err = false;
        let mut iter = raw.iter();
        let mut assignments: Vec<(String, String)> = Vec::new();
        while let Some(w) = iter.next() {
            if let Some(op) = w.strip_prefix('\u{0}') {
                match op {
                    "2>&1" => merge_err = true,
                    ">&2" | "1>&2" => {}
                    _ => {
                        let target = iter.next().map(|t| self.expand(t)).unwrap_or_default();
                        if op.starts_with('2') {
                            discard_err = true;
                        } else if op.starts_with('>') || op.starts_with("1>") {
                            redirect = Some((target, op.ends_with(">>")));
                        }
                    }
                }
                continue;
            }
            if direct {
                words.push(w.clone());
                continue;
            }
            if words.is_empty()
                && let Some((name, value)) = w.split_once('=')
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
            {
                let v = self.expand(value);
                assignments.push((name.to_string(), v));
                continue;
            }
            words.push(self.expand(w));
        }
        if words.is_empty() {
            for (k, v) in assignments {
                self.vars.insert(k, v);
            }
            self.code = 0;
            return;
        }
        let out_mark = self.stdout.len();
        let err_mark = self.stderr.len();
        self.builtin(&words, stdin, direct);
        if merge_err || discard_err {
            let moved: Vec<(u64, String)> = self.stderr.drain(err_mark..).collect();
            if merge_err && !discard_err {
                self.stdout.extend(moved);
            }
        }
        if let Some((target, append)) = redirect {
            let text: String = self.stdout.drain(out_mark..).map(|(_, s)| s).collect();
            if target != "/dev/null" && target != "/dev/stdout" {
                let path = self.resolve(&target);
                let entry = self
                    .files
                    .entry(path)
                    .or_insert_with(|| Some(String::new()));
                match entry {
                    Some(content) if append => content.push_str(&text),
                    _ => *entry = Some(text),
                }
            } else if target == "/dev/stdout" {
                self.out(text);
            }
        }
    }

    fn builtin(&mut self, words: &[String], stdin: Option<&str>, direct: bool) {
        let Some(first) = words.first() else { return };
        let bin = first.rsplit('/').next().unwrap_or("").to_string();
        let args = words.get(1..).unwrap_or(&[]);
        let shell_builtin = matches!(
            bin.as_str(),
            "echo"
                | "printf"
                | "true"
                | "false"
                | ":"
                | "exit"
                | "test"
                | "["
                | "export"
                | "cd"
                | "read"
                | "trap"
                | "set"
                | "wait"
                | "kill"
                | "pwd"
                | "sleep"
                | "break"
                | "continue"
        );
        if !shell_builtin && !has_tool(self.sb.userland, &self.sb.base, &bin) {
            if direct {
                self.not_in_path(&bin);
            } else {
                self.not_found(&bin);
            }
            return;
        }
        if direct && shell_builtin && self.sb.userland == Userland::Scratch {
            self.not_in_path(&bin);
            return;
        }
        self.code = 0;
        match bin.as_str() {
            "echo" => {
                let mut newline = true;
                let mut escapes = self.busybox() || self.dialect == Dialect::Dash;
                let mut rest = args;
                while let Some(flag) = rest.first().filter(|a| {
                    a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c))
                }) {
                    if flag.contains('n') {
                        newline = false;
                    }
                    if flag.contains('e') {
                        escapes = true;
                    }
                    rest = &rest[1..];
                }
                let mut text = rest.join(" ");
                if escapes {
                    text = text.replace("\\n", "\n").replace("\\t", "\t");
                }
                if newline {
                    text.push('\n');
                }
                self.out(text);
            }
            "printf" => {
                let format = args.first().cloned().unwrap_or_default();
                let mut values = args.get(1..).unwrap_or(&[]).iter();
                let mut text = String::new();
                loop {
                    let mut used = false;
                    let mut chars = format.chars().peekable();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => match chars.next() {
                                Some('n') => text.push('\n'),
                                Some('t') => text.push('\t'),
                                Some(o) => text.push(o),
                                None => text.push('\\'),
                            },
                            '%' => match chars.next() {
                                Some('%') => text.push('%'),
                                Some(_) => {
                                    used = true;
                                    text.push_str(values.next().map_or("", String::as_str));
                                }
                                None => text.push('%'),
                            },
                            c => text.push(c),
                        }
                    }
                    if !used || values.len() == 0 {
                        break;
                    }
                }
                self.out(text);
            }
            "true" | ":" | "export" | "cd" | "trap" | "set" | "wait" | "kill" => {}
            "false" => self.code = 1,
            "read" => self.code = 1,
            // Simplification: `continue` does nothing (the rest of the iteration runs).
            "break" => self.breaking = true,
            "continue" => {}
            "exit" => {
                self.code = args
                    .first()
                    .and_then(|c| c.parse::<i64>().ok())
                    .map_or(self.code, |c| (c & 0xff) as i32);
                self.halted = true;
                self.exited = true;
            }
            "test" | "[" => {
                let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
                if bin == "[" && a.last() == Some(&"]") {
                    a.pop();
                }
                let negate = a.first() == Some(&"!");
                if negate {
                    a.remove(0);
                }
                let ok = match a.as_slice() {
                    [] => false,
                    [s] => !s.is_empty(),
                    ["-z", s] => s.is_empty(),
                    ["-n", s] => !s.is_empty(),
                    ["-f", p] | ["-e", p] | ["-s", p] | ["-r", p] => {
                        let p = self.resolve(p);
                        match self.files.get(&p) {
                            Some(Some(content)) => a.first() != Some(&"-s") || !content.is_empty(),
                            Some(None) => a.first() == Some(&"-e"),
                            None => false,
                        }
                    }
                    ["-d", p] => matches!(self.files.get(&self.resolve(p)), Some(None)),
                    [x, "=", y] | [x, "==", y] => x == y,
                    [x, "!=", y] => x != y,
                    [x, op, y] => {
                        let (x, y) = (x.parse::<i64>().unwrap_or(0), y.parse::<i64>().unwrap_or(0));
                        match *op {
                            "-eq" => x == y,
                            "-ne" => x != y,
                            "-lt" => x < y,
                            "-le" => x <= y,
                            "-gt" => x > y,
                            "-ge" => x >= y,
                            _ => false,
                        }
                    }
                    _ => false,
                };
                self.code = i32::from(ok == negate);
            }
            "sleep" => {
                let d = args.first().map(|a| super::image::sleep_duration(a));
                match d {
                    Some(Some(d)) => {
                        self.t = self.t.saturating_add(d.as_millis());
                        if self.now() > self.until {
                            self.halted = true;
                        }
                    }
                    Some(None) => {
                        self.t = self.until.since(self.start).as_millis().saturating_add(1);
                        self.halted = true;
                    }
                    None => {
                        self.code = 1;
                        self.err("sleep: missing operand\n".into());
                    }
                }
            }
            "yes" => {
                let text = if args.is_empty() {
                    "y".to_string()
                } else {
                    args.join(" ")
                };
                for _ in 0..MAX_LOG_LINES {
                    self.out(format!("{text}\n"));
                }
                self.halted = true;
            }
            "date" => {
                let format = args.iter().find_map(|a| a.strip_prefix('+'));
                let text = date_text(self.now(), format);
                self.out(format!("{text}\n"));
            }
            "hostname" => {
                let text = if args.iter().any(|a| a == "-i") {
                    self.sb.pod_ip.clone()
                } else {
                    self.sb.hostname.clone()
                };
                self.out(format!("{text}\n"));
            }
            "whoami" => self.out("root\n".into()),
            "id" => self.out("uid=0(root) gid=0(root) groups=0(root)\n".into()),
            "pwd" => self.out(format!("{}\n", self.sb.working_dir)),
            "uname" => {
                let text = if args.iter().any(|a| a == "-a") {
                    format!(
                        "Linux {} 6.8.0-87-generic #88-Ubuntu SMP PREEMPT_DYNAMIC Sat Oct 11 09:28:41 UTC 2025 x86_64 GNU/Linux",
                        self.sb.hostname
                    )
                } else if args.iter().any(|a| a == "-r") {
                    "6.8.0-87-generic".into()
                } else if args.iter().any(|a| a == "-m") {
                    "x86_64".into()
                } else {
                    "Linux".into()
                };
                self.out(format!("{text}\n"));
            }
            "env" | "printenv" => {
                let vars = self.sb.process_env();
                let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                if bin == "printenv" && !names.is_empty() {
                    let mut all = true;
                    for n in names {
                        match vars.iter().find(|(k, _)| k == n) {
                            Some((_, v)) => self.out(format!("{v}\n")),
                            None => all = false,
                        }
                    }
                    self.code = i32::from(!all);
                } else {
                    let text: String = vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
                    self.out(text);
                }
            }
            "cat" => {
                let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                if paths.is_empty() {
                    self.out(stdin.unwrap_or("").to_string());
                    return;
                }
                for p in paths {
                    let full = self.resolve(p);
                    match self.files.get(&full).cloned() {
                        Some(Some(content)) => self.out(content),
                        Some(None) => {
                            self.code = 1;
                            self.err(format!("cat: {p}: Is a directory\n"));
                        }
                        None => {
                            self.code = 1;
                            let msg = if self.busybox() {
                                format!("cat: can't open '{p}': No such file or directory\n")
                            } else {
                                format!("cat: {p}: No such file or directory\n")
                            };
                            self.err(msg);
                        }
                    }
                }
            }
            "ls" => {
                let long = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
                let all = args.iter().any(|a| a.starts_with('-') && a.contains('a'));
                let paths: Vec<String> = args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .cloned()
                    .collect();
                let paths = if paths.is_empty() {
                    vec![".".to_string()]
                } else {
                    paths
                };
                let many = paths.len() > 1;
                for (n, p) in paths.iter().enumerate() {
                    let full = self.resolve(p);
                    let is_root = full == "/";
                    match self.files.get(&full) {
                        Some(Some(_)) => self.out(format!("{p}\n")),
                        None if !is_root => {
                            self.code = if self.busybox() { 1 } else { 2 };
                            let msg = if self.busybox() {
                                format!("ls: {p}: No such file or directory\n")
                            } else {
                                format!("ls: cannot access '{p}': No such file or directory\n")
                            };
                            self.err(msg);
                        }
                        _ => {
                            let prefix = if is_root {
                                "/".to_string()
                            } else {
                                format!("{full}/")
                            };
                            let mut names: Vec<(String, bool)> = self
                                .files
                                .range(prefix.clone()..)
                                .take_while(|(k, _)| k.starts_with(&prefix))
                                .filter(|(k, _)| {
                                    !k[prefix.len()..].contains('/') && k.len() > prefix.len()
                                })
                                .map(|(k, v)| (k[prefix.len()..].to_string(), v.is_none()))
                                .collect();
                            if all {
                                names.insert(0, ("..".into(), true));
                                names.insert(0, (".".into(), true));
                            }
                            if many {
                                if n > 0 {
                                    self.out("\n".into());
                                }
                                self.out(format!("{p}:\n"));
                            }
                            let text: String = names
                                .iter()
                                .map(|(name, dir)| {
                                    if long {
                                        let kind = if *dir { "drwxr-xr-x" } else { "-rw-r--r--" };
                                        format!("{kind}    1 root     root          4096 Jan  1 00:00 {name}\n")
                                    } else {
                                        format!("{name}\n")
                                    }
                                })
                                .collect();
                            self.out(text);
                        }
                    }
                }
            }
            "touch" | "mkdir" => {
                for p in args.iter().filter(|a| !a.starts_with('-')) {
                    let full = self.resolve(p);
                    let dir = bin == "mkdir";
                    self.files
                        .entry(full)
                        .or_insert(if dir { None } else { Some(String::new()) });
                }
            }
            "rm" => {
                for p in args.iter().filter(|a| !a.starts_with('-')) {
                    let full = self.resolve(p);
                    if self.files.remove(&full).is_none()
                        && !args.iter().any(|a| a.starts_with("-") && a.contains('f'))
                    {
                        self.code = 1;
                        let msg = if self.busybox() {
                            format!("rm: can't remove '{p}': No such file or directory\n")
                        } else {
                            format!("rm: cannot remove '{p}': No such file or directory\n")
                        };
                        self.err(msg);
                    }
                }
            }
            "grep" => {
                let invert = args.iter().any(|a| a == "-v");
                let ignore = args.iter().any(|a| a == "-i");
                let count = args.iter().any(|a| a == "-c");
                let rest: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                let Some(pattern) = rest.first() else {
                    self.code = 2;
                    return;
                };
                let input = match rest.get(1) {
                    Some(p) => self
                        .files
                        .get(&self.resolve(p))
                        .cloned()
                        .flatten()
                        .unwrap_or_default(),
                    None => stdin.unwrap_or("").to_string(),
                };
                let matches = |l: &str| {
                    let hit = if ignore {
                        l.to_lowercase().contains(&pattern.to_lowercase())
                    } else {
                        l.contains(pattern.as_str())
                    };
                    hit != invert
                };
                let hits: Vec<&str> = input.lines().filter(|l| matches(l)).collect();
                self.code = i32::from(hits.is_empty());
                if count {
                    self.out(format!("{}\n", hits.len()));
                } else {
                    let text: String = hits.iter().map(|l| format!("{l}\n")).collect();
                    self.out(text);
                }
            }
            "wc" => {
                let input = stdin.unwrap_or("");
                self.out(format!("{}\n", input.lines().count()));
            }
            "head" | "tail" => {
                let n = args
                    .iter()
                    .position(|a| a == "-n")
                    .and_then(|i| args.get(i + 1))
                    .and_then(|v| v.parse::<usize>().ok())
                    .or_else(|| args.iter().find_map(|a| a.strip_prefix('-')?.parse().ok()))
                    .unwrap_or(10);
                if bin == "tail" && args.iter().any(|a| a == "-f") {
                    self.t = self.until.since(self.start).as_millis().saturating_add(1);
                    self.halted = true;
                    return;
                }
                let file = args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .find(|a| a.parse::<usize>().is_err());
                let input = match file {
                    Some(p) => self
                        .files
                        .get(&self.resolve(p))
                        .cloned()
                        .flatten()
                        .unwrap_or_default(),
                    None => stdin.unwrap_or("").to_string(),
                };
                let lines: Vec<&str> = input.lines().collect();
                let pick: &[&str] = if bin == "head" {
                    &lines[..n.min(lines.len())]
                } else {
                    &lines[lines.len().saturating_sub(n)..]
                };
                let text: String = pick.iter().map(|l| format!("{l}\n")).collect();
                self.out(text);
            }
            "sort" => {
                let mut lines: Vec<&str> = stdin.unwrap_or("").lines().collect();
                lines.sort_unstable();
                let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
                self.out(text);
            }
            "tr" => self.out(stdin.unwrap_or("").to_string()),
            "ps" => {
                self.out("PID   USER     TIME  COMMAND\n    1 root      0:00 (the container's main process)\n".into());
            }
            "curl" | "wget" | "nslookup" | "ping" | "nc" => {
                self.code = 1;
                self.err(format!(
                    "{bin}: Timonel does not simulate network traffic between pods yet (try kubectl get endpoints)\n"
                ));
            }
            "sh" | "bash" | "ash" => {
                let mut argv = vec![bin.clone()];
                argv.extend(args.iter().cloned());
                let dialect = self.dialect;
                self.run_argv(&argv);
                self.dialect = dialect;
            }
            _ => {
                // A tool the image has but Timonel does not model: it runs and prints nothing.
            }
        }
    }
}

/// The text between a `(` at `open` and its matching `)`, parentheses included, and the index
/// after it.
fn balanced(chars: &[char], open: usize) -> (String, usize) {
    let mut depth = 0;
    let mut i = open;
    let mut text = String::new();
    while let Some(&c) = chars.get(i) {
        text.push(c);
        i += 1;
        if c == '(' {
            depth += 1;
        } else if c == ')' {
            depth -= 1;
            if depth == 0 {
                break;
            }
        }
    }
    (text, i)
}

// ----- the api-server's log and exec subresources ---------------------------------------------

fn status_of<'a>(pod: &'a Pod, name: &str) -> Option<&'a ContainerStatus> {
    let s = pod.status.as_ref()?;
    s.container_statuses
        .iter()
        .chain(&s.init_container_statuses)
        .find(|c| c.name == name)
}

fn spec_of<'a>(pod: &'a Pod, name: &str) -> Option<&'a Container> {
    pod.spec
        .containers
        .iter()
        .chain(&pod.spec.init_containers)
        .find(|c| c.name == name)
}

fn all_names(pod: &Pod) -> String {
    let names: Vec<&str> = pod
        .spec
        .init_containers
        .iter()
        .chain(&pod.spec.containers)
        .map(|c| c.name.as_str())
        .collect();
    format!("[{}]", names.join(" "))
}

/// The registry's `validateContainer`: the named container, or the only one.
fn validate_container(pod: &Pod, container: Option<&str>) -> Result<String, Status> {
    match container.filter(|c| !c.is_empty()) {
        Some(name) => {
            if spec_of(pod, name).is_some() {
                Ok(name.to_string())
            } else {
                Err(Status::bad_request(format!(
                    "container {name} is not valid for pod {}",
                    pod.metadata.name
                )))
            }
        }
        None => match pod.spec.containers.as_slice() {
            [only] => Ok(only.name.to_string()),
            [] => Err(Status::bad_request(format!(
                "a container name must be specified for pod {}",
                pod.metadata.name
            ))),
            _ => Err(Status::bad_request(format!(
                "a container name must be specified for pod {}, choose one of: {}",
                pod.metadata.name,
                all_names(pod)
            ))),
        },
    }
}

fn get_pod(api: &ApiServer, namespace: &str, name: &str) -> Result<Pod, Status> {
    api.get_ref(Kind::Pod, namespace, name)
        .and_then(<Pod as Resource>::from_object)
        .cloned()
        .ok_or_else(|| Status::not_found(Kind::Pod.info(), name))
}

fn parse_time(t: &Option<crate::api::Str>) -> Option<Time> {
    t.as_deref().and_then(Time::parse_rfc3339)
}

impl Cluster {
    /// `GET /api/v1/namespaces/{ns}/pods/{pod}/log`: what one container wrote, oldest first.
    /// `container` may be omitted for a pod with one container; `previous` asks for the run
    /// before the current one (after a restart).
    pub fn container_logs(
        &self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        previous: bool,
    ) -> Result<Vec<LogLine>, Status> {
        let api = &self.api;
        let p = get_pod(api, namespace, pod)?;
        let name = validate_container(&p, container)?;
        if p.node_name().is_none() {
            // The api-server has no kubelet to ask: an empty stream.
            return Ok(Vec::new());
        }
        let Some(spec) = spec_of(&p, &name) else {
            return Ok(Vec::new());
        };
        let not_available = || {
            Status::bad_request(format!(
                "container {name:?} in pod {pod:?} is not available"
            ))
        };
        let status = status_of(&p, &name).ok_or_else(not_available)?;
        let last = status.last_state.terminated.as_ref();
        let state = &status.state;
        let now = self.now();
        // (start, end, stopped by a signal) of the run to read.
        let finished = |t: &crate::api::pod::ContainerStateTerminated| {
            (
                parse_time(&t.started_at).unwrap_or(now),
                parse_time(&t.finished_at).unwrap_or(now),
                // A server stopped by its stop signal logs its shutdown.
                t.exit_code == 0,
            )
        };
        let run = if previous {
            match last.filter(|t| t.container_id.is_some()) {
                Some(t) => finished(t),
                None => {
                    return Err(Status::bad_request(format!(
                        "previous terminated container {name:?} in pod {pod:?} not found"
                    )));
                }
            }
        } else if let Some(r) = &state.running {
            (parse_time(&r.started_at).unwrap_or(now), now, false)
        } else if let Some(t) = &state.terminated {
            if t.container_id.is_some() {
                finished(t)
            } else if let Some(l) = last.filter(|t| t.container_id.is_some()) {
                finished(l)
            } else {
                return Err(Status::bad_request(format!(
                    "container {name:?} in pod {pod:?} is terminated"
                )));
            }
        } else if let Some(l) = last {
            if l.container_id.is_none() {
                return Err(Status::bad_request(format!(
                    "container {name:?} in pod {pod:?} is terminated"
                )));
            }
            finished(l)
        } else if let Some(w) = &state.waiting {
            let reason = w.reason.clone().unwrap_or_default();
            let why = match reason.as_str() {
                "ErrImagePull" => "image can't be pulled".to_string(),
                "ImagePullBackOff" => "trying and failing to pull image".to_string(),
                _ => reason.to_string(),
            };
            return Err(Status::bad_request(format!(
                "container {name:?} in pod {pod:?} is waiting to start: {why}"
            )));
        } else {
            return Err(Status::bad_request(format!(
                "container {name:?} in pod {pod:?} is waiting to start - no logs yet"
            )));
        };
        let sandbox = Sandbox::new(api, &p, spec);
        Ok(run_output(spec, &sandbox, run.0, run.1, run.2))
    }

    /// `POST /api/v1/namespaces/{ns}/pods/{pod}/exec`: runs `argv` in a running container.
    pub fn exec(
        &self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        argv: &[String],
    ) -> Result<ExecOutput, ExecError> {
        let api = &self.api;
        let p = get_pod(api, namespace, pod).map_err(ExecError::Request)?;
        if p.node_name().is_none() {
            return Err(ExecError::Request(Status::bad_request(format!(
                "pod {pod} does not have a host assigned"
            ))));
        }
        let name = validate_container(&p, container).map_err(ExecError::Request)?;
        let Some(spec) = spec_of(&p, &name) else {
            return Err(ExecError::Upgrade(format!(
                "container not found ({name:?})"
            )));
        };
        let started = status_of(&p, &name)
            .and_then(|s| s.state.running.as_ref())
            .map(|r| parse_time(&r.started_at).unwrap_or_else(|| self.now()));
        let Some(started) = started else {
            return Err(ExecError::Upgrade(format!(
                "container not found ({name:?})"
            )));
        };
        let behavior = self.controllers.kubelets.behavior();
        let workload: Workload = behavior.workload(spec);
        let now = self.now();
        let running_for = now.since(started);
        let mut sandbox = Sandbox::new(api, &p, spec);
        // Files the container's own process made or removed by now.
        for (at, path, created) in &workload.files {
            if *at <= running_for {
                if *created {
                    sandbox.files.insert(path.clone(), Some(String::new()));
                } else {
                    sandbox.files.remove(path);
                }
            }
        }
        let Some(bin) = argv.first() else {
            return Ok(ExecOutput::default());
        };
        let name_only = bin.rsplit('/').next().unwrap_or("");
        let known = matches!(name_only, "sh" | "ash" | "dash")
            || has_tool(sandbox.userland, &sandbox.base, name_only)
            || matches!(
                name_only,
                "echo" | "printf" | "true" | "false" | "pwd" | "sleep" | "kill" | "test" | "["
            );
        if !known || sandbox.userland == Userland::Scratch {
            let id: String = {
                let mut h: u64 = 0xcbf2_9ce4_8422_2325;
                for b in pod.bytes().chain(name.bytes()).chain(now.0.to_le_bytes()) {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x0100_0000_01b3);
                }
                (0..4)
                    .map(|i| {
                        format!(
                            "{:016x}",
                            h.rotate_left(i * 16) ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                        )
                    })
                    .collect()
            };
            return Err(ExecError::Stream(format!(
                "Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{bin}\": executable file not found in $PATH: unknown"
            )));
        }
        // Simplification: an exec'd command takes no virtual time (`sleep` returns at once).
        let mut shell = Shell::new(&sandbox, now, now);
        shell.budget = EXEC_STEP_BUDGET;
        shell.run_argv(argv);
        Ok(shell.into_exec())
    }
}
