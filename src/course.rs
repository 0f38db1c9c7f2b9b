//! The curriculum model: levels.toml, parsed and validated.

use std::collections::{BTreeMap, HashSet};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::lang::Lang;

/// The levels.toml format this binary understands.
pub const FORMAT: u32 = 1;

/// The course in one language: the shared curriculum with that language's
/// track (steps, hints, checks) filled in. Levels without a track in this
/// language are listed as planned.
#[derive(Debug)]
pub struct Course {
    pub lang: Lang,
    pub title: String,
    pub tagline: String,
    pub levels: Vec<Level>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LevelStatus {
    Available,
    Planned,
}

/// One level as a learner of `Course::lang` meets it.
#[derive(Debug, Clone)]
pub struct Level {
    pub id: String,
    /// The short name learners know it by ("Babel Fish").
    pub name: String,
    pub title: String,
    pub difficulty: String,
    pub duration: String,
    pub status: LevelStatus,
    pub requires: Vec<String>,
    pub summary: String,
    pub objectives: Vec<String>,
    pub reflection: Vec<String>,
    pub extension: String,
    pub limits: Limits,
    /// Compile the hidden checks optimized (the track's `optimize_checks`).
    pub optimize_checks: bool,
    pub items: Vec<Item>,
    pub steps: Vec<Step>,
    pub checks: Vec<Check>,
    /// The languages in which this level can be taken.
    pub available_in: Vec<Lang>,
}

// levels.toml as written: shared fields, then one track per language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    format: u32,
    title: String,
    tagline: String,
    levels: Vec<LevelFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelFile {
    id: String,
    name: String,
    title: String,
    difficulty: String,
    duration: String,
    #[serde(default)]
    requires: Vec<String>,
    summary: String,
    objectives: Vec<String>,
    reflection: Vec<String>,
    #[serde(default)]
    limits: Limits,
    items: Vec<ItemFile>,
    #[serde(default)]
    tracks: Vec<TrackFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemFile {
    id: String,
    title: String,
    text: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    bonus: bool,
    /// Per-language wording, where the shared text would not fit.
    #[serde(default)]
    lang: BTreeMap<String, ItemWording>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemWording {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// What a level is in one language: its status, steps and hidden checks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackFile {
    lang: String,
    status: LevelStatus,
    extension: String,
    /// Replaces the level's reflection questions in this language.
    #[serde(default)]
    reflection: Option<Vec<String>>,
    #[serde(default)]
    limits: Option<Limits>,
    #[serde(default)]
    optimize_checks: bool,
    #[serde(default)]
    steps: Vec<Step>,
    #[serde(default)]
    checks: Vec<Check>,
}

/// What one hidden test may use before it is stopped.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Wall-clock limit of a perf check (and of anything else but a correctness check).
    #[serde(default = "Limits::default_timeout")]
    pub timeout_secs: u64,
    /// Wall-clock limit of a correctness check (kind "test"): short, so that
    /// an endless loop is answered within seconds. A check that needs more
    /// sets its own `timeout_secs`.
    #[serde(default = "Limits::default_test_timeout")]
    pub test_timeout_secs: u64,
    #[serde(default = "Limits::default_memory")]
    pub memory_mb: u64,
}

impl Limits {
    fn default_timeout() -> u64 {
        10
    }
    fn default_test_timeout() -> u64 {
        3
    }
    fn default_memory() -> u64 {
        2048
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout_secs: Self::default_timeout(),
            test_timeout_secs: Self::default_test_timeout(),
            memory_mb: Self::default_memory(),
        }
    }
}

/// A mastery-checklist item.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub text: String,
    pub note: Option<String>,
    pub bonus: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub files: Vec<String>,
    pub hints: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// A harness test.
    Test,
    /// A harness test measuring a candidate against a baseline.
    Perf,
    /// A section of the level's type cases: code that must not compile, or a
    /// type-level assertion.
    CompileFail,
    /// The learner's own tests must pass, with `min_tests` tests and
    /// one whose name contains `name_contains`.
    LearnerTests,
    /// The learner's `file` must contain `pattern` (say, `#![forbid(unsafe_code)]`).
    SourceContains,
    /// No graded file of the learner's may use any of `patterns` outside a
    /// line comment (say, `dyn Any`).
    SourceLacks,
}

