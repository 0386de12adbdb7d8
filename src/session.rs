//! Keeping and sharing a session.
//!
//! The cluster is deterministic, so a session is kept as what made it: the seed, the files it
//! started with, and a log of [`Event`]s (commands run, cluster time stepped, files edited
//! outside the shell, the terminal cleared). Restoring replays the log through the same
//! [`Engine::apply`] that ran it live, then checks the cluster's resourceVersion and clock
//! against the ones stored with it.
//!
//! The log is kept in localStorage under [`STORAGE_KEY`] as JSON with a `format` number, and
//! shared as `#s=` + base64url of a format byte and the same JSON compressed
//! ([`crate::share`]). Both are bounded ([`MAX_EVENTS`], [`MAX_TEXT`], [`MAX_TICKS`]): a
//! longer session keeps running but stops being recorded, and the page says so.

use crate::history::History;
use crate::i18n::Lang;
use crate::share;
use crate::state::{Engine, Playground, SPEEDS, TICK_SECONDS, TimeFlow};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The shape of a kept or shared session; anything else is refused with a message.
pub const FORMAT: u32 = 1;
/// Where the session is kept (the format is inside, so a future page can explain a mismatch).
pub const STORAGE_KEY: &str = "timonel.session";
/// Where the kept session waits while a share link's session replaces it.
pub const PUT_ASIDE_KEY: &str = "timonel.session.put-aside";
/// The URL fragment's prefix for a shared session.
pub const LINK_PREFIX: &str = "#s=";
/// At most this many events are recorded (a run of ticks is one event).
pub const MAX_EVENTS: usize = 2_000;
/// At most this many bytes of commands and file contents are recorded.
pub const MAX_TEXT: usize = 256 * 1024;
/// At most this many ticks are recorded, which bounds how long a replay takes.
pub const MAX_TICKS: u64 = 200_000;
/// Refused unread: a stored session or a decoded link longer than this.
pub const MAX_JSON: usize = 2 * MAX_TEXT + 256 * 1024;
/// Refused undecoded: a link fragment longer than this.
pub const MAX_LINK: usize = MAX_JSON;

/// Something that changed the session, in the order it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// Text typed or pasted at the prompt.
    Run(String),
    /// `n` ticks of `seconds` of cluster time each (the timer, or the Step button).
    Tick(u64, u64),
    /// A file written (`Some`) or removed (`None`) outside the shell, e.g. in the editor.
    File(String, Option<String>),
    /// A line abandoned with Ctrl-C.
    Int(String),
    /// Ctrl-L.
    Clear,
    /// Text typed at the prompt that ran `kubectl edit`, with what the editor answered each
    /// time it opened (recorded once the edit finished).
    Edit(String, Vec<kubectl::Answer>),
    /// A node's machine added, removed, or its kubelet stopped or started, from the map.
    Machine(crate::node_actions::Machine),
}

/// At most this many editor answers in one recorded edit.
pub const MAX_EDIT_ANSWERS: usize = 1_000;

/// A `kubectl edit` still waiting in the editor when the session was kept: its line, the
/// answers so far and the editor's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingEdit {
    pub line: String,
    pub answers: Vec<kubectl::Answer>,
    pub text: String,
}

fn answers_len(answers: &[kubectl::Answer]) -> usize {
    answers
        .iter()
        .map(|a| match a {
            kubectl::Answer::Save(t) => t.len(),
            _ => 0,
        })
        .sum()
}

impl Event {
    fn text_len(&self) -> usize {
        match self {
            Event::Run(t) | Event::Int(t) => t.len(),
            Event::File(p, c) => p.len() + c.as_ref().map_or(0, String::len),
            Event::Edit(t, answers) => t.len() + answers_len(answers),
            Event::Machine(m) => m.node().len(),
            Event::Tick(..) | Event::Clear => 0,
        }
    }
}

/// The cluster as the log leaves it: checked after a replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub resource_version: u64,
    pub now: u64,
}

