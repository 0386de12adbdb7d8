//! How kubectl prints errors (`cmdutil.CheckErr` and `StandardErrorMessage`).

use crate::Output;
use sim::{Status, StatusReason};

/// The text kubectl prints for a server error, without the trailing newline.
pub fn status_text(status: &Status) -> String {
    if status.reason == StatusReason::Invalid {
        let Some(details) = status.details.as_deref() else {
            // `CheckErr` with no details includes the message (a JSON patch that does not apply).
            if status.message.is_empty() {
                return "The request is invalid".to_string();
            }
            return format!("The request is invalid: {}", status.message);
        };
        let mut s = "The request is invalid".to_string();
        if !details.kind.is_empty() || !details.name.is_empty() {
            s = format!(
                "The {} {} is invalid",
                details.kind,
                go_quote(&details.name)
            );
        }
        return match details.causes.len() {
            0 => s,
            1 => {
                let c = &details.causes[0];
                format!("{s}: {}: {}", c.field, c.message)
            }
            _ => {
                let mut out = format!("{s}: \n");
                for c in &details.causes {
                    out.push_str(&format!("* {}: {}\n", c.field, c.message));
                }
                out.pop();
                out
            }
        };
    }
    format!(
        "Error from server ({}): {}",
        status.reason.as_str(),
        status.message
    )
}

/// A server error as kubectl reports it: stderr, exit status 1.
pub fn status_output(status: &Status) -> Output {
    Output {
        stderr: status_text(status) + "\n",
        exit_code: 1,
        ..Output::default()
    }
}

/// Go's `%q` for plain names.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