impl CheckKind {
    /// Whether the check runs inside the harness binary.
    pub fn in_harness(self) -> bool {
        matches!(self, CheckKind::Test | CheckKind::Perf)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub item: String,
    pub step: String,
    #[serde(default = "Check::default_kind")]
    pub kind: CheckKind,
    pub summary: String,
    /// Highest candidate/baseline ratio a perf check allows.
    #[serde(default)]
    pub budget: Option<f64>,
    /// The seed's absolute budget, shown beside the ratio.
    #[serde(default)]
    pub seed_budget: Option<String>,
    /// Highest ratio of the learner's time to the reference solution's on the
    /// candidate workload; none (the default): shown, never failed.
    #[serde(default)]
    pub reference_budget: Option<f64>,
    /// Runs only with `workshop check --stress`.
    #[serde(default)]
    pub stress: bool,
    /// Overrides the level's per-test timeout.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// Checks naming the same setup (loading React and a DOM, say) run one
    /// after another in one worker, which pays for that setup once.
    #[serde(default)]
    pub setup: Option<String>,
    /// learner-tests: the fewest tests the learner must have written.
    #[serde(default)]
    pub min_tests: Option<usize>,
    /// learner-tests: one test name must contain this (e.g. "perf").
    #[serde(default)]
    pub name_contains: Option<String>,
    /// learner-tests: the test names must name at least `min_names` of these
    /// (say, the extensions a learner chose), each in a passing test.
    #[serde(default)]
    pub names_any: Vec<String>,
    #[serde(default)]
    pub min_names: Option<usize>,
    /// source-contains: the learner's file, relative to the level folder.
    #[serde(default)]
    pub file: Option<String>,
    /// source-contains: the text it must contain.
    #[serde(default)]
    pub pattern: Option<String>,
    /// source-lacks: texts no graded file may use.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// source-lacks: look inside line comments too, for patterns that are
    /// comment directives (`// @ts-ignore`).
    #[serde(default)]
    pub in_comments: bool,
}

impl Check {
    fn default_kind() -> CheckKind {
        CheckKind::Test
    }

    /// learner-tests: what the names of the learner's tests lack, if anything.
    pub fn names_missing(&self, names: &[&str]) -> Option<String> {
        // Any case: a TypeScript test is a sentence ("Time travel replays ...").
        let names: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        let named_by = |w: &str| names.iter().any(|n| n.contains(&w.to_lowercase()));
        if let Some(wanted) = self.name_contains.as_deref().filter(|w| !named_by(w)) {
            return Some(format!("write a test whose name contains `{wanted}` (a performance test)."));
        }
        let min = self.min_names.unwrap_or(0);
        let named: Vec<&str> = self.names_any.iter().filter(|w| named_by(w)).map(String::as_str).collect();
        (named.len() < min).then(|| {
            let wanted = self.names_any.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ");
            let found = if named.is_empty() { "none".to_string() } else { named.join(", ") };
            format!("write tests whose names name at least {min} of {wanted}; your tests name {found}.")
        })
    }
}

impl Course {
    /// Parses levels.toml, validates every language's track, and returns the
    /// course in `lang`. Errors name the key at fault.
    pub fn parse(text: &str, lang: Lang) -> Result<Course> {
        let file: CourseFile = toml::from_str(text).context("levels.toml is not valid")?;
        file.validate()?;
        let mut wanted = None;
        for l in Lang::ALL {
            let course = file.resolve(l);
            course.validate()?;
            if l == lang {
                wanted = Some(course);
            }
        }
        Ok(wanted.expect("Lang::ALL holds every language"))
    }

    /// The course compiled into this binary, in `lang`.
    pub fn embedded(lang: Lang) -> Course {
        // `workshop dev check` and the test suite prove this parses.
        Course::parse(crate::embedded::LEVELS_TOML, lang).expect("the embedded levels.toml is valid")
    }

    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    pub fn ids(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.levels.iter().map(|l| l.id.as_str())
    }

