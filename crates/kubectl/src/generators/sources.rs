//! `--from-literal`, `--from-file` and `--from-env-file`, shared by configmaps and secrets.

/// `util.ParseLiteralSource`: `key=value`, the value may contain `=`.
pub fn parse_literal(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!(
            "invalid literal source {source}, expected key=value"
        )),
    }
}

/// The playground has no files that kubectl can read yet: every path answers as a missing one.
pub fn read_file_source(source: &str) -> Result<(String, String), String> {
    let path = match source.split_once('=') {
        Some((_, path)) => path,
        None => source,
    };
    Err(format!("error reading {path}: no such file or directory"))
}

/// The check both commands make before reading anything.
pub fn check_combination(
    files: &[String],
    literals: &[String],
    env_files: &[String],
) -> Result<(), String> {
    if !env_files.is_empty() && (!files.is_empty() || !literals.is_empty()) {
        return Err("from-env-file cannot be combined with from-file or from-literal".to_string());
    }
    Ok(())
}

/// The `--from-literal`, `--from-file` and `--from-env-file` sources of `create configmap` and
/// `create secret generic`, checked together and handed to `add` in kubectl's order.
pub fn gather(
    parsed: &super::cli::Parsed,
    mut add: impl FnMut(String, String) -> Result<(), crate::Output>,
) -> Result<(), crate::Output> {
    use crate::Output;
    let files = parsed.list("from-file");
    let literals = parsed.list("from-literal");
    let env_files = parsed.list("from-env-file");
    check_combination(&files, &literals, &env_files).map_err(Output::error)?;
    if parsed.bool("append-hash") {
        return Err(Output::error(
            "--append-hash is not available in this playground yet",
        ));
    }
    for source in &literals {
        let (key, value) = parse_literal(source).map_err(Output::error)?;
        add(key, value)?;
    }
    for source in files.iter().chain(&env_files) {
        let (key, value) = read_file_source(source).map_err(Output::error)?;
        add(key, value)?;
    }
    Ok(())
}
