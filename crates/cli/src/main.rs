//! `timonel`: the playground's cluster and kubectl in a terminal — an interactive prompt, or
//! `timonel run SCRIPT` to run a lesson script and print what a terminal would show.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;

const HELP: &str = "\
timonel: a simulated Kubernetes cluster you drive with kubectl, in your terminal.

Usage:
  timonel [OPTIONS]                  Start an interactive prompt over a fresh cluster
  timonel run [OPTIONS] SCRIPT       Run a script of commands and print what a terminal shows
  timonel run [OPTIONS] -            Run the script read from standard input
  timonel --version                  Print Timonel's version and the Kubernetes version it simulates
  timonel --help                     Print this help

Options:
  --seed N       Seed of the cluster's random choices (names, IPs, tie-breaks); default 1.
                 The same seed and the same script always give the same output.
  --workers N    Worker nodes beside the control-plane node; default 2.
  --json         With run: print one JSON object per command instead of its output:
                 {\"line\", \"stdout\", \"stderr\", \"exit_code\", \"sim_time\"}.

A script holds what you would type: kubectl commands (or k), heredocs that write files
(cat <<EOF > web.yaml … EOF), pipes into grep, head, wc …, variables, `sleep 30` or `sleep 2m`
(moves the simulated clock; nothing waits), and # comments. Files named with -f are read from
the script's folder on disk when they exist there, otherwise from the playground's own files.
The exit status is 0 unless the script could not be read.

At the prompt, type commands the same way; exit or Ctrl-D leaves.
";

/// What the command line asked for.
#[derive(Debug, Default)]
struct Options {
    run: Option<String>,
    json: bool,
    seed: Option<u64>,
    workers: Option<u32>,
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("timonel: {message}\nRun 'timonel --help' for usage.");
    ExitCode::from(2)
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut run = false;
    let mut i = 0;
    let value = |i: &mut usize, name: &str, inline: Option<&str>| -> Result<String, String> {
        if let Some(v) = inline {
            return Ok(v.to_string());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("{name} needs a value"))
    };
    while i < args.len() {
        let a = args[i].as_str();
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v)),
            _ => (a, None),
        };
        match name {
            "--json" => o.json = true,
            "--seed" => {
                let v = value(&mut i, name, inline)?;
                o.seed = Some(
                    v.parse()
                        .map_err(|_| format!("--seed must be a whole number, not {v:?}"))?,
                );
            }
            "--workers" => {
                let v = value(&mut i, name, inline)?;
                let n: u32 = v
                    .parse()
                    .map_err(|_| format!("--workers must be a whole number, not {v:?}"))?;
                if n > 1000 {
                    return Err(format!("--workers must be at most 1000, not {n}"));
                }
                o.workers = Some(n);
            }
            "run" if !run => run = true,
            "-" => o.run = Some("-".into()),
            other if other.starts_with('-') => return Err(format!("unknown argument {other:?}")),
            other if run && o.run.is_none() => o.run = Some(other.to_string()),
            other => return Err(format!("unknown argument {other:?}")),
        }
        i += 1;
    }
    if run && o.run.is_none() {
        return Err("run needs a script: a file, or - for standard input".into());
    }
    if !run && o.run.is_some() {
        return Err("a script runs with: timonel run SCRIPT".into());
    }
    if o.json && !run {
        return Err("--json goes with run".into());
    }
    Ok(o)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version" | "-V") => {
            println!(
                "timonel {} (Kubernetes {})",
                env!("CARGO_PKG_VERSION"),
                sim::KUBERNETES_VERSION
            );
            return ExitCode::SUCCESS;
        }
        Some("--help" | "-h" | "help") => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let options = match parse_args(&args) {
        Ok(o) => o,
        Err(message) => return usage_error(&message),
    };
    let mut config = sim::Config::default();
    if let Some(seed) = options.seed {
        config.seed = seed;
    }
    if let Some(workers) = options.workers {
        config.workers = workers;
    }
    let shell = kubectl::Shell::new(sim::Cluster::new(config));
    match &options.run {
        Some(script) => run_script(shell, script, options.json),
        None => repl(shell),
    }
}

/// One executed command, as `--json` prints it.
#[derive(Serialize)]
struct JsonStep<'a> {
    line: &'a str,
    stdout: &'a str,
    stderr: &'a str,
    exit_code: i32,
    sim_time: String,
}

fn run_script(mut shell: kubectl::Shell, script: &str, json: bool) -> ExitCode {
    let (text, folder) = if script == "-" {
        let mut text = String::new();
        if let Err(err) = io::stdin().lock().read_to_string(&mut text) {
            eprintln!("timonel: cannot read standard input: {err}");
            return ExitCode::from(2);
        }
        (text, std::env::current_dir().unwrap_or_default())
    } else {
        match std::fs::read_to_string(script) {
            Ok(text) => {
                let folder = Path::new(script)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                (text, folder)
            }
            Err(err) => {
                eprintln!("timonel: cannot read {script}: {err}");
                return ExitCode::from(2);
            }
        }
    };
    let mut prepare =
        |line: &str, files: &mut kubectl::Files| load_named_files(&folder, line, files);
    let steps = shell.run_each_with(&text, &mut prepare);
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    for step in &steps {
        if json {
            let record = JsonStep {
                line: &step.command,
                stdout: &step.output.stdout,
                stderr: &step.output.stderr,
                exit_code: step.output.exit_code,
                sim_time: step.finished_at.rfc3339(),
            };
            let _ = writeln!(
                stdout,
                "{}",
                serde_json::to_string(&record).unwrap_or_default()
            );
        } else {
            let _ = write!(stdout, "{}", step.output.stdout);
            let _ = stdout.flush();
            let _ = write!(stderr, "{}", step.output.stderr);
        }
    }
    ExitCode::SUCCESS
}

