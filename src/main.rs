//! The `kdeck` binary: everything lives in the library so tests can use it.

fn main() -> std::process::ExitCode {
    kdeck::main_entry()
}