    fn validate(&self) -> Result<()> {
        for (i, level) in self.levels.iter().enumerate() {
            level.validate(&format!("levels[{i}] ({}) in {}", level.id, self.lang.id()))?;
        }
        Ok(())
    }
}

impl CourseFile {
    fn validate(&self) -> Result<()> {
        if self.format != FORMAT {
            bail!("levels.toml: `format` is {}, but this workshop reads format {FORMAT}", self.format);
        }
        let mut level_ids = HashSet::new();
        for (i, level) in self.levels.iter().enumerate() {
            let at = format!("levels[{i}] ({})", level.id);
            if !is_slug(&level.id) {
                bail!("levels.toml: {at}.id must be lowercase letters, digits and dashes");
            }
            if !level_ids.insert(level.id.as_str()) {
                bail!("levels.toml: {at}.id is used twice");
            }
            for req in &level.requires {
                if !self.levels[..i].iter().any(|l| &l.id == req) {
                    bail!("levels.toml: {at}.requires names `{req}`, which is not an earlier level");
                }
            }
            if level.items.is_empty() {
                bail!("levels.toml: {at}.items is empty: every level needs its mastery checklist");
            }
            let mut langs = HashSet::new();
            for track in &level.tracks {
                let Some(lang) = Lang::from_id(&track.lang) else {
                    bail!("levels.toml: {at}.tracks: `{}` is not a language this workshop knows", track.lang);
                };
                if !langs.insert(lang) {
                    bail!("levels.toml: {at}.tracks: {} has two tracks", track.lang);
                }
            }
            for item in &level.items {
                if let Some(other) = item.lang.keys().find(|k| Lang::from_id(k).is_none()) {
                    bail!("levels.toml: {at}.items.{}.lang: `{other}` is not a language this workshop knows", item.id);
                }
            }
        }
        Ok(())
    }

