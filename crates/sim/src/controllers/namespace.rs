//! The namespace controller: empties a Terminating namespace, then removes its `kubernetes`
//! finalizer so the api-server deletes it.

use crate::api::{Kind, Namespace};
use crate::apiserver::{Actor, ApiServer, DeleteOptions};

#[derive(Clone, Debug, Default)]
pub struct NamespaceController;

impl NamespaceController {
    pub fn sync(&mut self, api: &mut ApiServer) {
        let terminating: Vec<String> = api
            .iter_as::<Namespace>(None)
            .filter(|n| n.metadata.deletion_timestamp.is_some())
            .map(|n| n.metadata.name.to_string())
            .collect();
        let actor = Actor::new("namespace-controller");
        for ns in terminating {
            let mut empty = true;
            for kind in Kind::ALL.iter().filter(|k| k.info().namespaced) {
                let victims: Vec<(String, bool)> = api
                    .iter(*kind, Some(&ns))
                    .map(|o| {
                        (
                            o.metadata().name.to_string(),
                            o.metadata().deletion_timestamp.is_some(),
                        )
                    })
                    .collect();
                for (name, deleting) in victims {
                    empty = false;
                    if !deleting {
                        let _ = api.delete(&actor, *kind, &ns, &name, &DeleteOptions::default());
                    }
                }
            }
            if empty {
                if let Ok(mut n) = api.get_as::<Namespace>("", &ns) {
                    if let Some(spec) = &mut n.spec {
                        spec.finalizers.retain(|f| f != "kubernetes");
                    }
                    let _ = api.update(&actor, n);
                }
                let _ = api.delete(&actor, Kind::Namespace, "", &ns, &DeleteOptions::default());
            }
        }
    }
}
