//! Programs the tests run beside clientbook. A test never passes by skipping one:
//! a program from the base system must be there (the test fails, naming it), and a
//! tool from PyPI is installed on first use into a virtual environment under
//! `target/test-tools/` (`.ci/run` does the same before the tests).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// A program of the base system (`setpriv` from util-linux, `chattr` from e2fsprogs).
pub fn system(program: &str) -> PathBuf {
    let out = Command::new("which").arg(program).output();
    let path = out
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|p| !p.is_empty());
    PathBuf::from(
        path.unwrap_or_else(|| {
            panic!("{program} is not installed: this test needs it (see .ci/run)")
        }),
    )
}

/// The virtual environment of the PyPI tools the tests use.
fn venv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/venv")
}

/// Serialises installs: tests run in parallel threads.
static INSTALLING: Mutex<()> = Mutex::new(());

/// A command-line tool from PyPI (`package` provides `program`), installed into the
/// tests' virtual environment when it is not there yet.
pub fn pypi(package: &str, program: &str) -> PathBuf {
    let _guard = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    let bin = venv().join("bin").join(program);
    if bin.exists() {
        return bin;
    }
    if !venv().join("bin/pip").exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(venv())
            .status()
            .expect("python3 runs");
        assert!(
            made.success(),
            "python3 -m venv {} failed",
            venv().display()
        );
    }
    let installed = Command::new(venv().join("bin/pip"))
        .args(["install", "--quiet", package])
        .status()
        .expect("pip runs");
    assert!(
        installed.success() && bin.exists(),
        "pip install {package} failed: the test needs {program}"
    );
    bin
}
