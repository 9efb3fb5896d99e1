//! Renderers and output files. Files are checked before a run starts (a bad
//! path fails in a second, not after an hour) and written whole at the end
//! through a temporary file and a rename, so a crash never leaves half a
//! file; `-` means standard output.

pub mod terminal;

use crate::Error;
use std::io::Write;
use std::path::Path;

fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Fails early if `path` cannot be written (its folder does not exist).
pub fn check_writable(path: &Path) -> Result<(), Error> {
    if is_stdout(path) {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::Output {
            path: path.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, format!("folder '{}' does not exist", dir.display())),
        });
    }
    if path.is_dir() {
        return Err(Error::Output {
            path: path.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a folder, expected a file name"),
        });
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically, or to `out` for `-`.
pub fn write(path: &Path, bytes: &[u8], out: &mut dyn Write) -> Result<(), Error> {
    let fail = |source| Error::Output { path: path.display().to_string(), source };
    if is_stdout(path) {
        return out.write_all(bytes).and_then(|_| out.flush()).map_err(fail);
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// Pretty JSON with a trailing newline.
pub fn json_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(value).expect("summaries serialize");
    v.push(b'\n');
    v
}