    fn resolve(&self, lang: Lang) -> Course {
        let levels = self.levels.iter().map(|l| l.resolve(lang)).collect();
        Course { lang, title: self.title.clone(), tagline: self.tagline.clone(), levels }
    }
}

impl LevelFile {
    fn resolve(&self, lang: Lang) -> Level {
        let track = self.tracks.iter().find(|t| Lang::from_id(&t.lang) == Some(lang));
        let items = self
            .items
            .iter()
            .map(|i| {
                let wording = i.lang.get(lang.id()).cloned().unwrap_or(ItemWording { text: None, note: None });
                Item {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    text: wording.text.unwrap_or_else(|| i.text.clone()),
                    note: wording.note.or_else(|| i.note.clone()),
                    bonus: i.bonus,
                }
            })
            .collect();
        Level {
            id: self.id.clone(),
            name: self.name.clone(),
            title: self.title.clone(),
            difficulty: self.difficulty.clone(),
            duration: self.duration.clone(),
            status: track.map_or(LevelStatus::Planned, |t| t.status),
            requires: self.requires.clone(),
            summary: self.summary.clone(),
            objectives: self.objectives.clone(),
            reflection: track.and_then(|t| t.reflection.clone()).unwrap_or_else(|| self.reflection.clone()),
            extension: track.map(|t| t.extension.clone()).unwrap_or_default(),
            limits: track.and_then(|t| t.limits).unwrap_or(self.limits),
            optimize_checks: track.is_some_and(|t| t.optimize_checks),
            items,
            steps: track.map(|t| t.steps.clone()).unwrap_or_default(),
            checks: track.map(|t| t.checks.clone()).unwrap_or_default(),
            available_in: self
                .tracks
                .iter()
                .filter(|t| t.status == LevelStatus::Available)
                .filter_map(|t| Lang::from_id(&t.lang))
                .collect(),
        }
    }
}

impl Level {
    pub fn is_available(&self) -> bool {
        self.status == LevelStatus::Available
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn checks_for<'a>(&'a self, item: &'a str) -> impl Iterator<Item = &'a Check> {
        self.checks.iter().filter(move |c| c.item == item)
    }

    fn validate(&self, at: &str) -> Result<()> {
        let mut seen = HashSet::new();
        for item in &self.items {
            if !seen.insert(item.id.as_str()) {
                bail!("levels.toml: {at}.items: `{}` is used twice", item.id);
            }
        }
        let mut seen = HashSet::new();
        for step in &self.steps {
            if !seen.insert(step.id.as_str()) {
                bail!("levels.toml: {at}.steps: `{}` is used twice", step.id);
            }
            if step.hints.is_empty() {
                bail!("levels.toml: {at}.steps.{}.hints is empty: every step needs a hint", step.id);
            }
            if step.files.is_empty() {
                bail!("levels.toml: {at}.steps.{}.files is empty", step.id);
            }
        }
        let mut seen = HashSet::new();
        for check in &self.checks {
            let c = format!("{at}.checks.{}", check.id);
            if !seen.insert(check.id.as_str()) {
                bail!("levels.toml: {c} is used twice");
            }
            if self.item(&check.item).is_none() {
                bail!("levels.toml: {c}.item names `{}`, which is not one of this level's items", check.item);
            }
            if self.step(&check.step).is_none() {
                bail!("levels.toml: {c}.step names `{}`, which is not one of this level's steps", check.step);
            }
            match (check.kind, check.budget) {
                (CheckKind::Perf, None) => {
                    bail!("levels.toml: {c}.budget is missing: a perf check needs a ratio budget")
                }
                (CheckKind::Perf, Some(b)) if !(b.is_finite() && b >= 1.0) => {
                    bail!("levels.toml: {c}.budget must be a ratio of at least 1.0, not {b}")
                }
                (_, Some(_)) if check.kind != CheckKind::Perf => {
                    bail!("levels.toml: {c}.budget is only for kind = \"perf\"")
                }
                _ => {}
            }
            match check.reference_budget {
                Some(_) if check.kind != CheckKind::Perf => {
                    bail!("levels.toml: {c}.reference_budget is only for kind = \"perf\"")
                }
                Some(b) if !(b.is_finite() && b >= 1.0) => {
                    bail!("levels.toml: {c}.reference_budget must be a ratio of at least 1.0, not {b}")
                }
                _ => {}
            }
            let learner = check.kind == CheckKind::LearnerTests;
            if learner != check.min_tests.is_some() || (!learner && check.name_contains.is_some()) {
                bail!("levels.toml: {c}: min_tests (required) and name_contains go with kind = \"learner-tests\" only");
            }
            match (check.min_names, check.names_any.len()) {
                (None, 0) => {}
                (Some(min), n) if learner && (1..=n).contains(&min) => {}
                _ => bail!(
                    "levels.toml: {c}: names_any and min_names (1 up to the number of names) go together, with \
                     kind = \"learner-tests\" only"
                ),
            }
            let source = check.kind == CheckKind::SourceContains;
            if source != check.file.is_some() || source != check.pattern.is_some() {
                bail!("levels.toml: {c}: file and pattern go together, with kind = \"source-contains\" only");
            }
            if (check.kind == CheckKind::SourceLacks) == check.patterns.is_empty()
                || check.patterns.iter().any(|p| p.trim().is_empty())
            {
                bail!("levels.toml: {c}: patterns (none of them empty) go with kind = \"source-lacks\" only");
            }
            if check.in_comments && check.kind != CheckKind::SourceLacks {
                bail!("levels.toml: {c}.in_comments is only for kind = \"source-lacks\"");
            }
            if check.stress && !check.kind.in_harness() {
                bail!("levels.toml: {c}.stress is only for kind = \"test\" or \"perf\"");
            }
            if check.timeout_secs == Some(0) {
                bail!("levels.toml: {c}.timeout_secs must be more than 0");
            }
        }
        if self.is_available() {
            if self.steps.is_empty() || self.checks.is_empty() {
                bail!("levels.toml: {at} is available but has no steps or no checks");
            }
            for item in &self.items {
                if self.checks_for(&item.id).next().is_none() {
                    bail!("levels.toml: {at}.items.{} has no check that proves it", item.id);
                }
            }
        }
        if self.limits.timeout_secs == 0 || self.limits.test_timeout_secs == 0 || self.limits.memory_mb < 64 {
            bail!("levels.toml: {at}.limits: timeout_secs and test_timeout_secs must be > 0 and memory_mb at least 64");
        }
        Ok(())
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_course_is_valid() {
        let course = Course::parse(crate::embedded::LEVELS_TOML, Lang::Rust).unwrap();
        let ids: Vec<_> = course.ids().collect();
        assert_eq!(ids, ["towel", "babel-fish", "improbability-drive", "deep-thought"]);
        assert!(course.level("towel").unwrap().is_available());
    }

    #[test]
    fn every_level_has_the_four_seed_items() {
        let course = Course::embedded(Lang::Rust);
        for level in &course.levels {
            assert_eq!(level.items.iter().filter(|i| !i.bonus).count(), 4, "{}", level.id);
        }
    }

    #[test]
    fn errors_name_the_key() {
        let text = crate::embedded::LEVELS_TOML.replacen("item = \"schema-design\"", "item = \"schema-desing\"", 1);
        let err = Course::parse(&text, Lang::Rust).unwrap_err().to_string();
        assert!(err.contains("checks.schema.from-entities.item"), "{err}");
        assert!(err.contains("schema-desing"), "{err}");

        let text = crate::embedded::LEVELS_TOML.replacen("format = 1", "format = 7", 1);
        let err = Course::parse(&text, Lang::Rust).unwrap_err().to_string();
        assert!(err.contains("`format` is 7"), "{err}");

        let text = crate::embedded::LEVELS_TOML.replacen("budget = 3.0", "", 1);
        let err = format!("{:#}", Course::parse(&text, Lang::Rust).unwrap_err());
        assert!(err.contains("budget is missing"), "{err}");
    }

    #[test]
    fn kind_specific_keys_are_checked() {
        let add = |extra: &str| {
            crate::embedded::LEVELS_TOML.replacen(
                "id = \"selectors.select-post\"\n",
                &format!("id = \"selectors.select-post\"\n{extra}\n"),
                1,
            )
        };
        let err = format!("{:#}", Course::parse(&add("min_tests = 3"), Lang::Rust).unwrap_err());
        assert!(err.contains("selectors.select-post: min_tests"), "{err}");
        let err = format!("{:#}", Course::parse(&add("pattern = \"x\""), Lang::Rust).unwrap_err());
        assert!(err.contains("file and pattern go together"), "{err}");
        let err = format!(
            "{:#}",
            Course::parse(&add("kind = \"source-contains\"\nfile = \"src/main.code\""), Lang::Rust).unwrap_err()
        );
        assert!(err.contains("file and pattern go together"), "{err}");
        assert!(
            Course::parse(&add("kind = \"source-contains\"\nfile = \"src/main.code\"\npattern = \"x\""), Lang::Rust)
                .is_ok()
        );
        assert!(Course::parse(&add("stress = true\ntimeout_secs = 60"), Lang::Rust).is_ok());
        let err = format!("{:#}", Course::parse(&add("reference_budget = 40.0"), Lang::Rust).unwrap_err());
        assert!(err.contains("selectors.select-post.reference_budget is only for kind = \"perf\""), "{err}");
        let perf = |extra: &str| {
            crate::embedded::LEVELS_TOML.replacen("budget = 3.0\n", &format!("budget = 3.0\n{extra}\n"), 1)
        };
        let err = format!("{:#}", Course::parse(&perf("reference_budget = 0.5"), Lang::Rust).unwrap_err());
        assert!(err.contains("reference_budget must be a ratio of at least 1.0, not 0.5"), "{err}");
        assert!(Course::parse(&perf("reference_budget = 40.0"), Lang::Rust).is_ok());
        for bad in
            ["patterns = [\"dyn Any\"]", "kind = \"source-lacks\"", "kind = \"source-lacks\"\npatterns = [\" \"]"]
        {
            let err = format!("{:#}", Course::parse(&add(bad), Lang::Rust).unwrap_err());
            assert!(err.contains("patterns (none of them empty) go with"), "{bad}: {err}");
        }
        assert!(Course::parse(&add("kind = \"source-lacks\"\npatterns = [\"dyn Any\"]"), Lang::Rust).is_ok());
        let err = format!("{:#}", Course::parse(&add("in_comments = true"), Lang::Rust).unwrap_err());
        assert!(err.contains("in_comments is only for"), "{err}");
        let learner = "kind = \"learner-tests\"\nmin_tests = 2\nnames_any = [\"a\", \"b\"]";
        for bad in ["names_any = [\"a\"]\nmin_names = 1", &format!("{learner}\nmin_names = 3"), learner] {
            let err = format!("{:#}", Course::parse(&add(bad), Lang::Rust).unwrap_err());
            assert!(err.contains("names_any and min_names"), "{bad}: {err}");
        }
        assert!(Course::parse(&add(&format!("{learner}\nmin_names = 2")), Lang::Rust).is_ok());
    }

    #[test]
    fn learner_test_names_must_name_enough_of_the_list() {
        let check: Check = toml::from_str(
            "id = \"i\"\nitem = \"x\"\nstep = \"s\"\nkind = \"learner-tests\"\nsummary = \"s\"\nmin_tests = 2\n\
             names_any = [\"plugin\", \"analytics\", \"time_travel\"]\nmin_names = 2\n",
        )
        .unwrap();
        assert_eq!(check.names_missing(&["tests::plugin_vetoes", "tests::time_travel_replays"]), None);
        let missing = check.names_missing(&["tests::plugin_vetoes", "tests::plugin_observes"]).unwrap();
        assert!(missing.contains("at least 2") && missing.contains("name plugin."), "{missing}");
        assert_eq!(check.names_missing(&["Plugins veto", "Time_Travel replays"]), None, "any case");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = crate::embedded::LEVELS_TOML.replacen("difficulty = \"Beginner\"", "dificulty = \"Beginner\"", 1);
        let err = format!("{:#}", Course::parse(&text, Lang::Rust).unwrap_err());
        assert!(err.contains("dificulty"), "{err}");
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// One random edit of a levels.toml text.
    #[derive(Debug, Clone)]
    enum Mutation {
        DeleteLine(usize),
        DuplicateLine(usize),
        Truncate(usize),
        Splice(usize, String),
        RetypeValue(usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            any::<usize>().prop_map(Mutation::DeleteLine),
            any::<usize>().prop_map(Mutation::DuplicateLine),
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), "[\\[\\]=\"#a-z0-9 .,\\n{}-]{0,12}").prop_map(|(at, s)| Mutation::Splice(at, s)),
            any::<usize>().prop_map(Mutation::RetypeValue),
        ]
    }

    fn apply(text: &str, m: &Mutation) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        match m {
            Mutation::DeleteLine(i) => {
                lines.remove(i % lines.len());
            }
            Mutation::DuplicateLine(i) => {
                let l = lines[i % lines.len()].clone();
                lines.insert(i % lines.len(), l);
            }
            Mutation::Truncate(i) => {
                let mut cut = i % text.len();
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                return text[..cut].to_string();
            }
            Mutation::Splice(i, s) => {
                let mut at = i % text.len();
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                return format!("{}{s}{}", &text[..at], &text[at..]);
            }
            Mutation::RetypeValue(i) => {
                let n = i % lines.len();
                if let Some(eq) = lines[n].find(" = ") {
                    lines[n] = format!("{} = 42", &lines[n][..eq]);
                }
            }
        }
        lines.join("\n")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        /// A damaged levels.toml is an error, never a panic; whatever parses is valid.
        #[test]
        fn damaged_course_files_never_panic(edits in proptest::collection::vec(mutation(), 1..4)) {
            let mut text = crate::embedded::LEVELS_TOML.to_string();
            for m in &edits {
                if text.is_empty() { break; }
                text = apply(&text, m);
            }
            if let Ok(course) = Course::parse(&text, Lang::Rust) {
                for level in &course.levels {
                    for check in &level.checks {
                        prop_assert!(level.item(&check.item).is_some());
                        prop_assert!(level.step(&check.step).is_some());
                    }
                }
            }
        }
    }
}
