//! The playground's one reducer: the shell (cluster and files), the terminal's transcript and
//! the UI choices.
//!
//! The engine (shell and transcript) sits behind `Rc<RefCell<…>>` so an action mutates it in
//! place instead of cloning it; `revision` tells components that something changed.

use crate::editor_state::{EditorAction, EditorState};
use crate::history::History;
use crate::i18n::Lang;
use crate::session::{Event, Recorder};
use sim::views::Activity;
use sim::views_why::ObjRef;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use yew::prelude::*;

/// One command typed at the prompt and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    pub line: String,
    pub output: kubectl::Output,
    /// Ctrl-C abandoned the line: it shows with `^C` and did not run.
    pub interrupted: bool,
}

/// How many lines of control-plane activity the page keeps.
pub const FEED_LIMIT: usize = 600;

/// What the page owns besides the UI choices.
#[derive(Debug, Default)]
pub struct Engine {
    /// kubectl's shell: the cluster and the playground's files.
    pub shell: kubectl::Shell,
    pub transcript: Vec<Entry>,
    pub history: History,
    /// The newest control-plane activity, oldest first.
    pub feed: VecDeque<Activity>,
    /// The editor's tabs and what the last Apply of each file reported.
    pub editor: EditorState,
    /// The session's log, for keeping and sharing it (see `session.rs`).
    pub log: crate::session::Recorder,
    /// What the session bar has to tell the user, if anything.
    pub notice: Option<crate::session::Notice>,
    pub(crate) next_id: u64,
    /// How many times the cluster was reset: with the api-server's resourceVersion, what the
    /// views the page keeps (`use_memo`) depend on.
    pub generation: u64,
}

/// The engine's share of an action (running a command, moving time), as the `timonel:engine`
/// performance measure the e2e suite prints beside the whole round trip.
fn timed<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(target_arch = "wasm32")]
    let performance = web_sys::window().and_then(|w| w.performance());
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = &performance {
        let _ = p.mark("timonel:engine-start");
    }
    let out = f();
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = &performance {
        let _ = p.measure_with_start_mark("timonel:engine", "timonel:engine-start");
    }
    out
}

impl Engine {
    /// Brings the activity feed up to date with the api-server's log.
    pub(crate) fn follow_activity(&mut self) {
        let after = self.feed.back().map_or(0, |a| a.resource_version);
        let fresh = self.shell.cluster.activity_since(after);
        let skip = fresh.len().saturating_sub(FEED_LIMIT);
        self.feed.extend(fresh.into_iter().skip(skip));
        let excess = self.feed.len().saturating_sub(FEED_LIMIT);
        self.feed.drain(..excess);
    }

    pub(crate) fn record(&mut self, line: String, output: kubectl::Output, interrupted: bool) {
        let id = self.next_id;
        self.next_id += 1;
        self.transcript.push(Entry {
            id,
            line,
            output,
            interrupted,
        });
    }

    /// Runs what was typed or pasted at the prompt, command by command (a heredoc belongs to
    /// its command): the terminal's own `clear`, or the shell.
    pub(crate) fn run(&mut self, text: String) {
        if text.trim() == "clear" {
            self.history.push(&text);
            self.transcript.clear();
            return;
        }
        let steps = self.shell.run_each(&text);
        self.show_steps(text, steps);
    }

    /// Puts what the shell ran in the history and on the screen.
    pub(crate) fn show_steps(&mut self, text: String, steps: Vec<kubectl::Step>) {
        if steps.is_empty() {
            // A blank line: the prompt moves down, as in a terminal.
            self.record(text, kubectl::Output::default(), false);
        }
        for step in steps {
            self.history.push(&step.command);
            self.record(step.command, step.output, false);
        }
        self.follow_activity();
    }
}

/// Cluster seconds that pass on each tick of the page's timer (one per real second) at 1×.
pub const TICK_SECONDS: u64 = 1;

/// The speeds the time controls offer: cluster seconds per real second.
pub const SPEEDS: [u64; 3] = [1, 5, 20];

/// How cluster time moves: running or paused, and how fast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeFlow {
    pub playing: bool,
    pub speed: u64,
}

impl Default for TimeFlow {
    fn default() -> Self {
        TimeFlow {
            playing: true,
            speed: 1,
        }
    }
}

impl TimeFlow {
    /// Cluster time one tick (or one step) moves.
    pub fn step(self) -> sim::Duration {
        sim::Duration::seconds(TICK_SECONDS * self.speed)
    }
}

