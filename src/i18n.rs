//! Every string the page shows, in English and Spanish. kubectl's own output stays in English,
//! as the real one does.

use serde::{Deserialize, Serialize};

/// A language of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "es")]
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 tag, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The first supported language among the browser's preferences, else English.
    pub fn from_preferences<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
                Lang::ALL.into_iter().find(|l| l.code() == primary)
            })
            .unwrap_or(Lang::En)
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }
}

/// The page's strings. A struct rather than a map, so a string missing in one language is a
/// compile error.
#[derive(Debug, PartialEq, Eq)]
pub struct Strings {
    /// The language's own name, for the switch.
    pub language_name: &'static str,
    pub language_switch_label: &'static str,
    /// The theme and presenter-mode controls.
    pub display_label: &'static str,
    pub theme_label: &'static str,
    pub theme_auto: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,
    pub presenter_mode: &'static str,
    /// The page's title, as the browser's tab shows it.
    pub page_title: &'static str,
    pub tagline: &'static str,
    pub terminal_heading: &'static str,
    pub terminal_welcome: &'static str,
    pub command_label: &'static str,
    pub cluster_heading: &'static str,
    pub nodes_heading: &'static str,
    /// Before the cluster's virtual time.
    pub cluster_clock: &'static str,
    pub time_controls: &'static str,
    pub time_play: &'static str,
    pub time_pause: &'static str,
    /// After the clock while time stands still.
    pub time_paused: &'static str,
    pub time_step: &'static str,
    pub time_step_hint: &'static str,
    pub time_speed: &'static str,
    pub reset_cluster: &'static str,
    pub reset_question: &'static str,
    pub reset_delete_files: &'static str,
    pub reset_confirm: &'static str,
    pub cancel: &'static str,
    /// Before a node's name, labelling its list of pods.
    pub pods_on: &'static str,
    pub role_control_plane: &'static str,
    pub role_worker: &'static str,
    pub feed_heading: &'static str,
    pub feed_filter_label: &'static str,
    pub feed_all_components: &'static str,
    pub feed_show_heartbeats: &'static str,
    pub events_heading: &'static str,
    pub events_none: &'static str,
    pub events_last_seen: &'static str,
    pub events_type: &'static str,
    pub events_reason: &'static str,
    pub events_object: &'static str,
    pub events_message: &'static str,
    /// Activity verbs, followed by a kind and an object: "created Pod default/web".
    pub verb_create: &'static str,
    pub verb_update: &'static str,
    pub verb_patch: &'static str,
    pub verb_update_status: &'static str,
    pub verb_bind: &'static str,
    pub verb_delete: &'static str,
    /// The editor's heading.
    pub editor_heading: &'static str,
    /// The menu of the playground's files.
    pub editor_files: &'static str,
    pub editor_no_files: &'static str,
    /// The menu that creates a file.
    pub editor_new: &'static str,
    pub editor_new_file: &'static str,
    /// Before the starter manifests in the New menu.
    pub editor_templates: &'static str,
    pub editor_open_tabs: &'static str,
    /// Before a file name: closes its tab.
    pub editor_close: &'static str,
    pub editor_empty: &'static str,
    /// Before a file name: the text area's label.
    pub editor_text_label: &'static str,
    pub editor_keys_hint: &'static str,
    pub editor_apply: &'static str,
    pub editor_apply_hint: &'static str,
    /// Before a line number.
    pub editor_line: &'static str,
    /// Before the YAML parser's message (which stays in English).
    pub editor_yaml_error: &'static str,
    pub editor_problems: &'static str,
    pub crash_title: &'static str,
    pub crash_body: &'static str,
    pub crash_details: &'static str,
    pub crash_reload: &'static str,
    pub session_actions: &'static str,
    pub copy_link: &'static str,
    pub copy_link_hint: &'static str,
    pub export: &'static str,
    pub export_hint: &'static str,
    pub share_link_label: &'static str,
    pub notice_dismiss: &'static str,
    pub notice_stored_damaged: &'static str,
    pub notice_stored_other_version: &'static str,
    pub notice_stored_too_large: &'static str,
    pub notice_stored_crashed: &'static str,
    pub notice_link_damaged: &'static str,
    pub notice_link_other_version: &'static str,
    pub notice_link_too_large: &'static str,
    pub notice_link_opened: &'static str,
    pub notice_differs: &'static str,
    pub notice_copied: &'static str,
    pub notice_copy_refused: &'static str,
    pub notice_exported: &'static str,
    pub notice_nothing_to_export: &'static str,
    pub notice_too_long: &'static str,
    /// The prompt's description: Tab completion, and how keyboard users leave the terminal.
    pub completion_hint: &'static str,
    /// After a number: what a second Tab listed below the prompt.
    pub completion_choices: &'static str,
}

