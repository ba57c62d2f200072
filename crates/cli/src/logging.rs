//! Log setup: socfeed's own messages on standard error, and the evtx crate's warnings
//! turned into hunt errors that name the file and record.

use std::io::IsTerminal;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::{EnvFilter, LevelFilter};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Log lines of every crate at warning level and above, except the evtx crate's. Its
/// warnings name neither the file nor the record, so the hunt reports them itself.
const DEFAULT_FILTER: &str = "warn,evtx=off";

/// Installs the global subscriber. `SOCFEED_LOG`, or else `RUST_LOG`, replaces the default
/// filter with its own directives (`evtx=warn` shows the crate's lines again). Colours are
/// used only when standard error is a terminal.
pub fn init() {
    let filter = EnvFilter::try_from_env("SOCFEED_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let output = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(filter);

    tracing_subscriber::registry().with(output).with(EvtxWarnings.with_filter(LevelFilter::WARN)).init();
}

/// Passes the evtx crate's warnings and errors to the hunt, on the thread that logged them.
struct EvtxWarnings;

impl<S: Subscriber> Layer<S> for EvtxWarnings {
    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let mut fields = LogFields::default();
        event.record(&mut fields);

        // Lines from the `log` crate arrive with the target `log` and the real one in a field.
        let target = fields.log_target.as_deref().unwrap_or(event.metadata().target());
        if target == "evtx" || target.starts_with("evtx::") {
            socfeed_hunt::input::evtx::record_parser_warning(fields.message);
        }
    }
}

/// The fields of a log line that the evtx layer reads.
#[derive(Default)]
struct LogFields {
    message: String,
    log_target: Option<String>,
}

impl Visit for LogFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message = value.to_owned(),
            "log.target" => self.log_target = Some(value.to_owned()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }
}