#[derive(Clone, Debug)]
pub struct Playground {
    pub engine: Rc<RefCell<Engine>>,
    pub revision: u64,
    pub lang: Lang,
    pub time: TimeFlow,
    /// The object the inspector shows, if it is open (a UI choice: not part of the session).
    pub inspected: Option<ObjRef>,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine)
            && self.revision == other.revision
            && self.lang == other.lang
            && self.time == other.time
            && self.inspected == other.inspected
    }
}

pub enum Action {
    /// A line typed at the prompt.
    RunCommand(String),
    /// Ctrl-C at the prompt: the line is abandoned.
    Interrupt(String),
    /// Ctrl-L: clear the screen (history stays).
    ClearScreen,
    /// The page's timer (once a real second): cluster time passes if it is playing.
    Tick,
    /// The Step button: one tick's worth of cluster time passes, playing or paused.
    Step,
    SetPlaying(bool),
    /// Cluster seconds per real second (one of [`SPEEDS`]).
    SetSpeed(u64),
    /// A fresh cluster (same configuration and seed); the files stay unless `delete_files`.
    Reset {
        delete_files: bool,
    },
    SetLang(Lang),
    /// The editor: tabs, edits (saved into the shell's files), Apply.
    Editor(EditorAction),
    /// Shows (or, with `None`, dismisses) a message about keeping and sharing the session.
    Notify(Option<crate::session::Notice>),
    /// Opens the inspector on an object, or closes it (`None`).
    Inspect(Option<ObjRef>),
    /// A node's machine added, removed, stopped or started from the map.
    Machine(crate::node_actions::Machine),
}

impl Playground {
    pub fn new(lang: Lang, history: History) -> Self {
        let mut engine = Engine {
            history,
            ..Engine::default()
        };
        engine.follow_activity();
        Playground {
            engine: Rc::new(RefCell::new(engine)),
            revision: 0,
            lang,
            time: TimeFlow::default(),
            inspected: None,
        }
    }

    /// The same playground, marked as changed.
    fn touched(&self) -> Rc<Self> {
        Rc::new(Playground {
            revision: self.revision + 1,
            ..self.clone()
        })
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            // Through the session's log (`session.rs`), so that a reload can replay them.
            // Through `command`, which may open the editor for `kubectl edit` (editor_state.rs).
            Action::RunCommand(line) => {
                timed(|| self.engine.borrow_mut().command(line));
                self.touched()
            }
            Action::Interrupt(line) => {
                let mut engine = self.engine.borrow_mut();
                if engine.editor.edit.is_some() {
                    // Ctrl-C while kubectl edit waits stops kubectl.
                    engine.answer_edit(kubectl::Answer::Interrupt);
                } else {
                    engine.apply(Event::Int(line));
                }
                drop(engine);
                self.touched()
            }
            Action::ClearScreen => {
                self.engine.borrow_mut().apply(Event::Clear);
                self.touched()
            }
            Action::Machine(change) => {
                self.engine.borrow_mut().apply(Event::Machine(change));
                self.touched()
            }
            Action::Tick if !self.time.playing => self,
            // Simplification: cluster time stands still while `kubectl edit` waits in the
            // editor (real kubectl's cluster goes on and kubectl sends a patch; here the edit
            // happens in one instant, so its replay is exact).
            Action::Tick | Action::Step if self.engine.borrow().editor.edit.is_some() => self,
            Action::Tick | Action::Step => {
                let seconds = TICK_SECONDS * self.time.speed;
                timed(|| self.engine.borrow_mut().apply(Event::Tick(seconds, 1)));
                self.touched()
            }
            Action::Notify(notice) => {
                self.engine.borrow_mut().notice = notice;
                self.touched()
            }
            Action::SetPlaying(playing) => Rc::new(Playground {
                time: TimeFlow {
                    playing,
                    ..self.time
                },
                ..(*self).clone()
            }),
            Action::SetSpeed(speed) if SPEEDS.contains(&speed) => Rc::new(Playground {
                time: TimeFlow { speed, ..self.time },
                ..(*self).clone()
            }),
            Action::SetSpeed(_) => self,
            Action::Reset { delete_files } => {
                let mut engine = self.engine.borrow_mut();
                let config = engine.shell.cluster.config().clone();
                let seed = config.seed;
                let files = if delete_files {
                    kubectl::Files::new()
                } else {
                    std::mem::take(&mut engine.shell.files)
                };
                engine.shell = kubectl::Shell::new(sim::Cluster::new(config));
                engine.shell.files = files;
                engine.log = Recorder::new(seed, &engine.shell.files);
                engine.transcript.clear();
                engine.editor.edit = None;
                engine.feed.clear();
                engine.generation += 1;
                engine.follow_activity();
                drop(engine);
                self.touched()
            }
            Action::Editor(action) => {
                self.engine.borrow_mut().editor_action(action);
                self.touched()
            }
            Action::Inspect(inspected) => Rc::new(Playground {
                inspected,
                ..(*self).clone()
            }),
            Action::SetLang(lang) => Rc::new(Playground {
                lang,
                ..(*self).clone()
            }),
        }
    }
}