pub static EN: Strings = Strings {
    language_name: "English",
    language_switch_label: "Language",
    display_label: "Display",
    theme_label: "Theme",
    theme_auto: "System",
    theme_light: "Light",
    theme_dark: "Dark",
    presenter_mode: "Presenter mode",
    page_title: "Timonel · Kubernetes playground",
    tagline: "A Kubernetes 1.36 cluster in your browser",
    terminal_heading: "Terminal",
    terminal_welcome: "Welcome to Timonel. Type kubectl commands here, for example: kubectl version",
    command_label: "Command",
    cluster_heading: "Cluster",
    nodes_heading: "Nodes",
    cluster_clock: "Cluster time",
    time_controls: "Cluster time controls",
    time_play: "Let time run",
    time_pause: "Pause time",
    time_paused: "paused",
    time_step: "Step",
    time_step_hint: "Move cluster time forward by one tick",
    time_speed: "Speed",
    reset_cluster: "Reset cluster",
    reset_question: "Start again with a fresh cluster? Your files stay unless you tick the box.",
    reset_delete_files: "Also delete my files",
    reset_confirm: "Reset",
    cancel: "Cancel",
    pods_on: "Pods on",
    role_control_plane: "control plane",
    role_worker: "worker",
    feed_heading: "Control-plane activity",
    feed_filter_label: "Show the activity of",
    feed_all_components: "All components",
    feed_show_heartbeats: "Show node heartbeats",
    events_heading: "Events",
    events_none: "No events yet.",
    events_last_seen: "Last seen",
    events_type: "Type",
    events_reason: "Reason",
    events_object: "Object",
    events_message: "Message",
    verb_create: "created",
    verb_update: "updated",
    verb_patch: "patched",
    verb_update_status: "updated the status of",
    verb_bind: "scheduled",
    verb_delete: "deleted",
    editor_heading: "Editor",
    editor_files: "Files",
    editor_no_files: "No files yet.",
    editor_new: "New",
    editor_new_file: "Empty file",
    editor_templates: "From a template:",
    editor_open_tabs: "Open files",
    editor_close: "Close",
    editor_empty: "Open a file from Files, or create one with New: an empty file or a template.",
    editor_text_label: "Contents of",
    editor_keys_hint: "Tab inserts two spaces · Esc leaves the editor · Ctrl+Enter applies",
    editor_apply: "Apply",
    editor_apply_hint: "Run kubectl apply -f with this file in the terminal",
    editor_line: "Line",
    editor_yaml_error: "YAML error:",
    editor_problems: "Problems in this file",
    crash_title: "Timonel stopped because of an internal error",
    crash_body: "This is a bug in Timonel, not something you did. Reload to start again.",
    crash_details: "Technical details",
    crash_reload: "Reload Timonel",
    session_actions: "Keep and share",
    copy_link: "Copy link",
    copy_link_hint: "Copy a link that opens this same session: cluster, commands and files",
    export: "Export",
    export_hint: "Download the objects you created as YAML for kubectl apply -f",
    share_link_label: "Share link",
    notice_dismiss: "Dismiss",
    notice_stored_damaged: "Your saved session could not be read, so Timonel started a fresh cluster.",
    notice_stored_other_version: "Your saved session comes from another version of Timonel and cannot be restored, so Timonel started a fresh cluster.",
    notice_stored_too_large: "Your saved session is larger than Timonel keeps, so Timonel started a fresh cluster.",
    notice_stored_crashed: "Timonel stopped while restoring your saved session last time, so it started a fresh cluster instead.",
    notice_link_damaged: "This share link is damaged or incomplete, so it was not opened. Your own session is as you left it.",
    notice_link_other_version: "This share link comes from another version of Timonel and cannot be opened. Your own session is as you left it.",
    notice_link_too_large: "This share link is larger than Timonel accepts, so it was not opened. Your own session is as you left it.",
    notice_link_opened: "Opened the shared session from the link.",
    notice_differs: "The session was restored, but this version of Timonel replays it differently: the cluster may not be exactly as it was.",
    notice_copied: "Link copied. Whoever opens it gets this same cluster, commands and files.",
    notice_copy_refused: "The browser did not allow copying. Copy the link from here:",
    notice_exported: "Downloaded the objects you created as timonel-export.yaml.",
    notice_nothing_to_export: "You have not created any objects yet, so there is nothing to export.",
    notice_too_long: "This session has grown too long to keep: what you do from now on will not survive a reload or go into a link. Reset the cluster to start a new one.",
    completion_hint: "Tab completes commands, resource types, names, flags and files; a second Tab lists the choices. To leave the terminal with the keyboard, press Tab on an empty line, or Escape and then Tab.",
    completion_choices: "possible completions",
};

