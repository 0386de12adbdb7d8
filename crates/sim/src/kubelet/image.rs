//! What a container *does*: the image-behaviour trait the kubelet asks whether an image can be
//! pulled and how a container of it behaves (serves on ports, exits after a while, reacts to
//! SIGTERM, answers exec probes), and the default catalogue of images learners use.
//!
//! The kubelet never looks at image names itself: everything image-specific lives behind
//! [`ImageBehavior`], so a later issue can add logs, files and `kubectl exec` here.

use crate::api::pod::Container;
use crate::clock::Duration;

/// What the runtime does with one container of an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Ports it accepts connections on while running.
    pub listens: Listen,
    /// When it exits on its own: after how long, with which exit code. `None` runs forever.
    pub exits: Option<(Duration, i32)>,
    /// How long after SIGTERM it exits (with code 0). `None`: it ignores SIGTERM (a shell's PID 1)
    /// and is killed with SIGKILL (exit code 137) when the grace period ends.
    pub on_sigterm: Option<Duration>,
    /// Files the process creates (`true`) or removes (`false`), by time since start, in order.
    pub files: Vec<(Duration, String, bool)>,
    /// The runtime cannot start the process: the `StartError` message.
    pub start_error: Option<String>,
}

/// Which ports a running container listens on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listen {
    /// No port (a batch command).
    Nothing,
    /// These ports (HTTP answers come from [`ImageBehavior::http_status`]).
    Ports(Vec<i32>),
    /// Every port a probe asks about (an image Timonel knows nothing specific about).
    Any,
}

/// The outcome of running a command in a container (`exec` probes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecResult {
    pub exit_code: i32,
    pub output: String,
}

/// How images behave. The kubelets use one shared implementation ([`DefaultImages`] unless a
/// caller installs another).
pub trait ImageBehavior: std::fmt::Debug + Send + Sync {
    /// Pulls `image` (as written in the pod): its size in bytes, or the runtime's error text
    /// (what follows `Failed to pull image "x": `).
    fn pull(&self, image: &str) -> Result<u64, String>;

    /// How a container of this spec (image, command, args, env) behaves once started.
    fn workload(&self, container: &Container) -> Workload;

    /// The HTTP status a running container answers to `GET path` on a port it listens on.
    fn http_status(&self, container: &Container, port: i32, path: &str) -> u16 {
        let _ = (container, port, path);
        200
    }

    /// Runs `command` in the container, `running_for` after it started.
    fn exec(&self, workload: &Workload, running_for: Duration, command: &[String]) -> ExecResult {
        exec_in(workload, running_for, command)
    }
}

/// The images a learner meets in tutorials.
///
/// Simplification: a small catalogue. Official Docker Hub images in [`KNOWN_LIBRARY`] and a few
/// well-known organisations exist (a tag exists when it looks like a release: numbers below
/// 100 or words, so `nginx:1.161` does not); every other registry (registry.k8s.io, quay.io …)
/// serves everything; other Docker Hub names do not exist.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultImages;

/// Official (`docker.io/library/…`) images Timonel knows, with their compressed sizes.
pub const KNOWN_LIBRARY: &[(&str, u64)] = &[
    ("nginx", 72_223_946),
    ("busybox", 2_155_185),
    ("alpine", 3_653_068),
    ("redis", 45_960_000),
    ("postgres", 158_000_000),
    ("httpd", 45_180_000),
    ("pause", 320_368),
    ("hello-world", 10_072),
    ("ubuntu", 29_754_290),
    ("debian", 48_494_272),
    ("mysql", 170_000_000),
    ("mariadb", 120_000_000),
    ("mongo", 260_000_000),
    ("memcached", 30_000_000),
    ("rabbitmq", 90_000_000),
    ("python", 400_000_000),
    ("node", 390_000_000),
    ("golang", 280_000_000),
    ("traefik", 50_000_000),
    ("caddy", 18_000_000),
    ("haproxy", 40_000_000),
    ("registry", 9_000_000),
    ("wordpress", 250_000_000),
    ("bash", 6_000_000),
    ("centos", 80_000_000),
    ("fedora", 60_000_000),
    ("perl", 330_000_000),
    ("ruby", 350_000_000),
    ("openjdk", 330_000_000),
    ("eclipse-temurin", 200_000_000),
];

/// Docker Hub organisations whose images exist.
const KNOWN_ORGS: &[&str] = &[
    "bitnami",
    "curlimages",
    "nicolaka",
    "kennethreitz",
    "hashicorp",
    "paulbouwer",
    "kindest",
    "kubernetesui",
    "library",
    "gcr.io",
    "rancher",
    "grafana",
    "prom",
    "jaegertracing",
    "istio",
    "calico",
];

