//! The progress file: what the learner has started and mastered.
//!
//! It is TOML with a schema version. Saving writes a temp file in the same
//! folder, syncs it and renames it over the old one, so a crash, a full disk
//! or Ctrl-C leaves either the old file or the new one, never half of one. A
//! file that does not parse is reported and kept; nothing resets it silently.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::course::Level;

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub schema: u32,
    /// The level most recently started: `workshop check` checks it by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_level: Option<String>,
    #[serde(default)]
    pub levels: BTreeMap<String, LevelProgress>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelProgress {
    pub started: String,
    /// Checklist item id -> when it was first mastered. Mastery is kept even
    /// if a later edit breaks a check: it records what the learner achieved.
    #[serde(default)]
    pub mastered: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check: Option<LastCheck>,
    /// Step id -> how many of its hints `workshop hint` has revealed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hints_used: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LastCheck {
    pub at: String,
    pub passed: usize,
    pub total: usize,
    /// The ids of the checks that failed, in course order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing: Vec<String>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress { schema: SCHEMA, last_level: None, levels: BTreeMap::new() }
    }
}

/// What to do when the disk is full; nothing was replaced.
pub const DISK_FULL: &str =
    "the disk is full. Free some space, then run the command again; your files and progress are as they were.";

/// Whether an I/O error means the disk (or the quota) is full. tempfile wraps
/// the OS error with the path, so its text is read too.
pub fn is_disk_full(e: &std::io::Error) -> bool {
    let full = |code: i32| e.raw_os_error() == Some(code) || e.to_string().contains(&format!("(os error {code})"));
    full(libc::ENOSPC) || full(libc::EDQUOT)
}

/// `e` with what was being done, and with what to do when the disk is full.
pub fn io_error(e: std::io::Error, doing: String) -> anyhow::Error {
    if is_disk_full(&e) { anyhow::anyhow!("{doing}: {DISK_FULL}") } else { anyhow::Error::new(e).context(doing) }
}

/// Replaces `path` with `contents` atomically: temp file, fsync, rename,
/// fsync the folder. A crash or a full disk leaves the old file or the new one.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().context("the file has no folder")?;
    // A temporary file is private (0600); the file it becomes is an ordinary
    // one, so it gets the mode a new file gets (0644 under the usual umask).
    let mut tmp = tempfile::Builder::new()
        .prefix(".workshop-")
        .suffix(".tmp")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(|e| io_error(e, format!("cannot create a temporary file in {}", dir.display())))?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| io_error(e, format!("cannot write {}", path.display())))?;
    tmp.persist(path).with_context(|| format!("cannot replace {}", path.display()))?;
    // Make the rename itself durable.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A level's state, as `progress` and `list` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelState {
    NotYetAvailable,
    /// Available in another language than the workspace's.
    NotInThisLanguage,
    NotStarted,
    InProgress {
        done: usize,
        total: usize,
    },
    Mastered,
}

impl std::fmt::Display for LevelState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LevelState::NotYetAvailable => f.write_str("not yet available"),
            LevelState::NotInThisLanguage => f.write_str("not yet in this language"),
            LevelState::NotStarted => f.write_str("not started"),
            LevelState::InProgress { done, total } => write!(f, "in progress, {done}/{total} mastered"),
            LevelState::Mastered => f.write_str("mastered"),
        }
    }
}

