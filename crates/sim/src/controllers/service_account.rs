//! ServiceAccountsController (a `default` ServiceAccount in every namespace) and the
//! root-ca-cert-publisher (a `kube-root-ca.crt` ConfigMap in every namespace).

use crate::api::{ConfigMap, Namespace, ObjectMeta, ServiceAccount};
use crate::apiserver::{Actor, ApiServer};

/// The cluster CA every `kube-root-ca.crt` carries.
///
/// Simplification: a fixed placeholder certificate; nothing verifies it.
pub const ROOT_CA_CRT: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIU2ltdWxhdGVkMA0GCSqGSIb3DQEBCwUAMBUxEzARBgNV\nBAMTCmt1YmVybmV0ZXMwHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAxMDAwMDAwWjAV\nMRMwEQYDVQQDEwprdWJlcm5ldGVzMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB\n-----END CERTIFICATE-----\n";

pub struct ServiceAccountsController;

impl ServiceAccountsController {
    pub fn sync_all(api: &mut ApiServer) {
        let namespaces: Vec<String> = api
            .iter_as::<Namespace>(None)
            .filter(|n| n.phase() == "Active")
            .map(|n| n.metadata.name.to_string())
            .collect();
        let actor = Actor::new("serviceaccount-controller");
        for ns in namespaces {
            if api
                .get_ref(crate::Kind::ServiceAccount, &ns, "default")
                .is_none()
            {
                // An AlreadyExists or a terminating namespace is fine: the next sync sees it.
                let _ = api.create(&actor, ServiceAccount::new(&ns, "default"));
            }
        }
    }
}

pub struct RootCaCertPublisher;

impl RootCaCertPublisher {
    pub fn sync_all(api: &mut ApiServer) {
        let namespaces: Vec<String> = api
            .iter_as::<Namespace>(None)
            .filter(|n| n.phase() == "Active")
            .map(|n| n.metadata.name.to_string())
            .collect();
        let actor = Actor::new("root-ca-cert-publisher");
        for ns in namespaces {
            if api
                .get_ref(crate::Kind::ConfigMap, &ns, "kube-root-ca.crt")
                .is_none()
            {
                let mut cm = ConfigMap {
                    metadata: ObjectMeta::named(&ns, "kube-root-ca.crt"),
                    ..Default::default()
                };
                cm.metadata.annotations.insert(
                    "kubernetes.io/description".into(),
                    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".into(),
                );
                cm.data.insert("ca.crt".into(), ROOT_CA_CRT.into());
                let _ = api.create(&actor, cm);
            }
        }
    }
}
