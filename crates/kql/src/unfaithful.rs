//! The internal error of a conversion step, turned into a [`Refusal`] by the backend.

use crate::{Refusal, RefusalReason};

/// Why one part of a rule has no faithful KQL form. The backend adds the log source.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfaithful {
    pub reason: RefusalReason,
    pub subject: Option<String>,
    pub message: String,
}

impl Unfaithful {
    pub fn new(reason: RefusalReason, subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self { reason, subject: Some(subject.into()), message: message.into() }
    }

    /// A modifier, condition or value form without a faithful KQL equivalent.
    pub fn construct(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RefusalReason::UnsupportedConstruct, subject, message)
    }

    /// A value that the mapped column cannot hold or that has no translation.
    pub fn value(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(RefusalReason::UnmappedValue, field, message)
    }

    pub fn into_refusal(self, logsource: String) -> Refusal {
        Refusal { reason: self.reason, subject: self.subject, logsource, message: self.message }
    }
}
