use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use socfeed_feed::attack::{self, AttackMatrix};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Download MITRE's Enterprise ATT&CK bundle and cache it for `build` and `check`.
    Update {
        /// The URL of the STIX bundle.
        #[arg(long, default_value = attack::ENTERPRISE_ATTACK_URL)]
        url: String,

        /// The file to store the bundle in (default: the user cache, e.g.
        /// ~/.cache/socfeed/enterprise-attack.json).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Show what an ATT&CK bundle (default: the cached one) contains.
    Info {
        /// A STIX bundle file; without it, the bundle cached by `socfeed attack update`.
        #[arg(value_name = "FILE")]
        path: Option<PathBuf>,
    },
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Update { url, out } => {
            let dest = match out {
                Some(path) => path,
                None => attack::default_cache_path()?,
            };
            let matrix = attack::download(&url, &dest)?;
            println!("saved {}", dest.display());
            print_info(&matrix);
        }
        Command::Info { path } => {
            let path = match path {
                Some(path) => path,
                None => attack::default_cache_path()?,
            };
            let matrix = load(&path)?;
            println!("{}", path.display());
            print_info(&matrix);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_info(matrix: &AttackMatrix) {
    let active = matrix.techniques().filter(|t| t.is_active()).count();
    let total = matrix.techniques().count();
    println!("{} tactics, {active} active techniques ({total} with revoked and deprecated)", matrix.tactics().len());
}

pub fn load(path: &Path) -> anyhow::Result<AttackMatrix> {
    AttackMatrix::load(path).with_context(|| {
        format!(
            "failed to load ATT&CK from {}: pass an existing bundle or run `socfeed attack update`",
            path.display()
        )
    })
}

/// Loads the bundle named on the command line or, without one, the cached bundle if
/// `attack update` stored one. Returns `None` when neither exists.
pub fn load_optional(path: Option<&Path>) -> anyhow::Result<Option<AttackMatrix>> {
    if let Some(path) = path {
        return load(path).map(Some);
    }
    match attack::default_cache_path() {
        Ok(cached) if cached.is_file() => {
            tracing::info!(path = %cached.display(), "using the cached ATT&CK bundle");
            load(&cached).map(Some)
        }
        _ => Ok(None),
    }
}
