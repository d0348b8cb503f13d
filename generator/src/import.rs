//! Importer (in progress).
