// include_dir! cannot tell cargo which files it read; without this, editing a
// level's files would not rebuild the binary that embeds them.
fn main() {
    for dir in ["levels.toml", "exercises", "solutions", "checks", "tests/fixtures"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