/// The current time as an RFC 3339 timestamp (UTC, whole seconds).
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// The date part of a timestamp written by `now`.
pub fn date_of(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

impl Progress {
    /// Reads the progress file; a missing file is an empty progress.
    pub fn load(path: &Path) -> Result<Progress> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Progress::default()),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read the progress file {}", path.display()));
            }
        };
        Progress::parse(&text).map_err(|e| {
            anyhow::anyhow!(
                "the progress file {} is damaged: {e:#}\n\
                 It was left exactly as it is. Fix it by hand, or run `workshop repair`: it backs the file up, \
                 then rebuilds it from what can still be read.",
                path.display()
            )
        })
    }

    pub fn parse(text: &str) -> Result<Progress> {
        let progress: Progress = toml::from_str(text)?;
        if progress.schema != SCHEMA {
            bail!("`schema` is {}, but this workshop reads schema {SCHEMA}", progress.schema);
        }
        for (id, level) in &progress.levels {
            check_timestamp(&format!("levels.{id}.started"), &level.started)?;
            for (item, at) in &level.mastered {
                check_timestamp(&format!("levels.{id}.mastered.{item}"), at)?;
            }
            if let Some(last) = &level.last_check {
                check_timestamp(&format!("levels.{id}.last_check.at"), &last.at)?;
                if last.passed > last.total {
                    bail!("levels.{id}.last_check: passed ({}) is more than total ({})", last.passed, last.total);
                }
            }
        }
        Ok(progress)
    }

    /// Writes the file atomically (see `write_atomic`).
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = toml::to_string(self).context("cannot serialize progress")?;
        write_atomic(path, text.as_bytes())
    }

    pub fn level_mut(&mut self, id: &str) -> &mut LevelProgress {
        self.levels.entry(id.to_string()).or_insert_with(|| LevelProgress { started: now(), ..Default::default() })
    }

    pub fn is_mastered(&self, level: &str, item: &str) -> bool {
        self.levels.get(level).is_some_and(|l| l.mastered.contains_key(item))
    }

    /// (mastered, total) of a level's core checklist items (bonus items aside).
    pub fn core_mastered(&self, level: &Level) -> (usize, usize) {
        let core: Vec<_> = level.items.iter().filter(|i| !i.bonus).collect();
        (core.iter().filter(|i| self.is_mastered(&level.id, &i.id)).count(), core.len())
    }

    /// Whether every core item of the level is mastered.
    pub fn level_mastered(&self, level: &Level) -> bool {
        let (done, total) = self.core_mastered(level);
        done == total
    }

    /// Where the learner stands with a level.
    pub fn state(&self, level: &Level) -> LevelState {
        let (done, total) = self.core_mastered(level);
        if !level.is_available() {
            if level.available_in.is_empty() { LevelState::NotYetAvailable } else { LevelState::NotInThisLanguage }
        } else if !self.levels.contains_key(&level.id) {
            LevelState::NotStarted
        } else if done == total {
            LevelState::Mastered
        } else {
            LevelState::InProgress { done, total }
        }
    }
}

/// What `salvage` could keep of a damaged file, and what it had to drop.
pub struct Salvaged {
    pub progress: Progress,
    pub dropped: Vec<String>,
}

impl Progress {
    /// Keeps every entry of a damaged file that still makes sense: each
    /// level's start and each mastered item with a readable timestamp.
    pub fn salvage(text: &str) -> Salvaged {
        let mut progress = Progress::default();
        let mut dropped = Vec::new();
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(_) => {
                dropped.push("the whole file (it is not TOML at all)".to_string());
                return Salvaged { progress, dropped };
            }
        };
        let timestamp =
            |v: &toml::Value| v.as_str().filter(|s| humantime::parse_rfc3339(s).is_ok()).map(str::to_string);
        progress.last_level = table.get("last_level").and_then(|v| v.as_str()).map(str::to_string);
        let Some(levels) = table.get("levels").and_then(|v| v.as_table()) else {
            return Salvaged { progress, dropped };
        };
        for (id, level) in levels {
            let Some(level) = level.as_table() else {
                dropped.push(format!("levels.{id} (not a table)"));
                continue;
            };
            let started = level.get("started").and_then(timestamp).unwrap_or_else(now);
            let entry = progress.levels.entry(id.clone()).or_insert(LevelProgress { started, ..Default::default() });
            if let Some(mastered) = level.get("mastered").and_then(|v| v.as_table()) {
                for (item, at) in mastered {
                    match timestamp(at) {
                        Some(at) => {
                            entry.mastered.insert(item.clone(), at);
                        }
                        None => dropped.push(format!("levels.{id}.mastered.{item}")),
                    }
                }
            }
        }
        Salvaged { progress, dropped }
    }
}

fn check_timestamp(key: &str, value: &str) -> Result<()> {
    humantime::parse_rfc3339(value).map(|_| ()).with_context(|| format!("{key} = {value:?} is not a timestamp"))
}

