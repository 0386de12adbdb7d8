//! `timonel`: the playground's cluster and kubectl in a terminal.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::process::ExitCode;

const HELP: &str = "\
timonel: a simulated Kubernetes cluster you drive with kubectl, in your terminal.

Usage:
  timonel              Start an interactive prompt over a fresh cluster
  timonel --version    Print Timonel's version and the Kubernetes version it simulates
  timonel --help       Print this help

At the prompt, type kubectl commands (for example: kubectl version), or exit. Piped into
timonel, a whole script runs, heredocs included (cat <<EOF > web.yaml … EOF).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => repl(),
        Some("--version" | "-V") => {
            println!(
                "timonel {} (Kubernetes {})",
                env!("CARGO_PKG_VERSION"),
                sim::KUBERNETES_VERSION
            );
            ExitCode::SUCCESS
        }
        Some("--help" | "-h" | "help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("timonel: unknown argument {other:?}\nRun 'timonel --help' for usage.");
            ExitCode::from(2)
        }
    }
}

fn repl() -> ExitCode {
    let mut shell = kubectl::Shell::default();
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