/// The playground and a way to change it, as every component receives them.
pub type PlaygroundHandle = UseReducerHandle<Playground>;

/// The playground from the nearest provider (the app's root).
#[hook]
pub fn use_playground() -> PlaygroundHandle {
    use_context::<PlaygroundHandle>().expect("components are rendered inside the App provider")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playground() -> Rc<Playground> {
        Rc::new(Playground::new(Lang::En, History::default()))
    }

    #[test]
    fn running_a_command_records_it_with_its_output() {
        let state = playground();
        let next = state.reduce(Action::RunCommand("kubectl version --client".into()));
        assert_eq!(next.revision, 1);
        let engine = next.engine.borrow();
        assert_eq!(engine.transcript.len(), 1);
        assert_eq!(engine.transcript[0].line, "kubectl version --client");
        assert!(
            engine.transcript[0]
                .output
                .stdout
                .starts_with("Client Version: v1.36.4")
        );
    }

    #[test]
    fn commands_go_into_the_history_and_clear_empties_the_screen_only() {
        let state = playground()
            .reduce(Action::RunCommand("kubectl version".into()))
            .reduce(Action::RunCommand("clear".into()));
        let engine = state.engine.borrow();
        assert!(engine.transcript.is_empty());
        assert_eq!(engine.history.entries(), ["kubectl version", "clear"]);
    }

    #[test]
    fn an_interrupted_line_shows_but_neither_runs_nor_enters_the_history() {
        let state = playground().reduce(Action::Interrupt("kubectl versio".into()));
        let engine = state.engine.borrow();
        assert!(engine.transcript[0].interrupted);
        assert_eq!(engine.transcript[0].output, kubectl::Output::default());
        assert!(engine.history.entries().is_empty());
    }

    #[test]
    fn ctrl_l_clears_the_screen_and_keeps_the_history() {
        let state = playground()
            .reduce(Action::RunCommand("kubectl version".into()))
            .reduce(Action::ClearScreen);
        let engine = state.engine.borrow();
        assert!(engine.transcript.is_empty());
        assert_eq!(engine.history.entries(), ["kubectl version"]);
    }

    #[test]
    fn a_tick_moves_the_cluster_clock() {
        let state = playground();
        let before = state.engine.borrow().shell.cluster.now();
        let state = state.reduce(Action::Tick);
        let after = state.engine.borrow().shell.cluster.now();
        assert_eq!(after, before.plus(sim::Duration::seconds(TICK_SECONDS)));
    }

    #[test]
    fn paused_time_stands_still_until_a_step_and_speed_multiplies_it() {
        let state = playground().reduce(Action::SetPlaying(false));
        let start = state.engine.borrow().shell.cluster.now();
        let state = state.reduce(Action::Tick);
        assert_eq!(state.engine.borrow().shell.cluster.now(), start);
        let state = state.reduce(Action::SetSpeed(20)).reduce(Action::Step);
        assert_eq!(
            state.engine.borrow().shell.cluster.now(),
            start.plus(sim::Duration::seconds(20))
        );
        let state = state.reduce(Action::SetSpeed(7));
        assert_eq!(state.time.speed, 20, "only the offered speeds");
        let state = state.reduce(Action::SetPlaying(true)).reduce(Action::Tick);
        assert_eq!(
            state.engine.borrow().shell.cluster.now(),
            start.plus(sim::Duration::seconds(40))
        );
    }

    #[test]
    fn reset_gives_a_fresh_cluster_and_keeps_files_unless_asked() {
        let state = playground().reduce(Action::RunCommand(
            "kubectl create namespace dev\necho hi > notes.txt".into(),
        ));
        let state = state.reduce(Action::Reset {
            delete_files: false,
        });
        {
            let mut engine = state.engine.borrow_mut();
            assert!(engine.transcript.is_empty());
            assert_eq!(engine.shell.files.read("notes.txt"), Some("hi\n"));
            let out = engine.shell.run("kubectl get ns dev");
            assert_eq!(
                out.stderr,
                "Error from server (NotFound): namespaces \"dev\" not found\n"
            );
            assert_eq!(engine.history.entries().len(), 2, "history stays");
        }
        let state = state.reduce(Action::Reset { delete_files: true });
        assert_eq!(state.engine.borrow().shell.files.read("notes.txt"), None);
    }

    #[test]
    fn the_feed_starts_with_what_the_components_did_to_boot_the_cluster() {
        let state = playground();
        let engine = state.engine.borrow();
        assert!(!engine.feed.is_empty() && engine.feed.len() <= FEED_LIMIT);
        let versions: Vec<u64> = engine.feed.iter().map(|a| a.resource_version).collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]));
        assert!(engine.feed.iter().any(|a| a.component == "kubelet"));
    }

    #[test]
    fn a_pasted_heredoc_writes_a_file_that_apply_reads() {
        let state = playground().reduce(Action::RunCommand(
            "cat <<EOF > cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\nEOF\nkubectl apply -f cm.yaml".into(),
        ));
        let engine = state.engine.borrow();
        assert!(engine.shell.files.read("cm.yaml").is_some());
        let last = engine.transcript.last().unwrap();
        assert_eq!(last.line, "kubectl apply -f cm.yaml");
        assert_eq!(last.output.stdout, "configmap/demo created\n");
        assert_eq!(engine.transcript.len(), 2, "one entry per command");
    }

    fn node_status(state: &Playground, name: &str) -> Option<String> {
        let engine = state.engine.borrow();
        let nodes = engine.shell.cluster.node_views();
        nodes.into_iter().find(|n| n.name == name).map(|n| n.status)
    }

    #[test]
    fn a_machine_added_from_the_map_registers_a_ready_node_that_takes_pods() {
        use crate::node_actions::Machine;
        let state = playground()
            .reduce(Action::Machine(Machine::Add))
            .reduce(Action::RunCommand(
                "kubectl cordon timonel-worker timonel-worker2".into(),
            ))
            .reduce(Action::RunCommand(
                "kubectl create deployment web --image=nginx --replicas=2".into(),
            ));
        assert_eq!(state.revision, 3);
        for _ in 0..10 {
            state.engine.borrow_mut().apply(Event::Tick(1, 1));
        }
        assert_eq!(
            node_status(&state, "timonel-worker3").as_deref(),
            Some("Ready")
        );
        let engine = state.engine.borrow();
        let nodes = engine.shell.cluster.node_views();
        let added = nodes.iter().find(|n| n.name == "timonel-worker3").unwrap();
        let web: Vec<_> = added
            .pods
            .iter()
            .filter(|p| p.name.starts_with("web-"))
            .collect();
        assert_eq!(web.len(), 2, "the only schedulable worker takes them");
        assert!(web.iter().all(|p| p.status == "Running"));
    }

    #[test]
    fn a_stopped_kubelet_turns_its_node_not_ready_and_a_removed_machine_takes_it_away() {
        use crate::node_actions::Machine;
        let state = playground().reduce(Action::Machine(Machine::Stop("timonel-worker".into())));
        assert!(
            state
                .engine
                .borrow()
                .shell
                .cluster
                .kubelet_stopped("timonel-worker")
        );
        let state = state.reduce(Action::SetSpeed(20));
        let mut state = state;
        for _ in 0..4 {
            state = state.reduce(Action::Tick);
        }
        assert_eq!(
            node_status(&state, "timonel-worker").as_deref(),
            Some("NotReady")
        );
        let state = state.reduce(Action::Machine(Machine::Start("timonel-worker".into())));
        assert_eq!(
            node_status(&state, "timonel-worker").as_deref(),
            Some("Ready")
        );
        let state = state
            .reduce(Action::Machine(Machine::Remove("timonel-worker".into())))
            .reduce(Action::Machine(Machine::Remove(
                "timonel-control-plane".into(),
            )));
        assert_eq!(node_status(&state, "timonel-worker"), None);
        assert_eq!(
            node_status(&state, "timonel-control-plane").as_deref(),
            Some("Ready"),
            "the control plane stays"
        );
        let engine = state.engine.borrow();
        let machine: Vec<&str> = engine
            .feed
            .iter()
            .filter(|a| a.component == crate::node_actions::MACHINE)
            .map(|a| a.verb)
            .collect();
        assert_eq!(machine, ["kubelet stop", "kubelet start", "machine remove"]);
    }

    #[test]
    fn switching_language_keeps_the_cluster() {
        let state = playground();
        let engine = state.engine.clone();
        let next = state.reduce(Action::SetLang(Lang::Es));
        assert_eq!(next.lang, Lang::Es);
        assert!(Rc::ptr_eq(&next.engine, &engine));
    }
}
