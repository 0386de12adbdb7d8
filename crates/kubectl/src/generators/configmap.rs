//! `kubectl create configmap NAME [--from-literal=k=v]… [--from-file=…] [--from-env-file=…]`

use super::cli::{Cmd, Flag, Kind, flag};
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::Doc;
use super::sources;
use super::validation::config_key_errors;
use crate::Output;
use std::collections::BTreeMap;

const CMD: Cmd = Cmd {
    path: "kubectl create configmap",
};

const FLAGS: &[Flag] = &[
    flag("from-file", Kind::StringSlice),
    flag("from-literal", Kind::StringArray),
    flag("from-env-file", Kind::StringSlice),
    flag("append-hash", Kind::Bool),
];

pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let specs = [FLAGS, CREATE_FLAGS].concat();
    let parsed = CMD.parse(&specs, &[], args)?;
    let name = CMD.name(&parsed)?;
    let options = Options::from_flags(&parsed)?;
    let mut data = BTreeMap::new();
    sources::gather(&parsed, |key, value| add(&mut data, &name, key, value))?;
    let doc = Doc::obj()
        .with("kind", Doc::str("ConfigMap"))
        .with("apiVersion", Doc::str("v1"))
        .with(
            "metadata",
            Doc::obj()
                .with("name", Doc::str(name.as_str()))
                .with_opt("namespace", options.namespace_doc()),
        )
        .with_opt("data", Doc::string_map_opt(&data));
    Ok((
        options,
        Generated {
            doc,
            resource: "configmap",
            name,
        },
    ))
}

fn add(
    data: &mut BTreeMap<String, String>,
    name: &str,
    key: String,
    value: String,
) -> Result<(), Output> {
    let errs = config_key_errors(&key);
    if !errs.is_empty() {
        return Err(Output::error(format!(
            "{key:?} is not a valid key name for a ConfigMap: {}",
            errs.join(";")
        )));
    }
    if data.contains_key(&key) {
        return Err(Output::error(format!(
            "cannot add key {key:?}, another key by that name already exists in Data for ConfigMap {name:?}"
        )));
    }
    data.insert(key, value);
    Ok(())
}