/// `(registry, repository path, tag, digest)` of an image reference, normalized.
fn split_image(image: &str) -> (String, String, String, bool) {
    let full = super::normalize_image(image);
    let (name, digest) = match full.split_once('@') {
        Some((n, _)) => (n.to_string(), true),
        None => (full.clone(), false),
    };
    let (registry, rest) = name.split_once('/').unwrap_or(("docker.io", name.as_str()));
    let (repo, tag) = match rest.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r.to_string(), t.to_string()),
        _ => (rest.to_string(), String::new()),
    };
    (registry.to_string(), repo, tag, digest)
}

fn plausible_tag(tag: &str) -> bool {
    tag.split(['.', '-', '_']).all(|part| {
        part.chars().all(|c| c.is_ascii_lowercase())
            || part
                .parse::<u32>()
                .is_ok_and(|n| n < 100 || (1900..2100).contains(&n) || n >= 10_000_000)
    })
}

/// The last path segment of the repository (`redis` for `bitnami/redis`).
fn base_name(image: &str) -> String {
    let (_, repo, _, _) = split_image(image);
    repo.rsplit('/').next().unwrap_or("").to_string()
}

impl ImageBehavior for DefaultImages {
    fn pull(&self, image: &str) -> Result<u64, String> {
        let full = super::normalize_image(image);
        let (registry, repo, tag, digest) = split_image(image);
        let known_repo = if registry != "docker.io" {
            true
        } else if let Some(lib) = repo.strip_prefix("library/") {
            KNOWN_LIBRARY.iter().any(|(n, _)| *n == lib)
        } else {
            repo.split('/')
                .next()
                .is_some_and(|org| KNOWN_ORGS.contains(&org))
        };
        if !known_repo {
            return Err(format!(
                "failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
            ));
        }
        if registry == "docker.io" && !digest && !plausible_tag(&tag) {
            return Err(format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
            ));
        }
        Ok(super::image_size_bytes(image))
    }

    fn workload(&self, c: &Container) -> Workload {
        let base = base_name(&c.image);
        let mut argv: Vec<String> = c.command.iter().chain(&c.args).cloned().collect();
        let server = |ports: Vec<i32>| Workload {
            listens: Listen::Ports(ports),
            exits: None,
            on_sigterm: Some(Duration::millis(1000)),
            files: Vec::new(),
            start_error: None,
        };
        let server_ports: Option<Vec<i32>> = match base.as_str() {
            "nginx" | "httpd" | "caddy" | "traefik" | "wordpress" | "haproxy" => Some(vec![80]),
            "redis" => Some(vec![6379]),
            "postgres" => Some(vec![5432]),
            "mysql" | "mariadb" => Some(vec![3306]),
            "mongo" => Some(vec![27017]),
            "memcached" => Some(vec![11211]),
            "rabbitmq" => Some(vec![5672]),
            "registry" => Some(vec![5000]),
            "http-echo" => Some(vec![5678]),
            "hello-kubernetes" => Some(vec![8080]),
            "httpbin" => Some(vec![80]),
            _ => None,
        };
        let shell_image = matches!(
            base.as_str(),
            "busybox"
                | "alpine"
                | "ubuntu"
                | "debian"
                | "bash"
                | "centos"
                | "fedora"
                | "curl"
                | "netshoot"
                | "python"
                | "node"
                | "golang"
                | "perl"
                | "ruby"
        );
        if c.command.is_empty() {
            // The image's own entrypoint, with `args` as its CMD.
            if let Some(ports) = server_ports {
                if base == "postgres"
                    && !c.env.iter().any(|e| {
                        e.name == "POSTGRES_PASSWORD" || e.name == "POSTGRES_HOST_AUTH_METHOD"
                    })
                {
                    // The entrypoint refuses to initialize a database without a password.
                    return exits_after(Duration::millis(100), 1);
                }
                return server(ports);
            }
            if base == "hello-world" {
                return exits_after(Duration::millis(50), 0);
            }
            if shell_image {
                if argv.is_empty() {
                    // `sh`/`bash` without a terminal reads EOF and exits.
                    return exits_after(Duration::ZERO, 0);
                }
            } else {
                return Workload {
                    listens: Listen::Any,
                    ..server(Vec::new())
                };
            }
        }
        let first = argv
            .first()
            .map(|s| s.rsplit('/').next().unwrap_or("").to_string());
        match first.as_deref() {
            Some("nginx" | "httpd" | "redis-server" | "postgres" | "httpd-foreground")
                if server_ports.is_some() =>
            {
                return server(server_ports.unwrap_or_default());
            }
            Some("sh" | "bash" | "ash") => {
                if argv.get(1).map(String::as_str) == Some("-c") {
                    let script = argv.get(2).cloned().unwrap_or_default();
                    return run_script(&script, &c.image);
                }
                return exits_after(Duration::ZERO, 0);
            }
            _ => {}
        }
        if !shell_image && server_ports.is_none() {
            // Simplification: an unknown image runs any command as a server would.
            return Workload {
                listens: Listen::Any,
                ..server(Vec::new())
            };
        }
        // exec form: one command, no shell; an unknown binary cannot start.
        let line = std::mem::take(&mut argv);
        let known = line.first().is_some_and(|b| is_builtin(b));
        if !known {
            let bin = line.first().cloned().unwrap_or_default();
            return Workload {
                start_error: Some(format!(
                    "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{bin}\": executable file not found in $PATH"
                )),
                ..exits_after(Duration::ZERO, 128)
            };
        }
        run_argv(&[line])
    }

    fn http_status(&self, container: &Container, _port: i32, path: &str) -> u16 {
        match base_name(&container.image).as_str() {
            // The default site only has its index page.
            "nginx" | "httpd" if !matches!(path, "/" | "/index.html") => 404,
            _ => 200,
        }
    }
}

