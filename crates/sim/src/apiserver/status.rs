//! Errors as the api-server returns them: `metav1.Status` with apimachinery's reasons, codes and
//! message templates (`k8s.io/apimachinery/pkg/api/errors`), and `field.Error` for validation.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::api::KindInfo;

/// `metav1.StatusReason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StatusReason {
    BadRequest,
    NotFound,
    AlreadyExists,
    Conflict,
    Invalid,
    Forbidden,
    Gone,
    MethodNotAllowed,
    InternalError,
    TooManyRequests,
}

impl StatusReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusReason::BadRequest => "BadRequest",
            StatusReason::NotFound => "NotFound",
            StatusReason::AlreadyExists => "AlreadyExists",
            StatusReason::Conflict => "Conflict",
            StatusReason::Invalid => "Invalid",
            StatusReason::Forbidden => "Forbidden",
            StatusReason::Gone => "Expired",
            StatusReason::MethodNotAllowed => "MethodNotAllowed",
            StatusReason::InternalError => "InternalError",
            StatusReason::TooManyRequests => "TooManyRequests",
        }
    }

    pub fn code(self) -> u16 {
        match self {
            StatusReason::BadRequest => 400,
            StatusReason::NotFound => 404,
            StatusReason::AlreadyExists | StatusReason::Conflict => 409,
            StatusReason::Invalid => 422,
            StatusReason::Forbidden => 403,
            StatusReason::Gone => 410,
            StatusReason::MethodNotAllowed => 405,
            StatusReason::InternalError => 500,
            StatusReason::TooManyRequests => 429,
        }
    }
}

/// `metav1.StatusCause`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusCause {
    #[serde(rename = "reason")]
    pub reason: String,
    pub message: String,
    pub field: String,
}

/// `metav1.StatusDetails`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatusDetails {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<StatusCause>,
}

/// A failed request, shaped like `metav1.Status` with `status: Failure`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub reason: StatusReason,
    pub message: String,
    pub details: Option<Box<StatusDetails>>,
}

impl Status {
    pub fn code(&self) -> u16 {
        self.reason.code()
    }

    fn new(reason: StatusReason, message: String, details: Option<StatusDetails>) -> Self {
        Status {
            reason,
            message,
            details: details.map(Box::new),
        }
    }

    fn details(kind: &KindInfo, name: &str) -> Option<StatusDetails> {
        Some(StatusDetails {
            name: name.to_string(),
            group: kind.group.to_string(),
            kind: kind.plural.to_string(),
            causes: Vec::new(),
        })
    }

    /// `pods "x" not found`.
    pub fn not_found(kind: &KindInfo, name: &str) -> Self {
        Status::new(
            StatusReason::NotFound,
            format!("{} {} not found", kind.qualified_resource(), quote(name)),
            Status::details(kind, name),
        )
    }

    /// `pods "x" already exists`.
    pub fn already_exists(kind: &KindInfo, name: &str) -> Self {
        Status::new(
            StatusReason::AlreadyExists,
            format!(
                "{} {} already exists",
                kind.qualified_resource(),
                quote(name)
            ),
            Status::details(kind, name),
        )
    }

    /// `Operation cannot be fulfilled on pods "x": <detail>`.
    pub fn conflict(kind: &KindInfo, name: &str, detail: &str) -> Self {
        Status::new(
            StatusReason::Conflict,
            format!(
                "Operation cannot be fulfilled on {} {}: {detail}",
                kind.qualified_resource(),
                quote(name)
            ),
            Status::details(kind, name),
        )
    }

