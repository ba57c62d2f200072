pub mod attack;
pub mod build;
pub mod check;
pub mod convert;
pub mod hunt;
pub mod serve;
pub mod test_rules;

use std::path::PathBuf;

use rayon::prelude::*;
use socfeed_sigma::{ReadError, RuleFile};

/// Finds the rule files under `paths` and reads them in parallel, in a stable order.
/// Paths that cannot be listed come back as errors beside the files.
pub fn read_rule_files(paths: &[PathBuf]) -> (Vec<RuleFile>, Vec<ReadError>) {
    let (files, errors) = socfeed_sigma::find_rule_files(paths);
    let rule_files = files.par_iter().map(|path| socfeed_sigma::read_file(path)).collect();
    (rule_files, errors)
}
