//! Reading a program directory from the disk (feature `fs`; the rest of this
//! crate does no I/O).

use crate::program::SourceFile;
use std::path::Path;

/// A program directory's Markdown files and the paths of its other files,
/// relative to the directory with `/` separators, sorted. Hidden entries
/// (starting with `.`) are skipped.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProgramDir {
    pub files: Vec<SourceFile>,
    pub other_paths: Vec<String>,
}

/// Reads a program directory; errors name the path that failed.
pub fn read(root: &Path) -> Result<ProgramDir, String> {
    if !root.is_dir() {
        return Err(format!("{}: not a directory", root.display()));
    }
    let mut out = ProgramDir::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if relative.ends_with(".md") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: cannot read as UTF-8 text: {e}", path.display()))?;
                out.files.push(SourceFile {
                    path: relative,
                    text,
                });
            } else {
                out.other_paths.push(relative);
            }
        }
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out.other_paths.sort();
    Ok(out)
}

/// The default CSM program of this repository's content pack (for tests,
/// benchmarks and examples run from the source tree).
pub fn default_program_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/programs/csm-onboarding")
}
