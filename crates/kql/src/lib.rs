//! KQL backends.
