//! Being written; see the runtime brief.
