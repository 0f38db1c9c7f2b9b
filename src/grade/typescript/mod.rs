//! The TypeScript track's toolchain (in progress).

use std::path::Path;

use anyhow::{Result, bail};

use super::run::Limits;
use super::toolchain::{Build, Toolchain};
use super::verdict::{CheckResult, Status};
use super::{Events, Options};
use crate::course::{Check, Level};

use crate::workspace::Workspace;

pub struct TypeScript;

pub static TYPESCRIPT: TypeScript = TypeScript;

impl Toolchain for TypeScript {
    fn check_installed(&self) -> Result<()> {
        bail!("the TypeScript track is not in this build yet")
    }
    fn prepare_workspace(&self, _ws: &Workspace) -> Result<()> {
        Ok(())
    }
    fn editor_settings(&self, _ws: &Workspace, _level: &Level) -> Result<()> {
        Ok(())
    }
    fn level_marker(&self) -> &'static str {
        "package.json"
    }
    fn is_source(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "ts" || e == "json")
    }
    fn is_code(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "ts")
    }
    fn tool_dirs(&self) -> &'static [&'static str] {
        &["node_modules"]
    }
    fn cache_dirs(&self) -> &'static [&'static str] {
        &[]
    }
    fn build(&self, _ws: &Workspace, _level: &Level, _options: &Options, _events: Events) -> Result<Build> {
        bail!("the TypeScript track is not in this build yet")
    }
    fn prepare_warm(&self, _ws: &Workspace, _level: &Level) -> Result<()> {
        Ok(())
    }
    fn run_warm(&self, _ws: &Workspace, _level: &Level) -> Result<()> {
        Ok(())
    }
    fn own_tests(&self, _ws: &Workspace, _level: &Level, _check: &Check) -> Result<CheckResult> {
        bail!("the TypeScript track is not in this build yet")
    }
    fn read_crash(&self, _stderr: &str, _limits: Limits) -> Option<(Status, String)> {
        None
    }
    fn describe_panic(&self, message: &str) -> String {
        message.to_string()
    }
}
