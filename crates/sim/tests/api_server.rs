//! Behaviour of the api-server as a kubectl user notices it: messages, names, defaults and
//! resourceVersion order.

use serde_json::json;
use sim::api::pod::Pod;
use sim::api::{ConfigMap, Deployment, Namespace, ObjectMeta, Secret};
use sim::apiserver::FieldValidation;
use sim::*;

fn cluster() -> Cluster {
    Cluster::default()
}

fn kubectl() -> Actor {
    Actor::kubectl()
}

/// A pod as `kubectl run` makes it, with a container named `nginx`.
fn nginx(name: &str) -> Pod {
    let mut p = Pod::new("default", name, "nginx");
    p.spec.containers[0].name = "nginx".into();
    p
}

#[test]
fn creating_a_pod_twice_says_it_already_exists() {
    let mut c = cluster();
    c.api_mut().create(&kubectl(), nginx("web")).unwrap();
    let err = c.api_mut().create(&kubectl(), nginx("web")).unwrap_err();
    assert_eq!(err.reason, StatusReason::AlreadyExists);
    assert_eq!(err.code(), 409);
    assert_eq!(err.message, r#"pods "web" already exists"#);
}

#[test]
fn getting_a_missing_object_says_not_found_with_its_group() {
    let c = cluster();
    let err = c.api().get(Kind::Pod, "default", "nope").unwrap_err();
    assert_eq!((err.reason, err.code()), (StatusReason::NotFound, 404));
    assert_eq!(err.message, r#"pods "nope" not found"#);
    let err = c
        .api()
        .get(Kind::Deployment, "default", "nope")
        .unwrap_err();
    assert_eq!(err.message, r#"deployments.apps "nope" not found"#);
}

#[test]
fn a_pod_with_an_invalid_name_is_rejected_with_the_upstream_message() {
    let mut c = cluster();
    let err = c
        .api_mut()
        .create(&kubectl(), nginx("Bad_Name"))
        .unwrap_err();
    assert_eq!((err.reason, err.code()), (StatusReason::Invalid, 422));
    assert_eq!(
        err.message,
        r#"Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#
    );
    let details = err.details.unwrap();
    assert_eq!(details.causes[0].field, "metadata.name");
}

#[test]
fn a_deployment_with_an_invalid_name_is_named_with_its_group() {
    let mut c = cluster();
    let err = c
        .api_mut()
        .create(&kubectl(), Deployment::new("default", "My_App", "nginx", 1))
        .unwrap_err();
    assert!(
        err.message
            .starts_with(r#"Deployment.apps "My_App" is invalid: metadata.name: Invalid value: "My_App": a lowercase RFC 1123 subdomain"#),
        "{}",
        err.message
    );
}

#[test]
fn a_namespace_name_must_be_an_rfc_1123_label() {
    let mut c = cluster();
    let err = c
        .api_mut()
        .create(&kubectl(), Namespace::new("dev.team"))
        .unwrap_err();
    assert_eq!(
        err.message,
        r#"Namespace "dev.team" is invalid: metadata.name: Invalid value: "dev.team": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"#
    );
}

#[test]
fn an_object_without_a_name_or_generate_name_is_invalid() {
    let mut c = cluster();
    let err = c.api_mut().create(&kubectl(), nginx("")).unwrap_err();
    assert_eq!(
        err.message,
        r#"Pod "" is invalid: metadata.name: Required value: name or generateName is required"#
    );
}

#[test]
fn generate_name_appends_five_characters_from_the_upstream_alphabet() {
    let mut c = cluster();
    let mut pod = nginx("");
    pod.metadata.generate_name = "web-".into();
    let created = c.api_mut().create(&kubectl(), pod).unwrap();
    let name = &created.metadata().name;
    assert_eq!(name.len(), 9);
    assert!(name.starts_with("web-"));
    assert!(
        name[4..]
            .chars()
            .all(|ch| "bcdfghjklmnpqrstvwxz2456789".contains(ch))
    );
    assert_eq!(created.metadata().generate_name, "web-");
}

#[test]
fn every_write_bumps_the_global_resource_version() {
    let mut c = cluster();
    let before = c.api().resource_version();
    let a = c.api_mut().create(&kubectl(), nginx("a")).unwrap();
    let b = c
        .api_mut()
        .create(
            &kubectl(),
            ConfigMap {
                metadata: ObjectMeta::named("default", "b"),
                ..Default::default()
            },
        )
        .unwrap();
    let rv = |o: &Object| o.metadata().resource_version.parse::<u64>().unwrap();
    assert_eq!(rv(&a), before + 1);
    assert_eq!(rv(&b), before + 2);
    assert_eq!(c.api().resource_version(), before + 2);
}

#[test]
fn an_update_with_a_stale_resource_version_conflicts() {
    let mut c = cluster();
    let created = c.api_mut().create_as(&kubectl(), nginx("web")).unwrap();
    let mut first = created.clone();
    first.metadata.labels.insert("app".into(), "web".into());
    c.api_mut().update(&kubectl(), first).unwrap();
    let mut stale = created;
    stale.metadata.labels.insert("app".into(), "other".into());
    let err = c.api_mut().update(&kubectl(), stale).unwrap_err();
    assert_eq!((err.reason, err.code()), (StatusReason::Conflict, 409));
    assert_eq!(
        err.message,
        r#"Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again"#
    );
}

#[test]
fn an_update_that_changes_nothing_keeps_the_resource_version() {
    let mut c = cluster();
    let created = c.api_mut().create_as(&kubectl(), nginx("web")).unwrap();
    let rv = c.api().resource_version();
    let same = c.api_mut().update_as(&kubectl(), created.clone()).unwrap();
    assert_eq!(c.api().resource_version(), rv);
    assert_eq!(
        same.metadata.resource_version,
        created.metadata.resource_version
    );
}

#[test]
fn the_generation_moves_only_when_the_spec_changes() {
    let mut c = cluster();
    let d = c
        .api_mut()
        .create_as(&kubectl(), Deployment::new("default", "web", "nginx", 1))
        .unwrap();
    assert_eq!(d.metadata.generation, Some(1));
    let mut labelled = d.clone();
    labelled.metadata.labels.insert("team".into(), "a".into());
    let labelled = c.api_mut().update_as(&kubectl(), labelled).unwrap();
    assert_eq!(labelled.metadata.generation, Some(1));
    let mut scaled = labelled;
    scaled.spec.replicas = Some(3);
    let scaled = c.api_mut().update_as(&kubectl(), scaled).unwrap();
    assert_eq!(scaled.metadata.generation, Some(2));
}

#[test]
fn pods_are_defaulted_as_the_api_server_does() {
    let mut c = cluster();
    let mut pod = Pod::new("default", "web", "nginx");
    pod.spec.containers.push(sim::api::pod::Container {
        name: "sidecar".into(),
        image: "busybox:1.36".into(),
        ..Default::default()
    });
    let pod = c.api_mut().create_as(&kubectl(), pod).unwrap();
    let s = &pod.spec;
    assert_eq!(s.containers[0].image_pull_policy.as_deref(), Some("Always"));
    assert_eq!(
        s.containers[1].image_pull_policy.as_deref(),
        Some("IfNotPresent")
    );
    assert_eq!(
        s.containers[0].termination_message_path.as_deref(),
        Some("/dev/termination-log")
    );
    assert_eq!(
        s.containers[0].termination_message_policy.as_deref(),
        Some("File")
    );
    assert_eq!(s.restart_policy.as_deref(), Some("Always"));
    assert_eq!(s.dns_policy.as_deref(), Some("ClusterFirst"));
    assert_eq!(s.termination_grace_period_seconds, Some(30));
    assert_eq!(s.scheduler_name.as_deref(), Some("default-scheduler"));
    assert_eq!(s.service_account_name.as_deref(), Some("default"));
    assert_eq!(s.enable_service_links, Some(true));
    assert_eq!(s.priority, Some(0));
    assert_eq!(s.security_context, Some(json!({})));
    let tolerations: Vec<_> = s
        .tolerations
        .iter()
        .map(|t| {
            (
                t.key.as_deref().unwrap().to_string(),
                t.effect.as_deref().unwrap().to_string(),
                t.toleration_seconds,
            )
        })
        .collect();
    assert_eq!(
        tolerations,
        [
            (
                "node.kubernetes.io/not-ready".to_string(),
                "NoExecute".to_string(),
                Some(300)
            ),
            (
                "node.kubernetes.io/unreachable".to_string(),
                "NoExecute".to_string(),
                Some(300)
            )
        ]
    );
    assert!(s.volumes[0].name.starts_with("kube-api-access-"));
    assert_eq!(
        s.containers[0].volume_mounts[0].mount_path,
        "/var/run/secrets/kubernetes.io/serviceaccount"
    );
    assert_eq!(pod.phase(), "Pending");
    assert_eq!(
        pod.status.as_ref().unwrap().qos_class.as_deref(),
        Some("BestEffort")
    );
    assert_eq!(
        pod.metadata.creation_timestamp.as_deref().map(|t| t.len()),
        Some(20)
    );
}

#[test]
fn a_pod_without_an_image_is_invalid() {
    let mut c = cluster();
    let err = c
        .api_mut()
        .create(&kubectl(), Pod::new("default", "nginx", ""))
        .unwrap_err();
    assert_eq!(
        err.message,
        r#"Pod "nginx" is invalid: spec.containers[0].image: Required value"#
    );
}

#[test]
fn several_validation_errors_are_listed_in_brackets() {
    let mut c = cluster();
    let mut pod = Pod::new("default", "web", "");
    pod.spec.restart_policy = Some("Sometimes".into());
    let err = c.api_mut().create(&kubectl(), pod).unwrap_err();
    assert_eq!(
        err.message,
        r#"Pod "web" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]"#
    );
}

#[test]
fn invalid_labels_are_rejected_with_the_upstream_message() {
    let mut c = cluster();
    let mut pod = nginx("web");
    pod.metadata.labels.insert("app".into(), "-web".into());
    let err = c.api_mut().create(&kubectl(), pod).unwrap_err();
    assert_eq!(
        err.message,
        r#"Pod "web" is invalid: metadata.labels: Invalid value: "-web": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"#
    );
}

#[test]
fn creating_in_a_missing_namespace_says_the_namespace_is_not_found() {
    let mut c = cluster();
    let err = c
        .api_mut()
        .create(&kubectl(), Pod::new("nope", "web", "nginx"))
        .unwrap_err();
    assert_eq!(err.reason, StatusReason::NotFound);
    assert_eq!(err.message, r#"namespaces "nope" not found"#);
}

#[test]
fn a_new_namespace_gets_its_default_service_account_once_the_controllers_run() {
    let mut c = cluster();
    let ns = c
        .api_mut()
        .create_as(&kubectl(), Namespace::new("dev"))
        .unwrap();
    assert_eq!(
        ns.metadata
            .labels
            .get("kubernetes.io/metadata.name")
            .map(String::as_str),
        Some("dev")
    );
    assert_eq!(ns.phase(), "Active");
    let err = c
        .api_mut()
        .create(&kubectl(), Pod::new("dev", "web", "nginx"))
        .unwrap_err();
    assert_eq!(
        err.message,
        r#"pods "web" is forbidden: error looking up service account dev/default: serviceaccount "default" not found"#
    );
    c.settle();
    assert!(c.api().get(Kind::ServiceAccount, "dev", "default").is_ok());
    assert!(
        c.api()
            .get(Kind::ConfigMap, "dev", "kube-root-ca.crt")
            .is_ok()
    );
    c.api_mut()
        .create(&kubectl(), Pod::new("dev", "web", "nginx"))
        .unwrap();
}

#[test]
fn the_system_namespaces_may_not_be_deleted() {
    let mut c = cluster();
    for ns in ["default", "kube-system", "kube-public"] {
        let err = c
            .api_mut()
            .delete(
                &kubectl(),
                Kind::Namespace,
                "",
                ns,
                &DeleteOptions::default(),
            )
            .unwrap_err();
        assert_eq!(err.reason, StatusReason::Forbidden);
        assert_eq!(
            err.message,
            format!(r#"namespaces "{ns}" is forbidden: this namespace may not be deleted"#)
        );
    }
}

#[test]
fn a_terminating_namespace_refuses_new_content() {
    let mut c = cluster();
    c.api_mut()
        .create(&kubectl(), Namespace::new("dev"))
        .unwrap();
    c.settle();
    let ns = c
        .api_mut()
        .delete(
            &kubectl(),
            Kind::Namespace,
            "",
            "dev",
            &DeleteOptions::default(),
        )
        .unwrap();
    assert!(ns.metadata().deletion_timestamp.is_some());
    let err = c
        .api_mut()
        .create(&kubectl(), Pod::new("dev", "web", "nginx"))
        .unwrap_err();
    assert_eq!(
        err.message,
        r#"pods "web" is forbidden: unable to create new content in namespace dev because it is being terminated"#
    );
}

fn labelled(name: &str, labels: &[(&str, &str)]) -> Pod {
    let mut p = nginx(name);
    for (k, v) in labels {
        p.metadata.labels.insert(k.to_string(), v.to_string());
    }
    p
}

fn names(list: &ObjectList) -> Vec<String> {
    list.items
        .iter()
        .map(|o| o.metadata().name.to_string())
        .collect()
}

#[test]
fn label_selectors_filter_lists_with_every_operator() {
    let mut c = cluster();
    for p in [
        labelled("a", &[("app", "web"), ("tier", "frontend")]),
        labelled("b", &[("app", "web"), ("tier", "backend")]),
        labelled("c", &[("app", "db")]),
    ] {
        c.api_mut().create(&kubectl(), p).unwrap();
    }
    let list = |c: &Cluster, sel: &str| {
        names(
            &c.api()
                .list(Kind::Pod, Some("default"), &ListOptions::labels(sel))
                .unwrap(),
        )
    };
    assert_eq!(list(&c, "app=web"), ["a", "b"]);
    assert_eq!(list(&c, "app!=web"), ["c"]);
    assert_eq!(list(&c, "tier in (frontend,backend)"), ["a", "b"]);
    assert_eq!(list(&c, "tier notin (frontend)"), ["b", "c"]);
    assert_eq!(list(&c, "tier"), ["a", "b"]);
    assert_eq!(list(&c, "!tier"), ["c"]);
    assert_eq!(list(&c, "app=web,tier=backend"), ["b"]);
    assert_eq!(list(&c, ""), ["a", "b", "c"]);
}

#[test]
fn a_bad_label_selector_is_a_bad_request_with_the_parser_message() {
    let c = cluster();
    let err = c
        .api()
        .list(Kind::Pod, None, &ListOptions::labels("app in (a"))
        .unwrap_err();
    assert_eq!((err.reason, err.code()), (StatusReason::BadRequest, 400));
    assert_eq!(
        err.message,
        "unable to parse requirement: found '', expected: ',' or ')'"
    );
}

#[test]
fn field_selectors_find_pods_by_node_and_phase() {
    let c = cluster();
    let on_worker = c
        .api()
        .list(
            Kind::Pod,
            None,
            &ListOptions::fields("spec.nodeName=timonel-worker"),
        )
        .unwrap();
    assert_eq!(on_worker.items.len(), 1);
    assert!(
        on_worker.items[0]
            .metadata()
            .name
            .starts_with("kube-proxy-")
    );
    let not_running = c
        .api()
        .list(
            Kind::Pod,
            None,
            &ListOptions::fields("status.phase!=Running"),
        )
        .unwrap();
    assert!(not_running.items.is_empty());
    let err = c
        .api()
        .list(Kind::Pod, None, &ListOptions::fields("spec.foo=x"))
        .unwrap_err();
    assert_eq!(err.message, "field label not supported: spec.foo");
}

#[test]
fn a_deployment_whose_selector_does_not_match_its_template_is_invalid() {
    let mut c = cluster();
    let mut d = Deployment::new("default", "web", "nginx", 1);
    d.spec
        .template
        .metadata
        .labels
        .insert("app".into(), "wrong".into());
    let err = c.api_mut().create(&kubectl(), d).unwrap_err();
    assert_eq!(
        err.message,
        r#"Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"wrong"}: `selector` does not match template `labels`"#
    );
}

#[test]
fn a_deployment_selector_is_immutable() {
    let mut c = cluster();
    let d = c
        .api_mut()
        .create_as(&kubectl(), Deployment::new("default", "web", "nginx", 1))
        .unwrap();
    let mut changed = d;
    changed
        .spec
        .selector
        .as_mut()
        .unwrap()
        .match_labels
        .insert("tier".into(), "x".into());
    changed
        .spec
        .template
        .metadata
        .labels
        .insert("tier".into(), "x".into());
    let err = c.api_mut().update(&kubectl(), changed).unwrap_err();
    assert_eq!(
        err.message,
        r#"Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable"#
    );
}

#[test]
fn deployments_get_the_upstream_defaults() {
    let mut c = cluster();
    let d = c
        .api_mut()
        .create_as(
            &kubectl(),
            Deployment::new("default", "web", "nginx:1.27", 3),
        )
        .unwrap();
    let json = serde_json::to_value(Object::from(d)).unwrap();
    assert_eq!(json["apiVersion"], "apps/v1");
    assert_eq!(
        json["spec"]["strategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
    );
    assert_eq!(json["spec"]["revisionHistoryLimit"], 10);
    assert_eq!(json["spec"]["progressDeadlineSeconds"], 600);
    let container = &json["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["imagePullPolicy"], "IfNotPresent");
    assert_eq!(container["resources"], json!({}));
    assert_eq!(json["spec"]["template"]["spec"]["restartPolicy"], "Always");
}

#[test]
fn secrets_merge_string_data_into_base64_data() {
    let mut c = cluster();
    let mut s = Secret {
        metadata: ObjectMeta::named("default", "db"),
        ..Default::default()
    };
    s.string_data.insert("password".into(), "admin".into());
    let s = c.api_mut().create_as(&kubectl(), s).unwrap();
    assert_eq!(s.data["password"], "YWRtaW4=");
    assert!(s.string_data.is_empty());
    assert_eq!(s.type_.as_deref(), Some("Opaque"));
    assert_eq!(s.string_value("password").as_deref(), Some("admin"));
}

#[test]
fn unknown_fields_are_rejected_strictly_and_warned_about_otherwise() {
    let mut c = cluster();
    let body = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "web", "image": "nginx", "imagePullPolice": "Always"}]}
    });
    let err = c
        .api_mut()
        .create_json(&kubectl(), "default", &body, &WriteOptions::default())
        .unwrap_err();
    assert_eq!(
        err.message,
        r#"Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolice""#
    );
    let warn = WriteOptions {
        field_validation: FieldValidation::Warn,
        ..Default::default()
    };
    let created = c
        .api_mut()
        .create_json(&kubectl(), "default", &body, &warn)
        .unwrap();
    assert_eq!(
        created.warnings,
        [r#"unknown field "spec.containers[0].imagePullPolice""#]
    );
    assert_eq!(created.object.metadata().namespace, "default");
}

#[test]
fn a_real_manifest_round_trips_through_json() {
    let mut c = cluster();
    let body = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"team": "blue"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [{
                        "name": "web", "image": "nginx:1.27",
                        "ports": [{"containerPort": 80, "name": "http"}],
                        "env": [{"name": "MODE", "value": "prod"}],
                        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                        "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5}
                    }],
                    "volumes": [{"name": "cfg", "configMap": {"name": "web"}}]
                }
            }
        }
    });
    let created = c
        .api_mut()
        .create_json(&kubectl(), "default", &body, &WriteOptions::default())
        .unwrap();
    assert!(created.warnings.is_empty());
    let out = created.object.to_json();
    let c0 = &out["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        c0["ports"][0],
        json!({"containerPort": 80, "name": "http", "protocol": "TCP"})
    );
    assert_eq!(c0["resources"]["requests"]["cpu"], "100m");
    assert_eq!(c0["readinessProbe"]["httpGet"]["path"], "/");
    assert_eq!(
        out["spec"]["template"]["spec"]["volumes"][0],
        json!({"name": "cfg", "configMap": {"name": "web"}})
    );
    assert_eq!(out["metadata"]["annotations"]["team"], "blue");
}

