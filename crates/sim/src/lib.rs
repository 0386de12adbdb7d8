//! Timonel's simulated Kubernetes cluster: a deterministic state machine.
//!
//! `sim` knows nothing of the DOM, YAML text, kubectl syntax, the wall clock or OS randomness.
//! Time enters only through the virtual clock and randomness only through the seed, so the same
//! seed and the same requests always give the same cluster.

pub mod version;

pub use version::{KUBERNETES_VERSION, VersionInfo};

/// How a fresh cluster is built: a plain struct, so a UI, a test or the CLI can change it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The cluster's name, as `kind` would name it (`kind create cluster --name timonel`).
    pub name: String,
    /// Seed of the one random number generator every component draws from.
    pub seed: u64,
    /// Worker nodes beside the control-plane node.
    pub workers: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: "timonel".to_string(),
            seed: 1,
            workers: 2,
        }
    }
}

/// The simulated cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    config: Config,
}

impl Cluster {
    pub fn new(config: Config) -> Self {
        Cluster { config }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What the api-server answers on `/version`.
    pub fn server_version(&self) -> VersionInfo {
        VersionInfo::server()
    }

    /// Node names as `kind` names them: `<name>-control-plane`, `<name>-worker`,
    /// `<name>-worker2`, …
    pub fn node_names(&self) -> Vec<String> {
        let name = &self.config.name;
        let mut nodes = vec![format!("{name}-control-plane")];
        for i in 1..=self.config.workers {
            nodes.push(match i {
                1 => format!("{name}-worker"),
                n => format!("{name}-worker{n}"),
            });
        }
        nodes
    }
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster::new(Config::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_cluster_is_named_like_a_kind_cluster() {
        let cluster = Cluster::default();
        assert_eq!(
            cluster.node_names(),
            ["timonel-control-plane", "timonel-worker", "timonel-worker2"]
        );
    }

    #[test]
    fn the_server_reports_kubernetes_1_36() {
        let v = Cluster::default().server_version();
        assert_eq!(v.major, "1");
        assert_eq!(v.minor, "36");
        assert!(v.git_version.starts_with("v1.36."));
    }
}
