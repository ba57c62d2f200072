//! The SOC feed.
pub mod attack;
pub mod enrich;
mod error;
pub mod site;

pub use error::FeedError;
pub use site::{build_site, BuildOptions, BuildReport};
pub mod serve;