fn exits_after(after: Duration, code: i32) -> Workload {
    Workload {
        listens: Listen::Nothing,
        exits: Some((after, code)),
        on_sigterm: None,
        files: Vec::new(),
        start_error: None,
    }
}

fn is_builtin(bin: &str) -> bool {
    matches!(
        bin.rsplit('/').next().unwrap_or(""),
        "sleep"
            | "true"
            | "false"
            | "echo"
            | "exit"
            | "touch"
            | "rm"
            | "cat"
            | "tail"
            | "date"
            | "env"
            | "printenv"
            | "ls"
            | "wget"
            | "curl"
            | "nslookup"
            | "ping"
            | "sh"
            | "bash"
            | "yes"
    )
}

/// `sleep` durations: `5`, `1.5`, `10s`, `2m`, `1h`, `1d`, `infinity`. `None` is forever.
pub(super) fn sleep_duration(arg: &str) -> Option<Duration> {
    if arg == "infinity" {
        return None;
    }
    let (num, unit) = match arg.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&arg[..i], &arg[i..]),
        None => (arg, "s"),
    };
    let n: f64 = num.parse().ok()?;
    let factor = match unit {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return Some(Duration::ZERO),
    };
    let ms = (n * factor * 1000.0).max(0.0);
    if ms > 1e15 {
        return None;
    }
    Some(Duration::millis(ms as u64))
}

/// Simulates a `sh -c` script made of simple commands joined by `;`, `&&`, `||` or newlines.
///
/// Simplification: no variables, pipes or control flow here; a script with a `while`/`for`/
/// `until` loop is run by the log model's shell ([`super::logs::loop_script_exit`]) to find
/// when it ends, and counts as endless if it still runs after 10 minutes; `tail -f` runs
/// forever; an unknown command fails with 127 (`sh: x: not found`).
fn run_script(script: &str, image: &str) -> Workload {
    let mut lines: Vec<Vec<String>> = Vec::new();
    if script.contains("while ") || script.contains("for ") || script.contains("until ") {
        let mut w = exits_after(Duration::ZERO, 0);
        w.exits = super::logs::loop_script_exit(image, script, Duration::minutes(10));
        return w;
    }
    for part in script.split(['\n', ';']) {
        for (i, cmd) in part.split("&&").enumerate() {
            let words: Vec<String> = cmd
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'']).to_string())
                .collect();
            if words.is_empty() {
                continue;
            }
            if i > 0 {
                lines.push(vec!["&&".into()]);
            }
            lines.push(words);
        }
    }
    run_argv(&lines)
}

