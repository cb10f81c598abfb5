//! Parses the command line, then opens the store and dispatches (`cli::run`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = clientbook::cli::parse();
    match clientbook::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{}", clientbook::cli::error_line(&err));
            ExitCode::FAILURE
        }
    }
}
