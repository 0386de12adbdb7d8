//! The playground's files: a small virtual file system that the shell keeps beside the cluster.
//!
//! Paths are relative to one working folder (`/`); `./a.yaml`, `/a.yaml` and `a.yaml` are the
//! same file. Folders are implied by the files in them, or made with `mkdir`.

use crate::Output;
use std::collections::{BTreeMap, BTreeSet};

/// What a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
}

/// The playground's files, by normalized path (`dir/web.yaml`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    files: BTreeMap<String, String>,
    /// Folders made with `mkdir` (folders holding files need no entry here).
    dirs: BTreeSet<String>,
}

/// `./a/../b.yaml` → `b.yaml`; the root is the empty string.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

impl Files {
    pub fn new() -> Self {
        Files::default()
    }

    /// What `path` names, if anything.
    pub fn entry(&self, path: &str) -> Option<Entry> {
        let path = normalize(path);
        if path.is_empty() {
            return Some(Entry::Dir);
        }
        if self.files.contains_key(&path) {
            return Some(Entry::File);
        }
        let prefix = format!("{path}/");
        let implied = self.files.keys().any(|k| k.starts_with(&prefix))
            || self
                .dirs
                .iter()
                .any(|d| d == &path || d.starts_with(&prefix));
        implied.then_some(Entry::Dir)
    }

    /// A file's contents.
    pub fn read(&self, path: &str) -> Option<&str> {
        self.files.get(&normalize(path)).map(String::as_str)
    }

    /// Writes (creates or replaces) a file; its folders come into being with it.
    pub fn write(&mut self, path: &str, contents: impl Into<String>) {
        let path = normalize(path);
        if !path.is_empty() {
            self.files.insert(path, contents.into());
        }
    }

    /// Removes a file or a folder with everything in it; false when nothing was there.
    pub fn remove(&mut self, path: &str) -> bool {
        let path = normalize(path);
        if self.files.remove(&path).is_some() {
            return true;
        }
        let prefix = format!("{path}/");
        let before = self.files.len() + self.dirs.len();
        self.files.retain(|k, _| !k.starts_with(&prefix));
        self.dirs.retain(|d| d != &path && !d.starts_with(&prefix));
        before != self.files.len() + self.dirs.len()
    }

    /// Makes an (empty) folder.
    pub fn mkdir(&mut self, path: &str) {
        let path = normalize(path);
        if !path.is_empty() {
            self.dirs.insert(path);
        }
    }

    /// Every file, path and contents, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Every folder (made with `mkdir` or implied by a file), in path order.
    pub fn dirs(&self) -> Vec<String> {
        let mut all: BTreeSet<String> = self.dirs.clone();
        for path in self.files.keys() {
            let mut p = parent(path);
            while !p.is_empty() {
                all.insert(p.to_string());
                p = parent(p);
            }
        }
        all.into_iter().collect()
    }

    /// The names directly inside a folder, sorted as `ls` sorts them (byte order here).
    pub fn children(&self, dir: &str) -> Vec<String> {
        let dir = normalize(dir);
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names = BTreeSet::new();
        let all_dirs = self.dirs();
        for path in self.files.keys().chain(all_dirs.iter()) {
            if let Some(rest) = path.strip_prefix(&prefix)
                && !rest.is_empty()
            {
                names.insert(rest.split('/').next().unwrap_or(rest).to_string());
            }
        }
        names.into_iter().collect()
    }

    /// The files inside a folder, recursively or not, in path order (how `-f DIR` visits them).
    pub fn files_in(&self, dir: &str, recursive: bool) -> Vec<String> {
        let dir = normalize(dir);
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        self.files
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix).map(|rest| (k, rest)))
            .filter(|(_, rest)| recursive || !rest.contains('/'))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Whether a file may be written at `path`: its folder exists and it is not a folder.
    pub fn check_writable(&self, path: &str) -> Result<(), &'static str> {
        if self.entry(path) == Some(Entry::Dir) {
            return Err("Is a directory");
        }
        let p = normalize(path);
        match self.entry(parent(&p)) {
            Some(Entry::Dir) => Ok(()),
            Some(Entry::File) => Err("Not a directory"),
            None => Err("No such file or directory"),
        }
    }
}

fn fail(stderr: String, code: i32) -> Output {
    Output {
        stderr,
        exit_code: code,
        ..Output::default()
    }
}

/// Splits `-rf a b` into option letters and operands (a lone `--` ends the options).
fn options(args: &[String]) -> (String, Vec<String>) {
    let mut letters = String::new();
    let mut operands = Vec::new();
    let mut done = false;
    for a in args {
        if !done && a == "--" {
            done = true;
        } else if !done && a.len() > 1 && a.starts_with('-') && !a.starts_with("--") {
            letters.push_str(&a[1..]);
        } else if !done && a.starts_with("--") {
            letters.push_str(match a.as_str() {
                "--recursive" => "r",
                "--force" => "f",
                "--parents" => "p",
                _ => "",
            });
        } else {
            operands.push(a.clone());
        }
    }
    (letters, operands)
}