#[test]
fn a_bad_quantity_is_a_bad_request() {
    let mut c = cluster();
    let body = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "web", "image": "nginx", "resources": {"requests": {"cpu": "lots"}}}]}
    });
    let err = c
        .api_mut()
        .create_json(&kubectl(), "default", &body, &WriteOptions::default())
        .unwrap_err();
    assert_eq!(err.reason, StatusReason::BadRequest);
    assert!(
        err.message
            .contains("quantities must match the regular expression")
    );
}

#[test]
fn pod_updates_may_change_the_image_but_not_the_command() {
    let mut c = cluster();
    let pod = c.api_mut().create_as(&kubectl(), nginx("web")).unwrap();
    let mut image = pod.clone();
    image.spec.containers[0].image = "nginx:1.27".into();
    let pod = c.api_mut().update_as(&kubectl(), image).unwrap();
    let mut command = pod;
    command.spec.containers[0].command = vec!["sleep".into()];
    let err = c.api_mut().update(&kubectl(), command).unwrap_err();
    assert!(err.message.starts_with(
        "Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"
    ));
}

#[test]
fn merge_and_strategic_patches_update_objects() {
    let mut c = cluster();
    c.api_mut()
        .create(&kubectl(), Deployment::new("default", "web", "nginx", 1))
        .unwrap();
    let r = c
        .api_mut()
        .patch(
            &kubectl(),
            Kind::Deployment,
            "default",
            "web",
            &Patch::merge(json!({"spec": {"replicas": 3}})),
            &WriteOptions::default(),
        )
        .unwrap();
    assert_eq!(r.object.to_json()["spec"]["replicas"], 3);
    let r = c
        .api_mut()
        .patch(
            &kubectl(),
            Kind::Deployment,
            "default",
            "web",
            &Patch::strategic(json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}})),
            &WriteOptions::default(),
        )
        .unwrap();
    let c0 = &r.object.to_json()["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c0["image"], "nginx:1.27");
    assert_eq!(
        c0["imagePullPolicy"], "Always",
        "other fields of the container are kept"
    );
}

