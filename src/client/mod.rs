//! The client half of `rush`: decide whether a daemon serves, and hand it the job.