/// `ls [PATH…]`: one name per line (as `ls` prints when its output is not a terminal).
pub fn ls(files: &Files, args: &[String]) -> Output {
    let (_, mut paths) = options(args);
    if paths.is_empty() {
        paths.push(".".to_string());
    }
    let mut out = Output::default();
    let mut listed_files = Vec::new();
    let mut dirs = Vec::new();
    for p in &paths {
        match files.entry(p) {
            None => {
                out.stderr.push_str(&format!(
                    "ls: cannot access '{p}': No such file or directory\n"
                ));
                out.exit_code = 2;
            }
            Some(Entry::File) => listed_files.push(p.clone()),
            Some(Entry::Dir) => dirs.push(p.clone()),
        }
    }
    listed_files.sort();
    dirs.sort();
    for f in &listed_files {
        out.stdout.push_str(f);
        out.stdout.push('\n');
    }
    let headers = paths.len() > 1;
    for (i, d) in dirs.iter().enumerate() {
        if headers {
            if i > 0 || !listed_files.is_empty() {
                out.stdout.push('\n');
            }
            out.stdout.push_str(&format!("{d}:\n"));
        }
        for name in files.children(d) {
            out.stdout.push_str(&name);
            out.stdout.push('\n');
        }
    }
    out
}

/// `cat [FILE…]`: the files one after another; with no file, its standard input.
pub fn cat(files: &Files, args: &[String], stdin: Option<&str>) -> Output {
    let (_, paths) = options(args);
    let mut out = Output::default();
    if paths.is_empty() {
        out.stdout.push_str(stdin.unwrap_or(""));
        return out;
    }
    for p in &paths {
        if p == "-" {
            out.stdout.push_str(stdin.unwrap_or(""));
            continue;
        }
        match files.entry(p) {
            Some(Entry::File) => out.stdout.push_str(files.read(p).unwrap_or("")),
            Some(Entry::Dir) => {
                out.stderr.push_str(&format!("cat: {p}: Is a directory\n"));
                out.exit_code = 1;
            }
            None => {
                out.stderr
                    .push_str(&format!("cat: {p}: No such file or directory\n"));
                out.exit_code = 1;
            }
        }
    }
    out
}

/// `rm [-r] [-f] FILE…`
pub fn rm(files: &mut Files, args: &[String]) -> Output {
    let (letters, paths) = options(args);
    let recursive = letters.contains('r') || letters.contains('R');
    let force = letters.contains('f');
    if paths.is_empty() {
        if force {
            return Output::default();
        }
        return fail(
            "rm: missing operand\nTry 'rm --help' for more information.\n".into(),
            1,
        );
    }
    let mut out = Output::default();
    for p in &paths {
        match files.entry(p) {
            Some(Entry::File) => {
                files.remove(p);
            }
            Some(Entry::Dir) if recursive && !normalize(p).is_empty() => {
                files.remove(p);
            }
            Some(Entry::Dir) => {
                out.stderr
                    .push_str(&format!("rm: cannot remove '{p}': Is a directory\n"));
                out.exit_code = 1;
            }
            None if force => {}
            None => {
                out.stderr.push_str(&format!(
                    "rm: cannot remove '{p}': No such file or directory\n"
                ));
                out.exit_code = 1;
            }
        }
    }
    out
}

/// `mkdir [-p] DIR…`
pub fn mkdir(files: &mut Files, args: &[String]) -> Output {
    let (letters, paths) = options(args);
    let parents = letters.contains('p');
    if paths.is_empty() {
        return fail(
            "mkdir: missing operand\nTry 'mkdir --help' for more information.\n".into(),
            1,
        );
    }
    let mut out = Output::default();
    for p in &paths {
        let norm = normalize(p);
        let exists = files.entry(p).is_some();
        if exists {
            if !(parents && files.entry(p) == Some(Entry::Dir)) {
                out.stderr.push_str(&format!(
                    "mkdir: cannot create directory \u{2018}{p}\u{2019}: File exists\n"
                ));
                out.exit_code = 1;
            }
            continue;
        }
        if !parents && files.entry(parent(&norm)) != Some(Entry::Dir) {
            let why = if files.entry(parent(&norm)) == Some(Entry::File) {
                "Not a directory"
            } else {
                "No such file or directory"
            };
            out.stderr.push_str(&format!(
                "mkdir: cannot create directory \u{2018}{p}\u{2019}: {why}\n"
            ));
            out.exit_code = 1;
            continue;
        }
        files.mkdir(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_and_folders_implied() {
        let mut f = Files::new();
        f.write("./k8s/web.yaml", "a");
        assert_eq!(f.read("/k8s/./web.yaml"), Some("a"));
        assert_eq!(f.entry("k8s"), Some(Entry::Dir));
        assert_eq!(f.children(""), ["k8s"]);
        assert_eq!(f.files_in("k8s", false), ["k8s/web.yaml"]);
        assert!(f.remove("k8s"));
        assert_eq!(f.entry("k8s"), None);
    }
}
