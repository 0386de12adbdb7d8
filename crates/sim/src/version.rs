//! The api-server's `/version` answer (apimachinery's `version.Info`).

use serde::Serialize;

/// The Kubernetes release Timonel behaves as.
pub const KUBERNETES_VERSION: &str = "v1.36.4";

/// apimachinery `version.Info`; fields in Go's declaration order, which is the order
/// `kubectl version -o json` prints them in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    pub major: String,
    pub minor: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub emulation_major: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub emulation_minor: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub min_compatibility_major: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub min_compatibility_minor: String,
    pub git_version: String,
    pub git_commit: String,
    pub git_tree_state: String,
    pub build_date: String,
    pub go_version: String,
    pub compiler: String,
    pub platform: String,
}

impl VersionInfo {
    /// The api-server of a kind node image for v1.36.4.
    pub fn server() -> Self {
        VersionInfo {
            major: "1".into(),
            minor: "36".into(),
            emulation_major: "1".into(),
            emulation_minor: "36".into(),
            min_compatibility_major: "1".into(),
            min_compatibility_minor: "35".into(),
            git_version: KUBERNETES_VERSION.into(),
            git_commit: "bb826b1d48562f110659e64e8ec444327433db95".into(),
            git_tree_state: "clean".into(),
            build_date: "2026-08-20T03:03:41Z".into(),
            go_version: "go1.26.5".into(),
            compiler: "gc".into(),
            platform: "linux/amd64".into(),
        }
    }
}
