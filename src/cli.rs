//! Command-line definitions (clap derive) and nothing else.

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  workshop start towel      scaffold the Towel level here and show its challenge
  workshop start towel --lang typescript   the same, in TypeScript with Redux Toolkit
  workshop check            grade the level you stand in (or the last one started)
  workshop check --json     the same, as one JSON document
  workshop check --all --report classroom   every started level, as a GitHub Classroom result
  workshop progress         the mastery checklists of all four levels
  workshop watch            re-check on every save (h hint, c check, q quit)
  workshop hint             one more hint for the step you are stuck on
  workshop reset --yes      back up your files and restore the stubs
  workshop repair           back up and rebuild a damaged progress file
  workshop dev check        (course authors) prove stubs fail, solutions pass, fixtures are rejected
  workshop dev mutants towel --sample 20 --seed 1   (course authors) do the hidden checks kill mutants of the solution?";

#[derive(Parser)]
#[command(
    name = "workshop",
    version,
    about = "Redux Galaxy: a graded workshop on state management, in Rust or TypeScript."
)]
#[command(after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scaffold a level's crate in this folder and show its challenge.
    Start {
        /// The level's id (`workshop list` shows them all).
        level: String,
        /// The workspace's language, chosen at its first start (default: ask on a
        /// terminal, else rust). Later starts follow the workspace.
        #[arg(long, value_enum)]
        lang: Option<crate::lang::Lang>,
    },
    /// Build your code with the hidden checks, grade it and update your checklist.
    Check {
        /// The level to check (default: the level folder you stand in, else the last one started).
        level: Option<String>,
        /// Check every level started in this workspace (for CI and classrooms).
        #[arg(long, conflicts_with = "level")]
        all: bool,
        /// Print our native JSON document instead of the report (same as `--report native`).
        #[arg(long, conflicts_with = "report")]
        json: bool,
        /// The report format: text, native (our JSON), json (like exercism's results.json v3),
        /// classroom (GitHub Classroom's autograding result).
        #[arg(long, value_enum)]
        report: Option<crate::commands::Format>,
        /// Also run the stress checks (the largest data sets; slow).
        #[arg(long)]
        stress: bool,
        /// Skip timing the reference solution beside your perf checks. Without this, once the
        /// verdicts are in, each measured perf check is timed again, paired with the reference:
        /// "your feed: 0.8x the reference". It changes no verdict.
        #[arg(long)]
        no_reference: bool,
        /// Kept for scripts from before the reference figures were the default; does nothing.
        #[arg(long, hide = true, conflicts_with = "no_reference")]
        vs_reference: bool,
    },
    /// Show the mastery checklists of all levels.
    Progress,
    /// The levels, their state and what to do next.
    List,
    /// Re-check on every save. Keys: h hint, c check now, q quit.
    Watch {
        /// The level (default: the one you stand in, else the last one started).
        level: Option<String>,
        /// For file systems that report no changes: press Enter to check.
        #[arg(long)]
        manual: bool,
    },
    /// One more hint for the step you are stuck on (each call reveals the next).
    Hint {
        /// The level (default: the one you stand in, else the last one started).
        level: Option<String>,
    },
    /// Back up your files, then put the level's stubs back. Your mastery is kept.
    Reset {
        /// The level (default: the one you stand in, else the last one started).
        level: Option<String>,
        /// Reset every level folder in this workspace.
        #[arg(long, conflicts_with = "level")]
        all: bool,
        /// Do not ask for confirmation (for scripts).
        #[arg(long, short)]
        yes: bool,
    },
    /// After mastering a level: the reference solution and a diff against your code.
    Solution {
        /// The level.
        level: String,
        /// Show it before mastery.
        #[arg(long)]
        force: bool,
    },
    /// Answer the level's reflection questions; saved in <level>/REFLECTION.md.
    Reflect {
        /// The level (default: the one you stand in, else the last one started).
        level: Option<String>,
    },
    /// Print a shell completion script: `workshop completions bash > ~/.local/share/bash-completion/completions/workshop`.
    Completions { shell: clap_complete::Shell },
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
        /// Only this language's track (default: every language).
        #[arg(long, value_enum)]
        lang: Option<crate::lang::Lang>,
    },
    /// Mutation testing: grade mutants of a level's reference solution through
    /// the learner's path, and report killed / survived / unviable, the score
    /// and every survivor's diff. Exit status 1 when the score is below --min-score.
    Mutants {
        /// The level.
        level: String,
        /// The track whose reference solution is mutated.
        #[arg(long, value_enum, default_value = "rust")]
        lang: crate::lang::Lang,
        /// Grade only N mutants, picked by --seed (the same N and seed pick the same mutants).
        #[arg(long, value_name = "N")]
        sample: Option<usize>,
        /// The seed that picks the sample.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Grade N mutants at a time, each in a workspace of its own.
        #[arg(long, value_name = "N", default_value_t = 1)]
        jobs: usize,
        /// The lowest mutation score (killed / (killed + survived)) that passes, from 0 to 1.
        #[arg(long, value_name = "SCORE", default_value_t = 0.95)]
        min_score: f64,
        /// Only list the mutants (with their keys for checks/<lang>/<level>/mutants.toml); grade none.
        #[arg(long)]
        list: bool,
    },
    /// Write a wrong-solution fixture into this workspace's level folder, to
    /// see it graded as a learner would (the level's files are overwritten).
    Fixture {
        /// The level.
        level: String,
        /// The fixture's name (its file name in tests/fixtures/<lang>/<level>/, without .toml).
        name: String,
    },
    /// Build a level's hidden checks ahead of its first check (what
    /// `workshop start` runs in the background).
    #[command(hide = true)]
    Warm {
        /// The level.
        level: String,
    },
    /// Write a level's harness into this workspace's `.workshop/build/<level>/`
    /// without building it (for linting the hidden checks).
    #[command(hide = true)]
    Harness {
        /// The level.
        level: String,
    },
}
