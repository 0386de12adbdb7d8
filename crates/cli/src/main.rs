//! `timonel`: the playground's cluster and kubectl in a terminal.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

const HELP: &str = "\
timonel: a simulated Kubernetes cluster you drive with kubectl, in your terminal.

Usage:
  timonel              Start an interactive prompt over a fresh cluster
  timonel --version    Print Timonel's version and the Kubernetes version it simulates
  timonel --help       Print this help

At the prompt, type kubectl commands (for example: kubectl version), or exit.
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
    let mut cluster = sim::Cluster::default();
    let stdin = io::stdin();
    let interactive = stdin.is_terminal();
    let mut stdout = io::stdout();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            print!("$ ");
            let _ = stdout.flush();
        }
        let Some(Ok(line)) = lines.next() else { break };
        if matches!(line.trim(), "exit" | "quit") {
            break;
        }
        let out = kubectl::run_line(&mut cluster, &line);
        print!("{}", out.stdout);
        eprint!("{}", out.stderr);
    }
    ExitCode::SUCCESS
}
