//! Which code each check runs, as a fingerprint, so that a check whose code
//! did not change keeps its verdict. esbuild bundles every check on its own,
//! tree-shaken, and a check's fingerprint hashes its bundle: an edit to one
//! function changes the fingerprints of the checks that can reach it, and
//! only theirs. (Code splitting would be cheaper, but esbuild puts what an
//! `export *` re-exports into a chunk every check imports.)

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::build::{self, Prepared};
use super::node;
use crate::course::Level;
use crate::embedded;
use crate::grade::run::{self, Exit};
use crate::lang::Lang;
use crate::workspace::Workspace;

/// One harness check of a level: `check('<id>', <module>.<export>)` in the
/// level's index.ts, whose `import * as <module> from './<file>'` names its file.
#[derive(Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    pub file: String,
    pub export: String,
}

/// The checks of a level's index.ts; a line of another shape has no entry,
/// and its check simply runs every time.
pub fn entries(index_ts: &str) -> Vec<Entry> {
    let mut modules = HashMap::new();
    let mut out = Vec::new();
    for line in index_ts.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("import * as ")
            && let Some((name, from)) = rest.split_once(" from './")
            && let Some(file) = from.strip_suffix("';")
        {
            modules.insert(name.to_string(), file.to_string());
        } else if let Some(rest) = line.strip_prefix("check('").or_else(|| line.strip_prefix("perf('"))
            && let Some((id, call)) = rest.split_once("', ")
            && let Some((module, export)) = call.strip_suffix("),").and_then(|c| c.split_once('.'))
            && let Some(file) = modules.get(module)
            && export.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            out.push(Entry { id: id.to_string(), file: file.clone(), export: export.to_string() });
        }
    }
    out
}

/// The metafile's outputs: what each file imports.
#[derive(Deserialize)]
struct Meta {
    outputs: HashMap<String, Output>,
}

#[derive(Deserialize)]
struct Output {
    #[serde(default)]
    imports: Vec<Import>,
    #[serde(rename = "entryPoint")]
    entry_point: Option<String>,
}

#[derive(Deserialize)]
struct Import {
    path: String,
    #[serde(default)]
    external: bool,
}

/// The work of `fingerprints`, ready to run on a thread of its own.
pub fn split(ws: &Workspace, level: &Level, prepared: &Prepared) -> impl FnOnce() -> HashMap<String, String> + use<> {
    let (root, level) = (ws.root.clone(), level.id.clone());
    let (dir, aliases) = (prepared.dir.clone(), build::aliases(ws, prepared));
    move || fingerprints(&root, &level, &dir, &aliases)
}

