//! The SOC feed.
