//! The learner's workspace: a folder holding `.workshop/` (progress, build
//! cache, lock, language) and one folder per started level.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::course::Level;
use crate::embedded;
use crate::lang::Lang;
use crate::progress::{self, Progress};

pub const META_DIR: &str = ".workshop";

pub struct Workspace {
    pub root: PathBuf,
    /// The language chosen at the first `start`; every level here uses it.
    pub lang: Lang,
}

/// Where the workspace remembers its language. A workspace without it was
/// made before there was a choice, so it is Rust.
const LANG_FILE: &str = "language";

/// Held while a command reads and writes the workspace; dropping it unlocks.
pub struct WorkspaceLock {
    _file: File,
}

/// What `scaffold` did with each of the level's files.
pub struct Scaffold {
    pub created: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

impl Workspace {
    /// The workspace that contains `from`, looking upwards.
    pub fn find(from: &Path) -> Result<Option<Workspace>> {
        let Some(root) = from.ancestors().find(|dir| dir.join(META_DIR).is_dir()) else {
            return Ok(None);
        };
        let lang = Self::read_lang(root)?.unwrap_or(Lang::Rust);
        Ok(Some(Workspace { root: root.to_path_buf(), lang }))
    }

    /// The language a workspace at `root` remembers, if it remembers one.
    pub fn read_lang(root: &Path) -> Result<Option<Lang>> {
        let path = root.join(META_DIR).join(LANG_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => match Lang::from_id(text.trim()) {
                Some(lang) => Ok(Some(lang)),
                None => anyhow::bail!(
                    "{} says the workspace's language is `{}`, which this workshop does not know.\n\
                     Write `rust` or `typescript` into it.",
                    path.display(),
                    text.trim()
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Makes `root` a workspace in `lang` (idempotent); `caches` are the
    /// toolchain's cache folders under `.workshop/`, kept out of git.
    pub fn create(root: &Path, lang: Lang, caches: &[&str]) -> Result<Workspace> {
        let meta = root.join(META_DIR);
        fs::create_dir_all(&meta).with_context(|| format!("cannot create {}", meta.display()))?;
        let mut ignore = String::from("build/\nsolutions/\nlock\n");
        for dir in caches {
            ignore.push_str(dir);
            ignore.push('\n');
        }
        fs::write(meta.join(".gitignore"), ignore)
            .with_context(|| format!("cannot write {}", meta.join(".gitignore").display()))?;
        if Self::read_lang(root)? != Some(lang) {
            progress::write_atomic(&meta.join(LANG_FILE), format!("{}\n", lang.id()).as_bytes())?;
        }
        Ok(Workspace { root: root.to_path_buf(), lang })
    }

    pub fn meta_dir(&self) -> PathBuf {
        self.root.join(META_DIR)
    }

    pub fn progress_path(&self) -> PathBuf {
        progress::path_in(&self.meta_dir())
    }

    pub fn load_progress(&self) -> Result<Progress> {
        Progress::load(&self.progress_path())
    }

    pub fn save_progress(&self, progress: &Progress) -> Result<()> {
        progress.save(&self.progress_path())
    }

    /// Where the generated harness crate of a level lives.
    pub fn build_dir(&self, level: &str) -> PathBuf {
        self.meta_dir().join("build").join(level)
    }

    pub fn level_dir(&self, level: &str) -> PathBuf {
        self.root.join(level)
    }

    /// Takes the workspace lock, waiting (and saying so) if another
    /// `workshop` command holds it.
    pub fn lock(&self) -> Result<WorkspaceLock> {
        let path = self.meta_dir().join("lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                eprintln!("Another workshop command is running in this workspace; waiting for it to finish…");
                file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        Ok(WorkspaceLock { _file: file })
    }

    /// The level whose folder contains `dir`, if any.
    pub fn level_containing<'a>(&self, dir: &Path, ids: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        let rel = dir.strip_prefix(&self.root).ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        ids.into_iter().find(|id| *id == first)
    }

    /// Writes the level's stub files; an existing file is never overwritten.
    pub fn scaffold(&self, level: &Level) -> Result<Scaffold> {
        let dir = self.level_dir(&level.id);
        let mut result = Scaffold { created: Vec::new(), kept: Vec::new() };
        for file in embedded::exercise(self.lang, &level.id) {
            let path = dir.join(&file.path);
            if path.exists() {
                result.kept.push(path);
                continue;
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            }
            // create_new: a file that appeared meanwhile is still not overwritten.
            let mut out = File::options()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            std::io::Write::write_all(&mut out, file.contents)
                .with_context(|| format!("cannot write {}", path.display()))?;
            result.created.push(path);
        }
        Ok(result)
    }

    /// Adds `value` to the list `key` of `.vscode/settings.json`, keeping
    /// whatever else is there; a file we cannot read is left alone.
    pub fn add_editor_setting(&self, key: &str, value: serde_json::Value) -> Result<()> {
        let vscode = self.root.join(".vscode");
        let settings = vscode.join("settings.json");
        let mut json: serde_json::Value = match fs::read_to_string(&settings) {
            Ok(text) => match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(_) => return Ok(()),
            },
            Err(_) => serde_json::json!({}),
        };
        let Some(obj) = json.as_object_mut() else { return Ok(()) };
        let entry = obj.entry(key).or_insert_with(|| serde_json::json!([]));
        let Some(list) = entry.as_array_mut() else { return Ok(()) };
        if !list.contains(&value) {
            list.push(value);
        }
        fs::create_dir_all(&vscode).with_context(|| format!("cannot create {}", vscode.display()))?;
        let text = serde_json::to_string_pretty(&json).context("cannot serialize editor settings")?;
        fs::write(&settings, text + "\n").with_context(|| format!("cannot write {}", settings.display()))
    }

    /// The stub's files that grading needs (as `needed` tells) missing from the learner's folder.
    pub fn missing_files(&self, level: &Level, needed: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
        let dir = self.level_dir(&level.id);
        embedded::exercise(self.lang, &level.id)
            .into_iter()
            .filter(|f| needed(Path::new(&f.path)))
            .map(|f| dir.join(f.path))
            .filter(|p| !p.exists())
            .collect()
    }
}