/// Where the progress file lives inside a workspace's `.workshop/` folder.
pub fn path_in(meta_dir: &Path) -> PathBuf {
    meta_dir.join("progress.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_leaves_an_ordinary_file_not_a_private_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (ours, plain) = (dir.path().join("package.json"), dir.path().join("plain"));
        write_atomic(&ours, b"{}").unwrap();
        fs::write(&plain, b"{}").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&ours), mode(&plain));
    }

    fn sample() -> Progress {
        let mut p = Progress { last_level: Some("towel".into()), ..Progress::default() };
        let level = p.level_mut("towel");
        level.mastered.insert("schema-design".into(), now());
        level.last_check = Some(LastCheck { at: now(), passed: 3, total: 5, failing: vec!["a".into(), "b".into()] });
        p
    }

    #[test]
    fn round_trips_through_an_atomic_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.toml");
        let p = sample();
        p.save(&path).unwrap();
        assert_eq!(Progress::load(&path).unwrap(), p);
        // No temp file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["progress.toml"]);
    }

    #[test]
    fn a_missing_file_is_empty_progress() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Progress::load(&dir.path().join("progress.toml")).unwrap(), Progress::default());
    }

    #[test]
    fn a_damaged_file_is_named_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.toml");
        fs::write(&path, "schema = 1\n[levels.towel]\nstarted = \"yesterday\"\n").unwrap();
        let err = format!("{:#}", Progress::load(&path).unwrap_err());
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("levels.towel.started"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "schema = 1\n[levels.towel]\nstarted = \"yesterday\"\n");
    }

    #[test]
    fn salvage_keeps_what_still_reads() {
        let text = "schema = 9\nlast_level = \"towel\"\n[levels.towel]\nstarted = \"2026-01-02T03:04:05Z\"\n\
                    [levels.towel.mastered]\nschema-design = \"2026-01-03T00:00:00Z\"\nbasic-selectors = \"soon\"\n";
        let s = Progress::salvage(text);
        let towel = &s.progress.levels["towel"];
        assert_eq!(towel.started, "2026-01-02T03:04:05Z");
        assert_eq!(towel.mastered.keys().collect::<Vec<_>>(), ["schema-design"]);
        assert_eq!(s.dropped, ["levels.towel.mastered.basic-selectors"]);
        assert_eq!(s.progress.schema, SCHEMA);
        assert!(Progress::salvage("{{{ not toml").progress.levels.is_empty());
    }

    #[test]
    fn a_future_schema_is_refused() {
        let err = format!("{:#}", Progress::parse("schema = 2\n").unwrap_err());
        assert!(err.contains("schema 1"), "{err}");
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn timestamp() -> impl Strategy<Value = String> {
        prop_oneof![Just(now()), "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z", "[ -~]{0,24}",]
    }

    /// Progress files shaped like real ones, with values that may be wrong.
    fn progress_text() -> impl Strategy<Value = String> {
        let item = ("[a-z-]{1,12}", timestamp()).prop_map(|(k, v)| format!("{k} = {v:?}\n"));
        let level = ("[a-z-]{1,12}", timestamp(), proptest::collection::vec(item, 0..4), any::<(u8, u8)>()).prop_map(
            |(id, started, items, (p, t))| {
                format!(
                    "[levels.{id}]\nstarted = {started:?}\n[levels.{id}.mastered]\n{}[levels.{id}.last_check]\nat = {:?}\npassed = {p}\ntotal = {t}\n",
                    items.concat(),
                    now()
                )
            },
        );
        (0u32..3, proptest::collection::vec(level, 0..3))
            .prop_map(|(schema, levels)| format!("schema = {schema}\n{}", levels.concat()))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(text in "[ -~\\n]{0,200}") {
            let _ = Progress::parse(&text);
            let _ = Progress::salvage(&text);
        }

        /// Whatever parses survives a save and load unchanged; salvage never panics
        /// and always yields something that parses.
        #[test]
        fn plausible_files_parse_round_trip_or_fail_cleanly(text in progress_text()) {
            if let Ok(p) = Progress::parse(&text) {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("progress.toml");
                p.save(&path).unwrap();
                prop_assert_eq!(Progress::load(&path).unwrap(), p);
            }
            let salvaged = Progress::salvage(&text).progress;
            let again = toml::to_string(&salvaged).unwrap();
            prop_assert!(Progress::parse(&again).is_ok(), "salvage produced an unreadable file:\n{}", again);
        }
    }
}
