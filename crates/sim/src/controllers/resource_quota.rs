//! The resource-quota controller: keeps each ResourceQuota's `status.hard` (a copy of
//! `spec.hard`) and `status.used` (what the namespace's objects use) current.

use std::collections::{BTreeMap, BTreeSet};

use crate::api::resource_quota::ResourceQuotaStatus;
use crate::api::{Kind, ResourceQuota};
use crate::apiserver::admission_quota::namespace_usage;
use crate::apiserver::{Actor, ApiServer};

#[derive(Clone, Debug, Default)]
pub struct ResourceQuotaController {
    cursor: u64,
}

impl ResourceQuotaController {
    // Simplification: usage is recomputed from the store whenever anything in the quota's
    // namespace changes (upstream replenishes on deletions and resyncs every 5 minutes, and
    // admission itself charges creations).
    pub fn sync(&mut self, api: &mut ApiServer) {
        if api.count(Kind::ResourceQuota) == 0 {
            self.cursor = api.resource_version();
            return;
        }
        let quota_namespaces: BTreeSet<String> = api
            .iter(Kind::ResourceQuota, None)
            .map(|q| q.metadata().namespace.to_string())
            .collect();
        let dirty: BTreeSet<String> = match api.watch(self.cursor) {
            Ok(events) => events
                .map(|e| &e.object.metadata().namespace)
                .filter(|ns| quota_namespaces.contains(ns.as_str()))
                .map(|ns| ns.to_string())
                .collect(),
            Err(_) => quota_namespaces,
        };
        let actor = Actor::new("resourcequota-controller");
        for ns in dirty {
            let quotas: Vec<ResourceQuota> =
                api.iter_as::<ResourceQuota>(Some(&ns)).cloned().collect();
            for mut q in quotas {
                if q.metadata.deletion_timestamp.is_some() {
                    continue;
                }
                let hard = q.hard();
                let keys: BTreeSet<String> = hard.keys().cloned().collect();
                let used = namespace_usage(api, &ns, &keys);
                let status = ResourceQuotaStatus {
                    hard: hard.clone(),
                    used: used.into_iter().collect::<BTreeMap<_, _>>(),
                };
                if q.status.as_ref() != Some(&status) {
                    q.status = Some(status);
                    let _ = api.update_status(&actor, q);
                }
            }
        }
        self.cursor = api.resource_version();
    }
}
