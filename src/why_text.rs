//! The inspector's "why" panel in plain words, English and Spanish: sentences built from the
//! plain data of `sim::views_why` (every sentence exists in both languages: a `match` on the
//! language is exhaustive). kubectl's and the cluster's own messages stay in English.

use crate::i18n::Lang;
use sim::views_why::{ContainerWhy, Exit, PendingWhy, Problem, Reason, Verdict};

/// A quantity in thousandths as a person reads it: cpu in cores or millicores, memory in
/// MiB/GiB.
pub fn amount(resource: &str, milli: i128) -> String {
    match resource {
        "cpu" if milli % 1000 == 0 => format!("{}", milli / 1000),
        "cpu" => format!("{milli}m"),
        "memory" => {
            let bytes = milli / 1000;
            let mib = bytes / (1024 * 1024);
            if mib >= 1024 && mib % 1024 == 0 {
                format!("{}Gi", mib / 1024)
            } else if mib > 0 {
                format!("{mib}Mi")
            } else {
                format!("{bytes}")
            }
        }
        _ => format!("{}", milli / 1000),
    }
}

/// One filter's reason, as a sentence about the node.
pub fn reason(lang: Lang, r: &Reason) -> String {
    match (lang, r) {
        (
            _,
            Reason::Insufficient {
                resource,
                requested,
                in_use,
                allocatable,
            },
        ) => {
            let free = (allocatable - in_use).max(0);
            let (req, free, all) = (
                amount(resource, *requested),
                amount(resource, free),
                amount(resource, *allocatable),
            );
            match (lang, *in_use == 0) {
                (Lang::En, true) => format!(
                    "not enough {resource}: the pod asks for {req}, and the node has {all} in all"
                ),
                (Lang::Es, true) => format!(
                    "no hay suficiente {resource}: el pod pide {req} y el nodo tiene {all} en total"
                ),
                (Lang::En, false) => format!(
                    "not enough {resource}: the pod asks for {req}, but only {free} of the node's {all} is still free (other pods' requests hold the rest)"
                ),
                (Lang::Es, false) => format!(
                    "no hay suficiente {resource}: el pod pide {req}, pero solo quedan {free} libres de los {all} del nodo (el resto lo reservan otros pods)"
                ),
            }
        }
        (Lang::En, Reason::TooManyPods { max }) => {
            format!("the node already runs its maximum of {max} pods")
        }
        (Lang::Es, Reason::TooManyPods { max }) => {
            format!("el nodo ya ejecuta su máximo de {max} pods")
        }
        (Lang::En, Reason::UntoleratedTaint { key, value }) => {
            format!(
                "the node has the taint {}, which the pod does not tolerate",
                taint(key, value)
            )
        }
        (Lang::Es, Reason::UntoleratedTaint { key, value }) => {
            format!(
                "el nodo tiene el taint {}, que el pod no tolera",
                taint(key, value)
            )
        }
        (Lang::En, Reason::Cordoned) => "the node is cordoned (marked unschedulable)".into(),
        (Lang::Es, Reason::Cordoned) => {
            "el nodo está acordonado (marcado como no programable)".into()
        }
        (Lang::En, Reason::OtherNodeName) => "the pod asks for another node by name".into(),
        (Lang::Es, Reason::OtherNodeName) => "el pod pide otro nodo por su nombre".into(),
        (Lang::En, Reason::NodeSelectorMismatch) => {
            "the node's labels do not match the pod's nodeSelector or node affinity".into()
        }
        (Lang::Es, Reason::NodeSelectorMismatch) => {
            "las etiquetas del nodo no coinciden con el nodeSelector o la afinidad de nodo del pod"
                .into()
        }
        (Lang::En, Reason::TopologySpread) => {
            "placing it here would break the pod's topology spread constraints".into()
        }
        (Lang::Es, Reason::TopologySpread) => {
            "ponerlo aquí rompería las restricciones de reparto topológico del pod".into()
        }
        (Lang::En, Reason::PodAffinity) => "no pod here matches the pod's affinity rules".into(),
        (Lang::Es, Reason::PodAffinity) => {
            "ningún pod de aquí cumple las reglas de afinidad del pod".into()
        }
        (Lang::En, Reason::PodAntiAffinity) => {
            "anti-affinity rules keep it away from pods already here".into()
        }
        (Lang::Es, Reason::PodAntiAffinity) => {
            "las reglas de antiafinidad lo alejan de pods que ya están aquí".into()
        }
        (Lang::En, Reason::Other(m)) => format!("the scheduler says: {m}"),
        (Lang::Es, Reason::Other(m)) => format!("el planificador dice: {m}"),
    }
}