#[test]
fn deleting_an_unscheduled_pod_removes_it_at_once() {
    let mut c = cluster();
    c.api_mut().create(&kubectl(), nginx("web")).unwrap();
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "default",
            "web",
            &DeleteOptions::default(),
        )
        .unwrap();
    let err = c.api().get(Kind::Pod, "default", "web").unwrap_err();
    assert_eq!(err.message, r#"pods "web" not found"#);
    let again = c
        .api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "default",
            "web",
            &DeleteOptions::default(),
        )
        .unwrap_err();
    assert_eq!(again.reason, StatusReason::NotFound);
}

#[test]
fn deleting_a_running_pod_makes_it_terminate_for_its_grace_period() {
    let mut c = cluster();
    let proxy = c
        .api()
        .list(
            Kind::Pod,
            Some("kube-system"),
            &ListOptions::labels("k8s-app=kube-proxy"),
        )
        .unwrap()
        .items[0]
        .clone();
    let name = proxy.metadata().name.to_string();
    let deleted = c
        .api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "kube-system",
            &name,
            &DeleteOptions::default(),
        )
        .unwrap();
    let m = deleted.metadata();
    assert_eq!(m.deletion_grace_period_seconds, Some(30));
    let at = Time::parse_rfc3339(m.deletion_timestamp.as_deref().unwrap()).unwrap();
    assert_eq!(
        at,
        Time(c.now().0 / 1000 * 1000).plus(Duration::seconds(30))
    );
    assert!(c.api().get(Kind::Pod, "kube-system", &name).is_ok());
}