pub static ES: Strings = Strings {
    language_name: "Español",
    language_switch_label: "Idioma",
    display_label: "Pantalla",
    theme_label: "Tema",
    theme_auto: "Del sistema",
    theme_light: "Claro",
    theme_dark: "Oscuro",
    presenter_mode: "Modo presentación",
    page_title: "Timonel · Laboratorio de Kubernetes",
    tagline: "Un clúster de Kubernetes 1.36 en tu navegador",
    terminal_heading: "Terminal",
    terminal_welcome: "Te damos la bienvenida a Timonel. Escribe aquí comandos de kubectl, por ejemplo: kubectl version",
    command_label: "Comando",
    cluster_heading: "Clúster",
    nodes_heading: "Nodos",
    cluster_clock: "Hora del clúster",
    time_controls: "Control del tiempo del clúster",
    time_play: "Dejar correr el tiempo",
    time_pause: "Pausar el tiempo",
    time_paused: "en pausa",
    time_step: "Avanzar",
    time_step_hint: "Adelantar el tiempo del clúster un paso",
    time_speed: "Velocidad",
    reset_cluster: "Reiniciar clúster",
    reset_question: "¿Empezar de nuevo con un clúster nuevo? Tus archivos se conservan salvo que marques la casilla.",
    reset_delete_files: "Borrar también mis archivos",
    reset_confirm: "Reiniciar",
    cancel: "Cancelar",
    pods_on: "Pods en",
    role_control_plane: "plano de control",
    role_worker: "nodo de trabajo",
    feed_heading: "Actividad del plano de control",
    feed_filter_label: "Mostrar la actividad de",
    feed_all_components: "Todos los componentes",
    feed_show_heartbeats: "Mostrar latidos de los nodos",
    events_heading: "Eventos",
    events_none: "Todavía no hay eventos.",
    events_last_seen: "Visto hace",
    events_type: "Tipo",
    events_reason: "Motivo",
    events_object: "Objeto",
    events_message: "Mensaje",
    verb_create: "creó",
    verb_update: "actualizó",
    verb_patch: "modificó",
    verb_update_status: "actualizó el estado de",
    verb_bind: "programó",
    verb_delete: "eliminó",
    editor_heading: "Editor",
    editor_files: "Archivos",
    editor_no_files: "Todavía no hay archivos.",
    editor_new: "Nuevo",
    editor_new_file: "Archivo vacío",
    editor_templates: "Desde una plantilla:",
    editor_open_tabs: "Archivos abiertos",
    editor_close: "Cerrar",
    editor_empty: "Abre un archivo desde Archivos o crea uno con Nuevo: vacío o a partir de una plantilla.",
    editor_text_label: "Contenido de",
    editor_keys_hint: "Tab inserta dos espacios · Esc sale del editor · Ctrl+Intro aplica",
    editor_apply: "Aplicar",
    editor_apply_hint: "Ejecutar kubectl apply -f con este archivo en la terminal",
    editor_line: "Línea",
    editor_yaml_error: "Error de YAML:",
    editor_problems: "Problemas de este archivo",
    crash_title: "Timonel se ha detenido por un error interno",
    crash_body: "Es un fallo de Timonel, no algo que hayas hecho. Recarga para empezar de nuevo.",
    crash_details: "Detalles técnicos",
    crash_reload: "Recargar Timonel",
    session_actions: "Guardar y compartir",
    copy_link: "Copiar enlace",
    copy_link_hint: "Copiar un enlace que abre esta misma sesión: clúster, comandos y archivos",
    export: "Exportar",
    export_hint: "Descargar como YAML los objetos que creaste, para kubectl apply -f",
    share_link_label: "Enlace para compartir",
    notice_dismiss: "Cerrar",
    notice_stored_damaged: "No se pudo leer tu sesión guardada, así que Timonel empezó con un clúster nuevo.",
    notice_stored_other_version: "Tu sesión guardada es de otra versión de Timonel y no se puede restaurar, así que Timonel empezó con un clúster nuevo.",
    notice_stored_too_large: "Tu sesión guardada es más grande de lo que Timonel conserva, así que Timonel empezó con un clúster nuevo.",
    notice_stored_crashed: "Timonel se detuvo la última vez al restaurar tu sesión guardada, así que esta vez empezó con un clúster nuevo.",
    notice_link_damaged: "Este enlace está dañado o incompleto, así que no se abrió. Tu propia sesión sigue como la dejaste.",
    notice_link_other_version: "Este enlace es de otra versión de Timonel y no se puede abrir. Tu propia sesión sigue como la dejaste.",
    notice_link_too_large: "Este enlace es más grande de lo que Timonel acepta, así que no se abrió. Tu propia sesión sigue como la dejaste.",
    notice_link_opened: "Se abrió la sesión compartida del enlace.",
    notice_differs: "Se restauró la sesión, pero esta versión de Timonel la reproduce de otra forma: puede que el clúster no esté exactamente como estaba.",
    notice_copied: "Enlace copiado. Quien lo abra tendrá este mismo clúster, con sus comandos y archivos.",
    notice_copy_refused: "El navegador no permitió copiar. Copia el enlace desde aquí:",
    notice_exported: "Se descargaron los objetos que creaste como timonel-export.yaml.",
    notice_nothing_to_export: "Todavía no has creado ningún objeto, así que no hay nada que exportar.",
    notice_too_long: "Esta sesión ha crecido demasiado para conservarla: lo que hagas a partir de ahora no sobrevivirá a una recarga ni irá en un enlace. Reinicia el clúster para empezar una nueva.",
    completion_hint: "Tab completa comandos, tipos de recurso, nombres, opciones y archivos; un segundo Tab muestra las opciones posibles. Para salir de la terminal con el teclado, pulsa Tab con la línea vacía, o Escape y después Tab.",
    completion_choices: "opciones posibles",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_picks_spanish_or_english() {
        assert_eq!(Lang::from_preferences(["es-AR", "en"]), Lang::Es);
        assert_eq!(Lang::from_preferences(["de-DE", "ES"]), Lang::Es);
        assert_eq!(Lang::from_preferences(["en-GB"]), Lang::En);
        assert_eq!(Lang::from_preferences(["fr"]), Lang::En);
        assert_eq!(Lang::from_preferences([]), Lang::En);
    }

    #[test]
    fn spanish_differs_from_english_where_words_differ() {
        assert_ne!(EN.tagline, ES.tagline);
        assert_ne!(EN.crash_reload, ES.crash_reload);
    }
}
