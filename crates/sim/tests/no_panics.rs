//! Bad input of any kind returns an error value and changes nothing; nothing panics.

use proptest::prelude::*;
use serde_json::{Value, json};
use sim::labels::Selector;
use sim::*;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-zA-Z0-9_./:-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("metadata".to_string()),
                    Just("spec".to_string()),
                    Just("name".to_string()),
                    Just("containers".to_string()),
                    Just("labels".to_string()),
                    Just("image".to_string()),
                    Just("replicas".to_string()),
                    Just("selector".to_string()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bodies_never_panic_and_failures_change_nothing(
        kind in prop::sample::select(vec![
            ("v1", "Pod"), ("v1", "Namespace"), ("v1", "ConfigMap"), ("v1", "Secret"),
            ("v1", "Node"), ("v1", "ServiceAccount"), ("v1", "Event"),
            ("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"), ("v9", "Nope"),
        ]),
        body in arb_json(),
    ) {
        let mut c = Cluster::default();
        let mut body = body;
        if let Value::Object(m) = &mut body {
            m.insert("apiVersion".into(), json!(kind.0));
            m.insert("kind".into(), json!(kind.1));
        }
        let rv = c.api().resource_version();
        let r = c.api_mut().create_json(&Actor::kubectl(), "default", &body, &WriteOptions::default());
        if r.is_err() {
            prop_assert_eq!(c.api().resource_version(), rv);
        }
        let _ = c.api_mut().update_json(&Actor::kubectl(), "default", &body, &WriteOptions::default());
        c.settle();
    }

    #[test]
    fn arbitrary_selectors_never_panic(text in "[a-z=!(), in]{0,24}") {
        let _ = Selector::parse(&text);
        let c = Cluster::default();
        let _ = c.api().list(Kind::Pod, None, &ListOptions::labels(&text));
        let _ = c.api().list(Kind::Pod, None, &ListOptions::fields(&text));
    }

    #[test]
    fn resource_versions_strictly_increase_in_the_log(n in 1usize..20) {
        let mut c = Cluster::default();
        for i in 0..n {
            let _ = c.api_mut().create(&Actor::kubectl(), sim::api::Namespace::new(&format!("ns{i}")));
        }
        c.settle();
        let rvs: Vec<u64> = c.api().log().iter().map(|e| e.resource_version).collect();
        prop_assert!(rvs.windows(2).all(|w| w[1] == w[0] + 1));
    }
}