/// A session as it is kept and shared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Log {
    pub format: u32,
    pub seed: u64,
    /// The files when the log starts (a reset may keep them).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub playing: Option<bool>,
    #[serde(default)]
    pub speed: Option<u64>,
    #[serde(default)]
    pub check: Option<Check>,
    /// A `kubectl edit` waiting in the editor, reopened after the replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<PendingEdit>,
}

/// The log of the running session, kept beside the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorder {
    seed: u64,
    start_files: BTreeMap<String, String>,
    events: Vec<Event>,
    /// The files as the recorded events leave them.
    seen: kubectl::Files,
    text: usize,
    ticks: u64,
    /// The session outgrew the bounds: later events are not recorded.
    pub full: bool,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new(sim::Config::default().seed, &kubectl::Files::new())
    }
}

impl Recorder {
    /// A new log for a cluster with `seed`, starting with `files`.
    pub fn new(seed: u64, files: &kubectl::Files) -> Self {
        let start_files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect();
        let text = start_files.iter().map(|(p, c)| p.len() + c.len()).sum();
        Recorder {
            seed,
            start_files,
            events: Vec::new(),
            seen: files.clone(),
            text,
            ticks: 0,
            full: text > MAX_TEXT,
        }
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    fn push(&mut self, event: Event) {
        if self.full {
            return;
        }
        let added_ticks = if let Event::Tick(_, n) = event { n } else { 0 };
        let merge = matches!(
            (&event, self.events.last()),
            (Event::Tick(s, _), Some(Event::Tick(last, _))) if s == last
        );
        let ticks = self.ticks.saturating_add(added_ticks);
        let text = self.text + event.text_len();
        let events = self.events.len() + usize::from(!merge);
        if ticks > MAX_TICKS || text > MAX_TEXT || events > MAX_EVENTS {
            self.full = true;
            return;
        }
        (self.ticks, self.text) = (ticks, text);
        match (event, self.events.last_mut()) {
            (Event::Tick(_, n), Some(Event::Tick(_, last_n))) if merge => *last_n += n,
            (event, _) => self.events.push(event),
        }
    }

    /// Records files changed since the last event, as `File` events.
    pub(crate) fn catch_up_files(&mut self, files: &kubectl::Files) {
        if self.seen == *files {
            return;
        }
        let old: BTreeMap<&str, &str> = self.seen.iter().collect();
        let new: BTreeMap<&str, &str> = files.iter().collect();
        let mut changes = Vec::new();
        for (path, contents) in &new {
            if old.get(path) != Some(contents) {
                changes.push(Event::File(path.to_string(), Some(contents.to_string())));
            }
        }
        for path in old.keys().filter(|p| !new.contains_key(*p)) {
            changes.push(Event::File(path.to_string(), None));
        }
        for change in changes {
            self.push(change);
        }
        self.seen = files.clone();
    }

    /// The log as kept and shared, with the check of the cluster it leads to (none once the
    /// session is too long to record: the log then stops short of the cluster).
    pub fn log(&self, engine: &Engine, time: TimeFlow) -> Log {
        Log {
            format: FORMAT,
            seed: self.seed,
            files: self.start_files.clone(),
            events: self.events.clone(),
            playing: Some(time.playing),
            speed: Some(time.speed),
            check: (!self.full).then(|| check_of(engine)),
            edit: if self.full {
                None
            } else {
                engine.editor.edit.as_ref().map(|e| e.kept())
            },
        }
    }
}

fn check_of(engine: &Engine) -> Check {
    let cluster = &engine.shell.cluster;
    Check {
        resource_version: cluster.api().resource_version(),
        now: cluster.now().0,
    }
}

impl Engine {
    /// Records `event` in the session's log, then does it: the one way commands, ticks,
    /// Ctrl-C and Ctrl-L change the session, live and when a log is replayed.
    pub fn apply(&mut self, event: Event) {
        let files = self.shell.files.clone();
        self.log.catch_up_files(&files);
        self.log.push(event.clone());
        match event {
            Event::Run(text) => self.run(text),
            Event::Tick(seconds, n) => {
                for _ in 0..n {
                    self.shell.cluster.advance(sim::Duration::seconds(seconds));
                }
                self.follow_activity();
            }
            Event::File(path, Some(contents)) => self.shell.files.write(&path, contents),
            Event::File(path, None) => {
                self.shell.files.remove(&path);
            }
            Event::Int(line) => self.record(line, kubectl::Output::default(), true),
            Event::Clear => self.transcript.clear(),
            Event::Edit(text, answers) => {
                let steps = self.shell.finish_edit(&text, &answers);
                self.show_edit(&answers, steps);
            }
            Event::Machine(change) => {
                self.machine(&change);
            }
        }
        self.log.seen = self.shell.files.clone();
    }

