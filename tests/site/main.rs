//! Integration tests: fixture sites built into temporary folders and checked like a
//! reader would, with a real HTML parser.

mod atomic;
mod build;
mod cli;
mod hostile;
mod huge;
mod support;
