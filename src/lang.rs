//! The languages a workshop can be taken in. Each has one toolchain module
//! under `grade/` and its own folders of stubs, solutions and checks.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Rust,
    #[value(name = "typescript", alias = "ts")]
    #[serde(rename = "typescript", alias = "ts")]
    TypeScript,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Rust, Lang::TypeScript];

    /// The id used in levels.toml, folder names and the progress file.
    pub fn id(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::TypeScript => "typescript",
        }
    }

    /// The name a learner knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Rust => "Rust",
            Lang::TypeScript => "TypeScript",
        }
    }

    /// One line for a learner choosing a language.
    pub fn blurb(self) -> &'static str {
        match self {
            Lang::Rust => "the Redux ideas carried into idiomatic Rust (needs Rust 1.89+)",
            Lang::TypeScript => "the workshop's own code, with Redux Toolkit (needs Node.js 20+ and npm)",
        }
    }

    pub fn from_id(id: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.id() == id || (id == "ts" && *l == Lang::TypeScript))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_id(lang.id()), Some(lang));
        }
        assert_eq!(Lang::from_id("ts"), Some(Lang::TypeScript));
        assert_eq!(Lang::from_id("go"), None);
    }
}
