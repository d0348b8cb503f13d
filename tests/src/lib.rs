//! Integration tests and the local fake Live service.