#[test]
fn the_watch_log_records_who_wrote_what_in_order() {
    let mut c = cluster();
    let cursor = c.api().resource_version();
    c.api_mut().create(&kubectl(), nginx("web")).unwrap();
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "default",
            "web",
            &DeleteOptions::default(),
        )
        .unwrap();
    let events = c.api().watch(cursor).unwrap();
    let seen: Vec<_> = events
        .map(|e| {
            (
                e.resource_version,
                e.type_,
                &*e.actor.component,
                e.object.metadata().name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (cursor + 1, EventType::Added, "kubectl", "web"),
            (cursor + 2, EventType::Deleted, "kubectl", "web"),
        ]
    );
}

#[test]
fn a_watch_from_a_compacted_resource_version_is_gone() {
    let mut c = Cluster::new(Config {
        watch_history: 10,
        ..Config::default()
    });
    for i in 0..20 {
        c.api_mut()
            .create(&kubectl(), nginx(&format!("p{i}")))
            .unwrap();
    }
    let Err(err) = c.api().watch(1) else {
        panic!("a compacted resourceVersion must be Gone")
    };
    assert_eq!(err.code(), 410);
    assert!(err.message.starts_with("too old resource version: 1 ("));
    let latest = c.api().resource_version();
    assert_eq!(c.api().watch(latest - 3).unwrap().count(), 3);
}