    /// Records files changed outside the shell so far, before an event whose effect is
    /// worked out elsewhere (`kubectl edit`'s steps, see `editor_state.rs`).
    pub(crate) fn catch_up_files(&mut self) {
        let files = self.shell.files.clone();
        self.log.catch_up_files(&files);
    }

    /// Records `event`, whose effect has already happened.
    pub(crate) fn note(&mut self, event: Event) {
        self.log.push(event);
        self.log.seen = self.shell.files.clone();
    }

    /// How many edits the log holds (names the next edit's file).
    pub(crate) fn edits_recorded(&self) -> usize {
        self.log
            .events
            .iter()
            .filter(|e| matches!(e, Event::Edit(..)))
            .count()
    }
}

/// Why a kept or shared session could not be restored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not something this page wrote: bad base64, bad compression, bad JSON, bad fields.
    Damaged,
    /// Written by a page with another format.
    OtherVersion,
    /// Beyond the bounds a session may have.
    TooLarge,
    /// Its replay never finished last time (Timonel stopped during it).
    Crashed,
}

/// Reads a kept session (the JSON in localStorage).
pub fn parse(json: &str) -> Result<Log, Refusal> {
    if json.len() > MAX_JSON {
        return Err(Refusal::TooLarge);
    }
    let value: serde_json::Value = serde_json::from_str(json).map_err(|_| Refusal::Damaged)?;
    match value.get("format").and_then(serde_json::Value::as_u64) {
        Some(f) if f == u64::from(FORMAT) => {}
        Some(_) => return Err(Refusal::OtherVersion),
        None => return Err(Refusal::Damaged),
    }
    let log: Log = serde_json::from_value(value).map_err(|_| Refusal::Damaged)?;
    validate(&log)?;
    Ok(log)
}

/// Checks a log against the bounds a recorded one keeps.
fn validate(log: &Log) -> Result<(), Refusal> {
    let mut text: usize = log.files.iter().map(|(p, c)| p.len() + c.len()).sum();
    let mut ticks = 0u64;
    if log.events.len() > MAX_EVENTS {
        return Err(Refusal::TooLarge);
    }
    for event in &log.events {
        text = text.saturating_add(event.text_len());
        if let Event::Tick(seconds, n) = event {
            if !SPEEDS.iter().any(|s| s * TICK_SECONDS == *seconds) {
                return Err(Refusal::Damaged);
            }
            ticks = ticks.saturating_add(*n);
        }
        if let Event::File(path, _) = event
            && kubectl::normalize(path).is_empty()
        {
            return Err(Refusal::Damaged);
        }
        if let Event::Edit(_, answers) = event
            && answers.len() > MAX_EDIT_ANSWERS
        {
            return Err(Refusal::TooLarge);
        }
    }
    if let Some(edit) = &log.edit {
        if edit.answers.len() > MAX_EDIT_ANSWERS {
            return Err(Refusal::TooLarge);
        }
        text = text
            .saturating_add(edit.line.len() + edit.text.len())
            .saturating_add(answers_len(&edit.answers));
    }
    if text > MAX_TEXT || ticks > MAX_TICKS {
        return Err(Refusal::TooLarge);
    }
    if log.speed.is_some_and(|s| !SPEEDS.contains(&s)) {
        return Err(Refusal::Damaged);
    }
    Ok(())
}

