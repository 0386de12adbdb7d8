//! Machines coming and going under the nodes, as the page's map does it.

use sim::api::{Kind, Node};
use sim::{Cluster, StatusReason};

#[test]
fn the_control_plane_machine_cannot_be_removed() {
    let mut c = Cluster::default();
    let err = c.remove_node("timonel-control-plane").unwrap_err();
    assert_eq!(err.reason, StatusReason::Forbidden);
    assert_eq!(
        err.message,
        "nodes \"timonel-control-plane\" is forbidden: the api-server runs on the control-plane node's machine"
    );
    assert!(c.api().get_as::<Node>("", "timonel-control-plane").is_ok());
}

#[test]
fn a_removed_machine_has_its_node_deleted_by_the_cloud_node_lifecycle_controller() {
    let mut c = Cluster::default();
    c.remove_node("timonel-worker").unwrap();
    let deleted = c
        .api()
        .log()
        .iter()
        .filter(|e| e.object.kind() == Kind::Node && e.object.metadata().name == "timonel-worker")
        .last()
        .unwrap();
    assert_eq!(&*deleted.actor.component, "cloud-node-lifecycle-controller");
    assert!(c.remove_node("timonel-worker").is_err(), "gone already");
}