use sim::apiserver::EventType;

#[test]
fn a_server_dry_run_validates_but_stores_nothing() {
    let mut c = cluster();
    let rv = c.api().resource_version();
    let opts = WriteOptions {
        dry_run: true,
        ..Default::default()
    };
    let obj = c
        .api_mut()
        .create_with(&kubectl(), Object::from(nginx("web")), &opts)
        .unwrap();
    assert_eq!(obj.metadata().name, "web");
    assert_eq!(c.api().resource_version(), rv);
    assert!(c.api().get(Kind::Pod, "default", "web").is_err());
    let err = c
        .api_mut()
        .create_with(&kubectl(), Object::from(nginx("Bad")), &opts)
        .unwrap_err();
    assert_eq!(err.reason, StatusReason::Invalid);
}

#[test]
fn an_invalid_generate_name_is_reported_with_the_generated_name() {
    let mut c = cluster();
    let mut pod = nginx("");
    pod.metadata.generate_name = "Web-".into();
    let err = c.api_mut().create(&kubectl(), pod).unwrap_err();
    assert!(err.message.starts_with("Pod \"Web-"), "{}", err.message);
    assert!(
        err.message
            .contains("metadata.generateName: Invalid value: \"Web-\"")
    );
}

#[test]
fn errors_serialize_as_a_metav1_status() {
    let c = cluster();
    let err = c.api().get(Kind::Pod, "default", "nope").unwrap_err();
    assert_eq!(
        err.to_json(),
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": "pods \"nope\" not found", "reason": "NotFound",
            "details": {"name": "nope", "kind": "pods"}, "code": 404
        })
    );
}