fn taint(key: &str, value: &str) -> String {
    if value.is_empty() {
        key.to_string()
    } else {
        format!("{key}={value}")
    }
}

/// What the scheduler decided about one node, in words.
pub fn verdict(lang: Lang, v: &Verdict) -> String {
    match (lang, v) {
        (Lang::En, Verdict::Fits { score }) => format!("fits (score {score})"),
        (Lang::Es, Verdict::Fits { score }) => format!("cabe (puntuación {score})"),
        (_, Verdict::Rejected { reasons, .. }) if reasons.is_empty() => match lang {
            Lang::En => "rejected".into(),
            Lang::Es => "descartado".into(),
        },
        (_, Verdict::Rejected { reasons, .. }) => reasons
            .iter()
            .map(|r| reason(lang, r))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// What to try for a Pending pod, one tip per kind of reason met, in order.
pub fn pending_tips(lang: Lang, why: &PendingWhy, pod: &str) -> Vec<String> {
    let mut tips: Vec<String> = Vec::new();
    let mut add = |t: String| {
        if !tips.contains(&t) {
            tips.push(t);
        }
    };
    if why.gated {
        add(match lang {
            Lang::En => {
                "Remove the scheduling gates from spec.schedulingGates when the pod may start."
                    .into()
            }
            Lang::Es => {
                "Quita las puertas de spec.schedulingGates cuando el pod pueda arrancar.".into()
            }
        });
    }
    if let Some(name) = &why.other_scheduler {
        add(match lang {
            Lang::En => format!(
                "Only the default scheduler runs here: remove schedulerName \"{name}\" from the pod's spec."
            ),
            Lang::Es => format!(
                "Aquí solo funciona el planificador por defecto: quita schedulerName \"{name}\" del spec del pod."
            ),
        });
    }
    let reasons = why
        .attempt
        .iter()
        .flat_map(|a| &a.nodes)
        .flat_map(|n| match &n.verdict {
            Verdict::Rejected { reasons, .. } => reasons.as_slice(),
            Verdict::Fits { .. } => &[],
        });
    for r in reasons {
        match r {
            Reason::Insufficient { resource, .. } => add(match lang {
                Lang::En => format!("Ask for less {resource} in resources.requests (no node has that much room), or free room by deleting or scaling down other pods."),
                Lang::Es => format!("Pide menos {resource} en resources.requests (ningún nodo tiene tanto sitio), o libera sitio borrando o reduciendo otros pods."),
            }),
            Reason::TooManyPods { .. } => add(match lang {
                Lang::En => "Delete pods you no longer need, or scale something down.".into(),
                Lang::Es => "Borra pods que ya no necesites, o reduce alguna carga.".into(),
            }),
            Reason::UntoleratedTaint { key, .. } if key == "node-role.kubernetes.io/control-plane" => add(match lang {
                Lang::En => "The control-plane node keeps ordinary pods off on purpose (its taint); this is expected.".into(),
                Lang::Es => "El nodo del plano de control aparta a propósito los pods normales (su taint); es lo esperado.".into(),
            }),
            Reason::UntoleratedTaint { key, .. } => add(match lang {
                Lang::En => format!("Add a toleration for {key} to the pod, or remove the taint: kubectl taint nodes NODE {key}-"),
                Lang::Es => format!("Añade al pod una tolerancia para {key}, o quita el taint: kubectl taint nodes NODO {key}-"),
            }),
            Reason::Cordoned => add(match lang {
                Lang::En => "Let the node take pods again: kubectl uncordon NODE".into(),
                Lang::Es => "Deja que el nodo vuelva a aceptar pods: kubectl uncordon NODO".into(),
            }),
            Reason::NodeSelectorMismatch => add(match lang {
                Lang::En => "Compare the pod's nodeSelector/affinity with the nodes' labels: kubectl get nodes --show-labels".into(),
                Lang::Es => "Compara el nodeSelector o la afinidad del pod con las etiquetas de los nodos: kubectl get nodes --show-labels".into(),
            }),
            Reason::OtherNodeName => add(match lang {
                Lang::En => "Check spec.nodeName: it names a node that does not fit.".into(),
                Lang::Es => "Revisa spec.nodeName: nombra un nodo donde no cabe.".into(),
            }),
            Reason::TopologySpread | Reason::PodAffinity | Reason::PodAntiAffinity => add(match lang {
                Lang::En => "Review the pod's affinity and topologySpreadConstraints against where its peers run.".into(),
                Lang::Es => "Revisa la afinidad y topologySpreadConstraints del pod frente a dónde corren sus compañeros.".into(),
            }),
            Reason::Other(_) => {}
        }
    }
    add(match lang {
        Lang::En => format!("See the scheduler's events: kubectl describe pod {pod}"),
        Lang::Es => format!("Mira los eventos del planificador: kubectl describe pod {pod}"),
    });
    tips
}

fn exit_words(lang: Lang, e: &Exit) -> String {
    let reason = e
        .reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    match (lang, e.signal) {
        (Lang::En, Some(s)) if s != 0 => format!("killed by signal {s}{reason}"),
        (Lang::Es, Some(s)) if s != 0 => format!("terminado por la señal {s}{reason}"),
        (Lang::En, _) => format!("exit code {}{reason}", e.code),
        (Lang::Es, _) => format!("código de salida {}{reason}", e.code),
    }
}

/// What happened to one container, as one sentence.
pub fn what_happened(lang: Lang, c: &ContainerWhy) -> String {
    let who = match (lang, c.init) {
        (Lang::En, false) => format!("Container {} ({})", c.container, c.image),
        (Lang::En, true) => format!("Init container {} ({})", c.container, c.image),
        (Lang::Es, false) => format!("El contenedor {} ({})", c.container, c.image),
        (Lang::Es, true) => format!("El contenedor de inicio {} ({})", c.container, c.image),
    };
    let n = c.restarts;
    match (lang, &c.problem) {
        (Lang::En, Problem::CrashLoop { last_exit, .. }) => {
            let last = last_exit
                .as_ref()
                .map(|e| format!(", last with {}", exit_words(lang, e)))
                .unwrap_or_default();
            format!(
                "{who} keeps exiting{last}. It has been restarted {n} times, and the kubelet waits longer before each restart (up to 5 minutes): that wait is CrashLoopBackOff."
            )
        }
        (Lang::Es, Problem::CrashLoop { last_exit, .. }) => {
            let last = last_exit
                .as_ref()
                .map(|e| format!(", la última vez con {}", exit_words(lang, e)))
                .unwrap_or_default();
            format!(
                "{who} termina una y otra vez{last}. Se ha reiniciado {n} veces y el kubelet espera más antes de cada reinicio (hasta 5 minutos): esa espera es CrashLoopBackOff."
            )
        }
        (Lang::En, Problem::Failed { exit }) => {
            format!(
                "{who} ended with {} and is not restarted (the pod's restartPolicy).",
                exit_words(lang, exit)
            )
        }
        (Lang::Es, Problem::Failed { exit }) => {
            format!(
                "{who} terminó con {} y no se reinicia (por la restartPolicy del pod).",
                exit_words(lang, exit)
            )
        }
        (Lang::En, Problem::ImagePull { back_off, .. }) => {
            let wait = if *back_off {
                " The kubelet now waits longer between tries: that wait is ImagePullBackOff."
            } else {
                ""
            };
            format!("{who} cannot start: the image could not be pulled.{wait}")
        }
        (Lang::Es, Problem::ImagePull { back_off, .. }) => {
            let wait = if *back_off {
                " Ahora el kubelet espera más entre intentos: esa espera es ImagePullBackOff."
            } else {
                ""
            };
            format!("{who} no puede arrancar: no se pudo descargar la imagen.{wait}")
        }
        (Lang::En, Problem::ImageNeverPull { .. }) => format!(
            "{who} cannot start: its imagePullPolicy is Never and the image is not on the node."
        ),
        (Lang::Es, Problem::ImageNeverPull { .. }) => format!(
            "{who} no puede arrancar: su imagePullPolicy es Never y la imagen no está en el nodo."
        ),
        (Lang::En, Problem::InvalidImageName { .. }) => {
            format!("{who} cannot start: the image name is not valid.")
        }
        (Lang::Es, Problem::InvalidImageName { .. }) => {
            format!("{who} no puede arrancar: el nombre de la imagen no es válido.")
        }
        (Lang::En, Problem::ConfigError { .. }) => format!(
            "{who} cannot be created: something it refers to (a ConfigMap, a Secret or a key in one) is missing."
        ),
        (Lang::Es, Problem::ConfigError { .. }) => format!(
            "{who} no se puede crear: falta algo a lo que hace referencia (un ConfigMap, un Secret o una clave de uno)."
        ),
        (Lang::En, Problem::StartError { reason, .. }) => {
            format!("{who} cannot start: the container runtime failed ({reason}).")
        }
        (Lang::Es, Problem::StartError { reason, .. }) => {
            format!("{who} no puede arrancar: falló el entorno de contenedores ({reason}).")
        }
    }
}

/// The cluster's own message for a container's problem, if it has one (stays in English).
pub fn cluster_message(c: &ContainerWhy) -> Option<&str> {
    match &c.problem {
        Problem::CrashLoop { message, .. }
        | Problem::ImagePull { message, .. }
        | Problem::ImageNeverPull { message }
        | Problem::InvalidImageName { message }
        | Problem::ConfigError { message }
        | Problem::StartError { message, .. } => message.as_deref(),
        Problem::Failed { .. } => None,
    }
}

/// What to try about one container's problem.
pub fn container_tips(lang: Lang, pod: &str, c: &ContainerWhy) -> Vec<String> {
    let name = &c.container;
    let logs = match lang {
        Lang::En => format!(
            "Read what it printed before it stopped: kubectl logs {pod} -c {name} --previous; and how it ended, with the kubelet's events: kubectl describe pod {pod}"
        ),
        Lang::Es => format!(
            "Lee lo que escribió antes de parar: kubectl logs {pod} -c {name} --previous; y cómo terminó, con los eventos del kubelet: kubectl describe pod {pod}"
        ),
    };
    let exit = match &c.problem {
        Problem::CrashLoop { last_exit, .. } => last_exit.as_ref(),
        Problem::Failed { exit } => Some(exit),
        _ => None,
    };
    match &c.problem {
        Problem::CrashLoop { .. } | Problem::Failed { .. } => {
            let mut tips = vec![logs];
            if exit.is_some_and(|e| e.reason.as_deref() == Some("OOMKilled") || e.code == 137) {
                tips.push(match lang {
                    Lang::En => "It was killed for using too much memory (or by SIGKILL): raise resources.limits.memory.".into(),
                    Lang::Es => "Se terminó por usar demasiada memoria (o por SIGKILL): sube resources.limits.memory.".into(),
                });
            }
            tips.push(match lang {
                Lang::En => "Check its command and args: a container runs only as long as its main process, so a command that ends (like false, or a script that finishes) makes it exit.".into(),
                Lang::Es => "Revisa su command y args: un contenedor vive lo que vive su proceso principal, así que un comando que termina (como false, o un script que acaba) lo hace salir.".into(),
            });
            tips
        }
        Problem::ImagePull { .. } | Problem::InvalidImageName { .. } => vec![
            match lang {
                Lang::En => format!("Check the image name and tag for typos: \"{}\".", c.image),
                Lang::Es => format!("Revisa que el nombre y la etiqueta de la imagen no tengan erratas: \"{}\".", c.image),
            },
            match lang {
                Lang::En => format!("Fix it in the manifest and apply it again, or: kubectl set image pod/{pod} {name}=IMAGE"),
                Lang::Es => format!("Corrígela en el manifiesto y vuelve a aplicarlo, o: kubectl set image pod/{pod} {name}=IMAGEN"),
            },
        ],
        Problem::ImageNeverPull { .. } => vec![match lang {
            Lang::En => "Set imagePullPolicy to IfNotPresent so the kubelet may pull the image.".into(),
            Lang::Es => "Pon imagePullPolicy a IfNotPresent para que el kubelet pueda descargar la imagen.".into(),
        }],
        Problem::ConfigError { .. } => vec![match lang {
            Lang::En => "Create the missing ConfigMap or Secret (the message below names it); the kubelet retries on its own.".into(),
            Lang::Es => "Crea el ConfigMap o Secret que falta (el mensaje de abajo lo nombra); el kubelet lo reintenta solo.".into(),
        }],
        Problem::StartError { .. } => vec![
            match lang {
                Lang::En => "Check that the command exists in the image.".into(),
                Lang::Es => "Comprueba que el comando existe en la imagen.".into(),
            },
            logs,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_as_a_person_writes_them() {
        assert_eq!(amount("cpu", 100_000), "100");
        assert_eq!(amount("cpu", 250), "250m");
        assert_eq!(amount("memory", 512 * 1024 * 1024 * 1000), "512Mi");
        assert_eq!(amount("memory", 8 * 1024 * 1024 * 1024 * 1000), "8Gi");
    }

    #[test]
    fn reasons_read_as_sentences_in_both_languages() {
        let r = Reason::Insufficient {
            resource: "cpu".into(),
            requested: 100_000,
            in_use: 850,
            allocatable: 4_000,
        };
        assert_eq!(
            reason(Lang::En, &r),
            "not enough cpu: the pod asks for 100, but only 3150m of the node's 4 is still free (other pods' requests hold the rest)"
        );
        assert!(reason(Lang::Es, &r).starts_with("no hay suficiente cpu"));
        let t = Reason::UntoleratedTaint {
            key: "node-role.kubernetes.io/control-plane".into(),
            value: String::new(),
        };
        assert_eq!(
            reason(Lang::En, &t),
            "the node has the taint node-role.kubernetes.io/control-plane, which the pod does not tolerate"
        );
        assert_ne!(reason(Lang::En, &t), reason(Lang::Es, &t));
    }

    #[test]
    fn a_crash_loop_says_how_it_last_ended_and_suggests_the_logs() {
        let c = ContainerWhy {
            container: "app".into(),
            image: "busybox".into(),
            init: false,
            restarts: 3,
            problem: Problem::CrashLoop {
                last_exit: Some(Exit {
                    code: 1,
                    reason: Some("Error".into()),
                    signal: None,
                }),
                message: None,
            },
        };
        assert!(what_happened(Lang::En, &c).starts_with(
            "Container app (busybox) keeps exiting, last with exit code 1 (Error). It has been restarted 3 times"
        ));
        assert!(what_happened(Lang::Es, &c).contains("código de salida 1 (Error)"));
        assert_eq!(
            container_tips(Lang::En, "crash", &c)[0],
            "Read what it printed before it stopped: kubectl logs crash -c app --previous; and how it ended, with the kubelet's events: kubectl describe pod crash"
        );
    }
}
