//! The wire format between `rush`, `rushd` and its workers (docs/protocol.md).
