//! The check across files: two documents with the same `id`.

use std::collections::HashMap;
use std::path::Path;

use super::{Diagnostic, Severity};
use crate::reader::RuleFile;
use crate::span::Span;

/// Returns a W113 warning for each document whose `id` an earlier document already uses,
/// naming the first one. Files count in the order given, so pass them sorted for stable
/// output.
///
/// Documents of one file whose `id` comes from the same `action: global` document share
/// it by design and are not reported.
pub fn duplicate_ids(files: &[RuleFile]) -> Vec<Diagnostic> {
    duplicate_ids_by_file(files).into_iter().map(|(_, diagnostic)| diagnostic).collect()
}

/// Returns the W113 warnings, each with the index of its file in `files`.
pub(super) fn duplicate_ids_by_file(files: &[RuleFile]) -> Vec<(usize, Diagnostic)> {
    let mut first_use: HashMap<&str, (&Path, Span)> = HashMap::new();
    let mut warnings = Vec::new();

    for (index, file) in files.iter().enumerate() {
        for document in &file.documents {
            let meta = document.meta();
            let Some(id) = meta.id.as_deref() else { continue };
            let span = meta.span_of("id");

            let Some(&(first_path, first_span)) = first_use.get(id) else {
                first_use.insert(id, (&file.path, span));
                continue;
            };
            if first_path == file.path && first_span == span {
                continue;
            }

            let message = format!("`id` `{id}` is already used by the document at {}:{first_span}", first_path.display());
            let diagnostic = Diagnostic { code: "W113", severity: Severity::Warning, path: file.path.clone(), span: Some(span), message };
            warnings.push((index, diagnostic));
        }
    }
    warnings
}
