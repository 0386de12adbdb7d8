//! `kubectl create deployment NAME --image=IMAGE… [--replicas=N] [--port=P] [-- COMMAND…]`

use super::cli::{Cmd, Flag, Kind, Parsed, flag, short};
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::Doc;
use crate::Output;
use std::collections::BTreeMap;

const CMD: Cmd = Cmd {
    path: "kubectl create deployment",
};

const FLAGS: &[Flag] = &[
    flag("image", Kind::StringSlice),
    flag("port", Kind::Int32),
    short("replicas", 'r', Kind::Int32),
];

/// Parses the command line and builds the Deployment, as `kubectl create deployment` does.
pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let specs = [FLAGS, CREATE_FLAGS].concat();
    let parsed = CMD.parse(&specs, &["image"], args)?;
    let name = CMD.name(&parsed)?;
    let options = Options::from_flags(&parsed)?;
    let command: Vec<String> = parsed.args.iter().skip(1).cloned().collect();
    let images = parsed.list("image");
    if images.len() > 1 && !command.is_empty() {
        return Err(Output::error(
            "cannot specify multiple --image options and command",
        ));
    }
    let doc = deployment(&name, &parsed, &options, &images, &command);
    Ok((
        options,
        Generated {
            doc,
            resource: "deployment.apps",
            name,
        },
    ))
}

fn deployment(
    name: &str,
    parsed: &Parsed,
    options: &Options,
    images: &[String],
    command: &[String],
) -> Doc {
    let labels = BTreeMap::from([("app".to_string(), name.to_string())]);
    let replicas = parsed.int("replicas").unwrap_or(1);
    let port = parsed.int("port").unwrap_or(-1);
    let containers: Vec<Doc> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let ports = (i == 0 && port >= 0)
                .then(|| Doc::Arr(vec![Doc::obj().with("containerPort", Doc::Int(port))]));
            Doc::obj()
                .with("name", Doc::str(container_name(image)))
                .with("image", Doc::str(image.as_str()))
                .with_opt(
                    "command",
                    (!command.is_empty()).then(|| Doc::strings(command)),
                )
                .with_opt("ports", ports)
                .with("resources", Doc::obj())
        })
        .collect();
    Doc::obj()
        .with("kind", Doc::str("Deployment"))
        .with("apiVersion", Doc::str("apps/v1"))
        .with(
            "metadata",
            Doc::obj()
                .with("name", Doc::str(name))
                .with_opt("namespace", options.namespace_doc())
                .with("labels", Doc::string_map(&labels)),
        )
        .with(
            "spec",
            Doc::obj()
                .with("replicas", Doc::Int(replicas))
                .with(
                    "selector",
                    Doc::obj().with("matchLabels", Doc::string_map(&labels)),
                )
                .with(
                    "template",
                    Doc::obj()
                        .with(
                            "metadata",
                            Doc::obj().with("labels", Doc::string_map(&labels)),
                        )
                        .with("spec", Doc::obj().with("containers", Doc::Arr(containers))),
                )
                .with("strategy", Doc::obj()),
        )
        .with("status", Doc::obj())
}

/// The image's last path segment without tag or digest; `.` and `_` become `-` and a random
/// suffix is added, as kubectl's `sanitizeAndUniquify` does.
fn container_name(image: &str) -> String {
    let mut name = image.rsplit('/').next().unwrap_or(image);
    if let Some((n, _)) = name.split_once(':') {
        name = n;
    }
    if let Some((n, _)) = name.split_once('@') {
        name = n;
    }
    if name.contains(['_', '.']) {
        format!("{}-{}", name.replace(['_', '.'], "-"), random_suffix(image))
    } else {
        name.to_string()
    }
}

/// Five characters from apimachinery's `rand.String` alphabet, derived from the image.
// Simplification: kubectl draws these at random; Timonel derives them from the image so the
// same command always generates the same manifest (replays and shared links stay identical).
fn random_suffix(seed: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::new();
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    for _ in 0..5 {
        h = h.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        out.push(ALPHABET[((h >> 33) % ALPHABET.len() as u64) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_follow_the_image() {
        assert_eq!(container_name("nginx:1.25"), "nginx");
        assert_eq!(
            container_name("docker.io/library/redis@sha256:abc"),
            "redis"
        );
        let sanitized = container_name("my.registry.io/team/my_app:1.0");
        assert!(sanitized.starts_with("my-app-") && sanitized.len() == 12);
    }
}
