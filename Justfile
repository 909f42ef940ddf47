# Rush tasks. `just` with no arguments lists them.

# List the recipes
default:
    @just --list

# Build release binaries
build:
    cargo build --release

# Install rush and rushd into ~/.cargo/bin
install:
    cargo install --path . --locked

# Format the code
fmt:
    cargo fmt --all

# Check formatting and run clippy with warnings denied
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Run every test (what CI runs)
test:
    cargo test --workspace

# Benchmark rush against its peers in one run (a few minutes): table, target/bench/results.json, SVG plots
bench:
    cargo bench --bench harness

# The same with fewer samples, under two minutes (target/bench/quick/)
bench-quick:
    cargo bench --bench harness -- --quick

# Print two bench results side by side (e.g. Linux and macOS): just bench-compare A.json B.json
bench-compare A B:
    @RUSH_BENCH_CWD="{{invocation_directory()}}" cargo bench -q --bench harness -- compare "{{A}}" "{{B}}"

# Run the conformance cases against rush, dash and bash --posix
conformance:
    cargo build --release
    python3 benches/conformance.py

# Lint and test, as CI does
ci: lint test
