//! `workshop`: parse the command line, run it, map the outcome to an exit code.
//! 0: every check passed (or the command succeeded); 1: a check failed;
//! 2: a usage or environment error; 130: interrupted.

mod cache;
mod cli;
mod commands;
mod course;
mod embedded;
mod fixture;
mod grade;
mod lang;
mod mutants;
mod progress;
mod reflection;
mod report;
mod workspace;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    report::style::init();
    grade::run::install_interrupt_handler();
    match commands::dispatch(cli.command) {
        Ok(code) => code,
        Err(e) if grade::run::interrupted() => {
            // A command that was interrupted half-way says what is left to do.
            let message = e.to_string();
            eprintln!("{}", if message.starts_with("Interrupted") { message.as_str() } else { grade::INTERRUPTED });
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("{} {e:#}", report::style::error_label());
            ExitCode::from(2)
        }
    }
}
