//! The learner's workspace: a folder holding `.workshop/` (progress, build
//! cache, lock) and one crate folder per started level.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::course::Level;
use crate::embedded;
use crate::progress::{self, Progress};

pub const META_DIR: &str = ".workshop";

const RUST_ANALYZER_TOML: &str = "# Written by `workshop start`; edit freely.
# rust-analyzer checks this crate in target/rust-analyzer, a folder of its own,
# so it never waits on `cargo test` or on `workshop check`.
[cargo]
targetDir = true
";

pub struct Workspace {
    pub root: PathBuf,
}

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
    pub fn find(from: &Path) -> Option<Workspace> {
        from.ancestors().find(|dir| dir.join(META_DIR).is_dir()).map(|root| Workspace { root: root.to_path_buf() })
    }

    /// Makes `root` a workspace (idempotent).
    pub fn create(root: &Path) -> Result<Workspace> {
        let meta = root.join(META_DIR);
        fs::create_dir_all(&meta).with_context(|| format!("cannot create {}", meta.display()))?;
        fs::write(meta.join(".gitignore"), "build/\ntarget/\ntarget-own-tests/\nsolutions/\nlock\n")
            .with_context(|| format!("cannot write {}", meta.join(".gitignore").display()))?;
        Ok(Workspace { root: root.to_path_buf() })
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

    /// The cargo target dir shared by every check, kept warm between runs.
    pub fn target_dir(&self) -> PathBuf {
        self.meta_dir().join("target")
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
        for file in embedded::exercise(&level.id) {
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

    /// Editor settings, so rust-analyzer finds the level crate when the
    /// workspace folder is opened, and builds into its own folder: it never
    /// waits on `cargo test` and never touches the grader's `.workshop/target`.
    /// Existing settings are kept; a file we cannot read is left alone.
    pub fn write_editor_settings(&self, level: &Level) -> Result<()> {
        let ra = self.level_dir(&level.id).join("rust-analyzer.toml");
        if !ra.exists() {
            fs::write(&ra, RUST_ANALYZER_TOML).with_context(|| format!("cannot write {}", ra.display()))?;
        }
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
        let projects = obj.entry("rust-analyzer.linkedProjects").or_insert_with(|| serde_json::json!([]));
        let Some(list) = projects.as_array_mut() else { return Ok(()) };
        let manifest = serde_json::Value::String(format!("{}/Cargo.toml", level.id));
        if !list.contains(&manifest) {
            list.push(manifest);
        }
        fs::create_dir_all(&vscode).with_context(|| format!("cannot create {}", vscode.display()))?;
        let text = serde_json::to_string_pretty(&json).context("cannot serialize editor settings")?;
        fs::write(&settings, text + "\n").with_context(|| format!("cannot write {}", settings.display()))
    }

    /// The stub's source files that are missing from the learner's folder.
    pub fn missing_files(&self, level: &Level) -> Vec<PathBuf> {
        let dir = self.level_dir(&level.id);
        embedded::exercise(&level.id)
            .into_iter()
            .filter(|f| f.path == "Cargo.toml" || f.path.ends_with(".rs"))
            .map(|f| dir.join(f.path))
            .filter(|p| !p.exists())
            .collect()
    }
}
