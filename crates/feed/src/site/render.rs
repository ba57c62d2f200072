//! Page rendering with minijinja. Templates are compiled into the binary and every value
//! from a rule is HTML-escaped by the `.html` autoescape, except inline JSON, which
//! [`inline_json`] escapes for a `<script>` element.

use minijinja::{context, Environment, Value};
use serde::Serialize;

use crate::error::FeedError;

pub const STYLE_CSS: &str = include_str!("../../templates/style.css");
pub const LIST_JS: &str = include_str!("../../templates/list.js");

pub struct Renderer {
    env: Environment<'static>,
    generated_at: Option<String>,
}

impl Renderer {
    pub fn new(generated_at: Option<String>) -> Result<Self, FeedError> {
        let mut env = Environment::new();
        // Only http(s) references become links, so a `javascript:` URL in a rule stays text.
        env.add_test("web_url", |url: &str| url.starts_with("https://") || url.starts_with("http://"));
        let templates = [
            ("base.html", include_str!("../../templates/base.html")),
            ("index.html", include_str!("../../templates/index.html")),
            ("rule.html", include_str!("../../templates/rule.html")),
            ("coverage.html", include_str!("../../templates/coverage.html")),
            ("errors.html", include_str!("../../templates/errors.html")),
        ];
        for (name, source) in templates {
            env.add_template(name, source)
                .map_err(|source| FeedError::Template { template: name.to_owned(), source })?;
        }
        Ok(Self { env, generated_at })
    }

    /// Renders a template; `root` is the relative path from the page to the site root.
    pub fn render(&self, template: &str, root: &str, page: Value) -> Result<String, FeedError> {
        let template_error = |source| FeedError::Template { template: template.to_owned(), source };
        let ctx = context! { root => root, generated_at => self.generated_at, ..page };
        self.env.get_template(template).and_then(|t| t.render(ctx)).map_err(template_error)
    }
}

/// Serializes `value` as JSON that is safe inside `<script type="application/json">`: `<`, `>`
/// and `&` become `\u003c`, `\u003e` and `\u0026`, so neither `</script>` nor `<!--` can
/// appear, and U+2028/U+2029 are escaped for older JavaScript parsers.
pub fn inline_json<T: Serialize>(value: &T, document: &str) -> Result<String, FeedError> {
    let json = serde_json::to_string(value)
        .map_err(|source| FeedError::Json { document: document.to_owned(), source })?;
    let mut escaped = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            '\u{2028}' => escaped.push_str("\\u2028"),
            '\u{2029}' => escaped.push_str("\\u2029"),
            c => escaped.push(c),
        }
    }
    Ok(escaped)
}

/// Pretty JSON with a final newline, for the `.json` files of the site.
pub fn json_file<T: Serialize>(value: &T, document: &str) -> Result<String, FeedError> {
    let mut json = serde_json::to_string_pretty(value)
        .map_err(|source| FeedError::Json { document: document.to_owned(), source })?;
    json.push('\n');
    Ok(json)
}
