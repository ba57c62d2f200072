//! The SOC feed.
pub mod attack;
