//! `POST pods/<name>/eviction`: the Eviction subresource `kubectl drain` uses.
//!
//! Simplification: PodDisruptionBudgets are not simulated, so every eviction is allowed and
//! becomes a graceful delete of the pod (upstream answers 429 TooManyRequests when a budget
//! would be violated).

use super::{ApiServer, DeleteOptions, Status};
use crate::api::{Kind, Object, Pod, Resource};
use crate::apiserver::Actor;

impl ApiServer {
    /// Evicts a pod: deletes it with `opts` (its grace period, dry run) once admission allows.
    pub fn evict(
        &mut self,
        actor: &Actor,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Object, Status> {
        if self.get_ref(Kind::Pod, namespace, name).is_none() {
            return Err(Status::not_found(&Pod::INFO, name));
        }
        self.delete(actor, Kind::Pod, namespace, name, opts)
    }
}
