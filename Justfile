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

# Load: 64 concurrent clients, 50,000 jobs, bad input and faults injected (~20 s, after a release build of ~2.5 min the first time, on 2 cores; gives up after 30 min)
load:
    RUSH_LOAD_MODE=load cargo bench --bench load

# Endurance: 100,000 jobs with faults; the daemon's fds and RSS before, during and after (~35-45 s after the build; gives up after 30 min)
endurance:
    RUSH_LOAD_MODE=endurance cargo bench --bench load

# Run the conformance cases against rush, dash and bash --posix
conformance:
    cargo build --release
    python3 benches/conformance.py

# Lint and test, as CI does
ci: lint test
