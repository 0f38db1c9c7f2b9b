//! What both benches need: where the repository is, a reference solution's
//! files, and an edit that makes a check measure again.

use std::fs;
use std::path::{Path, PathBuf};

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Copies the files under `from` into `to`, subfolders included (a reference
/// may keep modules in folders: Deep Thought's `src/store/postings.rs`).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A real edit to the learner's `main` file (`lib.rs` or `index.ts`): its
/// contents change, so the tools must see it again. In TypeScript it is a
/// statement every check's code reaches, so no verdict is kept (a comment
/// would keep them all): every check runs and measures again.
pub fn edit_every_check_reaches(main: &Path, n: usize) {
    let mut text = fs::read_to_string(main).unwrap();
    if main.extension().is_some_and(|e| e == "ts") {
        text.push_str(&format!("(globalThis as Record<string, unknown>).benchEdit = {n};\n"));
    } else {
        text.push_str(&format!("// edit {n}\n"));
    }
    fs::write(main, text).unwrap();
}
