//! Parses the command line, then opens the store and dispatches (`cli::run`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = clientbook::cli::parse();
    match clientbook::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of the output went away (`| head`): what it wanted, it got.
        Err(err) if clientbook::cli::output::is_closed_output(&err) => ExitCode::SUCCESS,
        Err(err) => {
            clientbook::cli::output::tell(&clientbook::cli::error_line(&err));
            ExitCode::FAILURE
        }
    }
}