/// The session as JSON for localStorage.
pub fn to_json(log: &Log) -> String {
    serde_json::to_string(log).unwrap_or_default()
}

/// The URL fragment that carries `log`: `#s=` and base64url of the format byte and the
/// compressed JSON.
pub fn to_fragment(log: &Log) -> String {
    let mut bytes = vec![FORMAT as u8];
    bytes.extend(share::compress(to_json(log).as_bytes()));
    format!("{LINK_PREFIX}{}", share::base64url(&bytes))
}

/// Reads a shared session from a URL fragment; `None` when the fragment is not a share link.
pub fn from_fragment(fragment: &str) -> Option<Result<Log, Refusal>> {
    let data = fragment.strip_prefix(LINK_PREFIX)?;
    Some(decode_link(data))
}

fn decode_link(data: &str) -> Result<Log, Refusal> {
    if data.len() > MAX_LINK {
        return Err(Refusal::TooLarge);
    }
    let bytes = share::from_base64url(data).ok_or(Refusal::Damaged)?;
    let (&format, packed) = bytes.split_first().ok_or(Refusal::Damaged)?;
    if u32::from(format) != FORMAT {
        return Err(Refusal::OtherVersion);
    }
    let json = share::decompress(packed, MAX_JSON).ok_or(Refusal::Damaged)?;
    let json = String::from_utf8(json).map_err(|_| Refusal::Damaged)?;
    parse(&json)
}

/// A session replayed from a log.
pub struct Replayed {
    pub engine: Engine,
    pub time: TimeFlow,
    /// The replay reached the cluster the log was saved with (or the log carried no check).
    pub matches: bool,
}

/// Replays `log` on a fresh cluster with its seed.
pub fn replay(log: &Log) -> Replayed {
    let config = sim::Config {
        seed: log.seed,
        ..sim::Config::default()
    };
    let mut shell = kubectl::Shell::new(sim::Cluster::new(config));
    for (path, contents) in &log.files {
        shell.files.write(path, contents.as_str());
    }
    let mut engine = Engine {
        log: Recorder::new(log.seed, &shell.files),
        shell,
        transcript: Vec::new(),
        history: History::default(),
        feed: Default::default(),
        editor: Default::default(),
        notice: None,
        next_id: 0,
        generation: 0,
    };
    for event in &log.events {
        engine.apply(event.clone());
    }
    engine.follow_activity();
    let matches = log.check.is_none_or(|c| c == check_of(&engine));
    if let Some(edit) = &log.edit {
        engine.resume_edit(edit);
    }
    let time = TimeFlow {
        playing: log.playing.unwrap_or(true),
        speed: log
            .speed
            .filter(|s| SPEEDS.contains(s))
            .unwrap_or(TimeFlow::default().speed),
    };
    Replayed {
        engine,
        time,
        matches,
    }
}

/// What the page tells the user about keeping and sharing, in the session bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The kept session was refused; a fresh cluster started.
    Stored(Refusal),
    /// The link was refused; the kept session (if any) was restored instead.
    Link(Refusal),
    LinkOpened,
    /// The link was opened and the user's own session was put aside under
    /// [`PUT_ASIDE_KEY`], to go back to.
    LinkOpenedOwnPutAside,
    /// A replay did not reach the cluster it was saved with.
    Differs,
    /// The share link, copied to the clipboard.
    Copied,
    /// The clipboard refused: the link to copy by hand.
    CopyRefused(String),
    Exported,
    NothingToExport,
}

/// The playground the page starts with, and what to tell the user about it.
pub struct Boot {
    pub playground: Playground,
    /// The kept session was refused and should be forgotten.
    pub forget_stored: bool,
}

