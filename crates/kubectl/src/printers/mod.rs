//! Text formats kubectl prints: pure functions from values to `String`.

pub mod yaml;
