//! The playground's one reducer: the cluster, the terminal's transcript and the UI choices.
//!
//! The engine (cluster and transcript) sits behind `Rc<RefCell<…>>` so an action mutates it in
//! place instead of cloning it; `revision` tells components that something changed.

use crate::i18n::Lang;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// One command typed at the prompt and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    pub line: String,
    pub output: kubectl::Output,
}

/// What the page owns besides the UI choices.
#[derive(Debug, Default)]
pub struct Engine {
    pub cluster: sim::Cluster,
    pub transcript: Vec<Entry>,
}

#[derive(Clone, Debug)]
pub struct Playground {
    pub engine: Rc<RefCell<Engine>>,
    pub revision: u64,
    pub lang: Lang,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine)
            && self.revision == other.revision
            && self.lang == other.lang
    }
}

pub enum Action {
    /// A line typed at the prompt.
    RunCommand(String),
    SetLang(Lang),
}

impl Playground {
    pub fn new(lang: Lang) -> Self {
        Playground {
            engine: Rc::default(),
            revision: 0,
            lang,
        }
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::RunCommand(line) => {
                {
                    let mut engine = self.engine.borrow_mut();
                    let engine = &mut *engine;
                    let output = kubectl::run_line(&mut engine.cluster, &line);
                    let id = engine.transcript.len() as u64;
                    engine.transcript.push(Entry { id, line, output });
                }
                Rc::new(Playground {
                    revision: self.revision + 1,
                    ..(*self).clone()
                })
            }
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

    #[test]
    fn running_a_command_records_it_with_its_output() {
        let state = Rc::new(Playground::new(Lang::En));
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
    fn switching_language_keeps_the_cluster() {
        let state = Rc::new(Playground::new(Lang::En));
        let engine = state.engine.clone();
        let next = state.reduce(Action::SetLang(Lang::Es));
        assert_eq!(next.lang, Lang::Es);
        assert!(Rc::ptr_eq(&next.engine, &engine));
    }
}