/// Starts the page: from a share link in `fragment` if there is one and it is sound, else
/// from the kept session `stored`, else fresh. A refused link or kept session leaves a
/// notice; nothing it carries is run.
pub fn boot(lang: Lang, history: History, fragment: &str, stored: Option<&str>) -> Boot {
    let mut notice = None;
    let mut forget_stored = false;
    let mut replayed = None;
    match from_fragment(fragment) {
        Some(Ok(log)) => {
            let r = replay(&log);
            notice = Some(if r.matches {
                Notice::LinkOpened
            } else {
                Notice::Differs
            });
            let mut merged = history.clone();
            for line in r.engine.history.entries() {
                merged.push(line);
            }
            replayed = Some((r, merged));
        }
        Some(Err(refusal)) => notice = Some(Notice::Link(refusal)),
        None => {}
    }
    if replayed.is_none()
        && let Some(json) = stored
    {
        match parse(json) {
            Ok(log) => {
                let r = replay(&log);
                if !r.matches {
                    notice = notice.or(Some(Notice::Differs));
                }
                replayed = Some((r, history.clone()));
            }
            Err(refusal) => {
                notice = notice.or(Some(Notice::Stored(refusal)));
                forget_stored = true;
            }
        }
    }
    let playground = match replayed {
        Some((r, history)) => {
            let mut engine = r.engine;
            engine.history = history;
            Playground {
                engine: Rc::new(RefCell::new(engine)),
                revision: 0,
                lang,
                time: r.time,
                inspected: None,
            }
        }
        None => Playground::new(lang, history),
    };
    playground.engine.borrow_mut().notice = notice;
    Boot {
        playground,
        forget_stored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine_after(events: &[Event]) -> Engine {
        let mut engine = Engine::default();
        for e in events {
            engine.apply(e.clone());
        }
        engine
    }

    fn snapshot(engine: &Engine) -> String {
        engine.shell.cluster.snapshot().to_string()
    }

    fn a_session() -> Vec<Event> {
        vec![
            Event::Run("kubectl create deployment web --image=nginx --replicas=3".into()),
            Event::Tick(1, 1),
            Event::Tick(1, 1),
            Event::Tick(5, 4),
            Event::Run("cat <<EOF > cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\nEOF\nkubectl apply -f cm.yaml".into()),
            Event::Int("kubectl get po".into()),
            Event::Run("kubectl scale deploy web --replicas=1".into()),
            Event::Tick(20, 3),
        ]
    }

    #[test]
    fn a_replayed_log_gives_the_same_cluster_files_and_terminal() {
        let live = engine_after(&a_session());
        assert_eq!(
            live.log.events()[1],
            Event::Tick(1, 2),
            "ticks of one speed are kept as one run"
        );
        let log = live.log.log(&live, TimeFlow::default());
        let back = replay(&parse(&to_json(&log)).unwrap());
        assert!(back.matches);
        assert_eq!(snapshot(&back.engine), snapshot(&live));
        assert_eq!(back.engine.shell.files, live.shell.files);
        assert_eq!(back.engine.transcript, live.transcript);
        assert_eq!(back.engine.log, live.log);
    }

    #[test]
    fn machine_changes_from_the_map_replay_exactly() {
        use crate::node_actions::Machine;
        let live = engine_after(&[
            Event::Run("kubectl create deployment web --image=nginx --replicas=6".into()),
            Event::Machine(Machine::Add),
            Event::Tick(5, 2),
            Event::Machine(Machine::Stop("timonel-worker".into())),
            Event::Tick(20, 20),
            Event::Machine(Machine::Remove("timonel-worker2".into())),
            Event::Machine(Machine::Remove("timonel-control-plane".into())),
            Event::Tick(5, 6),
            Event::Machine(Machine::Start("timonel-worker".into())),
        ]);
        let log = live.log.log(&live, TimeFlow::default());
        let json = to_json(&log);
        assert!(
            json.contains(r#"{"machine":"add"}"#)
                && json.contains(r#"{"machine":{"stop":"timonel-worker"}}"#),
            "{json}"
        );
        for back in [
            replay(&parse(&json).unwrap()),
            replay(&from_fragment(&to_fragment(&log)).unwrap().unwrap()),
        ] {
            assert!(back.matches);
            assert_eq!(snapshot(&back.engine), snapshot(&live));
            assert_eq!(back.engine.feed, live.feed, "the feed's machine lines too");
        }
    }

    #[test]
    fn a_share_link_carries_the_session_compactly() {
        let mut events = a_session();
        for i in 0..20 {
            events.push(Event::Run(format!("kubectl get pods -n team{i} -o wide")));
            events.push(Event::Tick(1, 3));
        }
        let live = engine_after(&events);
        let log = live.log.log(
            &live,
            TimeFlow {
                playing: false,
                speed: 5,
            },
        );
        let fragment = to_fragment(&log);
        let json = to_json(&log);
        assert!(
            fragment.len() < json.len(),
            "{} >= {}: {fragment}",
            fragment.len(),
            json.len()
        );
        let back = from_fragment(&fragment).unwrap().unwrap();
        assert_eq!(back, log);
        let replayed = replay(&back);
        assert!(replayed.matches);
        assert_eq!(replayed.time.speed, 5);
        assert!(!replayed.time.playing);
        assert_eq!(from_fragment("#other"), None);
    }

    #[test]
    fn files_edited_outside_the_shell_are_recorded_before_the_next_event() {
        let mut live = Engine::default();
        live.shell.files.write(
            "a.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n",
        );
        live.apply(Event::Run("kubectl apply -f a.yaml".into()));
        live.shell.files.remove("a.yaml");
        live.shell.files.write("b.txt", "hi\n");
        live.apply(Event::Tick(1, 1));
        assert_eq!(
            live.log.events()[0],
            Event::File(
                "a.yaml".into(),
                Some("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n".into())
            )
        );
        assert!(
            live.log
                .events()
                .contains(&Event::File("a.yaml".into(), None))
        );
        let back = replay(&live.log.log(&live, TimeFlow::default()));
        assert!(back.matches);
        assert_eq!(back.engine.shell.files, live.shell.files);
        assert_eq!(snapshot(&back.engine), snapshot(&live));
    }

    #[test]
    fn damaged_foreign_and_oversized_sessions_are_refused() {
        assert_eq!(parse("{"), Err(Refusal::Damaged));
        assert_eq!(parse("null"), Err(Refusal::Damaged));
        assert_eq!(parse(r#"{"format":1,"seed":"x"}"#), Err(Refusal::Damaged));
        assert_eq!(
            parse(r#"{"format":99,"seed":1}"#),
            Err(Refusal::OtherVersion)
        );
        assert_eq!(
            parse(r#"{"format":1,"seed":1,"events":[{"tick":[7,1]}]}"#),
            Err(Refusal::Damaged),
            "only the offered speeds"
        );
        assert_eq!(
            parse(r#"{"format":1,"seed":1,"events":[{"tick":[20,999999999]}]}"#),
            Err(Refusal::TooLarge)
        );
        assert_eq!(
            parse(r#"{"format":1,"seed":1,"events":[{"file":["../",null]}]}"#),
            Err(Refusal::Damaged)
        );
        assert!(parse(r#"{"format":1,"seed":7}"#).is_ok());
        let huge = format!(
            r#"{{"format":1,"seed":1,"events":[{{"run":"{}"}}]}}"#,
            "x".repeat(MAX_TEXT + 1)
        );
        assert_eq!(parse(&huge), Err(Refusal::TooLarge));
    }

    #[test]
    fn damaged_and_hostile_links_are_refused() {
        let good = to_fragment(&Recorder::default().log(&Engine::default(), TimeFlow::default()));
        assert!(from_fragment(&good).unwrap().is_ok());
        let cases = [
            "#s=",
            "#s=%%%",
            "#s=<img src=x onerror=alert(1)>",
            &good[..good.len() - 3],
            &format!("{good}AAAA"),
        ];
        for case in cases {
            assert_eq!(from_fragment(case), Some(Err(Refusal::Damaged)), "{case}");
        }
        let mut other = String::from("#s=");
        other.push_str(&share::base64url(&[2, 0, b'{']));
        assert_eq!(from_fragment(&other), Some(Err(Refusal::OtherVersion)));
        let huge = format!("#s={}", "A".repeat(MAX_LINK + 4));
        assert_eq!(from_fragment(&huge), Some(Err(Refusal::TooLarge)));
    }

    #[test]
    fn a_log_whose_replay_differs_says_so() {
        let live = engine_after(&a_session());
        let mut log = live.log.log(&live, TimeFlow::default());
        log.check = Some(Check {
            resource_version: 1,
            now: 0,
        });
        assert!(!replay(&log).matches);
    }

    #[test]
    fn commands_that_fail_replay_as_failures() {
        let log = Log {
            format: FORMAT,
            seed: 3,
            files: BTreeMap::new(),
            events: vec![
                Event::Run("kubectl delete ns nope".into()),
                Event::Run("<script>alert(1)</script>".into()),
            ],
            playing: None,
            speed: None,
            check: None,
            edit: None,
        };
        let back = replay(&log);
        assert_eq!(back.engine.transcript.len(), 2);
        assert!(back.engine.transcript[0].output.stderr.contains("NotFound"));
    }

    #[test]
    fn recording_stops_at_its_bounds_and_says_so() {
        let mut live = Engine::default();
        live.apply(Event::Run(format!("echo {}", "x".repeat(MAX_TEXT))));
        assert!(live.log.full);
        assert!(
            live.log.events().is_empty(),
            "the event past the bound is not kept"
        );
        live.apply(Event::Run("kubectl version".into()));
        assert!(live.log.events().is_empty());
        assert_eq!(live.log.log(&live, TimeFlow::default()).check, None);
    }

    #[test]
    fn the_page_restores_a_kept_session_and_keeps_the_history_it_had() {
        let live = engine_after(&a_session());
        let json = to_json(&live.log.log(&live, TimeFlow::default()));
        let history = History::from_entries(vec!["older".into()]);
        let boot = boot(Lang::Es, history.clone(), "", Some(&json));
        assert!(!boot.forget_stored);
        let engine = boot.playground.engine.borrow();
        assert_eq!(engine.notice, None);
        assert_eq!(engine.history, history);
        assert_eq!(snapshot(&engine), snapshot(&live));
        assert_eq!(boot.playground.lang, Lang::Es);
    }

    #[test]
    fn a_refused_kept_session_gives_a_fresh_cluster_and_a_notice() {
        let fresh = snapshot(&Engine::default());
        for (json, refusal) in [
            ("not json", Refusal::Damaged),
            (r#"{"format":2}"#, Refusal::OtherVersion),
        ] {
            let boot = boot(Lang::En, History::default(), "", Some(json));
            assert!(boot.forget_stored);
            let engine = boot.playground.engine.borrow();
            assert_eq!(engine.notice, Some(Notice::Stored(refusal)));
            assert_eq!(snapshot(&engine), fresh);
        }
    }

    #[test]
    fn a_link_wins_over_the_kept_session_and_a_bad_link_falls_back_to_it() {
        let shared = engine_after(&[Event::Run("kubectl create ns shared".into())]);
        let link = to_fragment(&shared.log.log(&shared, TimeFlow::default()));
        let own = engine_after(&[Event::Run("kubectl create ns own".into())]);
        let json = to_json(&own.log.log(&own, TimeFlow::default()));
        let opened = boot(Lang::En, History::default(), &link, Some(&json));
        let engine = opened.playground.engine.borrow();
        assert_eq!(engine.notice, Some(Notice::LinkOpened));
        assert_eq!(snapshot(&engine), snapshot(&shared));
        assert_eq!(engine.history.entries(), ["kubectl create ns shared"]);
        let refused = boot(Lang::En, History::default(), "#s=@@", Some(&json));
        let engine = refused.playground.engine.borrow();
        assert_eq!(engine.notice, Some(Notice::Link(Refusal::Damaged)));
        assert_eq!(snapshot(&engine), snapshot(&own));
    }
}
