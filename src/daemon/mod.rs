//! `rushd`: the completion loop, connections, worker pool and workers.