/// Each check's fingerprint, by id. Empty when the checks cannot be split
/// (then every check runs, as if nothing had run before).
fn fingerprints(root: &Path, level: &str, build_dir: &Path, aliases: &[String]) -> HashMap<String, String> {
    let Some(index) = embedded::checks(Lang::TypeScript, level).into_iter().find(|f| f.path == "index.ts") else {
        return HashMap::new();
    };
    let entries = entries(index.text());
    let dir = build_dir.join(build::IMPACT_DIR);
    let (src, out, meta) = (dir.join("src"), dir.join("out"), dir.join("meta.json"));
    let _ = fs::remove_dir_all(&dir);
    if fs::create_dir_all(&src).is_err() {
        return HashMap::new();
    }
    let mut by_entry = HashMap::new();
    for (n, e) in entries.iter().enumerate() {
        // Numbered: an id may hold characters a file name should not.
        let file = src.join(format!("c{n}.ts"));
        let text = format!("export {{ {} }} from '../../{level}/{}';\n", e.export, e.file);
        if fs::write(&file, text).is_err() {
            return HashMap::new();
        }
        by_entry.insert(format!("c{n}.ts"), e.id.clone());
    }
    let mut cmd = Command::new(node::bin(root, "esbuild"));
    cmd.args(entries.iter().enumerate().map(|(n, _)| src.join(format!("c{n}.ts"))))
        .args(["--bundle", "--platform=node", "--target=node20", "--format=esm", "--packages=external"])
        .args(["--log-level=error", "--color=false"])
        .arg(format!("--outdir={}", out.display()))
        .arg(format!("--metafile={}", meta.display()))
        .args(aliases)
        .current_dir(root);
    let built = run::run_limited(cmd, build::TOOL_TIMEOUT, None).is_ok_and(|raw| raw.exit == Exit::Exited(0));
    let parsed = built.then(|| fs::read_to_string(&meta).ok()).flatten();
    let Some(meta) = parsed.and_then(|text| serde_json::from_str::<Meta>(&text).ok()) else {
        return HashMap::new();
    };
    // The installed packages and node itself are outside the bundles: they count too.
    let node = node::located(&node::node()).and_then(|p| Some((fs::metadata(&p).ok()?.modified().ok()?, p)));
    let outside = (fs::read(root.join("package-lock.json")).ok(), node);
    let mut prints = HashMap::new();
    for (path, output) in &meta.outputs {
        let Some(entry) = &output.entry_point else { continue };
        let Some(id) = Path::new(entry).file_name().and_then(|n| by_entry.get(n.to_string_lossy().as_ref())) else {
            continue;
        };
        if let Some(print) = fingerprint(root, path, &meta, &outside) {
            prints.insert(id.clone(), print);
        }
    }
    prints
}

/// Hashes `path` and every file it imports, transitively, in a fixed order.
fn fingerprint(root: &Path, path: &str, meta: &Meta, outside: &impl Hash) -> Option<String> {
    let mut h = DefaultHasher::new();
    outside.hash(&mut h);
    let mut seen = HashSet::new();
    let mut todo = vec![path.to_string()];
    let mut files: Vec<String> = Vec::new();
    while let Some(p) = todo.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        let output = meta.outputs.get(&p)?;
        for import in &output.imports {
            if import.external {
                import.path.hash(&mut h);
            } else {
                todo.push(import.path.clone());
            }
        }
        files.push(p);
    }
    files.sort();
    for f in files {
        // Chunk names carry a hash of their content, but the content itself decides.
        f.hash(&mut h);
        fs::read(PathBuf::from(root).join(&f)).ok()?.hash(&mut h);
    }
    Some(format!("{:016x}", h.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_checks_of_an_index() {
        let index = "import { check, perf, type Test } from '../harness';\n\
                     import * as ot from './ot';\n\
                     import * as scale from './scale';\n\
                     export const tests: Test[] = [\n\
                     \x20 check('ot.compose', ot.compose),\n\
                     \x20 perf('perf.search-1m', scale.search),\n\
                     \x20 check('odd.one', () => ot.compose()),\n\
                     \x20 check('odd.two', nowhere.fn),\n\
                     ];\n";
        let e = |id: &str, file: &str, export: &str| Entry { id: id.into(), file: file.into(), export: export.into() };
        assert_eq!(entries(index), vec![e("ot.compose", "ot", "compose"), e("perf.search-1m", "scale", "search")]);
    }

    #[test]
    fn every_harness_check_of_every_level_has_an_entry() {
        let course = crate::course::Course::embedded(Lang::TypeScript);
        for level in &course.levels {
            let index = embedded::checks(Lang::TypeScript, &level.id).into_iter().find(|f| f.path == "index.ts");
            let entries = entries(index.expect("every level has an index.ts").text());
            let harness = level
                .checks
                .iter()
                .filter(|c| matches!(c.kind, crate::course::CheckKind::Test | crate::course::CheckKind::Perf));
            for check in harness {
                assert!(
                    entries.iter().any(|e| e.id == check.id),
                    "{}: {} has no entry, so it would run on every check",
                    level.id,
                    check.id
                );
            }
        }
    }
}
