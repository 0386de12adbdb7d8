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

pub fn run(cluster: &mut sim::Cluster, args: &[String]) -> Output {
    match generate(args) {
        Ok((options, generated)) => options.finish(cluster, generated),
        Err(out) => out,
    }
}

pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let specs = [FLAGS, CREATE_FLAGS].concat();
    let parsed = CMD.parse(&specs, &[], args)?;
    let name = CMD.name(&parsed)?;
    let options = Options::from_flags(&parsed)?;
    let files = parsed.list("from-file");
    let literals = parsed.list("from-literal");
    let env_files = parsed.list("from-env-file");
    sources::check_combination(&files, &literals, &env_files).map_err(Output::error)?;
    if parsed.bool("append-hash") {
        return Err(Output::error(
            "--append-hash is not available in this playground yet",
        ));
    }
    let mut data = BTreeMap::new();
    for source in &literals {
        let (key, value) = sources::parse_literal(source).map_err(Output::error)?;
        add(&mut data, &name, key, value)?;
    }
    for source in files.iter().chain(&env_files) {
        let (key, value) = sources::read_file_source(source).map_err(Output::error)?;
        add(&mut data, &name, key, value)?;
    }
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
