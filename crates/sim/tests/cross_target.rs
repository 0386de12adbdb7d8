//! The same seed and requests give byte-identical clusters on every target: the scripted scenario
//! of `bench-wasm/src/scenario.rs` hashes to the same FNV-1a value natively (here) and compiled to
//! wasm32 under node (`crates/sim/bench-wasm/run.sh`, which checks the same constant).

#[path = "../bench-wasm/src/scenario.rs"]
#[allow(dead_code)]
mod scenario;

#[test]
fn the_scripted_scenario_hashes_to_the_value_the_wasm_build_checks() {
    let (hash, bytes) = scenario::determinism_scenario();
    assert!(
        bytes > 100_000,
        "the scenario should produce a sizeable snapshot"
    );
    assert_eq!(
        hash,
        scenario::EXPECTED_DETERMINISM_HASH,
        "the native snapshot changed: if the behaviour changed on purpose, update \
         EXPECTED_DETERMINISM_HASH in bench-wasm/src/scenario.rs (and run bench-wasm/run.sh)"
    );
}

#[test]
fn the_hash_is_64_bit_fnv_1a() {
    assert_eq!(scenario::fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(scenario::fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
}
