use std::path::PathBuf;
use std::process::ExitCode;

use socfeed_feed::serve;

#[derive(clap::Args)]
pub struct Args {
    /// A folder written by `socfeed build`.
    #[arg(value_name = "DIR")]
    dir: PathBuf,

    /// The TCP port to listen on, on 127.0.0.1 only; 0 lets the system choose a free port.
    #[arg(short, long, default_value_t = serve::DEFAULT_PORT)]
    port: u16,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !args.dir.join("index.html").is_file() {
        anyhow::bail!(
            "{} has no index.html: pass a folder written by `socfeed build`",
            args.dir.display()
        );
    }

    let addr = serve::local_addr(args.port);
    serve::serve_blocking(&args.dir, addr, |bound| {
        eprintln!("serving {} on http://{bound}/ (Ctrl-C to stop)", args.dir.display());
    })?;
    Ok(ExitCode::SUCCESS)
}