    /// The optimistic-concurrency conflict (`registry.OptimisticLockErrorMsg`).
    pub fn modified_conflict(kind: &KindInfo, name: &str) -> Self {
        Status::conflict(
            kind,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// `pods "x" is forbidden: <detail>`.
    pub fn forbidden(kind: &KindInfo, name: &str, detail: &str) -> Self {
        Status::new(
            StatusReason::Forbidden,
            format!(
                "{} {} is forbidden: {detail}",
                kind.qualified_resource(),
                quote(name)
            ),
            Status::details(kind, name),
        )
    }

    /// `Pod "x" is invalid: <causes>`; several causes are aggregated as `[a, b]`.
    pub fn invalid(kind: &KindInfo, name: &str, errors: &[FieldError]) -> Self {
        let mut messages: Vec<String> = Vec::new();
        for e in errors {
            let m = e.to_string();
            if !messages.contains(&m) {
                messages.push(m);
            }
        }
        let aggregate = match messages.len() {
            0 => String::new(),
            1 => format!(": {}", messages[0]),
            _ => format!(": [{}]", messages.join(", ")),
        };
        Status::new(
            StatusReason::Invalid,
            format!(
                "{} {} is invalid{aggregate}",
                kind.qualified_kind(),
                quote(name)
            ),
            Some(StatusDetails {
                name: name.to_string(),
                group: kind.group.to_string(),
                kind: kind.kind.to_string(),
                causes: errors
                    .iter()
                    .map(|e| StatusCause {
                        reason: e.kind.cause_type().to_string(),
                        message: e.body(),
                        field: e.field.clone(),
                    })
                    .collect(),
            }),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Status::new(StatusReason::BadRequest, message.into(), None)
    }

    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Status::new(StatusReason::MethodNotAllowed, message.into(), None)
    }

    /// A watch from a compacted resourceVersion: `too old resource version: 5 (120)`.
    pub fn gone(requested: u64, oldest: u64) -> Self {
        Status::new(
            StatusReason::Gone,
            format!("too old resource version: {requested} ({oldest})"),
            None,
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Status::new(
            StatusReason::InternalError,
            format!("Internal error occurred: {}", message.into()),
            None,
        )
    }

    pub fn too_many_requests(message: impl Into<String>) -> Self {
        Status::new(StatusReason::TooManyRequests, message.into(), None)
    }

    /// Adds a cause (`details.causes`) of type `reason`.
    pub fn with_cause(mut self, reason: &str, message: &str) -> Self {
        self.details
            .get_or_insert_with(Default::default)
            .causes
            .push(StatusCause {
                reason: reason.to_string(),
                message: message.to_string(),
                field: String::new(),
            });
        self
    }

    /// The `metav1.Status` object as JSON.
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("kind".into(), "Status".into());
        m.insert("apiVersion".into(), "v1".into());
        m.insert("metadata".into(), Value::Object(Default::default()));
        m.insert("status".into(), "Failure".into());
        m.insert("message".into(), self.message.clone().into());
        m.insert("reason".into(), self.reason.as_str().into());
        if let Some(d) = &self.details {
            m.insert(
                "details".into(),
                serde_json::to_value(d).unwrap_or(Value::Null),
            );
        }
        m.insert("code".into(), self.code().into());
        Value::Object(m)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Status {}

/// Go's `%q` for the strings Kubernetes names are made of.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// `field.ErrorType`, with the bad value where the type carries one.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldErrorKind {
    NotFound(Value),
    Required,
    Duplicate(Value),
    Invalid(Value),
    /// The bad value and the supported values.
    NotSupported(Value, Vec<String>),
    Forbidden,
    TooLong,
    TooMany,
}

impl FieldErrorKind {
    fn type_str(&self) -> &'static str {
        match self {
            FieldErrorKind::NotFound(_) => "Not found",
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Duplicate(_) => "Duplicate value",
            FieldErrorKind::Invalid(_) => "Invalid value",
            FieldErrorKind::NotSupported(..) => "Unsupported value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::TooMany => "Too many",
        }
    }

    fn cause_type(&self) -> &'static str {
        match self {
            FieldErrorKind::NotFound(_) => "FieldValueNotFound",
            FieldErrorKind::Required => "FieldValueRequired",
            FieldErrorKind::Duplicate(_) => "FieldValueDuplicate",
            FieldErrorKind::Invalid(_) => "FieldValueInvalid",
            FieldErrorKind::NotSupported(..) => "FieldValueNotSupported",
            FieldErrorKind::Forbidden => "FieldValueForbidden",
            FieldErrorKind::TooLong => "FieldValueTooLong",
            FieldErrorKind::TooMany => "FieldValueTooMany",
        }
    }
}

/// apimachinery's `field.Error`: `<field>: <type>[: <value>][: <detail>]`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub kind: FieldErrorKind,
    pub detail: String,
}

impl FieldError {
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Required,
            detail: detail.into(),
        }
    }

    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<Value>,
        detail: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Invalid(value.into()),
            detail: detail.into(),
        }
    }

    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Forbidden,
            detail: detail.into(),
        }
    }

    pub fn duplicate(field: impl Into<String>, value: impl Into<Value>) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Duplicate(value.into()),
            detail: String::new(),
        }
    }

    pub fn not_supported(
        field: impl Into<String>,
        value: impl Into<Value>,
        valid: &[&str],
    ) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::NotSupported(
                value.into(),
                valid.iter().map(|s| s.to_string()).collect(),
            ),
            detail: String::new(),
        }
    }

    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::TooLong,
            detail: format!("may not be more than {max} bytes"),
        }
    }

    /// `ErrorBody()`: the message without the field path.
    pub fn body(&self) -> String {
        let mut s = self.kind.type_str().to_string();
        match &self.kind {
            FieldErrorKind::NotFound(v)
            | FieldErrorKind::Duplicate(v)
            | FieldErrorKind::Invalid(v) => {
                s.push_str(": ");
                s.push_str(&render_value(v));
            }
            FieldErrorKind::NotSupported(v, valid) => {
                s.push_str(": ");
                s.push_str(&render_value(v));
                if !valid.is_empty() {
                    let quoted: Vec<String> = valid.iter().map(|v| quote(v)).collect();
                    s.push_str(": supported values: ");
                    s.push_str(&quoted.join(", "));
                }
            }
            _ => {}
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

/// Strings quoted, numbers and booleans bare, anything else as JSON (apimachinery ≥ 1.34).
fn render_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::String(s) => quote(s),
        other => other.to_string(),
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}
