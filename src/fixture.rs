//! Wrong-solution fixtures: the reference solution with one plausible mistake
//! planted, and the checklist items that must reject it.
//!
//! A fixture is `tests/fixtures/<lang>/<level>/<name>.toml`:
//!
//! ```toml
//! description = "add_comment forgets the post -> comments relationship"
//! rejected_by = ["update-logic", "basic-selectors"]
//! [[edit]]
//! file = "src/main.code"
//! find = "exact text in the solution"
//! replace = "the mistake"
//! ```
//!
//! Each `find` must occur exactly once, so a fixture that drifts from the
//! solution fails loudly instead of silently testing the solution itself.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::embedded::File;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    pub description: String,
    /// Exactly the checklist items whose checks must fail.
    pub rejected_by: BTreeSet<String>,
    #[serde(rename = "edit")]
    pub edits: Vec<Edit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    pub file: String,
    pub find: String,
    pub replace: String,
}

impl Fixture {
    pub fn parse(name: &str, text: &str) -> Result<Fixture> {
        let f: Fixture = toml::from_str(text).with_context(|| format!("fixture {name} is not valid"))?;
        if f.edits.is_empty() || f.rejected_by.is_empty() {
            bail!("fixture {name}: needs at least one [[edit]] and one item in rejected_by");
        }
        Ok(f)
    }

    /// The solution's files with this fixture's edits applied.
    pub fn apply(&self, name: &str, solution: &[File]) -> Result<Vec<(String, String)>> {
        let mut files: Vec<(String, String)> = solution
            .iter()
            .map(|f| Ok((f.path.clone(), String::from_utf8(f.contents.to_vec()).context("solution files are UTF-8")?)))
            .collect::<Result<_>>()?;
        for (i, edit) in self.edits.iter().enumerate() {
            let Some((_, text)) = files.iter_mut().find(|(p, _)| *p == edit.file) else {
                bail!("fixture {name}, edit {}: the solution has no file {}", i + 1, edit.file);
            };
            match text.matches(&edit.find).count() {
                1 => *text = text.replacen(&edit.find, &edit.replace, 1),
                n => bail!(
                    "fixture {name}, edit {}: `find` occurs {n} times in {} (it must occur once)",
                    i + 1,
                    edit.file
                ),
            }
        }
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "fn a() { 1 }\nfn b() { 2 }\n";

    fn solution() -> Vec<File> {
        vec![File { path: "src/main.code".into(), contents: SOLUTION.as_bytes() }]
    }

    #[test]
    fn applies_an_edit_that_matches_once() {
        let f = Fixture::parse(
            "x",
            "description = \"d\"\nrejected_by = [\"i\"]\n[[edit]]\nfile = \"src/main.code\"\nfind = \"{ 2 }\"\nreplace = \"{ 3 }\"\n",
        )
        .unwrap();
        let files = f.apply("x", &solution()).unwrap();
        assert_eq!(files[0].1, "fn a() { 1 }\nfn b() { 3 }\n");
    }

    #[test]
    fn refuses_an_edit_that_does_not_match_exactly_once() {
        for find in ["fn ", "nowhere"] {
            let text = format!(
                "description = \"d\"\nrejected_by = [\"i\"]\n[[edit]]\nfile = \"src/main.code\"\nfind = \"{find}\"\nreplace = \"\"\n"
            );
            let err = Fixture::parse("x", &text).unwrap().apply("x", &solution()).unwrap_err().to_string();
            assert!(err.contains("it must occur once"), "{err}");
        }
    }
}
