//! `kubectl create job NAME --image=IMAGE [-- COMMAND…]`

use super::cli::{Cmd, Flag, Kind, flag};
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::Doc;
use crate::Output;

const CMD: Cmd = Cmd {
    path: "kubectl create job",
};

const FLAGS: &[Flag] = &[flag("image", Kind::String), flag("from", Kind::String)];

pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let specs = [FLAGS, CREATE_FLAGS].concat();
    let parsed = CMD.parse(&specs, &[], args)?;
    let name = CMD.name(&parsed)?;
    let options = Options::from_flags(&parsed)?;
    let image = parsed.string_or_empty("image");
    let from = parsed.string_or_empty("from");
    if image.is_empty() == from.is_empty() {
        return Err(Output::error("either --image or --from must be specified"));
    }
    let command: Vec<String> = parsed.args.iter().skip(1).cloned().collect();
    if !from.is_empty() {
        if !command.is_empty() {
            return Err(Output::error("cannot specify --from and command"));
        }
        return Err(Output::error(
            "creating a job --from a cronjob is not available in this playground yet",
        ));
    }
    let container = Doc::obj()
        .with("name", Doc::str(name.as_str()))
        .with("image", Doc::str(image))
        .with_opt(
            "command",
            (!command.is_empty()).then(|| Doc::strings(&command)),
        )
        .with("resources", Doc::obj());
    let doc = Doc::obj()
        .with("kind", Doc::str("Job"))
        .with("apiVersion", Doc::str("batch/v1"))
        .with(
            "metadata",
            Doc::obj()
                .with("name", Doc::str(name.as_str()))
                .with_opt("namespace", options.namespace_doc()),
        )
        .with(
            "spec",
            Doc::obj().with(
                "template",
                Doc::obj().with("metadata", Doc::obj()).with(
                    "spec",
                    Doc::obj()
                        .with("containers", Doc::Arr(vec![container]))
                        .with("restartPolicy", Doc::str("Never")),
                ),
            ),
        )
        .with("status", Doc::obj());
    Ok((
        options,
        Generated {
            doc,
            resource: "job.batch",
            name,
        },
    ))
}
