//! Command-line plumbing shared by generated CLIs. (Being written.)
