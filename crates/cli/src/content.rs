//! Program directories, read from the disk or from the content pack built
//! into the binary.

use crate::error::{CliError, CliResult};
use include_dir::{Dir, include_dir};
use onramp_core::program::{Program, SourceFile, content_hash, parse_program};
use std::path::Path;

/// The default content pack (`content/` of the repository).
pub static CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../content");

/// The sample handbook (a Hugo site) inside the pack, imported by the demo.
pub const SAMPLE_HANDBOOK: &str = "sample-handbook";

/// The embedded default CSM program's directory inside the pack.
pub const DEFAULT_PROGRAM: &str = "programs/csm-onboarding";

pub use onramp_core::program_dir::ProgramDir;

/// Checks the files; on failure every problem is listed, one a line.
pub fn parse(dir: &ProgramDir) -> Result<Program, Vec<String>> {
    parse_program(&dir.files, &dir.other_paths)
        .map_err(|diags| diags.iter().map(ToString::to_string).collect())
}

pub fn hash(dir: &ProgramDir) -> String {
    content_hash(&dir.files)
}

/// Reads a program directory from the disk.
pub fn read_program_dir(root: &Path) -> CliResult<ProgramDir> {
    onramp_core::program_dir::read(root).map_err(CliError::Usage)
}

/// Reads a program directory of the embedded content pack.
pub fn embedded_program_dir(path: &str) -> CliResult<ProgramDir> {
    let dir = CONTENT
        .get_dir(path)
        .ok_or_else(|| CliError::Failed(format!("the built-in content pack has no {path}")))?;
    let mut out = ProgramDir::default();
    collect_embedded(dir, path, &mut out)?;
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out.other_paths.sort();
    Ok(out)
}

fn collect_embedded(dir: &Dir<'_>, root: &str, out: &mut ProgramDir) -> CliResult<()> {
    for file in dir.files() {
        let full = file.path().to_string_lossy().replace('\\', "/");
        let relative = full
            .strip_prefix(root)
            .unwrap_or(&full)
            .trim_start_matches('/')
            .to_string();
        if relative.ends_with(".md") {
            let text = file
                .contents_utf8()
                .ok_or_else(|| CliError::Failed(format!("built-in {full} is not UTF-8")))?;
            out.files.push(SourceFile {
                path: relative,
                text: text.to_string(),
            });
        } else {
            out.other_paths.push(relative);
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, root, out)?;
    }
    Ok(())
}
