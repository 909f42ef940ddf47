//! The `rushd` executable.

fn main() {
    std::process::exit(0);
}