fn run_argv(lines: &[Vec<String>]) -> Workload {
    let mut t = Duration::ZERO;
    let mut files = Vec::new();
    let mut code = 0;
    let mut skip_next = false;
    for words in lines {
        let Some(cmd) = words.first() else { continue };
        if cmd == "&&" {
            skip_next = code != 0;
            continue;
        }
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let bin = cmd.rsplit('/').next().unwrap_or("");
        code = match bin {
            "sleep" => match words.get(1).map(|a| sleep_duration(a)) {
                Some(Some(d)) => {
                    t = Duration::millis(t.as_millis().saturating_add(d.as_millis()));
                    0
                }
                Some(None) => {
                    return Workload {
                        exits: None,
                        files,
                        ..exits_after(t, 0)
                    };
                }
                None => 1,
            },
            "exit" => {
                let c = words
                    .get(1)
                    .and_then(|c| c.parse::<i64>().ok())
                    .map_or(0, |c| (c & 0xff) as i32);
                return Workload {
                    files,
                    ..exits_after(t, c)
                };
            }
            "false" => 1,
            "touch" => {
                for f in &words[1..] {
                    files.push((t, f.clone(), true));
                }
                0
            }
            "rm" => {
                for f in words[1..].iter().filter(|w| !w.starts_with('-')) {
                    files.push((t, f.clone(), false));
                }
                0
            }
            "tail" if words.iter().any(|w| w == "-f") => {
                return Workload {
                    exits: None,
                    files,
                    ..exits_after(t, 0)
                };
            }
            "yes" => {
                return Workload {
                    exits: None,
                    files,
                    ..exits_after(t, 0)
                };
            }
            b if is_builtin(b) => 0,
            _ => 127,
        };
    }
    Workload {
        files,
        ..exits_after(t, code)
    }
}

/// Whether `path` exists `at` after start, given the file changes of a workload.
pub fn file_exists(workload: &Workload, at: Duration, path: &str) -> bool {
    let mut exists = false;
    for (t, f, created) in &workload.files {
        if *t <= at && f == path {
            exists = *created;
        }
    }
    exists
}

/// The default `exec`: `cat`/`test -f`/`ls` see the workload's files; `true`, `false`,
/// `exit N` and `sh -c "…"` do what they say.
fn exec_in(workload: &Workload, running_for: Duration, command: &[String]) -> ExecResult {
    let ok = |output: &str| ExecResult {
        exit_code: 0,
        output: output.into(),
    };
    let Some(bin) = command.first().map(|b| b.rsplit('/').next().unwrap_or("")) else {
        return ok("");
    };
    match bin {
        "sh" | "bash" | "ash" if command.get(1).map(String::as_str) == Some("-c") => {
            let script = command.get(2).cloned().unwrap_or_default();
            let words: Vec<String> = script
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'']).to_string())
                .collect();
            exec_in(workload, running_for, &words)
        }
        "true" => ok(""),
        "false" => ExecResult {
            exit_code: 1,
            output: String::new(),
        },
        "exit" => ExecResult {
            exit_code: command
                .get(1)
                .and_then(|c| c.parse::<i32>().ok())
                .unwrap_or(0),
            output: String::new(),
        },
        "cat" | "ls" | "test" => {
            for f in command[1..].iter().filter(|w| !w.starts_with('-')) {
                if !file_exists(workload, running_for, f) {
                    let output = match bin {
                        "cat" => format!("cat: can't open '{f}': No such file or directory\n"),
                        "ls" => format!("ls: {f}: No such file or directory\n"),
                        _ => String::new(),
                    };
                    return ExecResult {
                        exit_code: 1,
                        output,
                    };
                }
            }
            ok("")
        }
        b if is_builtin(b) => ok(""),
        b => ExecResult {
            exit_code: 126,
            output: format!(
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"{b}\": executable file not found in $PATH: unknown"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(image: &str, cmd: &[&str]) -> Container {
        Container {
            name: "app".into(),
            image: crate::api::Str::new(image),
            command: cmd.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn images_behave_as_their_commands_say() {
        let d = DefaultImages;
        assert_eq!(
            d.workload(&c("nginx", &[])).listens,
            Listen::Ports(vec![80])
        );
        assert_eq!(
            d.workload(&c("busybox", &["sh", "-c", "exit 3"])).exits,
            Some((Duration::ZERO, 3))
        );
        assert_eq!(
            d.workload(&c("busybox", &["sleep", "5"])).exits,
            Some((Duration::seconds(5), 0))
        );
        assert_eq!(
            d.workload(&c("busybox", &["sleep", "infinity"])).exits,
            None
        );
        assert_eq!(
            d.workload(&c("busybox", &["false"])).exits,
            Some((Duration::ZERO, 1))
        );
        assert!(d.workload(&c("busybox", &["nope"])).start_error.is_some());
        let w = d.workload(&c(
            "busybox",
            &[
                "sh",
                "-c",
                "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600",
            ],
        ));
        assert!(file_exists(&w, Duration::seconds(10), "/tmp/healthy"));
        assert!(!file_exists(&w, Duration::seconds(31), "/tmp/healthy"));
        assert!(d.pull("nginx:1.161").is_err());
        assert!(d.pull("nginx:1.27.3").is_ok());
        assert!(d.pull("nginxx").is_err());
        assert!(d.pull("registry.k8s.io/pause:3.10").is_ok());
    }
}