/// The paths a command line names with `-f`/`--filename`.
fn named_files(line: &str) -> Vec<String> {
    let Ok(words) = kubectl::split_words(line) else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    let mut it = words.iter().peekable();
    while let Some(w) = it.next() {
        if w == "-f" || w == "--filename" {
            if let Some(p) = it.next() {
                paths.push(p.clone());
            }
        } else if let Some(p) = w.strip_prefix("--filename=") {
            paths.push(p.to_string());
        } else if let Some(p) = w
            .strip_prefix("-f")
            .filter(|p| !p.is_empty() && !w.starts_with("--"))
        {
            paths.push(p.trim_start_matches('=').to_string());
        }
    }
    paths
        .into_iter()
        .flat_map(|p| p.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|p| p != "-" && !p.contains("://"))
        .collect()
}

/// Copies files that `line` names with `-f` from the script's folder on disk into the
/// playground's files, unless the playground already has them (a heredoc wrote them).
fn load_named_files(folder: &Path, line: &str, files: &mut kubectl::Files) {
    for name in named_files(line) {
        if files.entry(&name).is_some() {
            continue;
        }
        let on_disk = folder.join(&name);
        if on_disk.is_file() {
            if let Ok(text) = std::fs::read_to_string(&on_disk) {
                files.write(&name, text);
            }
        } else if on_disk.is_dir() {
            for (rel, text) in read_folder(&on_disk, PathBuf::from(&name)) {
                files.write(&rel.to_string_lossy(), text);
            }
        }
    }
}

/// Every readable file under `dir` (at most a few levels deep), as paths under `prefix`.
fn read_folder(dir: &Path, prefix: PathBuf) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, prefix: &Path, depth: usize, out: &mut Vec<(PathBuf, String)>) {
        if depth > 8 {
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let rel = prefix.join(e.file_name());
            if path.is_dir() {
                walk(&path, &rel, depth + 1, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((rel, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &prefix, 0, &mut out);
    out
}

fn repl(mut shell: kubectl::Shell) -> ExitCode {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        // Piped input runs as one text, so heredocs and continuation lines work.
        let mut text = String::new();
        if let Err(err) = stdin.lock().read_to_string(&mut text) {
            eprintln!("timonel: cannot read standard input: {err}");
            return ExitCode::from(2);
        }
        for step in shell.run_each(&text) {
            print!("{}", step.output.stdout);
            eprint!("{}", step.output.stderr);
        }
        return ExitCode::SUCCESS;
    }
    shell.editor = Some(terminal_editor());
    let mut stdout = io::stdout();
    let mut lines = stdin.lock().lines();
    loop {
        print!("$ ");
        let _ = stdout.flush();
        let Some(Ok(line)) = lines.next() else { break };
        if matches!(line.trim(), "exit" | "quit") {
            break;
        }
        let out = shell.run(&line);
        print!("{}", out.stdout);
        eprint!("{}", out.stderr);
    }
    ExitCode::SUCCESS
}

/// `kubectl edit` at the interactive prompt: kubectl's choice of editor (`$KUBE_EDITOR`, then
/// `$EDITOR`, then `vi`) run on a temporary file holding the object.
fn terminal_editor() -> kubectl::Editor {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static EDITS: AtomicUsize = AtomicUsize::new(0);
    kubectl::Editor::new(|text| {
        let editor = ["KUBE_EDITOR", "EDITOR"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
            .unwrap_or_else(|| "vi".to_string());
        let n = EDITS.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("kubectl-edit-{}-{n}.yaml", std::process::id()));
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path)
            .status();
        let edited = std::fs::read_to_string(&path);
        let _ = std::fs::remove_file(&path);
        match status {
            Ok(s) if s.success() => {
                edited.map_err(|e| format!("cannot read {}: {e}", path.display()))
            }
            _ => Err(format!("there was a problem with the editor \"{editor}\"")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_named_with_f_are_found_in_every_spelling() {
        assert_eq!(
            named_files("kubectl apply -f web.yaml --filename=svc.yaml -fdir"),
            ["web.yaml", "svc.yaml", "dir"]
        );
        assert_eq!(
            named_files("kubectl apply -f a.yaml,b.yaml"),
            ["a.yaml", "b.yaml"]
        );
        assert!(named_files("kubectl apply -f - <<EOF").is_empty());
        assert!(named_files("kubectl apply -f https://k8s.io/x.yaml").is_empty());
    }
}
