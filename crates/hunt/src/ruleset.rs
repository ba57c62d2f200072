//! The whole rule set compiled together and indexed by the events each rule can apply to,
//! so an event meets only the rules of its service and event ID.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use socfeed_sigma::{Document, Level, Rule, Status};

use crate::derived::Derivations;
use crate::event::{Event, EventBuilder, FieldTable};
use crate::logsource::{LogSourceTable, ServiceId};
use crate::matcher::atoms::{Interner, ScanPlan};
use crate::matcher::hits::BitSet;
use crate::matcher::placeholder::Placeholders;
use crate::matcher::{compile_rule, CompiledRule, RuleInfo};
use crate::Detection;

/// Which rules to load.
#[derive(Debug, Clone, Default)]
pub struct RuleFilter {
    pub min_level: Option<Level>,
    /// Statuses to keep; empty keeps every status.
    pub statuses: Vec<Status>,
    /// Rule ids to keep; empty keeps every rule.
    pub ids: Vec<String>,
    /// Substrings of the rule path, any of which keeps a rule; empty keeps every rule.
    pub path_contains: Vec<String>,
    /// Values of `expand` placeholders by name. A rule that uses a placeholder without
    /// values is rejected rather than run with the placeholder matching nothing.
    pub placeholders: Placeholders,
}

impl RuleFilter {
    fn keeps(&self, rule: &Rule, path: &Path) -> bool {
        let meta = &rule.meta;
        let level_ok = self.min_level.is_none_or(|min| meta.level.is_some_and(|l| l >= min));
        let status_ok = self.statuses.is_empty() || meta.status.is_some_and(|s| self.statuses.contains(&s));
        let id_ok = self.ids.is_empty() || meta.id.as_ref().is_some_and(|id| self.ids.iter().any(|i| i.eq_ignore_ascii_case(id)));
        let path_text = path.to_string_lossy();
        let path_ok = self.path_contains.is_empty() || self.path_contains.iter().any(|p| path_text.contains(p.as_str()));
        level_ok && status_ok && id_ok && path_ok
    }
}

/// Why a rule document does not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    /// The file or document could not be read as Sigma.
    Read,
    /// A correlation or filter document: the hunt evaluates detection rules only.
    Unsupported,
    /// The log source has no mapping to Windows event logs.
    NoLogSource,
    /// A value does not compile (a regex that neither regex engine accepts, or an
    /// `expand` placeholder without values).
    Compile,
}

/// A rule document that does not run, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Rejection {
    pub path: PathBuf,
    pub title: Option<String>,
    pub id: Option<String>,
    pub kind: RejectKind,
    pub reason: String,
}

/// The compiled rule set.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<CompiledRule>,
    fields: FieldTable,
    /// The value translations the rules read (see `derived.rs`).
    derivations: Derivations,
    /// The string tests of all rules, compiled per field.
    plan: ScanPlan,
    /// For each atom, the rules it can trigger (see `matcher/trigger.rs`).
    triggers: Vec<Vec<u32>>,
    /// Rules with no trigger atoms, evaluated on every event they apply to.
    untriggered: BitSet,
    /// Some rule has a keyword search, so events keep every field.
    keep_all_fields: bool,
    table: &'static LogSourceTable,
    /// Rules by service and event ID.
    by_event: HashMap<(ServiceId, u32), Vec<u32>>,
    /// Rules that apply to every event of a service, indexed by service.
    by_service: Vec<Vec<u32>>,
    /// Rules that run, one entry per rule (not per compiled event kind).
    pub loaded: Vec<Arc<RuleInfo>>,
    pub rejected: Vec<Rejection>,
    /// Rules the filter left out.
    pub filtered_out: usize,
}

