//! `kubectl create namespace NAME`

use super::cli::Cmd;
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::Doc;
use crate::Output;

const CMD: Cmd = Cmd {
    path: "kubectl create namespace",
};

pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let parsed = CMD.parse(CREATE_FLAGS, &[], args)?;
    let name = CMD.name(&parsed)?;
    let options = Options::from_flags(&parsed)?;
    // Namespaces are cluster-scoped: `-n` does not show in the object.
    let doc = Doc::obj()
        .with("kind", Doc::str("Namespace"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", Doc::obj().with("name", Doc::str(name.as_str())))
        .with("spec", Doc::obj())
        .with("status", Doc::obj());
    Ok((
        options,
        Generated {
            doc,
            resource: "namespace",
            name,
        },
    ))
}
