//! `POST pods/<name>/eviction`: the Eviction subresource `kubectl drain` uses. An eviction is a
//! graceful delete that a PodDisruptionBudget may refuse (429 TooManyRequests) while too few of
//! its pods are healthy.

use super::{ApiServer, DeleteOptions, Status};
use crate::api::{Kind, Object, Pod, PodDisruptionBudget, Resource};
use crate::apiserver::Actor;
use crate::controllers::disruption::set_disruption_allowed;

/// The message of an eviction a budget refuses (`policyv1.DisruptionBudgetCause` is its cause).
pub const VIOLATES_BUDGET: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";

impl ApiServer {
    /// Evicts a pod: checks its PodDisruptionBudget, then deletes it with `opts` (its grace
    /// period, dry run).
    pub fn evict(
        &mut self,
        actor: &Actor,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Object, Status> {
        let Some(pod) = self.get_as::<Pod>(namespace, name).ok() else {
            return Err(Status::not_found(&Pod::INFO, name));
        };
        // `canIgnorePDB`: a pod that is done, not yet running or already going causes no new
        // disruption.
        let ignore = matches!(pod.phase(), "Succeeded" | "Failed" | "Pending")
            || pod.metadata.deletion_timestamp.is_some();
        if !ignore {
            let budgets: Vec<PodDisruptionBudget> = self
                .iter_as::<PodDisruptionBudget>(Some(namespace))
                .filter(|b| {
                    b.pod_selector()
                        .is_some_and(|s| s.matches(&pod.metadata.labels))
                })
                .cloned()
                .collect();
            if budgets.len() > 1 {
                return Err(Status::internal(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                ));
            }
            if let Some(pdb) = budgets.into_iter().next() {
                self.check_budget(pdb, &pod, opts.dry_run)?;
            }
        }
        self.delete(actor, Kind::Pod, namespace, name, opts)
    }

    /// The budget's say on one eviction: an unhealthy pod may go while the budget is met (or
    /// always, with `unhealthyPodEvictionPolicy: AlwaysAllow`); a healthy one takes one of the
    /// allowed disruptions, recorded in the budget's status (`checkAndDecrement`).
    fn check_budget(
        &mut self,
        mut pdb: PodDisruptionBudget,
        pod: &Pod,
        dry_run: bool,
    ) -> Result<(), Status> {
        let mut status = pdb.status();
        if !pod.is_ready() {
            if pdb.spec.unhealthy_pod_eviction_policy.as_deref() == Some("AlwaysAllow") {
                return Ok(());
            }
            if status.current_healthy >= status.desired_healthy && status.desired_healthy > 0 {
                return Ok(());
            }
        }
        if status.observed_generation.unwrap_or(0) < pdb.metadata.generation.unwrap_or(0) {
            return Err(Status::too_many_requests(format!(
                "{VIOLATES_BUDGET} The disruption budget {} is still being processed by the server.",
                pdb.metadata.name
            )));
        }
        if status.disruptions_allowed < 0 {
            return Err(Status::forbidden(
                &PodDisruptionBudget::INFO,
                &pdb.metadata.name,
                "pdb disruptions allowed is negative",
            ));
        }
        if status.disruptions_allowed == 0 {
            return Err(Status::too_many_requests(VIOLATES_BUDGET).with_cause(
                "DisruptionBudget",
                &format!(
                    "The disruption budget {} needs {} healthy pods and has {} currently",
                    pdb.metadata.name, status.desired_healthy, status.current_healthy
                ),
            ));
        }
        status.disruptions_allowed -= 1;
        if status.disruptions_allowed == 0 {
            set_disruption_allowed(&mut status, self.now());
        }
        if dry_run {
            return Ok(());
        }
        status
            .disrupted_pods
            .insert(pod.metadata.name.to_string(), self.now().rfc3339());
        pdb.status = Some(status);
        self.update_status(&Actor::new("kube-apiserver"), pdb)?;
        Ok(())
    }
}
