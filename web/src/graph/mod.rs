//! Graphs of RRD files (being built).
