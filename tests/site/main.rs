//! Integration tests: fixture sites built into temporary folders and checked like a
//! reader would, with a real HTML parser.

mod build;
mod cli;
mod extraction;
mod insights;
mod support;
