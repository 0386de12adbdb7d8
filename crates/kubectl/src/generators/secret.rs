//! `kubectl create secret generic NAME [--from-literal=k=v]… [--type=T]`

use super::cli::{Cmd, Flag, Kind, flag};
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::{Doc, base64};
use super::sources;
use super::validation::config_key_errors;
use crate::Output;
use std::collections::BTreeMap;

const CMD: Cmd = Cmd {
    path: "kubectl create secret generic",
};

const FLAGS: &[Flag] = &[
    flag("from-file", Kind::StringSlice),
    flag("from-literal", Kind::StringArray),
    flag("from-env-file", Kind::StringSlice),
    flag("type", Kind::String),
    flag("append-hash", Kind::Bool),
];

pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let specs = [FLAGS, CREATE_FLAGS].concat();
    let parsed = CMD.parse(&specs, &[], args)?;
    let name = CMD.name(&parsed)?;
    let options = Options::from_flags(&parsed)?;
    let mut data = BTreeMap::new();
    sources::gather(&parsed, |key, value| add(&mut data, key, value))?;
    let secret_type = parsed.string_or_empty("type");
    let doc = Doc::obj()
        .with("kind", Doc::str("Secret"))
        .with("apiVersion", Doc::str("v1"))
        .with(
            "metadata",
            Doc::obj()
                .with("name", Doc::str(name.as_str()))
                .with_opt("namespace", options.namespace_doc()),
        )
        .with_opt("data", Doc::string_map_opt(&data))
        .with_opt(
            "type",
            (!secret_type.is_empty()).then(|| Doc::str(secret_type)),
        );
    Ok((
        options,
        Generated {
            doc,
            resource: "secret",
            name,
        },
    ))
}

/// Adds a key; the stored value is base64, as `[]byte` data is encoded in JSON and YAML.
fn add(data: &mut BTreeMap<String, String>, key: String, value: String) -> Result<(), Output> {
    let errs = config_key_errors(&key);
    if !errs.is_empty() {
        return Err(Output::error(format!(
            "{key:?} is not valid key name for a Secret {}",
            errs.join(";")
        )));
    }
    if data.contains_key(&key) {
        return Err(Output::error(format!(
            "cannot add key {key}, another key by that name already exists"
        )));
    }
    data.insert(key, base64(value.as_bytes()));
    Ok(())
}