impl RuleSet {
    /// Reads and compiles the rules under `paths` (files, or folders searched for `.yml`).
    /// Each file is compiled by the thread that read it, so a file's documents are
    /// dropped as soon as they are compiled.
    pub fn load(paths: &[PathBuf], filter: &RuleFilter) -> RuleSet {
        let (files, find_errors) = socfeed_sigma::find_rule_files(paths);
        let table = LogSourceTable::windows();
        let tables = Interner::new(filter.placeholders.clone());

        let per_file: Vec<Vec<Outcome>> = files
            .par_iter()
            .map(|path| {
                let file = socfeed_sigma::read_file(path);
                let mut outcomes: Vec<Outcome> =
                    file.errors.iter().map(|error| Outcome::Rejected(read_rejection(&file.path, error.to_string()))).collect();
                for document in file.documents {
                    outcomes.push(match document {
                        Document::Rule(rule) => Outcome::of(file.path.clone(), &rule, filter, table, &tables),
                        other => Outcome::Rejected(Rejection {
                            path: file.path.clone(),
                            title: Some(other.title().to_owned()),
                            id: other.meta().id.clone(),
                            kind: RejectKind::Unsupported,
                            reason: "correlation and filter documents are not evaluated by the hunt".to_owned(),
                        }),
                    });
                }
                outcomes
            })
            .collect();

        let find_rejections = find_errors.iter().map(|e| Outcome::Rejected(read_rejection(&e.path, e.to_string())));
        RuleSet::assemble(find_rejections.chain(per_file.into_iter().flatten()), table, tables)
    }

    /// Compiles rules that are already read, each with the path it came from. Rules
    /// compile in parallel; their order in the set stays the order given.
    pub fn compile(rules: Vec<(PathBuf, Rule)>, filter: &RuleFilter) -> RuleSet {
        let table = LogSourceTable::windows();
        let tables = Interner::new(filter.placeholders.clone());
        let outcomes: Vec<Outcome> =
            rules.into_par_iter().map(|(path, rule)| Outcome::of(path, &rule, filter, table, &tables)).collect();
        RuleSet::assemble(outcomes.into_iter(), table, tables)
    }

    /// Indexes compiled rules in order and compiles the string tests of all of them.
    fn assemble(outcomes: impl Iterator<Item = Outcome>, table: &'static LogSourceTable, tables: Interner) -> RuleSet {
        let (fields, atoms) = tables.into_tables();
        let derivations = Derivations::new(table, &fields);
        let mut set = RuleSet {
            rules: Vec::new(),
            fields,
            derivations,
            plan: atoms.plan(),
            triggers: Vec::new(),
            untriggered: BitSet::new(0),
            keep_all_fields: false,
            table,
            by_event: HashMap::new(),
            by_service: vec![Vec::new(); table.services.len()],
            loaded: Vec::new(),
            rejected: Vec::new(),
            filtered_out: 0,
        };
        for outcome in outcomes {
            match outcome {
                Outcome::FilteredOut => set.filtered_out += 1,
                Outcome::Rejected(rejection) => set.rejected.push(rejection),
                Outcome::Compiled(info, compiled) => set.add(info, compiled),
            }
        }
        set.index_triggers();
        set
    }

    /// Indexes each rule under the atoms that can trigger it.
    fn index_triggers(&mut self) {
        self.triggers = vec![Vec::new(); self.plan.atom_count()];
        self.untriggered = BitSet::new(self.rules.len());
        for (index, rule) in (0u32..).zip(&self.rules) {
            match rule.trigger_atoms() {
                Some(atoms) => {
                    for atom in atoms {
                        if let Some(rules) = self.triggers.get_mut(atom as usize) {
                            rules.push(index);
                        }
                    }
                }
                None => self.untriggered.insert(index),
            }
        }
    }

    /// Indexes a rule's compiled event kinds by service and event ID.
    fn add(&mut self, info: Arc<RuleInfo>, compiled: Vec<CompiledRule>) {
        for rule in compiled {
            let index = u32::try_from(self.rules.len()).unwrap_or(u32::MAX);
            self.keep_all_fields |= rule.has_keywords;
            if rule.event_ids.is_empty() {
                if let Some(list) = self.by_service.get_mut(usize::from(rule.service)) {
                    list.push(index);
                }
            }
            for &event_id in &rule.event_ids {
                self.by_event.entry((rule.service, event_id)).or_default().push(index);
            }
            self.rules.push(rule);
        }
        self.loaded.push(info);
    }