#[test]
fn the_log_forgets_what_every_control_loop_has_read_but_keeps_a_pinned_readers_events() {
    let mut c = Cluster::new(Config {
        watch_history: 10,
        ..Config::default()
    });
    let cursor = c.api().resource_version();
    let pin = c.api_mut().pin_watch(cursor);
    let unpinned_cursor = cursor;
    c.api_mut()
        .create(&kubectl(), Deployment::new("default", "web", "nginx", 5))
        .unwrap();
    c.advance(Duration::seconds(30));
    // Far more than ten writes happened (ReplicaSet, pods, bindings, statuses, events) …
    assert!(c.api().resource_version() - cursor > 40);
    // … and the pinned reader still gets every one of them, starting with kubectl's create.
    let seen: Vec<_> = c.api().watch(cursor).unwrap().collect();
    assert_eq!(seen.len() as u64, c.api().resource_version() - cursor);
    assert_eq!(&*seen[0].actor.component, "kubectl");
    c.api_mut().unpin_watch(pin);
    c.settle();
    c.advance(Duration::seconds(10));
    // Released, the log keeps only its tail: that old cursor must relist.
    assert_eq!(
        c.api().watch(unpinned_cursor).err().map(|e| e.code()),
        Some(410)
    );
    assert!(c.api().log().len() <= 10 + 20);
    assert_eq!(
        c.api()
            .iter_as::<Pod>(Some("default"))
            .filter(|p| p.phase() == "Running")
            .count(),
        5
    );
}
