# Rush tasks. `just` with no arguments lists them.

# On x86_64 Linux rush ships as a static musl build once that Rust target is
# installed (`just musl`): it starts ~0.2 ms sooner than the static glibc
# build on a VM, because glibc's start-up code runs CPUID dozens of times
# and a VM traps each one (docs/architecture.md, "Which C library").
# Elsewhere, or without the target, the host's default target.
target := `if [ "$(uname -sm)" = "Linux x86_64" ] && rustup target list --installed 2>/dev/null | grep -qx x86_64-unknown-linux-musl; then echo "--target x86_64-unknown-linux-musl"; fi`

# List the recipes
default:
    @just --list

# Build release binaries
build:
    cargo build --release {{target}}

# Install rush and rushd into ~/.cargo/bin
install:
    cargo install --path . --locked {{target}}

# Install the Rust target of the static musl build (x86_64 Linux)
musl:
    rustup target add x86_64-unknown-linux-musl

# Format the code
fmt:
    cargo fmt --all

# Check formatting and run clippy with warnings denied
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    {{ if target == "" { "true" } else { "cargo clippy --workspace --all-targets " + target + " -- -D warnings" } }}

# Run every test (what CI runs; CI also runs them on the musl build)
test:
    cargo test --workspace {{target}}

# Benchmark rush against its peers in one run (a few minutes): table, target/bench/results.json, SVG plots
bench:
    cargo bench --bench harness {{target}}

# The same with fewer samples, under two minutes (target/bench/quick/)
bench-quick:
    cargo bench --bench harness {{target}} -- --quick

# Print two bench results side by side (e.g. Linux and macOS): just bench-compare A.json B.json
bench-compare A B:
    @RUSH_BENCH_CWD="{{invocation_directory()}}" cargo bench -q --bench harness -- compare "{{A}}" "{{B}}"

# Load: 64 concurrent clients, 50,000 jobs, bad input and faults injected (~20 s, after a release build of ~2.5 min the first time, on 2 cores; gives up after 30 min)
load:
    RUSH_LOAD_MODE=load cargo bench --bench load {{target}}

# Endurance: 100,000 jobs with faults; the daemon's fds and RSS before, during and after (~35-45 s after the build; gives up after 30 min)
endurance:
    RUSH_LOAD_MODE=endurance cargo bench --bench load {{target}}

# Run the conformance cases against rush, dash and bash --posix
conformance:
    cargo build --release {{target}}
    python3 benches/conformance.py {{ if target == "" { "target/release/rush" } else { "target/x86_64-unknown-linux-musl/release/rush" } }}

# Regenerate src/bin/rush-hot.ld, the functions laid out first in rush's text (Linux x86_64, after a change to the start-up path)
hot-text:
    cargo build --release --target x86_64-unknown-linux-musl
    python3 benches/hot_text.py target/x86_64-unknown-linux-musl/release/rush
    cargo build --release --target x86_64-unknown-linux-musl

# Check that the hot-text list still names every function a short start runs (CI does)
hot-text-check:
    cargo build --release --target x86_64-unknown-linux-musl
    python3 benches/hot_text.py --check target/x86_64-unknown-linux-musl/release/rush

# Lint and test, as CI does
ci: lint test