    /// Returns a builder for events this rule set reads.
    pub fn event_builder(&self) -> EventBuilder<'_> {
        EventBuilder::with_derivations(&self.fields, self.keep_all_fields, &self.derivations)
    }

    /// Returns the indexes of the compiled rules that can apply to the event: those of its
    /// service(s) for its event ID, and those for every event of the service.
    fn candidates<'a>(&'a self, event: &Event) -> impl Iterator<Item = u32> + 'a {
        let services = self.table.services_of(event.channel.as_deref(), event.provider.as_deref());
        let event_id = event.event_id;
        services
            .iter()
            .flat_map(move |&service| {
                let specific = event_id.and_then(|id| self.by_event.get(&(service, id))).map_or(&[][..], Vec::as_slice);
                let general = self.by_service.get(usize::from(service)).map_or(&[][..], Vec::as_slice);
                specific.iter().chain(general).copied()
            })
    }

    /// Runs the rules on one event and returns a detection per rule that fires.
    ///
    /// The event's field values are scanned once against the string tests of all rules.
    /// A candidate rule is evaluated only when one of its trigger atoms passes (or it has
    /// none), and then reads the scan's results instead of testing values itself.
    pub fn detect(&self, event: &Event, source: &Arc<Path>) -> Vec<Detection> {
        let mut candidates = self.candidates(event).peekable();
        if candidates.peek().is_none() {
            return Vec::new();
        }

        let hits = self.plan.scan(event);
        let mut triggered = self.untriggered.clone();
        for atom in hits.iter() {
            for &rule in self.triggers.get(atom as usize).map_or(&[][..], Vec::as_slice) {
                triggered.insert(rule);
            }
        }

        candidates
            .filter(|&index| triggered.contains(index))
            .filter_map(|index| self.rules.get(index as usize))
            .filter(|rule| rule.matches(event, &hits))
            .map(|rule| Detection::new(rule, event, source))
            .collect()
    }

    /// Returns the name of the service a compiled rule belongs to.
    pub fn service_name(&self, id: ServiceId) -> &str {
        self.table.service_name(id)
    }
}

fn read_rejection(path: &Path, reason: String) -> Rejection {
    Rejection { path: path.to_owned(), title: None, id: None, kind: RejectKind::Read, reason }
}

/// What became of one rule document.
enum Outcome {
    FilteredOut,
    Rejected(Rejection),
    /// The rule, compiled once per event kind its log source covers.
    Compiled(Arc<RuleInfo>, Vec<CompiledRule>),
}

impl Outcome {
    fn of(path: PathBuf, rule: &Rule, filter: &RuleFilter, table: &LogSourceTable, tables: &Interner) -> Outcome {
        if !filter.keeps(rule, &path) {
            return Outcome::FilteredOut;
        }
        let reject = |kind, reason| {
            Outcome::Rejected(Rejection {
                path: path.clone(),
                title: Some(rule.meta.title.clone()),
                id: rule.meta.id.clone(),
                kind,
                reason,
            })
        };

        let sources = match table.resolve(&rule.logsource) {
            Ok(sources) => sources,
            Err(reason) => return reject(RejectKind::NoLogSource, reason),
        };

        let info = Arc::new(RuleInfo {
            id: rule.meta.id.clone(),
            title: rule.meta.title.clone(),
            level: rule.meta.level,
            status: rule.meta.status,
            path: path.clone(),
            logsource: rule.logsource.to_string(),
        });

        // Compile every event kind before indexing any, so a rule is either fully in or out.
        let mut compiled = Vec::with_capacity(sources.len());
        for source in &sources {
            match compile_rule(rule, Arc::clone(&info), source, tables) {
                Ok(rule) => compiled.push(rule),
                Err(reason) => return reject(RejectKind::Compile, reason),
            }
        }
        Outcome::Compiled(info, compiled)
    }
}
