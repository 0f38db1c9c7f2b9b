//! Command-line definitions (clap derive) and nothing else.

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  workshop start towel      scaffold the Towel level here and show its challenge
  workshop check            grade the level you stand in (or the last one started)
  workshop check --json     the same, as one JSON document
  workshop progress         the mastery checklists of all four levels
  workshop repair           back up and rebuild a damaged progress file
  workshop dev check        (course authors) prove stubs fail, solutions pass, fixtures are rejected";

#[derive(Parser)]
#[command(name = "workshop", version, about = "Redux Galaxy: a graded workshop on state management, in Rust.")]
#[command(after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scaffold a level's crate in this folder and show its challenge.
    Start {
        /// The level: towel, babel-fish, improbability-drive or deep-thought.
        level: String,
    },
    /// Build your code with the hidden checks, grade it and update your checklist.
    Check {
        /// The level to check (default: the level folder you stand in, else the last one started).
        level: Option<String>,
        /// Print one JSON document instead of the report.
        #[arg(long)]
        json: bool,
    },
    /// Show the mastery checklists of all levels.
    Progress,
    /// Back up a damaged progress file, then rebuild it from what can still be read.
    Repair,
    /// Tools for course authors.
    #[command(subcommand)]
    Dev(DevCommand),
}

#[derive(Subcommand)]
pub enum DevCommand {
    /// Grade every available level's stub (must fail), solution (must pass)
    /// and wrong fixtures (each must be rejected by the expected items).
    Check {
        /// Only this level.
        level: Option<String>,
    },
    /// Write a wrong-solution fixture into this workspace's level folder, to
    /// see it graded as a learner would (the level's files are overwritten).
    Fixture {
        /// The level.
        level: String,
        /// The fixture's name (its file name in tests/fixtures/<level>/, without .toml).
        name: String,
    },
}
